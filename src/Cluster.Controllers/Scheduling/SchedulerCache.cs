using Cluster.Controllers.Scheduling.Framework;
using k8s.Models;

namespace Cluster.Controllers.Scheduling;

/// <summary>
/// The scheduler's view of the cluster (upstream's internal cache): nodes with the pods bound to them, plus pods the
/// scheduler has assumed onto a node before the binding is observed, so the next cycle already counts them.
/// Callers hold <see cref="Lock"/> around every use; a cycle reads the live cache under it rather than a copy.
/// <code>
///   (none) ──Assume──▶ assumed ──informer sees it bound──▶ bound ──deleted / finished──▶ (none)
///                         └──binding failed: Forget──▶ (none)
/// </code>
/// </summary>
public sealed partial class SchedulerCache : IClusterSnapshot
{
    private readonly Dictionary<string, NodeInfo> _nodes = new(StringComparer.Ordinal);
    private readonly NodeList _schedulable = new();
    private readonly Dictionary<string, CachedPod> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _namespaces = new(StringComparer.Ordinal);

    public Lock Lock { get; } = new();

    /// <summary>Nodes that exist as Node objects (pods may name nodes not, or no longer, known).</summary>
    public IReadOnlyList<NodeInfo> Nodes => _schedulable.Items;

    public int PodCount => _pods.Count;

    public NodeInfo? Node(string name) => _nodes.TryGetValue(name, out var node) && node.Node is not null ? node : null;

    public IReadOnlyDictionary<string, string>? NamespaceLabels(string ns) => _namespaces.GetValueOrDefault(ns);

    public void SetNamespace(string name, IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null)
        {
            _namespaces.Remove(name);
        }
        else
        {
            _namespaces[name] = labels;
        }
    }

    public void SetNode(V1Node node)
    {
        var info = NodeInfoOf(node.Metadata.Name);
        info.SetNode(node);
        _schedulable.Set(info, member: true);
        IndexAffinity(info);
    }

    public void RemoveNode(string name)
    {
        if (!_nodes.TryGetValue(name, out var info))
        {
            return;
        }

        info.SetNode(null);
        IndexAffinity(info);
        _schedulable.Set(info, member: false);

        if (info.Pods.Count == 0)
        {
            _nodes.Remove(name);
        }
    }

    /// <summary>Counts the pod on its node before the binding is observed.</summary>
    public void Assume(PodInfo pod)
    {
        Remove(pod.Uid);
        _pods[pod.Uid] = new CachedPod(pod, Assumed: true);
        AddTo(NodeInfoOf(pod.NodeName!), pod);
    }

    /// <summary>Drops an assumed pod whose binding failed; a pod the informer has since seen bound stays.</summary>
    public void Forget(string uid)
    {
        if (_pods.TryGetValue(uid, out var cached) && cached.Assumed)
        {
            Remove(uid);
        }
    }

    public bool IsAssumed(string uid) => _pods.TryGetValue(uid, out var cached) && cached.Assumed;

    /// <summary>Whether the pod is counted on a node (bound or assumed).</summary>
    public bool Contains(string uid) => _pods.ContainsKey(uid);

    /// <summary>The informer's word on a bound pod: counted on its node until it finishes or goes.</summary>
    public void SetBoundPod(PodInfo pod)
    {
        if (pod.Pod.Status?.Phase is "Succeeded" or "Failed")
        {
            // Finished pods hold nothing on the node any more.
            Remove(pod.Uid);
            return;
        }

        Remove(pod.Uid);
        _pods[pod.Uid] = new CachedPod(pod, Assumed: false);
        AddTo(NodeInfoOf(pod.NodeName!), pod);
    }

    public void RemovePod(string uid) => Remove(uid);

    private void Remove(string uid)
    {
        if (!_pods.Remove(uid, out var cached) || !_nodes.TryGetValue(cached.Pod.NodeName!, out var node))
        {
            return;
        }

        node.RemovePod(uid);
        IndexAffinity(node);
        if (node.Node is null && node.Pods.Count == 0)
        {
            _nodes.Remove(node.Name);
        }
    }

    private NodeInfo NodeInfoOf(string name)
    {
        if (!_nodes.TryGetValue(name, out var info))
        {
            info = new NodeInfo(name);
            _nodes[name] = info;
        }

        return info;
    }

    private sealed record CachedPod(PodInfo Pod, bool Assumed);
}
