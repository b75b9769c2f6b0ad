using System.Net;
using k8s.Models;

namespace Cluster.Node.Proxy;

/// <summary>One endpoint of a service port: where its traffic may go, and whether it runs on this node.</summary>
/// <param name="Ready">Ready (or published while not ready): takes new connections.</param>
public sealed record ProxyEndpoint(IPAddress Address, int Port, bool Ready, bool IsLocal)
{
    public override string ToString() => Address + ":" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// One port of one Service, as the proxy forwards it (upstream's ServicePortName with its ServicePort info): the
/// addresses it answers on, the node port, the policies, and its endpoints with the target port resolved.
/// </summary>
public sealed record ProxyServicePort(
    string Namespace,
    string Name,
    string PortName,
    string Protocol,
    IReadOnlyList<IPAddress> ClusterIps,
    int Port,
    int NodePort,
    IReadOnlyList<IPAddress> ExternalIps,
    bool ClientIpAffinity,
    int AffinitySeconds,
    bool ExternalPolicyLocal,
    bool InternalPolicyLocal,
    IReadOnlyList<ProxyEndpoint> Endpoints)
{
    /// <summary>Upstream's ServicePortName.String(): <c>ns/name</c>, with <c>:port</c> when the port is named.</summary>
    public string Key => PortName.Length == 0 ? Namespace + "/" + Name : Namespace + "/" + Name + ":" + PortName;

    /// <summary>The endpoints new connections may go to.</summary>
    public IEnumerable<ProxyEndpoint> Usable => Endpoints.Where(e => e.Ready);

    /// <summary>Of those, the ones on this node (what a Local traffic policy keeps).</summary>
    public IEnumerable<ProxyEndpoint> UsableLocal => Usable.Where(e => e.IsLocal);
}

/// <summary>Builds the proxy's view of the cluster's Services from the typed objects: pure, so tests and the benchmark feed it directly.</summary>
public static class ProxyModel
{
    /// <summary>Upstream's default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours).</summary>
    public const int DefaultAffinitySeconds = 10800;

    /// <summary>
    /// The service ports to forward: every Service with a cluster IP (not headless, not ExternalName), each port with
    /// the endpoints its EndpointSlices give for it (matched by port name, as upstream), sorted so equal input makes
    /// equal rules.
    /// </summary>
    public static IReadOnlyList<ProxyServicePort> Build(IEnumerable<V1Service> services, IEnumerable<V1EndpointSlice> slices, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(slices);
        var byService = new Dictionary<(string Ns, string Name), List<V1EndpointSlice>>();
        foreach (var slice in slices)
        {
            if (slice.GetLabel("kubernetes.io/service-name") is { Length: > 0 } owner && slice.AddressType == "IPv4")
            {
                var key = (slice.Namespace(), owner);
                (byService.TryGetValue(key, out var list) ? list : byService[key] = []).Add(slice);
            }
        }

        var ports = new List<ProxyServicePort>();
        foreach (var service in services)
        {
            var spec = service.Spec;
            if (spec is null || spec.Type == "ExternalName")
            {
                continue;
            }

            var clusterIps = (spec.ClusterIPs ?? [spec.ClusterIP ?? ""])
                .Select(ip => IPAddress.TryParse(ip, out var parsed) && parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? parsed : null)
                .OfType<IPAddress>().ToList();
            if (clusterIps.Count == 0)
            {
                // Headless (clusterIP None): DNS answers with the pods themselves, nothing to forward.
                continue;
            }

            var externalIps = (spec.ExternalIPs ?? []).Select(ip => IPAddress.TryParse(ip, out var parsed) ? parsed : null).OfType<IPAddress>().ToList();
            var affinity = spec.SessionAffinity == "ClientIP";
            var affinitySeconds = spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds ?? DefaultAffinitySeconds;
            var nodePorts = spec.Type is "NodePort" or "LoadBalancer";
            var serviceSlices = byService.GetValueOrDefault((service.Namespace(), service.Name())) ?? [];
            foreach (var port in spec.Ports ?? [])
            {
                var name = port.Name ?? "";
                var protocol = port.Protocol ?? "TCP";
                if (protocol is not ("TCP" or "UDP"))
                {
                    continue;
                }

                ports.Add(new ProxyServicePort(
                    service.Namespace(),
                    service.Name(),
                    name,
                    protocol,
                    clusterIps,
                    port.Port,
                    nodePorts ? port.NodePort ?? 0 : 0,
                    externalIps,
                    affinity,
                    affinitySeconds,
                    spec.ExternalTrafficPolicy is "Local" && (nodePorts || externalIps.Count > 0),
                    spec.InternalTrafficPolicy is "Local",
                    Endpoints(serviceSlices, name, protocol, nodeName)));
            }
        }

        ports.Sort((a, b) => string.CompareOrdinal(a.Key + "/" + a.Protocol, b.Key + "/" + b.Protocol));
        return ports;
    }

    private static List<ProxyEndpoint> Endpoints(List<V1EndpointSlice> slices, string portName, string protocol, string nodeName)
    {
        var endpoints = new Dictionary<(IPAddress, int), ProxyEndpoint>();
        foreach (var slice in slices)
        {
            if ((slice.Ports ?? []).FirstOrDefault(p => (p.Name ?? "") == portName && (p.Protocol ?? "TCP") == protocol) is not { Port: { } targetPort })
            {
                continue;
            }

            foreach (var endpoint in slice.Endpoints ?? [])
            {
                // Ready is unset only by producers that do not know; upstream takes that as ready. A Service that
                // publishes not-ready addresses has its EndpointSlice controller mark them ready.
                var ready = endpoint.Conditions?.Ready != false;
                var local = endpoint.NodeName is { Length: > 0 } node && node == nodeName;
                foreach (var address in endpoint.Addresses ?? [])
                {
                    if (IPAddress.TryParse(address, out var ip))
                    {
                        // The same address in two slices (during a move between them) is one endpoint.
                        endpoints.TryAdd((ip, targetPort), new ProxyEndpoint(ip, targetPort, ready, local));
                    }
                }
            }
        }

        return [.. endpoints.Values.OrderBy(e => e.ToString(), StringComparer.Ordinal)];
    }
}
