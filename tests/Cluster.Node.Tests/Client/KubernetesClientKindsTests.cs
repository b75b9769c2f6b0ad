using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Node.Tests.Kubectl;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Cluster.Node.Tests.Client;

/// <summary>
/// Every named group's kind through the official client's generic operations (its CustomObjects API, which takes any
/// group, version and plural): create, get, list with a label selector and with pages, replace with a stale
/// resourceVersion (409), merge and JSON patches, delete with propagation. The core group's kinds have typed tests.
/// </summary>
public sealed class KubernetesClientKindsTests(KubernetesClientKindsTests.Cluster cluster) : IClassFixture<KubernetesClientKindsTests.Cluster>
{
    /// <summary>
    /// A node without controllers, as upstream's API tests run without a controller manager: a controller writing a
    /// sample's status between a test's read and its replace would fail the replace with 409.
    /// </summary>
    public sealed class Cluster : KubectlCluster
    {
        protected override string Controllers => string.Join(",", global::Cluster.Controllers.Hosting.ControllerSettings.Known.Select(k => "-" + k));
    }

    private const string Ns = "typed-kinds";
    private const string Template = """{"metadata":{"labels":{"app":"k"}},"spec":{"containers":[{"name":"app","image":"busybox"}]}}""";
    private const string Selector = """{"matchLabels":{"app":"k"}}""";

    public static TheoryData<string, string, string, bool, string> Kinds() => new()
    {
        { "rbac.authorization.k8s.io", "v1", "roles", true, """{"kind":"Role","rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]}""" },
        { "rbac.authorization.k8s.io", "v1", "clusterroles", false, """{"kind":"ClusterRole","rules":[{"nonResourceURLs":["/healthz"],"verbs":["get"]}]}""" },
        { "rbac.authorization.k8s.io", "v1", "rolebindings", true, """{"kind":"RoleBinding","roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r"},"subjects":[{"kind":"User","name":"alice"}]}""" },
        { "rbac.authorization.k8s.io", "v1", "clusterrolebindings", false, """{"kind":"ClusterRoleBinding","roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"r"},"subjects":[{"kind":"Group","name":"devs"}]}""" },
        { "scheduling.k8s.io", "v1", "priorityclasses", false, """{"kind":"PriorityClass","value":100}""" },
        { "policy", "v1", "poddisruptionbudgets", true, """{"kind":"PodDisruptionBudget","spec":{"minAvailable":1,"selector":""" + Selector + """}}""" },
        { "networking.k8s.io", "v1", "ingresses", true, """{"kind":"Ingress","spec":{"defaultBackend":{"service":{"name":"web","port":{"number":80}}}}}""" },
        { "networking.k8s.io", "v1", "ingressclasses", false, """{"kind":"IngressClass","spec":{"controller":"example.com/ingress"}}""" },
        { "networking.k8s.io", "v1", "networkpolicies", true, """{"kind":"NetworkPolicy","spec":{"podSelector":{}}}""" },
        { "discovery.k8s.io", "v1", "endpointslices", true, """{"kind":"EndpointSlice","addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"]}]}""" },
        { "storage.k8s.io", "v1", "storageclasses", false, """{"kind":"StorageClass","provisioner":"example.com/disk"}""" },
        { "coordination.k8s.io", "v1", "leases", true, """{"kind":"Lease","spec":{"holderIdentity":"me"}}""" },
        { "apps", "v1", "deployments", true, """{"kind":"Deployment","spec":{"selector":""" + Selector + ""","template":""" + Template + """}}""" },
        { "apps", "v1", "replicasets", true, """{"kind":"ReplicaSet","spec":{"selector":""" + Selector + ""","template":""" + Template + """}}""" },
        { "apps", "v1", "daemonsets", true, """{"kind":"DaemonSet","spec":{"selector":""" + Selector + ""","template":""" + Template + """}}""" },
        { "apps", "v1", "statefulsets", true, """{"kind":"StatefulSet","spec":{"serviceName":"k","selector":""" + Selector + ""","template":""" + Template + """}}""" },
        { "apps", "v1", "controllerrevisions", true, """{"kind":"ControllerRevision","revision":1,"data":{"spec":{}}}""" },
        { "batch", "v1", "jobs", true, """{"kind":"Job","spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"app","image":"busybox"}]}}}}""" },
        { "batch", "v1", "cronjobs", true, """{"kind":"CronJob","spec":{"schedule":"*/5 * * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"app","image":"busybox"}]}}}}}}""" },
        { "autoscaling", "v2", "horizontalpodautoscalers", true, """{"kind":"HorizontalPodAutoscaler","spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":3}}""" },
        { "autoscaling", "v1", "horizontalpodautoscalers", true, """{"kind":"HorizontalPodAutoscaler","spec":{"scaleTargetRef":{"kind":"Deployment","name":"web"},"maxReplicas":3,"targetCPUUtilizationPercentage":50}}""" },
        { "events.k8s.io", "v1", "events", true, """{"kind":"Event","eventTime":"2026-01-01T00:00:00.000000Z","reportingController":"example.com/c","reportingInstance":"c-1","action":"Act","reason":"Why","type":"Normal","regarding":{"kind":"Pod","name":"p","namespace":"typed-kinds"}}""" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task GenericOperations_EveryNamedGroupKind_BehaveAsUpstream(string group, string version, string plural, bool namespaced, string sample)
    {
        using var client = cluster.Client();
        await EnsureNamespaceAsync(client);
        var api = new Api(client.CustomObjects, group, version, plural, namespaced ? Ns : null);
        var suite = version + "-" + plural[..Math.Min(plural.Length, 12)];
        var prefix = suite + "-";

        foreach (var set in new[] { "a", "b", "c" })
        {
            var body = JsonNode.Parse(sample)!.AsObject();
            body["apiVersion"] = group + "/" + version;
            body["metadata"] = new JsonObject { ["name"] = prefix + set, ["labels"] = new JsonObject { ["set"] = set, ["suite"] = suite } };
            var created = await api.CreateAsync(body);
            Assert.Equal(prefix + set, created["metadata"]!["name"]!.GetValue<string>());
        }

        var read = await api.GetAsync(prefix + "b");
        Assert.Equal(group + "/" + version, read["apiVersion"]!.GetValue<string>());
        Assert.Equal([prefix + "b"], Names(await api.ListAsync("suite=" + suite + ",set=b")));
        var page = await api.ListAsync("suite=" + suite, limit: 2);
        var rest = await api.ListAsync("suite=" + suite, limit: 2, continueToken: page["metadata"]!["continue"]!.GetValue<string>());
        Assert.Equal([prefix + "a", prefix + "b", prefix + "c"], [.. Names(page), .. Names(rest)]);

        await api.PatchAsync(prefix + "a", new V1Patch("""{"metadata":{"labels":{"patched":"merge"}}}""", V1Patch.PatchType.MergePatch));
        var current = await api.GetAsync(prefix + "a");
        current["metadata"]!["labels"]!["replaced"] = "yes";
        await api.ReplaceAsync(prefix + "a", current.AsObject());
        await api.PatchAsync(prefix + "a", new V1Patch("""[{"op":"add","path":"/metadata/labels/json","value":"patch"}]""", V1Patch.PatchType.JsonPatch));
        Assert.Equal([prefix + "a"], Names(await api.ListAsync("suite=" + suite + ",patched=merge,replaced=yes,json=patch")));

        var staleReplace = await api.GetAsync(prefix + "c");
        await api.PatchAsync(prefix + "c", new V1Patch("""{"metadata":{"labels":{"moved":"on"}}}""", V1Patch.PatchType.MergePatch));
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => api.ReplaceAsync(prefix + "c", staleReplace.AsObject()));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);

        foreach (var set in new[] { "a", "b", "c" })
        {
            await api.DeleteAsync(prefix + set, "Background");
        }

        Assert.Empty(Names(await api.ListAsync("suite=" + suite)));
    }

    private static string[] Names(JsonNode list) => [.. list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>())];

    private static async Task EnsureNamespaceAsync(IKubernetes client)
    {
        try
        {
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
        }
    }

    /// <summary>One kind's generic operations, namespaced or cluster-scoped, with answers as JSON trees.</summary>
    private sealed class Api(ICustomObjectsOperations objects, string group, string version, string plural, string? ns)
    {
        public async Task<JsonNode> CreateAsync(JsonObject body) => Tree(ns is null
            ? await objects.CreateClusterCustomObjectAsync(body, group, version, plural)
            : await objects.CreateNamespacedCustomObjectAsync(body, group, version, ns, plural));

        public async Task<JsonNode> GetAsync(string name) => Tree(ns is null
            ? await objects.GetClusterCustomObjectAsync(group, version, plural, name)
            : await objects.GetNamespacedCustomObjectAsync(group, version, ns, plural, name));

        public async Task<JsonNode> ListAsync(string labelSelector, int? limit = null, string? continueToken = null) => Tree(ns is null
            ? await objects.ListClusterCustomObjectAsync(group, version, plural, continueParameter: continueToken, labelSelector: labelSelector, limit: limit)
            : await objects.ListNamespacedCustomObjectAsync(group, version, ns, plural, continueParameter: continueToken, labelSelector: labelSelector, limit: limit));

        public async Task ReplaceAsync(string name, JsonObject body) => await (ns is null
            ? objects.ReplaceClusterCustomObjectAsync(body, group, version, plural, name)
            : objects.ReplaceNamespacedCustomObjectAsync(body, group, version, ns, plural, name));

        public async Task PatchAsync(string name, V1Patch patch) => await (ns is null
            ? objects.PatchClusterCustomObjectAsync(patch, group, version, plural, name)
            : objects.PatchNamespacedCustomObjectAsync(patch, group, version, ns, plural, name));

        public async Task DeleteAsync(string name, string propagation) => await (ns is null
            ? objects.DeleteClusterCustomObjectAsync(group, version, plural, name, propagationPolicy: propagation)
            : objects.DeleteNamespacedCustomObjectAsync(group, version, ns, plural, name, propagationPolicy: propagation));

        private static JsonNode Tree(object answer) => JsonNode.Parse(JsonSerializer.Serialize(answer))!;
    }
}
