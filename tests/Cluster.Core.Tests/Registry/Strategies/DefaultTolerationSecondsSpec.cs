using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class DefaultTolerationSecondsSpec
{
    private const string NotReady = """{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}""";
    private const string Unreachable = """{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}""";

    private static readonly IResourceStrategy Pods = StrategyCatalog.For(BuiltInKinds.Pod);

    private static JsonObject Pod(string? tolerations = null) =>
        Json("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]@T}}"""
            .Replace("@T", tolerations is null ? "" : ",\"tolerations\":" + tolerations, StringComparison.Ordinal));

    private static string? Tolerations(JsonObject pod) => At(pod, "spec.tolerations")?.ToJsonString();

    [Fact]
    public void PrepareForCreate_NoTolerations_TolerateBothTaintsFor300Seconds()
    {
        var pod = Pod();
        Pods.PrepareForCreate(pod);
        Assert.Equal("[" + NotReady + "," + Unreachable + "]", Tolerations(pod));
    }

    [Fact]
    public void PrepareForCreate_OtherToleration_KeptAndDefaultsAppended()
    {
        var pod = Pod("""[{"key":"gpu","operator":"Exists","effect":"NoSchedule"}]""");
        Pods.PrepareForCreate(pod);
        Assert.Equal("""[{"key":"gpu","operator":"Exists","effect":"NoSchedule"},""" + NotReady + "," + Unreachable + "]", Tolerations(pod));
    }

    [Fact]
    public void PrepareForCreate_OwnUnreachableToleration_OnlyNotReadyAdded()
    {
        var own = """{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":10}""";
        var pod = Pod("[" + own + "]");
        Pods.PrepareForCreate(pod);
        Assert.Equal("[" + own + "," + NotReady + "]", Tolerations(pod));
    }

    [Theory]
    [InlineData("""[{"operator":"Exists"}]""")]
    [InlineData("""[{"operator":"Exists","effect":"NoExecute"}]""")]
    [InlineData("""[{"key":"node.kubernetes.io/not-ready","operator":"Exists"},{"key":"node.kubernetes.io/unreachable","operator":"Exists"}]""")]
    public void PrepareForCreate_BothAlreadyTolerated_NothingAdded(string tolerations)
    {
        var pod = Pod(tolerations);
        Pods.PrepareForCreate(pod);
        Assert.Equal(JsonNode.Parse(tolerations)!.ToJsonString(), Tolerations(pod));
    }

    [Fact]
    public void PrepareForCreate_NoScheduleWildcard_DoesNotCountForNoExecute()
    {
        var pod = Pod("""[{"operator":"Exists","effect":"NoSchedule"}]""");
        Pods.PrepareForCreate(pod);
        Assert.Equal(3, At(pod, "spec.tolerations")!.AsArray().Count);
    }

    [Fact]
    public void PrepareForUpdate_NoTolerations_NoneAdded()
    {
        var old = Pod();
        Pods.PrepareForCreate(old);
        var updated = Pod();
        Pods.PrepareForUpdate(updated, old);
        Assert.Null(Tolerations(updated));
    }
}
