using Cluster.Controllers.NodeLifecycle;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Controllers.Tests.NodeLifecycle;

public sealed class NodeHealthSpec
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(50);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly NodeProbes _probes = new();

    [Fact]
    public void Plan_LeaseRenewedInTime_NothingToDo_RecheckWhenGraceWouldEnd()
    {
        var node = Node("True");
        var lease = Lease();
        Assert.Equal(new NodeHealth(null, null, Grace), Plan(node, lease));

        _clock.Advance(TimeSpan.FromSeconds(40));
        lease.Spec.RenewTime = _clock.GetUtcNow().UtcDateTime;
        Assert.Equal(new NodeHealth(null, null, Grace), Plan(node, lease));
        _clock.Advance(TimeSpan.FromSeconds(40));

        // 80 s since the node was first seen, but only 40 s since the renewal was seen.
        Assert.Equal(new NodeHealth(null, null, TimeSpan.FromSeconds(10)), Plan(node, lease));
    }

    [Fact]
    public void Plan_LeaseStaleForGracePeriod_ConditionsUnknown_ThenUnreachableTaints()
    {
        var node = Node("True");
        var lease = Lease();
        Plan(node, lease);
        _clock.Advance(Grace - TimeSpan.FromSeconds(1));
        Assert.Null(Plan(node, lease).MarkedUnknown);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var marked = Plan(node, lease).MarkedUnknown;

        Assert.NotNull(marked);
        var ready = NodeConditions.Find(marked, "Ready")!;
        Assert.Equal(("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, ready.LastTransitionTime);
        Assert.All(NodeConditions.Monitored, type => Assert.Equal("Unknown", NodeConditions.Find(marked, type)?.Status));
        Assert.Equal("NodeStatusNeverUpdated", NodeConditions.Find(marked, "PIDPressure")!.Reason);

        var health = Plan(marked, lease);
        Assert.Null(health.MarkedUnknown);
        Assert.Null(health.RecheckIn);
        Assert.Equal(["node.kubernetes.io/unreachable:NoExecute@" + _clock.GetUtcNow().UtcDateTime.ToString("O"), "node.kubernetes.io/unreachable:NoSchedule@"], Describe(health.Taints));
    }

    [Fact]
    public void Plan_ReadyFalse_NotReadyTaints_OthersKept()
    {
        var node = Node("False");
        node.Spec = new V1NodeSpec { Taints = [new V1Taint { Key = "dedicated", Value = "db", Effect = "NoSchedule" }] };

        var health = Plan(node, Lease());

        Assert.Equal(["dedicated:NoSchedule@", "node.kubernetes.io/not-ready:NoExecute@" + _clock.GetUtcNow().UtcDateTime.ToString("O"), "node.kubernetes.io/not-ready:NoSchedule@"], Describe(health.Taints));
    }

    [Fact]
    public void Plan_UnreachableBecomesNotReady_TaintSwapped()
    {
        var node = Node("False");
        node.Spec = new V1NodeSpec { Taints = [Taint("node.kubernetes.io/unreachable", "NoExecute", _clock.GetUtcNow().AddMinutes(-3)), Taint("node.kubernetes.io/unreachable", "NoSchedule", null)] };

        Assert.Equal(["node.kubernetes.io/not-ready:NoExecute@" + _clock.GetUtcNow().UtcDateTime.ToString("O"), "node.kubernetes.io/not-ready:NoSchedule@"], Describe(Plan(node, Lease()).Taints));
    }

    [Fact]
    public void Plan_HealedNode_LosesItsTaints_KeepingOthersAndTheirTimes()
    {
        var added = _clock.GetUtcNow().AddMinutes(-3);
        var node = Node("True");
        node.Spec = new V1NodeSpec
        {
            Taints = [Taint("node.kubernetes.io/unreachable", "NoExecute", added), Taint("node.kubernetes.io/unreachable", "NoSchedule", null), Taint("team", "NoExecute", added)],
        };

        Assert.Equal(["team:NoExecute@" + added.UtcDateTime.ToString("O")], Describe(Plan(node, Lease()).Taints));
    }

    [Fact]
    public void Plan_TaintsAlreadyRight_NoWrite()
    {
        var node = Node("Unknown");
        node.Spec = new V1NodeSpec { Taints = [Taint("node.kubernetes.io/unreachable", "NoExecute", _clock.GetUtcNow().AddMinutes(-1)), Taint("node.kubernetes.io/unreachable", "NoSchedule", null)] };

        Assert.Null(Plan(node, Lease()).Taints);
    }

    [Fact]
    public void Plan_NodeNeverPostedStatus_UntaintedUntilGraceEnds_ThenNeverUpdated()
    {
        var node = Node("True");
        node.Status.Conditions.Clear();
        Assert.Equal(new NodeHealth(null, null, Grace), Plan(node, null));

        _clock.Advance(Grace);
        var marked = Plan(node, null).MarkedUnknown;

        Assert.NotNull(marked);
        var ready = NodeConditions.Find(marked, "Ready")!;
        Assert.Equal(("Unknown", "NodeStatusNeverUpdated", "Kubelet never posted node status.", marked.Metadata.CreationTimestamp), (ready.Status, ready.Reason, ready.Message, ready.LastHeartbeatTime));
        Assert.Equal(["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"], Describe(Plan(marked, null).Taints).Select(t => t[..t.IndexOf('@', StringComparison.Ordinal)]));
    }

    [Fact]
    public void Plan_PressureAndCordon_NoScheduleTaints()
    {
        var node = Node("True");
        node.Status.Conditions.Add(new V1NodeCondition { Type = "MemoryPressure", Status = "True" });
        node.Status.Conditions.Add(new V1NodeCondition { Type = "DiskPressure", Status = "False" });
        node.Spec = new V1NodeSpec { Unschedulable = true };

        Assert.Equal(["node.kubernetes.io/memory-pressure:NoSchedule@", "node.kubernetes.io/unschedulable:NoSchedule@"], Describe(Plan(node, Lease()).Taints).Order());
    }

    [Fact]
    public void Plan_RenewalSeenLate_CountsFromWhenSeen()
    {
        var node = Node("True");
        var lease = Lease();
        Plan(node, lease);
        _clock.Advance(TimeSpan.FromSeconds(60));
        lease.Spec.RenewTime = _clock.GetUtcNow().UtcDateTime.AddSeconds(-30);

        // The controller's clock, not the kubelet's renewTime, dates the sign of life.
        Assert.Equal(new NodeHealth(null, null, Grace), Plan(node, lease));
    }

    [Fact]
    public void Plan_NewHeartbeatWithoutLease_CountsAsSignOfLife()
    {
        var node = Node("True");
        Plan(node, null);
        _clock.Advance(TimeSpan.FromSeconds(45));
        NodeConditions.Find(node, "Ready")!.LastHeartbeatTime = _clock.GetUtcNow().UtcDateTime;
        Plan(node, null);
        _clock.Advance(TimeSpan.FromSeconds(45));

        Assert.Null(Plan(node, null).MarkedUnknown);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.NotNull(Plan(node, null).MarkedUnknown);
    }

    private NodeHealth Plan(V1Node node, V1Lease? lease) => NodeHealth.Plan(node, lease, _probes, Grace, _clock.GetUtcNow());

    private V1Node Node(string ready) => new()
    {
        Metadata = new V1ObjectMeta { Name = "n1", CreationTimestamp = _clock.GetUtcNow().UtcDateTime.AddHours(-1) },
        Status = new V1NodeStatus
        {
            Conditions = [new V1NodeCondition { Type = "Ready", Status = ready, Reason = "KubeletReady", LastHeartbeatTime = _clock.GetUtcNow().UtcDateTime.AddSeconds(-5) }],
        },
    };

    private V1Lease Lease() => new() { Metadata = new V1ObjectMeta { Name = "n1" }, Spec = new V1LeaseSpec { RenewTime = _clock.GetUtcNow().UtcDateTime } };

    private static V1Taint Taint(string key, string effect, DateTimeOffset? added) => new() { Key = key, Effect = effect, TimeAdded = added?.UtcDateTime };

    private static List<string> Describe(List<V1Taint>? taints) => [.. (taints ?? []).Select(t => t.Key + ":" + t.Effect + "@" + t.TimeAdded?.ToString("O"))];
}
