using System.Text.Json.Nodes;
using static Cluster.Api.Tables.JsonRead;

namespace Cluster.Api.Tables;

/// <summary>Rows of RoleBindings and ClusterRoleBindings, PriorityClasses, PodDisruptionBudgets, Ingresses and IngressClasses (Roles print as the default table: name and creation time).</summary>
internal static class AccessPolicyPrinters
{
    public static ITableConverter RoleBinding { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Role", "Role in the roleBinding"),
            Columns.Age,
            Columns.Wide("Users", "Users in the roleBinding"),
            Columns.Wide("Groups", "Groups in the roleBinding"),
            Columns.Wide("ServiceAccounts", "ServiceAccounts in the roleBinding"),
        ],
        (obj, now) =>
        [
            Name(obj),
            Str(obj, "roleRef", "kind") + "/" + Str(obj, "roleRef", "name"),
            Age(obj, now),
            Subjects(obj, "User"),
            Subjects(obj, "Group"),
            Subjects(obj, "ServiceAccount"),
        ]);

    public static ITableConverter PriorityClass { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Int("Value", "Value is the integer value of this priority class."),
            new("Global-Default", "boolean", "", "GlobalDefault specifies whether this PriorityClass should be considered as the default priority.", 0),
            Columns.Age,
            Columns.Str("PreemptionPolicy", "PreemptionPolicy is the Policy for preempting pods with lower priority."),
        ],
        (obj, now) => [Name(obj), Int(obj, "value"), Bool(obj, "globalDefault"), Age(obj, now), Str(obj, "preemptionPolicy")]);

    public static ITableConverter PodDisruptionBudget { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Min Available", "The minimum number of pods that must be available simultaneously. This can be either an integer or a string specifying a percentage, e.g. \"28%\"."),
            Columns.Str("Max Unavailable", "The maximum number of pods that may be unavailable. This can be either an integer or a string specifying a percentage, e.g. \"33%\"."),
            Columns.Int("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
            Columns.Age,
        ],
        (obj, now) => [Name(obj), IntOrString(obj, "minAvailable"), IntOrString(obj, "maxUnavailable"), Int(obj, "status", "disruptionsAllowed"), Age(obj, now)]);

    public static ITableConverter Ingress { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Class", "The name of the IngressClass resource that should be used for ingress class."),
            Columns.Str("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
            Columns.Str("Address", "Address is a list containing ingress points for the load-balancer"),
            Columns.Str("Ports", "Ports of TLS configurations that open"),
            Columns.Age,
        ],
        (obj, now) =>
        [
            Name(obj),
            Str(obj, "spec", "ingressClassName") is { Length: > 0 } className ? className : "<none>",
            IngressHosts(obj),
            string.Join(",", Objects(obj, "status", "loadBalancer", "ingress").Select(i => Str(i, "ip") is { Length: > 0 } ip ? ip : Str(i, "hostname"))),
            Count(obj, "spec", "tls") > 0 ? "80, 443" : "80",
            Age(obj, now),
        ]);

    public static ITableConverter IngressClass { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("Controller", "Controller that is in charge of handling this class."),
            Columns.Str("Parameters", "A reference to a resource with additional parameters."),
            Columns.Age,
        ],
        (obj, now) => [Name(obj), Str(obj, "spec", "controller"), IngressClassParameters(obj), Age(obj, now)]);

    /// <summary>upstream printIPAddress: the parent as resource[.group][/namespace]/name.</summary>
    public static ITableConverter IPAddress { get; } = new TableConverter(
        [Columns.Name, Columns.Str("ParentRef", "ParentRef references the resource (usually 1) that this IP address is attached to."), Columns.Age],
        (obj, now) => [Name(obj), IPAddressParent(obj), Age(obj, now)]);

    public static ITableConverter NetworkPolicy { get; } = new TableConverter(
        [Columns.Name, Columns.Str("Pod-Selector", "Label selector for the pods this policy applies to"), Columns.Age],
        (obj, now) => [Name(obj), SelectorFormat.Selector(At(obj, "spec", "podSelector")), Age(obj, now)]);

    public static ITableConverter EndpointSlice { get; } = new TableConverter(
        [
            Columns.Name,
            Columns.Str("AddressType", "The IP protocol for this slice"),
            Columns.Str("Ports", "The ports for this slice"),
            Columns.Str("Endpoints", "The endpoints for this slice"),
            Columns.Age,
        ],
        (obj, now) =>
        {
            var ports = Objects(obj, "ports").Select(p => IntOrNull(p, "port")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<unset>").ToList();
            var addresses = Objects(obj, "endpoints").SelectMany(e => Strings(e, "addresses")).ToList();
            return
            [
                Name(obj), Str(obj, "addressType"),
                ports.Count == 0 ? "<unset>" : string.Join(",", ports),
                addresses.Count == 0 ? "<unset>" : FirstThree(addresses),
                Age(obj, now),
            ];
        });

    /// <summary>The rules' hosts, three at most and then a count (upstream formatHosts); "*" when no rule names one.</summary>
    private static string IngressHosts(JsonObject obj)
    {
        var hosts = Objects(obj, "spec", "rules").Select(r => Str(r, "host")).Where(h => h.Length > 0).ToList();
        return hosts.Count == 0 ? "*" : FirstThree(hosts);
    }

    private static string IngressClassParameters(JsonObject obj) => Obj(obj, "spec", "parameters") is { } parameters
        ? Str(parameters, "kind") + (Str(parameters, "apiGroup") is { Length: > 0 } group ? "." + group : "") + "/" + Str(parameters, "name")
        : "<none>";

    private static string IPAddressParent(JsonObject obj) => Obj(obj, "spec", "parentRef") is { } parent
        ? (Str(parent, "resource") + (Str(parent, "group") is { Length: > 0 } group ? "." + group : "")).ToLowerInvariant()
            + (Str(parent, "namespace") is { Length: > 0 } ns ? "/" + ns : "") + "/" + Str(parent, "name")
        : "<none>";

    private static string Subjects(JsonObject obj, string kind) => string.Join(", ", Objects(obj, "subjects")
        .Where(s => Str(s, "kind") == kind)
        .Select(s => kind == "ServiceAccount" ? Str(s, "namespace") + "/" + Str(s, "name") : Str(s, "name")));

    private static string IntOrString(JsonObject obj, string key) => At(obj, "spec", key) is JsonValue value ? value.ToString() : "N/A";
}
