using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>Endpoints: addresses are IPs, ports valid (named when more than one), protocol TCP by default.</summary>
internal sealed class EndpointsStrategy : ResourceStrategy
{
    public EndpointsStrategy()
        : base(BuiltInKinds.Endpoints)
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        foreach (var (_, subset) in JsonFields.Items(JsonFields.Arr(obj, "subsets")))
        {
            foreach (var (_, port) in JsonFields.Items(JsonFields.Arr(subset, "ports")))
            {
                JsonFields.DefaultString(port, "protocol", "TCP");
            }
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        foreach (var (i, subset) in JsonFields.Items(JsonFields.Arr(obj, "subsets")))
        {
            var at = JsonFields.Index("subsets", i);
            foreach (var list in new[] { "addresses", "notReadyAddresses" })
            {
                foreach (var (j, address) in JsonFields.Items(JsonFields.Arr(subset, list)))
                {
                    var ip = JsonFields.Str(address, "ip") ?? "";
                    causes.InvalidEach(JsonFields.Index(at + "." + list, j) + ".ip", ip, NameRules.IpAddress(ip));
                }
            }

            var ports = JsonFields.Arr(subset, "ports");
            foreach (var (j, port) in JsonFields.Items(ports))
            {
                var portPath = JsonFields.Index(at + ".ports", j);
                causes.Name(port, portPath + ".name", NameRules.Dns1123Label, unique: null, required: ports!.Count > 1);

                var number = JsonFields.Int(port, "port") ?? 0;
                foreach (var message in NameRules.PortNumber(number))
                {
                    causes.Invalid(portPath + ".port", number, message);
                }

                causes.OneOf(port, "protocol", portPath + ".protocol", ContainerRules.Protocols);
            }
        }
    }
}

/// <summary>
/// core/v1 Events (legacyValidateEvent): the involved object's namespace matches the event's;
/// events with an eventTime (the events.k8s.io shape) also need reporting fields.
/// </summary>
internal sealed class EventStrategy : ResourceStrategy
{
    public EventStrategy()
        : base(BuiltInKinds.Event)
    {
        foreach (var field in new[] { "kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath" })
        {
            Selectable("involvedObject." + field);
        }

        Selectable("reason", "type");
        Selectable("reportingComponent");
        Selectable("source", e => JsonFields.Str(JsonFields.Obj(e, "source"), "component") is { Length: > 0 } component ? component : JsonFields.Str(e, "reportingComponent"));
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        if (obj["involvedObject"] is not JsonObject involved)
        {
            causes.Required("involvedObject");
            return;
        }

        var ns = ObjectMeta.Namespace(obj);
        var involvedNs = JsonFields.Str(involved, "namespace") ?? "";
        if (string.IsNullOrEmpty(JsonFields.Str(obj, "eventTime")))
        {
            var mismatch = involvedNs.Length == 0 ? ns is not ("" or "default") : ns != involvedNs;
            if (mismatch)
            {
                causes.Invalid("involvedObject.namespace", involvedNs, "does not match event.namespace");
            }

            return;
        }

        if (involvedNs.Length == 0 && ns != "kube-system")
        {
            causes.Invalid("involvedObject.namespace", involvedNs, "does not match event.namespace");
        }

        foreach (var field in new[] { "reportingComponent", "reportingInstance", "action", "reason" })
        {
            if (string.IsNullOrEmpty(JsonFields.Str(obj, field)))
            {
                causes.Required(field);
            }
        }
    }
}

/// <summary>ServiceAccounts: only metadata rules apply (the store checks those).</summary>
internal sealed class ServiceAccountStrategy : ResourceStrategy
{
    public ServiceAccountStrategy()
        : base(BuiltInKinds.ServiceAccount)
    {
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        foreach (var list in new[] { "secrets", "imagePullSecrets" })
        {
            foreach (var (i, reference) in JsonFields.Items(JsonFields.Arr(obj, list)))
            {
                if (JsonFields.Str(reference, "name") is { Length: > 0 } name)
                {
                    causes.InvalidEach(JsonFields.Index(list, i) + ".name", name, NameRules.Dns1123Subdomain(name));
                }
            }
        }
    }
}

/// <summary>ResourceQuotas: hard limits are valid quota resource names with non-negative quantities.</summary>
internal sealed class ResourceQuotaStrategy : ResourceStrategy
{
    private static readonly HashSet<string> CountedResources = new(StringComparer.Ordinal)
    {
        "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
        "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
    };

    private static readonly HashSet<string> StandardResources = new(CountedResources, StringComparer.Ordinal)
    {
        "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage",
        "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage",
    };

    private static readonly string[] Scopes = ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"];

    public ResourceQuotaStrategy()
        : base(BuiltInKinds.ResourceQuota)
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        PodDefaults.CanonicalizeResourceList(JsonFields.Obj(JsonFields.Obj(obj, "spec"), "hard"));
        var status = JsonFields.Obj(obj, "status");
        PodDefaults.CanonicalizeResourceList(JsonFields.Obj(status, "hard"));
        PodDefaults.CanonicalizeResourceList(JsonFields.Obj(status, "used"));
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec");
        var hard = ContainerRules.ValidateResourceList(JsonFields.Obj(spec, "hard"), "spec.hard", NameError, causes);
        foreach (var (name, quantity) in hard)
        {
            if (CountedResources.Contains(name) && quantity.MilliValue % 1000 != 0)
            {
                causes.Invalid(JsonFields.Key("spec.hard", name), quantity.ToString(), "must be an integer");
            }
        }

        var scopes = JsonFields.Arr(spec, "scopes");
        if (scopes is not null && scopes.Any(s => !Scopes.Contains(JsonFields.AsString(s) ?? "", StringComparer.Ordinal)))
        {
            causes.Invalid("spec.scopes", scopes, "unsupported scope");
        }
    }

    private static string? NameError(string name) =>
        name.Contains('/', StringComparison.Ordinal)
            ? NameRules.QualifiedName(name) is { Count: > 0 } errors ? errors[0] : null
            : StandardResources.Contains(name) || name.StartsWith("hugepages-", StringComparison.Ordinal) || name.StartsWith("requests.hugepages-", StringComparison.Ordinal)
                ? null
                : "must be a standard resource for quota";
}

/// <summary>Leases (coordination.k8s.io/v1): a positive duration and non-negative transitions.</summary>
internal sealed class LeaseStrategy : ResourceStrategy
{
    public LeaseStrategy()
        : base(BuiltInKinds.Lease)
    {
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec");
        if (JsonFields.Int(spec, "leaseDurationSeconds") is <= 0 and var duration)
        {
            causes.Invalid("spec.leaseDurationSeconds", duration, "must be greater than 0");
        }

        causes.NonNegative(spec, "leaseTransitions", "spec.leaseTransitions");
    }
}
