using System.Net;
using System.Text.Json.Nodes;
using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Security;

/// <summary>ServiceAccounts through the real kubectl: tokens from <c>kubectl create token</c> as bearer credentials, TokenReview, the default ServiceAccount.</summary>
public sealed class ServiceAccountKubectlTests(SecureCluster cluster) : IClassFixture<SecureCluster>
{
    [Fact]
    public async Task CreateToken_ViewBinding_ListsPodsButCannotDelete_ReviewAndWhoamiAgree()
    {
        KubectlAssert.StdOutLines(await cluster.RunAsync("create", "sa", "robot", "-n", "default"), "serviceaccount/robot created");
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "rolebinding", "robot-view", "-n", "default", "--clusterrole=view", "--serviceaccount=default:robot"));
        var token = (await cluster.OutputAsync("create", "token", "robot", "-n", "default")).Trim();

        using var robot = cluster.Https(certificate: null, bearer: token);
        Assert.Equal(HttpStatusCode.OK, (await robot.GetAsync(new Uri("/api/v1/namespaces/default/pods", UriKind.Relative))).StatusCode);
        using var delete = await robot.DeleteAsync(new Uri("/api/v1/namespaces/default/pods/anything", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Contains("User \\\"system:serviceaccount:default:robot\\\" cannot delete resource \\\"pods\\\"", await delete.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var review = await ReviewAsync(token);
        Assert.True(review["authenticated"]!.GetValue<bool>());
        Assert.Equal("system:serviceaccount:default:robot", review["user"]!["username"]!.GetValue<string>());
        Assert.Equal("[\"system:serviceaccounts\",\"system:serviceaccounts:default\",\"system:authenticated\"]", review["user"]!["groups"]!.ToJsonString());
        Assert.Equal(await cluster.JsonPathAsync("sa/robot", "default", "{.metadata.uid}"), review["user"]!["uid"]!.GetValue<string>());
        Assert.Equal("[\"https://kubernetes.default.svc.cluster.local\"]", review["audiences"]!.ToJsonString());

        var whoami = KubectlAssert.Succeeded(await AsTokenAsync(token, "auth", "whoami"));
        Assert.Contains("system:serviceaccount:default:robot", whoami.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateToken_OtherAudienceAndDuration_OnlyReviewForThatAudienceAccepts()
    {
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "sa", "vaulted", "-n", "default"));
        var token = (await cluster.OutputAsync("create", "token", "vaulted", "-n", "default", "--audience", "vault", "--duration", "10m")).Trim();

        using var client = cluster.Https(certificate: null, bearer: token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/api/v1/namespaces/default/pods", UriKind.Relative))).StatusCode);
        Assert.False((await ReviewAsync(token))["authenticated"]!.GetValue<bool>());
        var review = await ReviewAsync(token, "vault");
        Assert.True(review["authenticated"]!.GetValue<bool>());
        Assert.Equal("[\"vault\"]", review["audiences"]!.ToJsonString());

        var tooShort = await cluster.RunAsync("create", "token", "vaulted", "-n", "default", "--duration", "5m");
        KubectlAssert.FailedWith(tooShort, "may not specify a duration less than 10 minutes");
    }

    [Fact]
    public async Task Token_ServiceAccountDeleted_Unauthorized()
    {
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "sa", "shortlived", "-n", "default"));
        var token = (await cluster.OutputAsync("create", "token", "shortlived", "-n", "default")).Trim();
        KubectlAssert.Succeeded(await AsTokenAsync(token, "auth", "whoami"));

        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "sa", "shortlived", "-n", "default"));

        await Poll.UntilAsync(async () => (await AsTokenAsync(token, "auth", "whoami")).ExitCode != 0, "the token refused after its ServiceAccount was deleted");
        KubectlAssert.FailedWith(await AsTokenAsync(token, "auth", "whoami"), "error: You must be logged in to the server (Unauthorized)");
        KubectlAssert.FailedWith(await cluster.RunAsync("create", "token", "shortlived", "-n", "default"), "serviceaccounts \"shortlived\" not found");
    }

    [Fact]
    public async Task TokenBoundToPod_NamesThePod_DiesWithIt()
    {
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "sa", "runner", "-n", "default"));
        KubectlAssert.Succeeded(await cluster.RunAsync("run", "bound", "-n", "default", "--image=busybox", "--overrides={\"spec\":{\"serviceAccountName\":\"runner\"}}"));
        var token = (await cluster.OutputAsync("create", "token", "runner", "-n", "default", "--bound-object-kind", "Pod", "--bound-object-name", "bound")).Trim();

        var review = await ReviewAsync(token);
        Assert.Equal("[\"bound\"]", review["user"]!["extra"]!["authentication.kubernetes.io/pod-name"]!.ToJsonString());
        Assert.Equal("[\"" + await cluster.JsonPathAsync("pod/bound", "default", "{.metadata.uid}") + "\"]", review["user"]!["extra"]!["authentication.kubernetes.io/pod-uid"]!.ToJsonString());

        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "pod", "bound", "-n", "default", "--grace-period=0", "--force"));

        await Poll.UntilAsync(async () => !(await ReviewAsync(token))["authenticated"]!.GetValue<bool>(), "the token refused after its pod was deleted");
        Assert.Equal("the pod default/bound the token is bound to no longer exists", (await ReviewAsync(token))["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task NewNamespace_GetsDefaultServiceAccountAndRootCa_RecreatedWhenDeleted()
    {
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", "fresh"));

        await Poll.UntilAsync(async () => (await cluster.RunAsync("get", "sa", "default", "-n", "fresh")).ExitCode == 0, "the default ServiceAccount in fresh");
        await Poll.UntilAsync(async () => (await cluster.RunAsync("get", "configmap", "kube-root-ca.crt", "-n", "fresh")).ExitCode == 0, "kube-root-ca.crt in fresh");
        var ca = await cluster.JsonPathAsync("configmap/kube-root-ca.crt", "fresh", "{.data.ca\\.crt}");
        Assert.Equal((await File.ReadAllTextAsync(cluster.CaCertificatePath)).Trim(), ca.Trim());

        var uid = await cluster.JsonPathAsync("sa/default", "fresh", "{.metadata.uid}");
        KubectlAssert.Succeeded(await cluster.RunAsync("delete", "sa", "default", "-n", "fresh"));
        await Poll.UntilAsync(async () => (await cluster.RunAsync("get", "sa", "default", "-n", "fresh", "-o", "jsonpath={.metadata.uid}")) is { ExitCode: 0 } r && r.StdOut.Trim() != uid, "the default ServiceAccount recreated");
    }

    /// <summary>kubectl with no kubeconfig credentials but the bearer token (a client certificate would win over it).</summary>
    private Task<KubectlResult> AsTokenAsync(string token, params string[] args) =>
        cluster.RunWithEnvironmentAsync(new Dictionary<string, string> { ["KUBECONFIG"] = "/dev/null" },
            [.. args, "--server", cluster.Server.ToString(), "--certificate-authority", cluster.CaCertificatePath, "--token", token]);

    /// <summary>A TokenReview posted as admin; answers its status.</summary>
    private async Task<JsonNode> ReviewAsync(string token, params string[] audiences)
    {
        var spec = new JsonObject { ["token"] = token };
        if (audiences.Length > 0)
        {
            spec["audiences"] = new JsonArray([.. audiences.Select(a => (JsonNode)JsonValue.Create(a))]);
        }

        var body = new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenReview", ["spec"] = spec };
        var file = cluster.WriteFile("review-" + Guid.NewGuid().ToString("N") + ".json", body.ToJsonString());
        var reply = KubectlAssert.Succeeded(await cluster.RunAsync("create", "--raw", "/apis/authentication.k8s.io/v1/tokenreviews", "-f", file));
        return JsonNode.Parse(reply.StdOut)!["status"]!;
    }
}
