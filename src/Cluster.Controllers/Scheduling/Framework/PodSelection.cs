using Cluster.Core.Registry.Selectors;

namespace Cluster.Controllers.Scheduling.Framework;

/// <summary>
/// The pods of one namespace a label selector picks (a spreading constraint's), with the canonical text that names the
/// selection in each node's memo of counts (<see cref="NodeInfo.CountMatching"/>). Made once per cycle and constraint.
/// </summary>
public sealed class PodSelection
{
    public PodSelection(string ns, LabelSelector selector)
    {
        Namespace = ns;
        Selector = selector;
        // A selector that selects nothing prints as one that selects everything: they must not share a count.
        Key = (selector.IsNothing ? "!" : "=") + ns + "\n" + selector;
    }

    public string Namespace { get; }

    public LabelSelector Selector { get; }

    public string Key { get; }

    /// <summary>Upstream's countPodsMatchSelector rule for one pod: terminating pods and other namespaces' pods do not count.</summary>
    public bool Counts(PodInfo pod) =>
        pod.Pod.Metadata?.DeletionTimestamp is null && pod.Namespace == Namespace && Selector.Matches(pod.Labels);
}
