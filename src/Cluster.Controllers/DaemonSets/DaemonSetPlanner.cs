using Cluster.Controllers.Deployments;
using Cluster.Controllers.ReplicaSets;
using k8s.Models;

namespace Cluster.Controllers.DaemonSets;

/// <summary>A node as a DaemonSet sees it: whether its pod should be there or may stay, and its daemon pods (terminating ones too).</summary>
public sealed record DaemonNode(string Name, bool ShouldRun, bool ShouldContinueRunning, IReadOnlyList<V1Pod> Pods);

/// <summary>The pods a sync creates (on which nodes) and deletes.</summary>
public sealed record DaemonPlan(IReadOnlyList<string> CreateOn, IReadOnlyList<V1Pod> Delete)
{
    public static DaemonPlan None { get; } = new([], []);
}

/// <summary>
/// What a DaemonSet sync does (upstream's pkg/controller/daemon manage, rollingUpdate and updateDaemonSetStatus,
/// without their writes): one pod on every node that should run it, none elsewhere, replaced when failed, and a rolling
/// update within maxUnavailable or maxSurge. Nodes are taken in name order, so a plan is the same for the same state. Pure.
/// </summary>
public static partial class DaemonSetPlanner
{
    /// <summary>
    /// The nodes with their verdicts and daemon pods (upstream's getNodesToDaemonPods), and the pods pinned to no
    /// node or to one that does not exist and not yet bound: those are deleted, as upstream's getUnscheduledPodsWithoutNode.
    /// </summary>
    public static (List<DaemonNode> Nodes, List<V1Pod> Stray) Nodes(V1DaemonSet ds, IEnumerable<V1Node> nodes, IEnumerable<V1Pod> pods)
    {
        var byNode = new Dictionary<string, List<V1Pod>>(StringComparer.Ordinal);
        var stray = new List<V1Pod>();
        foreach (var pod in pods)
        {
            if (DaemonPods.TargetNode(pod) is { } node)
            {
                (byNode.TryGetValue(node, out var list) ? list : byNode[node] = []).Add(pod);
            }
            else
            {
                stray.Add(pod);
            }
        }

        var result = new List<DaemonNode>();
        foreach (var node in nodes.OrderBy(n => n.Metadata.Name, StringComparer.Ordinal))
        {
            var (run, stay) = DaemonPods.ShouldRun(node, DaemonPods.Probe(ds, node.Metadata.Name), ds.Spec.Template.Spec?.NodeName);
            var onNode = byNode.Remove(node.Metadata.Name, out var list) ? list : [];
            result.Add(new DaemonNode(node.Metadata.Name, run, stay, onNode));
        }

        stray.AddRange(byNode.Values.SelectMany(p => p).Where(p => string.IsNullOrEmpty(p.Spec?.NodeName)));
        return (result, [.. stray.Where(p => p.Metadata.DeletionTimestamp is null)]);
    }

    /// <summary>
    /// Upstream's manage (podsShouldBeOnNode per node): a node that should run the pod and has none gets one; on a node
    /// where it may stay, finished pods go and of several running only the oldest is kept (with surge, the oldest
    /// old one while the oldest new one is not yet available); on any other node every daemon pod goes.
    /// </summary>
    public static DaemonPlan Manage(V1DaemonSet ds, IReadOnlyList<DaemonNode> nodes, IReadOnlyList<V1Pod> stray, string hash, DateTimeOffset now)
    {
        var create = new List<string>();
        var delete = new List<V1Pod>(stray);
        var surge = AllowsSurge(ds);
        foreach (var node in nodes)
        {
            var live = node.Pods.Where(p => p.Metadata.DeletionTimestamp is null).ToList();
            if (node.ShouldRun && node.Pods.Count == 0)
            {
                create.Add(node.Name);
            }
            else if (node.ShouldContinueRunning)
            {
                delete.AddRange(live.Where(Finished));
                var running = ByCreation(live.Where(p => !Finished(p)));
                if (running.Count > 1)
                {
                    delete.AddRange(surge ? SurplusWithSurge(ds, running, hash, now) : running.Skip(1));
                }
            }
            else
            {
                delete.AddRange(live);
            }
        }

        return new DaemonPlan(create, delete);
    }

    /// <summary>Upstream's AllowsSurge: a rolling update whose maxSurge comes to more than zero.</summary>
    public static bool AllowsSurge(V1DaemonSet ds) => SurgeCount(ds, 1) > 0;

    /// <summary>Upstream's SurgeCount: maxSurge of <paramref name="desired"/>, rounded up; zero unless rolling.</summary>
    public static int SurgeCount(V1DaemonSet ds, int desired) =>
        IsRollingUpdate(ds) ? Fenceposts.ScaledValue(ds.Spec.UpdateStrategy?.RollingUpdate?.MaxSurge, desired, roundUp: true) : 0;

    /// <summary>Upstream's UnavailableCount: maxUnavailable of <paramref name="desired"/>, rounded up; zero unless rolling.</summary>
    public static int UnavailableCount(V1DaemonSet ds, int desired) =>
        IsRollingUpdate(ds) ? Fenceposts.ScaledValue(ds.Spec.UpdateStrategy?.RollingUpdate?.MaxUnavailable, desired, roundUp: true) : 0;

    public static bool IsRollingUpdate(V1DaemonSet ds) => (ds.Spec.UpdateStrategy?.Type ?? Fenceposts.RollingUpdate) == Fenceposts.RollingUpdate;

    /// <summary>
    /// With surge two pods may share a node only while the oldest new one is not available and the oldest old one is
    /// ready; every other pod goes, and of that pair the old one goes once it is not ready or the new one is available.
    /// </summary>
    private static List<V1Pod> SurplusWithSurge(V1DaemonSet ds, List<V1Pod> running, string hash, DateTimeOffset now)
    {
        V1Pod? oldestNew = null, oldestOld = null;
        var surplus = new List<V1Pod>();
        var generation = DaemonPods.TemplateGeneration(ds);
        foreach (var pod in running)
        {
            if (DaemonPods.IsUpdated(pod, hash, generation))
            {
                if (oldestNew is null)
                {
                    oldestNew = pod;
                    continue;
                }
            }
            else if (oldestOld is null)
            {
                oldestOld = pod;
                continue;
            }

            surplus.Add(pod);
        }

        if (oldestNew is not null && oldestOld is not null && (!PodFacts.IsReady(oldestOld) || PodFacts.IsAvailable(oldestNew, ds.Spec.MinReadySeconds ?? 0, now)))
        {
            surplus.Add(oldestOld);
        }

        return surplus;
    }

    /// <summary>Upstream's podByCreationTimestampAndPhase: bound pods first, then oldest first, then by name.</summary>
    private static List<V1Pod> ByCreation(IEnumerable<V1Pod> pods) =>
        [.. pods.OrderBy(p => string.IsNullOrEmpty(p.Spec?.NodeName) ? 1 : 0)
            .ThenBy(p => p.Metadata.CreationTimestamp ?? DateTime.MinValue)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)];

    private static bool Finished(V1Pod pod) => pod.Status?.Phase is "Failed" or "Succeeded";
}
