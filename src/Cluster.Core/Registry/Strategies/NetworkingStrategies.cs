using System.Text.Json.Nodes;
using Cluster.Core.Registry.Validation;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// Ingresses (networking.k8s.io/v1): rules or a default backend, host names that are DNS names (a leading "*." allowed),
/// paths with a pathType, absolute for Exact and Prefix, and backends that are a service with a port name or number, or a
/// resource, never both (upstream ValidateIngressSpec).
/// </summary>
internal sealed class IngressStrategy : ResourceStrategy
{
    public IngressStrategy()
        : base(BuiltInKinds.Ingress)
    {
    }

    protected override JsonObject? InitialStatus(JsonObject obj) => new() { ["loadBalancer"] = new JsonObject() };

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec");
        var rules = JsonFields.Arr(spec, "rules");
        if ((rules is null || rules.Count == 0) && spec?["defaultBackend"] is null)
        {
            causes.Invalid("spec.rules", rules ?? (JsonNode)new JsonArray(), "either `defaultBackend` or `rules` must be specified");
        }

        if (spec?["defaultBackend"] is JsonObject defaultBackend)
        {
            ValidateBackend(defaultBackend, "spec.defaultBackend", causes);
        }

        if (JsonFields.Str(spec, "ingressClassName") is { Length: > 0 } className)
        {
            causes.InvalidEach("spec.ingressClassName", className, NameValidation.IsDns1123Subdomain(className));
        }

        foreach (var (i, rule) in JsonFields.Items(rules))
        {
            var path = JsonFields.Index("spec.rules", i);
            if (JsonFields.Str(rule, "host") is { Length: > 0 } host)
            {
                ValidateHost(host, path + ".host", causes);
            }

            foreach (var (j, httpPath) in JsonFields.Items(JsonFields.Arr(JsonFields.Obj(rule, "http"), "paths")))
            {
                ValidatePath(httpPath, JsonFields.Index(path + ".http.paths", j), causes);
            }
        }

        foreach (var (i, tls) in JsonFields.Items(JsonFields.Arr(spec, "tls")))
        {
            var hosts = JsonFields.Arr(tls, "hosts") ?? [];
            for (var j = 0; j < hosts.Count; j++)
            {
                ValidateHost(JsonFields.AsString(hosts[j]) ?? "", JsonFields.Index(JsonFields.Index("spec.tls", i) + ".hosts", j), causes);
            }
        }
    }

    private static void ValidateHost(string host, string path, Causes causes)
    {
        if (NameRules.IsIp(host))
        {
            causes.Invalid(path, host, "must be a DNS name, not an IP address");
            return;
        }

        var name = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        causes.InvalidEach(path, host, NameValidation.IsDns1123Subdomain(name));
    }

    private static void ValidatePath(JsonObject httpPath, string path, Causes causes)
    {
        var value = JsonFields.Str(httpPath, "path") ?? "";
        switch (JsonFields.Str(httpPath, "pathType"))
        {
            case null or "":
                causes.Required(path + ".pathType", "pathType must be specified");
                break;
            case "Exact" or "Prefix":
                if (!value.StartsWith('/'))
                {
                    causes.Invalid(path + ".path", value, "must be an absolute path");
                }

                break;
            case "ImplementationSpecific":
                if (value.Length > 0 && !value.StartsWith('/'))
                {
                    causes.Invalid(path + ".path", value, "must be an absolute path");
                }

                break;
            case var other:
                causes.NotSupported(path + ".pathType", other, "Exact", "ImplementationSpecific", "Prefix");
                break;
        }

        if (httpPath["backend"] is JsonObject backend)
        {
            ValidateBackend(backend, path + ".backend", causes);
        }
        else
        {
            causes.Required(path + ".backend");
        }
    }

    private static void ValidateBackend(JsonObject backend, string path, Causes causes)
    {
        var service = JsonFields.Obj(backend, "service");
        var hasResource = backend["resource"] is not null;
        if (service is not null && hasResource)
        {
            causes.Invalid(path, backend, "cannot set both resource and service backends");
        }
        else if (service is null && !hasResource)
        {
            causes.Invalid(path, backend, "resource or service backend is required");
        }

        if (service is null)
        {
            return;
        }

        var name = JsonFields.Str(service, "name") ?? "";
        if (name.Length == 0)
        {
            causes.Required(path + ".service.name");
        }
        else
        {
            causes.InvalidEach(path + ".service.name", name, NameRules.Dns1035Label(name));
        }

        var port = JsonFields.Obj(service, "port");
        var portName = JsonFields.Str(port, "name") ?? "";
        var number = JsonFields.Int(port, "number") ?? 0;
        if (portName.Length > 0 && number != 0)
        {
            causes.Invalid(path + ".service.port", port, "cannot set both port name & port number");
        }
        else if (portName.Length > 0)
        {
            causes.InvalidEach(path + ".service.port.name", portName, NameRules.PortName(portName));
        }
        else if (number != 0)
        {
            causes.InvalidEach(path + ".service.port.number", number.ToString(System.Globalization.CultureInfo.InvariantCulture), NameRules.PortNumber(number));
        }
        else
        {
            causes.Required(path + ".service.port", "port name or number is required");
        }
    }
}

/// <summary>IngressClasses: a domain-prefixed controller that never changes, and parameters naming a kind and a name (upstream ValidateIngressClass).</summary>
internal sealed class IngressClassStrategy : ResourceStrategy
{
    public IngressClassStrategy()
        : base(BuiltInKinds.IngressClass)
    {
    }

    protected override void ApplyDefaults(JsonObject obj)
    {
        if (JsonFields.Obj(obj, "spec") is { } spec && spec["parameters"] is JsonObject parameters)
        {
            JsonFields.DefaultString(parameters, "scope", "Cluster");
        }
    }

    protected override void ValidateObject(JsonObject obj, Causes causes)
    {
        var spec = JsonFields.Obj(obj, "spec");
        var controller = JsonFields.Str(spec, "controller") ?? "";
        var slash = controller.IndexOf('/', StringComparison.Ordinal);
        if (controller.Length == 0)
        {
            causes.Required("spec.controller");
        }
        else if (controller.Length > 250)
        {
            causes.TooLong("spec.controller", 250);
        }
        else if (slash <= 0 || slash == controller.Length - 1 || NameValidation.IsDns1123Subdomain(controller[..slash]).Count > 0)
        {
            causes.Invalid("spec.controller", controller, "must be a domain-prefixed path (such as \"acme.io/foo\")");
        }

        if (JsonFields.Obj(spec, "parameters") is { } parameters)
        {
            foreach (var key in (ReadOnlySpan<string>)["kind", "name"])
            {
                if (string.IsNullOrEmpty(JsonFields.Str(parameters, key)))
                {
                    causes.Required("spec.parameters." + key);
                }
            }

            causes.OptionalOneOf(parameters, "scope", "spec.parameters.scope", "Cluster", "Namespace");
            var scope = JsonFields.Str(parameters, "scope");
            var ns = JsonFields.Str(parameters, "namespace") ?? "";
            if (scope == "Namespace" && ns.Length == 0)
            {
                causes.Required("spec.parameters.namespace", "`parameters.scope` is set to 'Namespace'");
            }
            else if (scope == "Cluster" && ns.Length > 0)
            {
                causes.Forbidden("spec.parameters.namespace", "`parameters.scope` is set to 'Cluster'");
            }
        }
    }

    protected override void ValidateChange(JsonObject updated, JsonObject old, Causes causes) =>
        causes.ImmutableField("spec.controller", JsonFields.Obj(updated, "spec")?["controller"], JsonFields.Obj(old, "spec")?["controller"]);
}
