using k8s.Models;

namespace Cluster.Controllers.Scheduling.Framework;

/// <summary>
/// A node with the pods bound or assumed on it (upstream's framework.NodeInfo): what is allocatable, what those pods
/// request, the host ports they hold and which of them carry affinity terms, all kept current as pods come and go so
/// a scheduling cycle never sums a node's pods again.
/// </summary>
public sealed partial class NodeInfo
{
    private static readonly Dictionary<string, string> NoLabels = [];

    public NodeInfo(string name) => Name = name;

    public string Name { get; }

    /// <summary>The Node object; null while only pods name it (they were bound before the Node was seen, or it was deleted with pods left).</summary>
    public V1Node? Node { get; private set; }

    public IReadOnlyDictionary<string, string> Labels { get; private set; } = NoLabels;

    public ResourceAmounts Allocatable { get; private set; } = new();

    /// <summary>The node's <c>pods</c> allocatable: how many pods it takes.</summary>
    public int AllowedPods { get; private set; }

    public IList<V1Taint> Taints { get; private set; } = [];

    public bool Unschedulable { get; private set; }

    /// <summary>The sum of the requests of its pods.</summary>
    public ResourceAmounts Requested { get; } = new();

    /// <summary>The sum of its pods' requests with unstated cpu and memory counted at the defaults, for scoring.</summary>
    public ResourceAmounts NonZeroRequested { get; } = new();

    public List<PodInfo> Pods { get; } = [];

    /// <summary>Its pods that state any pod (anti-)affinity term.</summary>
    public List<PodInfo> PodsWithAffinity { get; } = [];

    /// <summary>Its pods that state a required anti-affinity term (they can refuse an incoming pod).</summary>
    public List<PodInfo> PodsWithRequiredAntiAffinity { get; } = [];

    public List<HostPort> UsedPorts { get; } = [];

    /// <summary>Bumped by every change, so a caller can tell a node changed since it last looked.</summary>
    public long Generation { get; private set; }

    public void SetNode(V1Node? node)
    {
        Node = node;
        Labels = node?.Metadata?.Labels as IReadOnlyDictionary<string, string> ?? (node?.Metadata?.Labels is { } l ? new Dictionary<string, string>(l) : NoLabels);
        var allocatable = node?.Status?.Allocatable ?? node?.Status?.Capacity;
        Allocatable = ResourceAmounts.From(allocatable);
        AllowedPods = allocatable is not null && allocatable.TryGetValue("pods", out var pods) ? (int)Math.Min(int.MaxValue, ResourceAmounts.Value(pods)) : 0;
        Taints = node?.Spec?.Taints ?? [];
        Unschedulable = node?.Spec?.Unschedulable == true;
        Generation++;
    }

    public void AddPod(PodInfo pod)
    {
        Pods.Add(pod);
        if (pod.HasAffinity)
        {
            PodsWithAffinity.Add(pod);
        }

        if (pod.RequiredAntiAffinityTerms.Count > 0)
        {
            PodsWithRequiredAntiAffinity.Add(pod);
        }

        Requested.Add(pod.Requests);
        NonZeroRequested.Add(pod.NonZeroRequests);
        UsedPorts.AddRange(pod.HostPorts);
        PodsChanged();
    }

    /// <summary>A copy to change freely (preemption's dry runs remove and re-add pods on it, the live node untouched).</summary>
    public NodeInfo Clone()
    {
        var clone = new NodeInfo(Name);
        clone.SetNode(Node);
        foreach (var pod in Pods)
        {
            clone.AddPod(pod);
        }

        return clone;
    }

    /// <summary>Removes the pod with <paramref name="uid"/>; false when the node does not hold it.</summary>
    public bool RemovePod(string uid)
    {
        var index = Pods.FindIndex(p => p.Uid == uid);
        if (index < 0)
        {
            return false;
        }

        var pod = Pods[index];
        Pods.RemoveAt(index);
        PodsWithAffinity.Remove(pod);
        PodsWithRequiredAntiAffinity.Remove(pod);
        Requested.Add(pod.Requests, -1);
        NonZeroRequested.Add(pod.NonZeroRequests, -1);
        foreach (var port in pod.HostPorts)
        {
            UsedPorts.Remove(port);
        }

        PodsChanged();
        return true;
    }
}
