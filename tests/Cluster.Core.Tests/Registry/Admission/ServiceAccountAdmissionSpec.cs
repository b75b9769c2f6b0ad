using System.Text.Json.Nodes;
using Cluster.Core.Registry.Admission;

namespace Cluster.Core.Tests.Registry.Admission;

public sealed class ServiceAccountAdmissionSpec
{
    private static readonly JsonObject Account = new() { ["metadata"] = new JsonObject { ["name"] = "default" } };

    private static JsonObject Pod(string spec) => new() { ["metadata"] = new JsonObject { ["name"] = "p" }, ["spec"] = JsonNode.Parse(spec)!.AsObject() };

    private static void Apply(JsonObject pod, JsonObject? account = null, bool rootCa = true) =>
        ServiceAccountAdmission.Apply(pod, name => name == "default" ? account ?? Account : null, rootCa, () => "x7k2q");

    [Fact]
    public void Apply_PlainPod_DefaultAccountAndTokenVolumeInEveryContainer()
    {
        var pod = Pod("""{"initContainers":[{"name":"i","image":"x"}],"containers":[{"name":"c","image":"x","volumeMounts":[{"name":"data","mountPath":"/data"}]}],"volumes":[{"name":"data","emptyDir":{}}]}""");

        Apply(pod);

        var spec = pod["spec"]!;
        Assert.Equal(("default", "default"), (spec["serviceAccountName"]!.GetValue<string>(), spec["serviceAccount"]!.GetValue<string>()));
        const string mount = """{"name":"kube-api-access-x7k2q","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}""";
        Assert.Equal("[" + mount + "]", spec["initContainers"]![0]!["volumeMounts"]!.ToJsonString());
        Assert.Equal("""[{"name":"data","mountPath":"/data"},""" + mount + "]", spec["containers"]![0]!["volumeMounts"]!.ToJsonString());
        Assert.Equal(
            """{"name":"kube-api-access-x7k2q","projected":{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],"defaultMode":420}}""",
            spec["volumes"]![1]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"automountServiceAccountToken":false,"containers":[{"name":"c","image":"x"}]}""", null)]
    [InlineData("""{"containers":[{"name":"c","image":"x"}]}""", false)]
    public void Apply_AutomountOff_NoVolume(string spec, bool? accountAutomount)
    {
        var pod = Pod(spec);
        var account = new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" }, ["automountServiceAccountToken"] = accountAutomount };

        Apply(pod, account);

        Assert.Null(pod["spec"]!["volumes"]);
        Assert.Null(pod["spec"]!["containers"]![0]!["volumeMounts"]);
    }

    [Fact]
    public void Apply_PodSaysYesOverAccountsNo_Mounted()
    {
        var pod = Pod("""{"automountServiceAccountToken":true,"containers":[{"name":"c","image":"x"}]}""");

        Apply(pod, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" }, ["automountServiceAccountToken"] = false });

        Assert.Single(pod["spec"]!["volumes"]!.AsArray());
    }

    [Fact]
    public void Apply_AccountMissingOrNoRootCa_AdmittedWithoutVolume()
    {
        var missing = Pod("""{"serviceAccountName":"robot","containers":[{"name":"c","image":"x"}]}""");
        var noCa = Pod("""{"containers":[{"name":"c","image":"x"}]}""");

        Apply(missing);
        Apply(noCa, rootCa: false);

        Assert.Equal("robot", missing["spec"]!["serviceAccount"]!.GetValue<string>());
        Assert.Null(missing["spec"]!["volumes"]);
        Assert.Null(noCa["spec"]!["volumes"]);
    }

    [Fact]
    public void Apply_ContainerMountsThePathItself_LeftAsIs()
    {
        var pod = Pod("""{"containers":[{"name":"c","image":"x","volumeMounts":[{"name":"own","mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}]}],"volumes":[{"name":"own","secret":{"secretName":"s"}}]}""");

        Apply(pod);

        Assert.Single(pod["spec"]!["volumes"]!.AsArray());
        Assert.Single(pod["spec"]!["containers"]![0]!["volumeMounts"]!.AsArray());
    }
}
