using Cluster.Controllers.Endpoints;
using k8s.Models;

namespace Cluster.Controllers.EndpointSlices;

/// <summary>One EndpointSlice the Service should have: its ports and at most <see cref="EndpointSlicePlanner.MaxEndpointsPerSlice"/> endpoints.</summary>
public sealed record DesiredSlice(string PortsKey, IList<Discoveryv1EndpointPort>? Ports, IList<V1Endpoint> Endpoints);

/// <summary>What to write: slices to create, existing slices to rewrite (with their new content), and slices to delete.</summary>
public sealed record SlicePlan(IReadOnlyList<DesiredSlice> Create, IReadOnlyList<(V1EndpointSlice Slice, DesiredSlice Desired)> Update, IReadOnlyList<V1EndpointSlice> Delete);

/// <summary>
/// The EndpointSlices of a Service with a selector (upstream's endpointslice controller), as pure functions. Pods are
/// chosen, judged ready and have their ports resolved as for Endpoints (<see cref="EndpointsPlanner"/>), terminating
/// pods included (ready false, serving by their Ready condition, terminating true). Endpoints with the same resolved
/// ports share slices of at most 100, sorted by address; a Service with none keeps one empty placeholder slice.
/// Existing slices are kept where they fit (same ports first, then recycled for other ports) so the fewest objects
/// are created or deleted, and a slice is rewritten only when its content differs.
/// </summary>
public static class EndpointSlicePlanner
{
    public const int MaxEndpointsPerSlice = 100;

    /// <summary>The slices the Service should have (null: it has no selector, its slices are its users').</summary>
    public static IReadOnlyList<DesiredSlice>? Desired(V1Service service, IEnumerable<V1Pod> pods, Func<string, string?> zoneOfNode, int maxPerSlice = MaxEndpointsPerSlice)
    {
        if (service.Spec?.Selector is not { Count: > 0 } selector)
        {
            return null;
        }

        var selects = EndpointsPlanner.SelectorOf(selector);
        var publishNotReady = service.Spec.PublishNotReadyAddresses == true;
        var groups = new SortedDictionary<string, (List<Corev1EndpointPort> Ports, List<V1Endpoint> Endpoints)>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (!EndpointsPlanner.Serves(pod, selects, includeTerminating: true) || EndpointsPlanner.Ports(service, pod) is not { } ports)
            {
                continue;
            }

            var key = EndpointsPlanner.PortsKey(ports);
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = (ports, []);
            }

            group.Endpoints.Add(EndpointOf(service, pod, publishNotReady, zoneOfNode));
        }

        if (groups.Count == 0)
        {
            return [new DesiredSlice("", null, [])];
        }

        return [.. groups.SelectMany(g => g.Value.Endpoints
            .OrderBy(e => e.Addresses[0], StringComparer.Ordinal)
            .Chunk(maxPerSlice)
            .Select(chunk => new DesiredSlice(g.Key, SlicePorts(g.Value.Ports), chunk)))];
    }

    /// <summary>
    /// Matches the desired slices to the existing ones (in name order): a slice with the same ports is kept for them
    /// first, the rest are recycled for other ports; what is left over is created or deleted.
    /// </summary>
    public static SlicePlan Plan(IReadOnlyList<DesiredSlice> desired, IEnumerable<V1EndpointSlice> existing)
    {
        var free = existing.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal).ToList();
        var pairs = new List<(V1EndpointSlice Slice, DesiredSlice Desired)>();
        var unmatched = new List<DesiredSlice>();
        foreach (var slice in desired)
        {
            var same = free.FindIndex(s => KeyOf(s) == slice.PortsKey);
            if (same < 0)
            {
                unmatched.Add(slice);
                continue;
            }

            pairs.Add((free[same], slice));
            free.RemoveAt(same);
        }

        var create = new List<DesiredSlice>();
        foreach (var slice in unmatched)
        {
            if (free.Count > 0)
            {
                pairs.Add((free[0], slice));
                free.RemoveAt(0);
            }
            else
            {
                create.Add(slice);
            }
        }

        var update = pairs.Where(p => !Same(p.Slice, p.Desired)).ToList();
        return new SlicePlan(create, update, free);
    }

    /// <summary>The ports key of an existing slice, as <see cref="DesiredSlice.PortsKey"/> names its ports.</summary>
    public static string KeyOf(V1EndpointSlice slice) =>
        string.Join(',', (slice.Ports ?? []).Select(p => $"{p.Name}/{p.Port}/{p.Protocol}"));

    private static V1Endpoint EndpointOf(V1Service service, V1Pod pod, bool publishNotReady, Func<string, string?> zoneOfNode)
    {
        var serving = EndpointsPlanner.IsReady(pod);
        var terminating = pod.Metadata.DeletionTimestamp is not null;
        var nodeName = pod.Spec?.NodeName is { Length: > 0 } node ? node : null;
        return new V1Endpoint
        {
            Addresses = [pod.Status.PodIP],
            Conditions = new V1EndpointConditions
            {
                // As upstream: never ready while terminating, unless the Service publishes not-ready addresses.
                Ready = publishNotReady || (serving && !terminating),
                Serving = serving,
                Terminating = terminating,
            },
            Hostname = EndpointsPlanner.Hostname(service, pod),
            NodeName = nodeName,
            Zone = nodeName is null ? null : zoneOfNode(nodeName),
            TargetRef = new V1ObjectReference { Kind = "Pod", NamespaceProperty = pod.Metadata.NamespaceProperty, Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
        };
    }

    private static List<Discoveryv1EndpointPort>? SlicePorts(List<Corev1EndpointPort> ports) =>
        ports.Count == 0 ? null : [.. ports.Select(p => new Discoveryv1EndpointPort { Name = p.Name, Port = p.Port, Protocol = p.Protocol, AppProtocol = p.AppProtocol })];

    private static bool Same(V1EndpointSlice slice, DesiredSlice desired) =>
        k8s.KubernetesJson.Serialize(slice.Endpoints ?? []) == k8s.KubernetesJson.Serialize(desired.Endpoints)
        && k8s.KubernetesJson.Serialize(slice.Ports ?? []) == k8s.KubernetesJson.Serialize(desired.Ports ?? []);
}
