using System.Globalization;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>
/// The Service variables the kubelet gives every container (getServiceEnvVarMap and envvars.FromServices): for the
/// <c>kubernetes</c> Service in <c>default</c> always, and for each Service of the pod's namespace unless
/// <c>enableServiceLinks</c> is false, <c>NAME_SERVICE_HOST</c>, <c>NAME_SERVICE_PORT</c> (the first port),
/// <c>NAME_SERVICE_PORT_PORTNAME</c> for named ports, and Docker's link variables (<c>NAME_PORT</c>,
/// <c>NAME_PORT_80_TCP</c>, <c>_PROTO</c>, <c>_PORT</c>, <c>_ADDR</c>). Services without a cluster IP (headless,
/// ExternalName) give none. In-cluster clients find the API through KUBERNETES_SERVICE_HOST and _PORT.
/// </summary>
public static class ServiceEnv
{
    public const string MasterNamespace = "default";
    public const string MasterService = "kubernetes";

    /// <summary>The variables in a stable order (by Service name); <paramref name="services"/> may hold any namespace's.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> For(IEnumerable<V1Service> services, string ns, bool serviceLinks)
    {
        ArgumentNullException.ThrowIfNull(services);
        var chosen = new SortedDictionary<string, V1Service>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            if (service.Spec?.ClusterIP is not { Length: > 0 } ip || ip == "None" || service.Spec.Ports is not { Count: > 0 })
            {
                continue;
            }

            var name = service.Metadata.Name;
            if (service.Metadata.NamespaceProperty == MasterNamespace && name == MasterService)
            {
                chosen.TryAdd(name, service);
            }
            else if (service.Metadata.NamespaceProperty == ns && serviceLinks)
            {
                chosen[name] = service;
            }
        }

        return [.. chosen.Values.SelectMany(Variables)];
    }

    private static IEnumerable<KeyValuePair<string, string>> Variables(V1Service service)
    {
        var prefix = VariableName(service.Metadata.Name);
        var ip = service.Spec.ClusterIP;
        var ports = service.Spec.Ports;
        yield return new(prefix + "_SERVICE_HOST", ip);
        yield return new(prefix + "_SERVICE_PORT", Text(ports[0].Port));
        foreach (var port in ports.Where(p => p.Name is { Length: > 0 }))
        {
            yield return new(prefix + "_SERVICE_PORT_" + VariableName(port.Name), Text(port.Port));
        }

        for (var i = 0; i < ports.Count; i++)
        {
            var protocol = ports[i].Protocol is { Length: > 0 } p ? p : "TCP";
            var address = protocol.ToLowerInvariant() + "://" + (ip.Contains(':', StringComparison.Ordinal) ? "[" + ip + "]" : ip) + ":" + Text(ports[i].Port);
            if (i == 0)
            {
                // Docker special-cases the first port.
                yield return new(prefix + "_PORT", address);
            }

            var portPrefix = prefix + "_PORT_" + Text(ports[i].Port) + "_" + protocol.ToUpperInvariant();
            yield return new(portPrefix, address);
            yield return new(portPrefix + "_PROTO", protocol.ToLowerInvariant());
            yield return new(portPrefix + "_PORT", Text(ports[i].Port));
            yield return new(portPrefix + "_ADDR", ip);
        }
    }

    private static string VariableName(string name) => name.Replace('-', '_').ToUpperInvariant();

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
