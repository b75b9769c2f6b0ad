namespace Cluster.Controllers.Scheduling.Framework;

/// <summary>How a plugin judged a node for a pod (upstream's framework.Code, the codes the scheduler tells apart).</summary>
public enum FilterCode
{
    Success,

    /// <summary>The pod does not fit now, but preempting lower-priority pods could make room.</summary>
    Unschedulable,

    /// <summary>The pod cannot fit whatever is evicted (a taint, a selector, the wrong node name).</summary>
    UnschedulableAndUnresolvable,
}

/// <summary>A plugin's verdict; the reasons are the phrases the FailedScheduling event counts (<c>Insufficient cpu</c>).</summary>
public readonly record struct FilterResult(FilterCode Code, IReadOnlyList<string> Reasons)
{
    public static FilterResult Fits { get; } = new(FilterCode.Success, []);

    /// <summary>The plugin that refused (set by the framework, not by the plugin): what the queue's hints go by.</summary>
    public string? Plugin { get; init; }

    public bool IsSuccess => Code == FilterCode.Success;

    public static FilterResult Unschedulable(params string[] reasons) => new(FilterCode.Unschedulable, reasons);

    public static FilterResult Unresolvable(params string[] reasons) => new(FilterCode.UnschedulableAndUnresolvable, reasons);
}

/// <summary>What one scheduling cycle's plugins share: each keeps the state its pre-filter or pre-score computed under its own name.</summary>
public sealed class CycleState
{
    private readonly Dictionary<string, object> _data = new(StringComparer.Ordinal);

    public void Write(string key, object value) => _data[key] = value;

    public T? Read<T>(string key)
        where T : class => _data.TryGetValue(key, out var value) ? value as T : null;
}

/// <summary>The cluster as one cycle sees it: every node (with its pods) and namespace labels for namespace selectors.</summary>
public interface IClusterSnapshot
{
    IReadOnlyList<NodeInfo> Nodes { get; }

    NodeInfo? Node(string name);

    /// <summary>A namespace's labels; null when the namespace is unknown.</summary>
    IReadOnlyDictionary<string, string>? NamespaceLabels(string ns);

    /// <summary>Pending pods nominated to the node by preemption (upstream's nominator): room they wait for is not free to others.</summary>
    IReadOnlyList<PodInfo> NominatedPods(string node) => [];

    /// <summary>
    /// At least the nodes holding a pod with pod affinity or anti-affinity terms (upstream's HavePodsWithAffinityList):
    /// the only nodes whose pods' own terms can score a pod. Every node unless the snapshot keeps the list.
    /// </summary>
    IReadOnlyList<NodeInfo> NodesWithAffinityPods => Nodes;

    /// <summary>At least the nodes holding a pod with required anti-affinity terms (upstream's HavePodsWithRequiredAntiAffinityList).</summary>
    IReadOnlyList<NodeInfo> NodesWithRequiredAntiAffinityPods => Nodes;
}

public interface IPlugin
{
    /// <summary>Upstream's plugin name (<c>NodeResourcesFit</c>).</summary>
    string Name { get; }
}

/// <summary>Runs once per cycle before any node is filtered: computes what the filter needs, or refuses the pod outright.</summary>
public interface IPreFilterPlugin : IPlugin
{
    FilterResult PreFilter(CycleState state, PodInfo pod, IClusterSnapshot snapshot);
}

/// <summary>Decides whether the pod may run on one node. Called for many nodes per cycle: must not allocate on the success path.</summary>
public interface IFilterPlugin : IPlugin
{
    FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node);
}

/// <summary>
/// Ranks the nodes that passed every filter: <see cref="Score"/> per node, then <see cref="Normalize"/> over all of
/// them brings the scores to 0..<see cref="MaxScore"/> before the plugin's weight multiplies them.
/// </summary>
public interface IScorePlugin : IPlugin
{
    public const long MaxScore = 100;

    int Weight { get; }

    /// <summary>Runs once per cycle over the feasible nodes before any <see cref="Score"/>.</summary>
    void PreScore(CycleState state, PodInfo pod, IReadOnlyList<NodeInfo> feasible, IClusterSnapshot snapshot);

    long Score(CycleState state, PodInfo pod, NodeInfo node);

    void Normalize(CycleState state, PodInfo pod, Span<long> scores);
}
