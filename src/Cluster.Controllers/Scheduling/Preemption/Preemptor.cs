using System.Globalization;
using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Preemption;

/// <summary>What preemption decided for a pod that fits nowhere: the node and its victims, or why none (upstream's Preempt status message).</summary>
public sealed record PreemptionResult(Candidate? Chosen, string? Message);

/// <summary>
/// The DefaultPreemption post-filter's dry run (upstream's Evaluator.Preempt up to SelectCandidate): whether the pod
/// may preempt at all, then on the nodes where evicting could help (those refused only as Unschedulable), from a
/// random start, the victims each would need, until enough candidates are found; then the one that harms least.
/// Pure over the snapshot: the caller holds the cache lock and makes the writes.
/// </summary>
public sealed class Preemptor(SchedulingAlgorithm algorithm, Random random)
{
    /// <summary>Upstream's minCandidateNodesPercentage and minCandidateNodesAbsolute.</summary>
    public const int MinCandidateNodesPercentage = 10;

    public const int MinCandidateNodesAbsolute = 100;

    public const string DisruptionTargetCondition = "DisruptionTarget";

    public const string PreemptionByScheduler = "PreemptionByScheduler";

    /// <param name="nominatedNode">The node the scheduler nominated the pod to, which its status may not show yet.</param>
    public PreemptionResult Preempt(PodInfo pod, FitError error, IClusterSnapshot snapshot, IReadOnlyList<BudgetView> budgets, string? nominatedNode = null)
    {
        if (NotEligible(pod, snapshot, nominatedNode) is { } why)
        {
            return new PreemptionResult(null, why);
        }

        var potential = snapshot.Nodes.Where(n => error.ByNode.TryGetValue(n.Name, out var verdict) && verdict.Code == FilterCode.Unschedulable).ToList();
        var all = snapshot.Nodes.Count;
        if (potential.Count == 0)
        {
            return new PreemptionResult(null, Summary(all, new Dictionary<string, int>(StringComparer.Ordinal) { ["Preemption is not helpful for scheduling"] = all }));
        }

        var wanted = Math.Min(potential.Count, Math.Max(MinCandidateNodesAbsolute, potential.Count * MinCandidateNodesPercentage / 100));
        var offset = random.Next(potential.Count);
        var candidates = new List<Candidate>();
        var noVictims = 0;
        NodeOverride? view = null;
        for (var i = 0; i < potential.Count && candidates.Count < wanted; i++)
        {
            var node = potential[(offset + i) % potential.Count];
            Victims? victims = null;
            if (node.Pods.Any(p => p.Priority < pod.Priority))
            {
                view ??= new NodeOverride(snapshot);
                var copy = view.Replace(node);
                victims = VictimSelection.SelectOnNode(pod, copy, n => Fits(pod, n, view), budgets);
                view.Restore();
            }

            if (victims is null)
            {
                noVictims++;
            }
            else
            {
                candidates.Add(new Candidate(node.Name, victims));
            }
        }

        if (CandidateRanking.PickOne(candidates) is { } chosen)
        {
            return new PreemptionResult(chosen, null);
        }

        var reasons = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["No preemption victims found for incoming pod"] = noVictims,
        };
        if (all - noVictims > 0)
        {
            reasons["Preemption is not helpful for scheduling"] = all - noVictims;
        }

        return new PreemptionResult(null, Summary(all, reasons));
    }

    /// <summary>
    /// Upstream's PodEligibleToPreemptOthers: not with preemptionPolicy Never, and not again while a lower-priority
    /// pod it preempted on its nominated node is still terminating (that room is coming).
    /// </summary>
    public static string? NotEligible(PodInfo pod, IClusterSnapshot snapshot, string? nominatedNode = null)
    {
        if (pod.Pod.Spec?.PreemptionPolicy == "Never")
        {
            return "not eligible due to preemptionPolicy=Never.";
        }

        if ((nominatedNode ?? pod.Pod.Status?.NominatedNodeName) is { Length: > 0 } nominated && snapshot.Node(nominated) is { } node
            && node.Pods.Any(p => p.Priority < pod.Priority && TerminatingByPreemption(p)))
        {
            return "not eligible due to a terminating pod on the nominated node.";
        }

        return null;
    }

    /// <summary>A pod the scheduler preempted that has not finished terminating.</summary>
    public static bool TerminatingByPreemption(PodInfo pod) =>
        pod.Pod.Metadata?.DeletionTimestamp is not null
        && pod.Pod.Status?.Conditions?.Any(c => c.Type == DisruptionTargetCondition && c.Reason == PreemptionByScheduler) == true;

    private bool Fits(PodInfo pod, NodeInfo node, IClusterSnapshot view)
    {
        // The pre-filters count pods across the cluster (spreading, anti-affinity): run them again on the changed node.
        var state = new CycleState();
        return algorithm.PreFilter(state, pod, view).IsSuccess && algorithm.FilterWithNominated(state, pod, node, view).IsSuccess;
    }

    private static string Summary(int all, Dictionary<string, int> reasons) =>
        string.Format(CultureInfo.InvariantCulture, "0/{0} nodes are available: {1}.", all,
            string.Join(", ", reasons.Where(r => r.Value > 0).Select(r => r.Value.ToString(CultureInfo.InvariantCulture) + " " + r.Key).Order(StringComparer.Ordinal)));

    /// <summary>The snapshot with one node at a time replaced by a copy under change (built once per dry run: the node list is long).</summary>
    private sealed class NodeOverride(IClusterSnapshot inner) : IClusterSnapshot
    {
        private readonly IClusterSnapshot _inner = inner;
        private readonly List<NodeInfo> _nodes = [.. inner.Nodes];
        private readonly Dictionary<string, int> _index = inner.Nodes.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        private NodeInfo? _node;
        private NodeInfo? _original;

        public IReadOnlyList<NodeInfo> Nodes => _nodes;

        /// <summary>Puts a copy of <paramref name="node"/> in its place and returns it.</summary>
        public NodeInfo Replace(NodeInfo node)
        {
            _original = node;
            _node = node.Clone();
            _nodes[_index[node.Name]] = _node;
            return _node;
        }

        public void Restore()
        {
            if (_node is not null)
            {
                _nodes[_index[_node.Name]] = _original!;
                _node = null;
            }
        }

        public NodeInfo? Node(string name) => _node is not null && name == _node.Name ? _node : _inner.Node(name);

        public IReadOnlyDictionary<string, string>? NamespaceLabels(string ns) => _inner.NamespaceLabels(ns);

        public IReadOnlyList<PodInfo> NominatedPods(string node) => _inner.NominatedPods(node);
    }
}
