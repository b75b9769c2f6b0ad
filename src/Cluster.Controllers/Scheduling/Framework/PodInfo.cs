using System.Text.Json.Nodes;
using Cluster.Core.Registry.Selectors;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Scheduling.Framework;

/// <summary>
/// A pod as the scheduler reasons about it (upstream's framework.PodInfo): the typed pod plus what every cycle would
/// otherwise recompute — its effective requests, host ports and parsed affinity terms. Built once per pod version.
/// </summary>
public sealed class PodInfo
{
    /// <summary>What a container that states no cpu request counts for when spreading load (upstream's DefaultMilliCPURequest).</summary>
    public const long DefaultMilliCpuRequest = 100;

    /// <summary>What a container that states no memory request counts for when spreading load (200 MiB, DefaultMemoryRequest).</summary>
    public const long DefaultMemoryRequest = 200 * 1024 * 1024;

    private PodInfo(V1Pod pod)
    {
        Pod = pod;
        Namespace = pod.Metadata?.NamespaceProperty ?? "default";
        Name = pod.Metadata?.Name ?? "";
        Uid = pod.Metadata?.Uid ?? Namespace + "/" + Name;
        Labels = pod.Metadata?.Labels as IReadOnlyDictionary<string, string> ?? (pod.Metadata?.Labels is { } l ? new Dictionary<string, string>(l) : Empty);
        Priority = pod.Spec?.Priority ?? 0;
        NodeName = pod.Spec?.NodeName is { Length: > 0 } node ? node : null;
        (Requests, NonZeroRequests) = ComputeRequests(pod.Spec);
        HostPorts = [.. (pod.Spec?.Containers ?? []).SelectMany(c => c.Ports ?? []).Where(p => p.HostPort is > 0)
            .Select(p => new HostPort(string.IsNullOrEmpty(p.HostIP) ? HostPort.AnyIp : p.HostIP, p.Protocol ?? "TCP", p.HostPort!.Value))];
        HasClaims = pod.Spec?.Volumes?.Any(v => v.PersistentVolumeClaim is not null) == true;
        var affinity = pod.Spec?.Affinity;
        RequiredAffinityTerms = Terms(affinity?.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution, Namespace);
        RequiredAntiAffinityTerms = Terms(affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution, Namespace);
        PreferredAffinityTerms = Weighted(affinity?.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution, Namespace);
        PreferredAntiAffinityTerms = Weighted(affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution, Namespace);
    }

    private static readonly Dictionary<string, string> Empty = [];

    public V1Pod Pod { get; }

    public string Namespace { get; }

    public string Name { get; }

    public string Key => Namespace + "/" + Name;

    public string Uid { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public int Priority { get; }

    /// <summary>The node the pod is bound (or assumed) to; null while pending.</summary>
    public string? NodeName { get; private set; }

    /// <summary>What the pod needs of a node: the sum of its containers, or its largest init container if more, plus overhead.</summary>
    public ResourceAmounts Requests { get; }

    /// <summary><see cref="Requests"/> with unstated cpu and memory counted at the defaults, for scoring.</summary>
    public ResourceAmounts NonZeroRequests { get; }

    public IReadOnlyList<HostPort> HostPorts { get; }

    public IReadOnlyList<AffinityTerm> RequiredAffinityTerms { get; }

    public IReadOnlyList<AffinityTerm> RequiredAntiAffinityTerms { get; }

    public IReadOnlyList<WeightedAffinityTerm> PreferredAffinityTerms { get; }

    public IReadOnlyList<WeightedAffinityTerm> PreferredAntiAffinityTerms { get; }

    /// <summary>Whether any pod-affinity or anti-affinity term is stated (such pods are indexed per node).</summary>
    /// <summary>The pod mounts a PersistentVolumeClaim (the VolumeBinding plugin has nothing to check otherwise).</summary>
    public bool HasClaims { get; }

    public bool HasAffinity => RequiredAffinityTerms.Count + RequiredAntiAffinityTerms.Count + PreferredAffinityTerms.Count + PreferredAntiAffinityTerms.Count > 0;

    public static PodInfo From(V1Pod pod) => new(pod);

    /// <summary>The same pod counted on <paramref name="node"/> before its binding is seen (the scheduler's assumption).</summary>
    public PodInfo AssumedOn(string node)
    {
        var assumed = (PodInfo)MemberwiseClone();
        assumed.NodeName = node;
        return assumed;
    }

    /// <summary>Upstream's resource.PodRequests: sidecars (restartable init containers) run beside the app containers, other init containers alone.</summary>
    private static (ResourceAmounts Requests, ResourceAmounts NonZero) ComputeRequests(V1PodSpec? spec)
    {
        var requests = new ResourceAmounts();
        var nonZero = new ResourceAmounts();
        foreach (var container in spec?.Containers ?? [])
        {
            requests.Add(RequestsOf(container));
            nonZero.Add(NonZero(RequestsOf(container)));
        }

        var sidecars = new ResourceAmounts();
        var sidecarsNonZero = new ResourceAmounts();
        var initMax = new ResourceAmounts();
        var initMaxNonZero = new ResourceAmounts();
        foreach (var init in spec?.InitContainers ?? [])
        {
            var own = ResourceAmounts.From(RequestsOf(init));
            var ownNonZero = NonZero(RequestsOf(init));
            if (init.RestartPolicy == "Always")
            {
                requests.Add(own);
                nonZero.Add(ownNonZero);
                sidecars.Add(own);
                sidecarsNonZero.Add(ownNonZero);
                initMax.Max(sidecars);
                initMaxNonZero.Max(sidecarsNonZero);
            }
            else
            {
                own.Add(sidecars);
                ownNonZero.Add(sidecarsNonZero);
                initMax.Max(own);
                initMaxNonZero.Max(ownNonZero);
            }
        }

        requests.Max(initMax);
        nonZero.Max(initMaxNonZero);
        requests.Add(spec?.Overhead);
        nonZero.Add(spec?.Overhead);
        return (requests, nonZero);
    }

    /// <summary>A container's requests; a resource with only a limit requests its limit (the API's defaulting).</summary>
    private static Dictionary<string, ResourceQuantity> RequestsOf(V1Container container)
    {
        var result = new Dictionary<string, ResourceQuantity>(container.Resources?.Requests ?? new Dictionary<string, ResourceQuantity>(), StringComparer.Ordinal);
        foreach (var (name, limit) in container.Resources?.Limits ?? new Dictionary<string, ResourceQuantity>())
        {
            result.TryAdd(name, limit);
        }

        return result;
    }

    private static ResourceAmounts NonZero(Dictionary<string, ResourceQuantity> requests)
    {
        var amounts = ResourceAmounts.From(requests);
        if (!requests.ContainsKey("cpu"))
        {
            amounts.MilliCpu = DefaultMilliCpuRequest;
        }

        if (!requests.ContainsKey("memory"))
        {
            amounts.Memory = DefaultMemoryRequest;
        }

        return amounts;
    }

    private static AffinityTerm[] Terms(IList<V1PodAffinityTerm>? terms, string ns) =>
        terms is null ? [] : [.. terms.Select(t => AffinityTerm.From(t, ns))];

    private static WeightedAffinityTerm[] Weighted(IList<V1WeightedPodAffinityTerm>? terms, string ns) =>
        terms is null ? [] : [.. terms.Select(t => new WeightedAffinityTerm(AffinityTerm.From(t.PodAffinityTerm, ns), t.Weight))];
}

/// <summary>A host port a pod claims; <see cref="AnyIp"/> conflicts with every address.</summary>
public readonly record struct HostPort(string Ip, string Protocol, int Port)
{
    public const string AnyIp = "0.0.0.0";

    public bool ConflictsWith(HostPort other) =>
        Port == other.Port && Protocol == other.Protocol && (Ip == other.Ip || Ip == AnyIp || other.Ip == AnyIp);
}

/// <summary>
/// A parsed pod (anti-)affinity term: pods it selects by labels, in the namespaces it names or whose labels match
/// its namespace selector (neither given: the owning pod's own namespace), co-located by the topology key.
/// </summary>
public sealed record AffinityTerm(LabelSelector Selector, IReadOnlySet<string> Namespaces, LabelSelector? NamespaceSelector, string TopologyKey)
{
    public static AffinityTerm From(V1PodAffinityTerm term, string ownNamespace)
    {
        var selector = term.LabelSelector is null ? LabelSelector.Nothing : LabelSelector.FromJson(JsonNode.Parse(KubernetesJson.Serialize(term.LabelSelector)));
        var namespaceSelector = term.NamespaceSelector is null ? null : LabelSelector.FromJson(JsonNode.Parse(KubernetesJson.Serialize(term.NamespaceSelector)));
        var namespaces = new HashSet<string>(term.Namespaces ?? [], StringComparer.Ordinal);
        if (namespaces.Count == 0 && namespaceSelector is null)
        {
            namespaces.Add(ownNamespace);
        }

        return new AffinityTerm(selector, namespaces, namespaceSelector, term.TopologyKey ?? "");
    }

    /// <summary>Whether the term selects <paramref name="pod"/>; <paramref name="namespaceLabels"/> gives a namespace's labels for the namespace selector.</summary>
    public bool Matches(PodInfo pod, Func<string, IReadOnlyDictionary<string, string>?> namespaceLabels) =>
        (Namespaces.Contains(pod.Namespace) || (NamespaceSelector is { } ns && namespaceLabels(pod.Namespace) is { } labels && ns.Matches(labels)))
        && Selector.Matches(pod.Labels);
}

public sealed record WeightedAffinityTerm(AffinityTerm Term, int Weight);
