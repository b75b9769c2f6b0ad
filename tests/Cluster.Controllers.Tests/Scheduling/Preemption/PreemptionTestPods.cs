using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Preemption;
using Cluster.Core.Registry.Selectors;
using k8s.Models;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling.Preemption;

/// <summary>Pods with a priority and a start time, and budgets over their labels, for preemption's cases.</summary>
internal static class PreemptionTestPods
{
    public static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>A bound pod labelled app=&lt;name&gt; (and group=&lt;group&gt;), started <paramref name="startedMinute"/> minutes after the epoch.</summary>
    public static PodInfo Running(string name, string cpu, int priority, string node = "n1", int startedMinute = 0, string? group = null)
    {
        var pod = Pod(name, cpu: cpu, node: node, priority: priority);
        pod.Status = new V1PodStatus { Phase = "Running", StartTime = Epoch.AddMinutes(startedMinute) };
        if (group is not null)
        {
            pod.Metadata.Labels["group"] = group;
        }

        return PodInfo.From(pod);
    }

    public static PodInfo Pending(string name, string cpu, int priority) => PodInfo.From(Pod(name, cpu: cpu, priority: priority));

    public static BudgetView Budget(string group, int allowed, params string[] disrupted) =>
        new("default", LabelSelector.FromMap(new Dictionary<string, string> { ["group"] = group }), allowed, new HashSet<string>(disrupted, StringComparer.Ordinal));

    /// <summary>A node of <paramref name="cpu"/> cores holding <paramref name="pods"/>.</summary>
    public static NodeInfo NodeWith(string cpu, params PodInfo[] pods)
    {
        var node = new NodeInfo("n1");
        node.SetNode(Node("n1", cpu: cpu));
        foreach (var pod in pods)
        {
            node.AddPod(pod);
        }

        return node;
    }

    /// <summary>Whether <paramref name="pod"/>'s cpu request fits beside what the node holds (the one filter these cases need).</summary>
    public static Func<NodeInfo, bool> CpuFits(PodInfo pod) => node => node.Requested.MilliCpu + pod.Requests.MilliCpu <= node.Allocatable.MilliCpu;
}
