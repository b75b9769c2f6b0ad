using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// Services (SetDefaults_Service, pkg/registry/core/service/strategy.go, ValidateService). IP and
/// node-port allocation is not a strategy's job: whoever allocates fills <c>clusterIP</c>,
/// <c>clusterIPs</c>, <c>ipFamilies</c>, <c>ipFamilyPolicy</c> and <c>nodePort</c>s after
/// <see cref="PrepareForCreate"/>. An update that omits them keeps the allocated values, as
/// upstream's patchAllocatedValues does, so a re-applied manifest without clusterIP is not a change.
/// </summary>
internal sealed class ServiceStrategy : ResourceStrategy
{
    private static readonly string[] Types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

    public ServiceStrategy()
        : base(BuiltInKinds.Service)
    {
        Selectable("spec.clusterIP", "spec.type");
    }

    public override void PrepareForCreate(JsonObject obj)
    {
        base.PrepareForCreate(obj);
        var spec = JsonFields.Ensure(obj, "spec");
        if (JsonFields.Str(spec, "clusterIP") is { Length: > 0 } ip && JsonFields.Arr(spec, "clusterIPs") is null or { Count: 0 })
        {
            spec["clusterIPs"] = new JsonArray(ip);
        }
    }

    public override void PrepareForUpdate(JsonObject updated, JsonObject old)
    {
        var spec = JsonFields.Ensure(updated, "spec");
        var oldSpec = JsonFields.Obj(old, "spec") ?? [];
        ServiceAllocations.PatchAllocated(spec, oldSpec);
        base.PrepareForUpdate(updated, old);
        ServiceAllocations.NormalizeClusterIPs(spec, oldSpec);
        ServiceAllocations.DropTypeDependentFields(spec, oldSpec);
    }

    protected override JsonObject? InitialStatus(JsonObject obj) => new() { ["loadBalancer"] = new JsonObject() };

    protected override void ApplyDefaults(JsonObject obj)
    {
        var spec = JsonFields.Ensure(obj, "spec");
        JsonFields.DefaultString(spec, "sessionAffinity", "None");
        var affinity = JsonFields.Str(spec, "sessionAffinity");
        if (affinity == "None")
        {
            spec.Remove("sessionAffinityConfig");
        }
        else if (affinity == "ClientIP")
        {
            var clientIp = JsonFields.Ensure(JsonFields.Ensure(spec, "sessionAffinityConfig"), "clientIP");
            JsonFields.Default(clientIp, "timeoutSeconds", 10800);
        }

        JsonFields.DefaultString(spec, "type", "ClusterIP");
        foreach (var (_, port) in JsonFields.Items(JsonFields.Arr(spec, "ports")))
        {
            JsonFields.DefaultString(port, "protocol", "TCP");
            var target = port["targetPort"];
            if ((target is null || JsonFields.AsLong(target) == 0 || JsonFields.AsString(target) == "") && port["port"] is { } number)
            {
                port["targetPort"] = number.DeepClone();
            }
        }

        var type = JsonFields.Str(spec, "type");
        if (ServiceAllocations.ExternallyAccessible(spec))
        {
            JsonFields.DefaultString(spec, "externalTrafficPolicy", "Cluster");
        }

        if (type is "ClusterIP" or "NodePort" or "LoadBalancer")
        {
            JsonFields.Default(spec, "internalTrafficPolicy", "Cluster");
        }

        if (type == "LoadBalancer")
        {
            JsonFields.Default(spec, "allocateLoadBalancerNodePorts", true);
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec") ?? [];
        var type = JsonFields.Str(spec, "type") ?? "";
        causes.OneOf(spec, "type", "spec.type", Types);
        var ports = JsonFields.Arr(spec, "ports");
        if (type == "ExternalName")
        {
            ValidateExternalName(spec, causes);
        }
        else
        {
            if (ports is null or { Count: 0 } && JsonFields.Str(spec, "clusterIP") != "None")
            {
                causes.Required("spec.ports");
            }

            ServiceAllocations.ValidateClusterIPs(spec, causes);
        }

        ValidatePorts(ports, type, causes);
        LabelRules.ValidateLabels(spec["selector"], "spec.selector", causes);
        causes.OneOf(spec, "sessionAffinity", "spec.sessionAffinity", "ClientIP", "None");
        if (JsonFields.Int(JsonFields.Obj(JsonFields.Obj(spec, "sessionAffinityConfig"), "clientIP"), "timeoutSeconds") is { } timeout and (<= 0 or > 86400))
        {
            causes.Invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout, "must be greater than 0 and less than 86400");
        }

        ValidateTrafficPolicies(spec, type, causes);
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes) =>
        ServiceAllocations.ValidateClusterIPsUnchanged(JsonFields.Obj(updated, "spec") ?? [], JsonFields.Obj(old, "spec") ?? [], causes);

    private static void ValidateExternalName(JsonObject spec, Causes causes)
    {
        if (!string.IsNullOrEmpty(JsonFields.Str(spec, "clusterIP")))
        {
            causes.Forbidden("spec.clusterIP", "may not be set for ExternalName services");
        }

        if (JsonFields.Arr(spec, "clusterIPs") is { Count: > 0 })
        {
            causes.Forbidden("spec.clusterIPs", "may not be set for ExternalName services");
        }

        var name = (JsonFields.Str(spec, "externalName") ?? "").TrimEnd('.');
        if (name.Length == 0)
        {
            causes.Required("spec.externalName");
            return;
        }

        causes.InvalidEach("spec.externalName", name, NameRules.Dns1123Subdomain(name));
        if (!name.Contains('.', StringComparison.Ordinal))
        {
            causes.Invalid("spec.externalName", name, "should be a domain with at least two segments separated by dots");
        }
    }

    private static void ValidatePorts(JsonArray? ports, string type, Causes causes)
    {
        var requireName = ports is { Count: > 1 };
        var names = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<(long, string)>();
        foreach (var (i, port) in JsonFields.Items(ports))
        {
            var at = JsonFields.Index("spec.ports", i);
            causes.Name(port, at + ".name", NameRules.Dns1123Label, names, requireName);

            var number = JsonFields.Int(port, "port") ?? 0;
            foreach (var message in NameRules.PortNumber(number))
            {
                causes.Invalid(at + ".port", number, message);
            }

            causes.OneOf(port, "protocol", at + ".protocol", ContainerRules.Protocols);
            ValidateTargetPort(port["targetPort"], at + ".targetPort", causes);
            var protocol = JsonFields.Str(port, "protocol") ?? "";
            if (!seen.Add((number, protocol)))
            {
                causes.Add(new StatusCause("FieldValueDuplicate", $"Duplicate value: {{\"port\":{number},\"protocol\":\"{protocol}\"}}", at));
            }

            if (JsonFields.Int(port, "nodePort") is { } nodePort and not 0)
            {
                if (type == "ClusterIP")
                {
                    causes.Forbidden(at + ".nodePort", "may not be used when `type` is 'ClusterIP'");
                }

                foreach (var message in NameRules.PortNumber(nodePort))
                {
                    causes.Invalid(at + ".nodePort", nodePort, message);
                }
            }
        }
    }

    /// <summary>ValidatePortNumOrName.</summary>
    private static void ValidateTargetPort(JsonNode? target, string path, Causes causes)
    {
        if (JsonFields.AsLong(target) is { } number)
        {
            foreach (var message in NameRules.PortNumber(number))
            {
                causes.Invalid(path, number, message);
            }
        }
        else if (JsonFields.AsString(target) is { Length: > 0 } name)
        {
            causes.InvalidEach(path, name, NameRules.PortName(name));
        }
        else if (target is not null)
        {
            causes.Invalid(path, target, "must contain an int or string");
        }
    }

    private static void ValidateTrafficPolicies(JsonObject spec, string type, Causes causes)
    {
        var external = JsonFields.Str(spec, "externalTrafficPolicy") ?? "";
        if (!ServiceAllocations.ExternallyAccessible(spec))
        {
            if (external.Length > 0)
            {
                causes.Invalid("spec.externalTrafficPolicy", external, "may only be set for externally-accessible services");
            }
        }
        else
        {
            causes.OneOf(spec, "externalTrafficPolicy", "spec.externalTrafficPolicy", "Cluster", "Local");
        }

        if (JsonFields.Missing(spec, "internalTrafficPolicy"))
        {
            if (type is "ClusterIP" or "NodePort" or "LoadBalancer")
            {
                causes.Required("spec.internalTrafficPolicy");
            }
        }
        else
        {
            causes.OneOf(spec, "internalTrafficPolicy", "spec.internalTrafficPolicy", "Cluster", "Local");
        }
    }
}
