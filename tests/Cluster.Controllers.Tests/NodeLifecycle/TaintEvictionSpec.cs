using System.Text.Json.Nodes;
using Cluster.Controllers.NodeLifecycle;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Strategies;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Controllers.Tests.NodeLifecycle;

public sealed class TaintEvictionSpec
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void EvictAt_NoNoExecuteTaints_Kept()
    {
        var pod = Pod();
        Assert.Null(TaintEviction.EvictAt(pod, null, Now));
        Assert.Null(TaintEviction.EvictAt(pod, [new V1Taint { Key = "node.kubernetes.io/unreachable", Effect = "NoSchedule" }], Now));
    }

    [Fact]
    public void EvictAt_UntoleratedTaint_Now()
    {
        var pod = Pod(Tolerate("other", 600));

        Assert.Equal(Now, TaintEviction.EvictAt(pod, [Unreachable(Now.AddMinutes(-1))], Now));
    }

    [Fact]
    public void EvictAt_ToleratedFor300Seconds_WhenThatPassesAfterTimeAdded()
    {
        var added = Now;
        var pod = Pod(Tolerate("node.kubernetes.io/unreachable", 300));

        _clock.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(added.AddSeconds(300), TaintEviction.EvictAt(pod, [Unreachable(added)], Now));
        _clock.Advance(TimeSpan.FromSeconds(180));
        Assert.Equal(Now, TaintEviction.EvictAt(pod, [Unreachable(added)], Now));
    }

    [Fact]
    public void EvictAt_SeveralTaints_ShortestTolerationWins_ForeverOnesIgnored()
    {
        var pod = Pod(Tolerate("a", 600), Tolerate("b", 60), Tolerate("c", null));
        var taints = new List<V1Taint> { Taint("a", Now), Taint("b", Now.AddSeconds(30)), Taint("c", Now) };

        Assert.Equal(Now.AddSeconds(90), TaintEviction.EvictAt(pod, taints, Now));
    }

    [Fact]
    public void EvictAt_ToleratedForever_Kept()
    {
        var pod = Pod(new V1Toleration { OperatorProperty = "Exists" });

        Assert.Null(TaintEviction.EvictAt(pod, [Unreachable(Now.AddDays(-1)), Taint("x", Now)], Now));
    }

    [Fact]
    public void EvictAt_ZeroOrNegativeSeconds_Now()
    {
        Assert.Equal(Now, TaintEviction.EvictAt(Pod(Tolerate("node.kubernetes.io/unreachable", 0)), [Unreachable(Now)], Now));
        Assert.Equal(Now, TaintEviction.EvictAt(Pod(Tolerate("node.kubernetes.io/unreachable", -5)), [Unreachable(Now)], Now));
    }

    [Fact]
    public void EvictAt_PodCreatedAfterTheTaint_CountsFromItsCreation()
    {
        var pod = Pod(Tolerate("node.kubernetes.io/unreachable", 300));
        pod.Metadata.CreationTimestamp = Now.AddSeconds(-10).UtcDateTime;

        Assert.Equal(Now.AddSeconds(290), TaintEviction.EvictAt(pod, [Unreachable(Now.AddHours(-1))], Now));
    }

    [Fact]
    public void EvictAt_FirstMatchingTolerationIsTheOneUsed()
    {
        var pod = Pod(new V1Toleration { OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = 30 }, new V1Toleration { OperatorProperty = "Exists" });

        Assert.Equal(Now.AddSeconds(30), TaintEviction.EvictAt(pod, [Unreachable(Now)], Now));
    }

    [Fact]
    public void Concerns_StatusOnlyChange_False()
    {
        Assert.False(TaintEviction.Concerns(Cached(1, "n1"), Cached(2, "n1", phase: "Running")));
    }

    [Fact]
    public void Concerns_Bound_True()
    {
        Assert.True(TaintEviction.Concerns(Cached(1, null), Cached(2, "n1")));
    }

    [Fact]
    public void Concerns_TolerationsChange_True()
    {
        Assert.True(TaintEviction.Concerns(Cached(1, "n1"), Cached(2, "n1", toleration: "node.kubernetes.io/unreachable")));
    }

    [Fact]
    public void Concerns_AddOnANodeOrResync_True_UnscheduledNever()
    {
        var pod = Cached(1, "n1");
        Assert.True(TaintEviction.Concerns(null, pod));
        Assert.True(TaintEviction.Concerns(pod, pod));
        Assert.False(TaintEviction.Concerns(null, Cached(1, null)));
    }

    private DateTimeOffset Now => _clock.GetUtcNow();

    private static CachedObject Cached(long version, string? node, string? phase = null, string? toleration = null)
    {
        var spec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "nginx" }) };
        if (node is not null)
        {
            spec["nodeName"] = node;
        }

        if (toleration is not null)
        {
            spec["tolerations"] = new JsonArray(new JsonObject { ["key"] = toleration, ["operator"] = "Exists", ["effect"] = "NoExecute" });
        }

        var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = "default", ["uid"] = "u1" }, ["spec"] = spec };
        if (phase is not null)
        {
            pod["status"] = new JsonObject { ["phase"] = phase };
        }

        return CachedObject.From(pod, version, StrategyCatalog.BuiltIn.Find(BuiltInKinds.Pod), ["spec.nodeName"]);
    }

    private static V1Pod Pod(params V1Toleration[] tolerations) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default" },
        Spec = new V1PodSpec { NodeName = "n1", Tolerations = tolerations.Length > 0 ? [.. tolerations] : null },
    };

    private static V1Toleration Tolerate(string key, long? seconds) => new() { Key = key, OperatorProperty = "Exists", Effect = "NoExecute", TolerationSeconds = seconds };

    private static V1Taint Unreachable(DateTimeOffset added) => Taint("node.kubernetes.io/unreachable", added);

    private static V1Taint Taint(string key, DateTimeOffset added) => new() { Key = key, Effect = "NoExecute", TimeAdded = added.UtcDateTime };
}
