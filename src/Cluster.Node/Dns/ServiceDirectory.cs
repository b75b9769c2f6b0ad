using System.Net;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Node.Dns;

/// <summary>One port of a Service or of an endpoint: what an SRV record names.</summary>
public sealed record NamedPort(string Name, string Protocol, int Port);

/// <summary>A ready (or published not-ready) address of a Service's endpoints, with the hostname a StatefulSet pod gives it.</summary>
public sealed record ServiceEndpoint(IPAddress Address, string? Hostname, IReadOnlyList<NamedPort> Ports);

/// <summary>What the DNS specification needs of a Service: its cluster IPs (none when headless), ExternalName, ports and endpoints.</summary>
public sealed record ServiceEntry(
    string Namespace,
    string Name,
    IReadOnlyList<IPAddress> ClusterIps,
    string? ExternalName,
    IReadOnlyList<NamedPort> Ports,
    IReadOnlyList<ServiceEndpoint> Endpoints)
{
    public bool Headless => ClusterIps.Count == 0 && ExternalName is null;
}

/// <summary>
/// The Services and their endpoints as cluster DNS answers from them, read from the registry's watch caches. Every
/// query needs it, so it is an immutable snapshot rebuilt only when a Service or an EndpointSlice changed since the
/// last build (<see cref="CacheDerived{T}"/>), as the RBAC index is.
/// </summary>
public sealed class ServiceDirectory
{
    private readonly CacheDerived<Snapshot> _snapshot;

    /// <summary>Does no work: the registry's caches are read on the first query, when the registry has started.</summary>
    public ServiceDirectory(ResourceRegistry registry)
    {
        _snapshot = new CacheDerived<Snapshot>(
            () => [registry.Cache(BuiltInKinds.Service), registry.Cache(BuiltInKinds.EndpointSlice)],
            () => Build(
                [.. registry.Cache(BuiltInKinds.Service).List(null).Items.Select(o => o.As<V1Service>())],
                [.. registry.Cache(BuiltInKinds.EndpointSlice).List(null).Items.Select(o => o.As<V1EndpointSlice>())]));
    }

    /// <summary>The Service, or null.</summary>
    public ServiceEntry? Find(string ns, string name) => _snapshot.Value.Services.GetValueOrDefault((ns, name));

    /// <summary>The name a cluster or endpoint IP answers to in reverse lookups (without the trailing dot), or null.</summary>
    public string? ReverseName(IPAddress address) => _snapshot.Value.Reverse.GetValueOrDefault(address);

    /// <summary>The cluster domain the reverse names end in.</summary>
    public string Domain { get; init; } = "cluster.local";

    private Snapshot Build(List<V1Service> services, List<V1EndpointSlice> slices)
    {
        var endpoints = new Dictionary<(string, string), List<ServiceEndpoint>>();
        foreach (var slice in slices)
        {
            if (slice.GetLabel("kubernetes.io/service-name") is not { Length: > 0 } owner || slice.AddressType is not ("IPv4" or "IPv6"))
            {
                continue;
            }

            var ports = (slice.Ports ?? []).Where(p => p.Port is not null).Select(p => new NamedPort(p.Name ?? "", p.Protocol ?? "TCP", p.Port!.Value)).ToList();
            var list = endpoints.TryGetValue((slice.Namespace(), owner), out var found) ? found : endpoints[(slice.Namespace(), owner)] = [];
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                // The EndpointSlice controller marks a Service's publishNotReadyAddresses endpoints ready itself.
                if (endpoint.Conditions?.Ready == false)
                {
                    continue;
                }

                foreach (var address in endpoint.Addresses ?? [])
                {
                    if (IPAddress.TryParse(address, out var ip))
                    {
                        list.Add(new ServiceEndpoint(ip, endpoint.Hostname, ports));
                    }
                }
            }
        }

        var entries = new Dictionary<(string, string), ServiceEntry>();
        var reverse = new Dictionary<IPAddress, string>();
        foreach (var service in services)
        {
            var (ns, name) = (service.Namespace(), service.Name());
            var external = service.Spec?.Type == "ExternalName" ? service.Spec.ExternalName : null;
            var ips = external is null
                ? (service.Spec?.ClusterIPs ?? [service.Spec?.ClusterIP ?? ""]).Select(ip => IPAddress.TryParse(ip, out var parsed) ? parsed : null).OfType<IPAddress>().ToList()
                : [];
            var ports = (service.Spec?.Ports ?? []).Select(p => new NamedPort(p.Name ?? "", p.Protocol ?? "TCP", p.Port)).ToList();
            var entry = new ServiceEntry(ns, name, ips, external, ports, endpoints.GetValueOrDefault((ns, name)) ?? []);
            entries[(ns, name)] = entry;
            var serviceName = $"{name}.{ns}.svc.{Domain}";
            foreach (var ip in ips)
            {
                reverse[ip] = serviceName;
            }

            if (entry.Headless)
            {
                foreach (var endpoint in entry.Endpoints.Where(e => e.Hostname is { Length: > 0 }))
                {
                    reverse[endpoint.Address] = endpoint.Hostname + "." + serviceName;
                }
            }
        }

        return new Snapshot(entries, reverse);
    }

    private sealed record Snapshot(
        Dictionary<(string, string), ServiceEntry> Services,
        Dictionary<IPAddress, string> Reverse);
}
