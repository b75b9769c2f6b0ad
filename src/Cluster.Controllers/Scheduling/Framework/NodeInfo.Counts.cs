namespace Cluster.Controllers.Scheduling.Framework;

/// <summary>
/// How many of the node's pods a selection picks, counted once and kept until the node's pods change. Spreading asks
/// this for every node of every cycle with the same few selections (a controller's replicas), while a cycle changes
/// one node: so a cycle recounts that node's pods only, where counting every pod of the cluster each cycle made a
/// rollout quadratic in its replicas.
/// </summary>
public sealed partial class NodeInfo
{
    // Selection key → count. Cleared on any pod change, which also forgets selections no longer asked about.
    private Dictionary<string, int>? _counts;

    /// <summary>The node's pods that <paramref name="selection"/> counts (upstream's countPodsMatchSelector over the node's pods).</summary>
    public int CountMatching(PodSelection selection)
    {
        _counts ??= new Dictionary<string, int>(StringComparer.Ordinal);
        if (_counts.TryGetValue(selection.Key, out var count))
        {
            return count;
        }

        foreach (var pod in Pods)
        {
            if (selection.Counts(pod))
            {
                count++;
            }
        }

        _counts[selection.Key] = count;
        return count;
    }

    private void PodsChanged()
    {
        _counts?.Clear();
        Generation++;
    }
}
