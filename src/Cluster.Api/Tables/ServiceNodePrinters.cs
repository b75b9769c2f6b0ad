using System.Globalization;
using System.Text.Json.Nodes;
using static Cluster.Api.Tables.JsonRead;

namespace Cluster.Api.Tables;

/// <summary>Rows of Service (type, IPs, ports) and Node (Ready condition, roles, node info).</summary>
internal static class ServiceNodePrinters
{
    private const string NodeRolePrefix = "node-role.kubernetes.io/";
    private const string NodeRoleLabel = "kubernetes.io/role";
    private const string AddressesDoc = "List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the downward API (status.hostIP).";

    public static ITableConverter Service { get; } = new TableConverter(
    [
        Columns.Name,
        Columns.Str("Type", "type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer."),
        Columns.Str("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail."),
        Columns.Str("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system."),
        Columns.Str("Port(s)", "The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies"),
        Columns.Age,
        Columns.Wide("Selector", "Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/"),
    ], ServiceCells);

    public static ITableConverter Node { get; } = new TableConverter(
    [
        Columns.Name,
        Columns.Str("Status", "The status of the node"),
        Columns.Str("Roles", "The roles of the node"),
        Columns.Age,
        Columns.Str("Version", "Kubelet Version reported by the node."),
        Columns.Wide("Internal-IP", AddressesDoc),
        Columns.Wide("External-IP", AddressesDoc),
        Columns.Wide("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
        Columns.Wide("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
        Columns.Wide("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2)."),
    ], NodeCells);

    private static object?[] ServiceCells(JsonObject svc, DateTimeOffset now)
    {
        var spec = Obj(svc, "spec");

        // The API server defaults the type to ClusterIP and fills clusterIPs from clusterIP.
        var type = Str(spec, "type") is { Length: > 0 } t ? t : "ClusterIP";
        var clusterIp = Strings(spec, "clusterIPs").FirstOrDefault() ?? Str(spec, "clusterIP");
        var ports = string.Join(",", Objects(spec, "ports").Select(FormatPort));
        return
        [
            Name(svc), type, OrNone(clusterIp), ExternalIp(svc, type), OrNone(ports), Age(svc, now),
            SelectorFormat.Labels(At(spec, "selector")),
        ];
    }

    private static string FormatPort(JsonObject port)
    {
        var protocol = Str(port, "protocol") is { Length: > 0 } p ? p : "TCP";
        var nodePort = Int(port, "nodePort");
        return nodePort > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Int(port, "port")}:{nodePort}/{protocol}")
            : string.Create(CultureInfo.InvariantCulture, $"{Int(port, "port")}/{protocol}");
    }

    /// <summary>getServiceExternalIP, wide (the server never clips the load-balancer list).</summary>
    private static string ExternalIp(JsonObject svc, string type)
    {
        var externalIps = Strings(svc, "spec", "externalIPs").ToArray();
        switch (type)
        {
            case "ClusterIP" or "NodePort":
                return externalIps.Length > 0 ? string.Join(",", externalIps) : "<none>";
            case "LoadBalancer":
                var ingress = Objects(svc, "status", "loadBalancer", "ingress")
                    .Select(i => Str(i, "ip") is { Length: > 0 } ip ? ip : Str(i, "hostname"))
                    .Where(s => s.Length > 0)
                    .Distinct(StringComparer.Ordinal)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                ingress.AddRange(externalIps);
                return ingress.Count > 0 ? string.Join(",", ingress) : "<pending>";
            case "ExternalName":
                return Str(svc, "spec", "externalName");
            default:
                return "<unknown>";
        }
    }

    private static object?[] NodeCells(JsonObject node, DateTimeOffset now)
    {
        // The last Ready condition wins, as in upstream's condition map.
        var ready = Objects(node, "status", "conditions").LastOrDefault(c => Str(c, "type") == "Ready");
        var status = new List<string> { ready is null ? "Unknown" : Str(ready, "status") == "True" ? "Ready" : "NotReady" };
        if (Bool(node, "spec", "unschedulable"))
        {
            status.Add("SchedulingDisabled");
        }

        var info = Obj(node, "status", "nodeInfo");
        return
        [
            Name(node), string.Join(",", status), OrNone(string.Join(",", Roles(node))), Age(node, now), Str(info, "kubeletVersion"),
            Address(node, "InternalIP"), Address(node, "ExternalIP"),
            OrUnknown(Str(info, "osImage")), OrUnknown(Str(info, "kernelVersion")), OrUnknown(Str(info, "containerRuntimeVersion")),
        ];
    }

    /// <summary>Roles from node-role.kubernetes.io/&lt;role&gt; label keys and the kubernetes.io/role value, sorted.</summary>
    private static SortedSet<string> Roles(JsonObject node)
    {
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in Obj(node, "metadata", "labels") ?? [])
        {
            if (key.StartsWith(NodeRolePrefix, StringComparison.Ordinal) && key.Length > NodeRolePrefix.Length)
            {
                roles.Add(key[NodeRolePrefix.Length..]);
            }
            else if (key == NodeRoleLabel && Str(value) is { Length: > 0 } role)
            {
                roles.Add(role);
            }
        }

        return roles;
    }

    private static string Address(JsonObject node, string type) =>
        Objects(node, "status", "addresses").FirstOrDefault(a => Str(a, "type") == type) is { } a ? Str(a, "address") : "<none>";

    private static string OrUnknown(string s) => s.Length == 0 ? "<unknown>" : s;
}
