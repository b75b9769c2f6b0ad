using Cluster.Core.Registry.Selectors;
using k8s.Models;

namespace Cluster.Controllers.Endpoints;

/// <summary>
/// The Endpoints a Service with a selector should have (upstream's endpoints controller, syncService): for each pod
/// the selector matches that has an IP, has not finished and is not terminating, its address, ready or not ready by its Ready condition
/// (every address ready when the Service publishes not-ready addresses), under the ports its target ports resolve to
/// on that pod (a named target port is looked up among the pod's container ports; a pod without it is left out of
/// that port). Addresses with the same ports share a subset, as upstream's RepackSubsets; all orders are fixed, so an
/// unchanged world plans an identical object and nothing is written. Pure: no clock, no I/O.
/// </summary>
public static class EndpointsPlanner
{
    /// <summary>The subsets for <paramref name="service"/> over the pods of its namespace (null: the Service has no selector, its Endpoints are its users').</summary>
    public static IList<V1EndpointSubset>? Subsets(V1Service service, IEnumerable<V1Pod> pods)
    {
        if (service.Spec?.Selector is not { Count: > 0 } selector)
        {
            return null;
        }

        var selects = SelectorOf(selector);
        var publishNotReady = service.Spec.PublishNotReadyAddresses == true;
        var byPorts = new Dictionary<string, (List<Corev1EndpointPort> Ports, List<V1EndpointAddress> Ready, List<V1EndpointAddress> NotReady)>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (!Serves(pod, selects, includeTerminating: publishNotReady) || Ports(service, pod) is not { } ports)
            {
                continue;
            }

            var key = PortsKey(ports);
            if (!byPorts.TryGetValue(key, out var subset))
            {
                byPorts[key] = subset = (ports, [], []);
            }

            var address = new V1EndpointAddress
            {
                Ip = pod.Status!.PodIP,
                NodeName = pod.Spec?.NodeName,
                Hostname = Hostname(service, pod),
                TargetRef = new V1ObjectReference { Kind = "Pod", NamespaceProperty = pod.Metadata.NamespaceProperty, Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
            };
            (publishNotReady || IsReady(pod) ? subset.Ready : subset.NotReady).Add(address);
        }

        return [.. byPorts.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new V1EndpointSubset
        {
            Addresses = s.Value.Ready.Count > 0 ? [.. s.Value.Ready.OrderBy(a => a.Ip, StringComparer.Ordinal)] : null,
            NotReadyAddresses = s.Value.NotReady.Count > 0 ? [.. s.Value.NotReady.OrderBy(a => a.Ip, StringComparer.Ordinal)] : null,
            Ports = s.Value.Ports.Count > 0 ? s.Value.Ports : null,
        })];
    }

    /// <summary>
    /// The pod is an endpoint of a Service with <paramref name="selects"/> (upstream's ShouldPodBeInEndpoints): selected,
    /// with an IP, not finished, and not terminating unless <paramref name="includeTerminating"/>.
    /// </summary>
    public static bool Serves(V1Pod pod, LabelSelector selects, bool includeTerminating) =>
        selects.Matches(ReadOnly(pod.Metadata?.Labels)) && !string.IsNullOrEmpty(pod.Status?.PodIP) && pod.Status.Phase is not ("Succeeded" or "Failed")
        && (pod.Metadata!.DeletionTimestamp is null || includeTerminating);

    /// <summary>The Service's ports resolved on the pod, sorted by name and number; null when the Service has ports and none exists on the pod.</summary>
    public static List<Corev1EndpointPort>? Ports(V1Service service, V1Pod pod)
    {
        var ports = (service.Spec.Ports ?? []).Select(p => Resolve(p, pod)).OfType<Corev1EndpointPort>().ToList();
        if (ports.Count == 0 && service.Spec.Ports is { Count: > 0 })
        {
            return null;
        }

        ports.Sort((a, b) => (string.CompareOrdinal(a.Name, b.Name), a.Port.CompareTo(b.Port)) switch { (0, var byPort) => byPort, (var byName, _) => byName });
        return ports;
    }

    /// <summary>A resolved port set as text: pods with the same key share a subset (or an EndpointSlice).</summary>
    public static string PortsKey(IEnumerable<Corev1EndpointPort> ports) => string.Join(',', ports.Select(p => $"{p.Name}/{p.Port}/{p.Protocol}"));

    /// <summary>The hostname a pod publishes under the Service: its spec.hostname when its subdomain is the Service's name.</summary>
    public static string? Hostname(V1Service service, V1Pod pod) =>
        pod.Spec?.Hostname is { Length: > 0 } host && pod.Spec.Subdomain == service.Metadata.Name ? host : null;

    /// <summary>A Service's selector map as the registry's label selector (every pair must match).</summary>
    public static LabelSelector SelectorOf(IDictionary<string, string> selector) => LabelSelector.FromMap(ReadOnly(selector));

    private static IReadOnlyDictionary<string, string> ReadOnly(IDictionary<string, string>? map) =>
        map as IReadOnlyDictionary<string, string> ?? (map is null ? new Dictionary<string, string>() : new Dictionary<string, string>(map));

    /// <summary>The pod's Ready condition is True.</summary>
    public static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>The Service port's target on this pod: a number as it is, a name looked up among the pod's container ports (protocol too).</summary>
    private static Corev1EndpointPort? Resolve(V1ServicePort port, V1Pod pod)
    {
        var protocol = port.Protocol ?? "TCP";
        var target = port.TargetPort?.Value;
        int number;
        if (string.IsNullOrEmpty(target))
        {
            number = port.Port;
        }
        else if (int.TryParse(target, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var literal))
        {
            number = literal;
        }
        else
        {
            var named = (pod.Spec?.Containers ?? []).SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == target && (p.Protocol ?? "TCP") == protocol);
            if (named is null)
            {
                return null;
            }

            number = named.ContainerPort;
        }

        return new Corev1EndpointPort { Name = port.Name, Port = number, Protocol = protocol, AppProtocol = port.AppProtocol };
    }
}
