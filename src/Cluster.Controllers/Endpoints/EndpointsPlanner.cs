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
            if (!selects.Matches(ReadOnly(pod.Metadata?.Labels)) || string.IsNullOrEmpty(pod.Status?.PodIP) || pod.Status.Phase is "Succeeded" or "Failed"
                || (pod.Metadata!.DeletionTimestamp is not null && !publishNotReady))
            {
                continue;
            }

            var ports = (service.Spec.Ports ?? []).Select(p => Resolve(p, pod)).OfType<Corev1EndpointPort>().ToList();
            if (ports.Count == 0 && service.Spec.Ports is { Count: > 0 })
            {
                continue; // none of the Service's ports exists on this pod
            }

            ports.Sort((a, b) => (string.CompareOrdinal(a.Name, b.Name), a.Port.CompareTo(b.Port)) switch { (0, var byPort) => byPort, (var byName, _) => byName });
            var key = string.Join(',', ports.Select(p => $"{p.Name}/{p.Port}/{p.Protocol}"));
            if (!byPorts.TryGetValue(key, out var subset))
            {
                byPorts[key] = subset = (ports, [], []);
            }

            var address = new V1EndpointAddress
            {
                Ip = pod.Status!.PodIP,
                NodeName = pod.Spec?.NodeName,
                Hostname = pod.Spec?.Hostname is { Length: > 0 } host && pod.Spec.Subdomain == service.Metadata.Name ? host : null,
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

    /// <summary>A Service's selector map as the registry's label selector (every pair must match).</summary>
    public static LabelSelector SelectorOf(IDictionary<string, string> selector) => LabelSelector.FromMap(ReadOnly(selector));

    private static IReadOnlyDictionary<string, string> ReadOnly(IDictionary<string, string>? map) =>
        map as IReadOnlyDictionary<string, string> ?? (map is null ? new Dictionary<string, string>() : new Dictionary<string, string>(map));

    private static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

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
