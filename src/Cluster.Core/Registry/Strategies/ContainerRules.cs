using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>Container validation (validateContainers, validateContainerPorts, ValidateEnv, ValidateResourceRequirements).</summary>
internal static class ContainerRules
{
    private static readonly string[] PullPolicies = ["Always", "IfNotPresent", "Never"];
    private static readonly string[] MessagePolicies = ["File", "FallbackToLogsOnError"];
    internal static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];
    private static readonly string[] Probes = ["livenessProbe", "readinessProbe", "startupProbe"];
    private static readonly string[] Handlers = ["exec", "httpGet", "tcpSocket", "grpc"];
    private static readonly string[] EnvSources = ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"];
    private static readonly string[] StandardContainerResources = ["cpu", "memory", "ephemeral-storage"];

    /// <summary>Validates each container; <paramref name="names"/> spans init and regular containers, which share one name space.</summary>
    public static void ValidateList(JsonArray? containers, string path, bool init, ISet<string> volumes, ISet<string> names, Causes causes)
    {
        foreach (var (i, container) in JsonFields.Items(containers))
        {
            var at = JsonFields.Index(path, i);
            causes.Name(container, at + ".name", NameRules.Dns1123Label, names, required: true);

            var image = JsonFields.Str(container, "image") ?? "";
            if (image.Length == 0)
            {
                causes.Required(at + ".image");
            }
            else if (image.Trim() != image)
            {
                causes.Invalid(at + ".image", image, "must not have leading or trailing whitespace");
            }

            causes.OneOf(container, "imagePullPolicy", at + ".imagePullPolicy", PullPolicies);
            causes.OptionalOneOf(container, "terminationMessagePolicy", at + ".terminationMessagePolicy", MessagePolicies);
            ValidateRestartPolicy(container, at, init, causes);
            ValidatePorts(JsonFields.Arr(container, "ports"), at + ".ports", causes);
            ValidateEnv(JsonFields.Arr(container, "env"), at + ".env", causes);
            ValidateMounts(JsonFields.Arr(container, "volumeMounts"), at + ".volumeMounts", volumes, causes);
            ValidateResources(JsonFields.Obj(container, "resources"), at + ".resources", causes);
            foreach (var probe in Probes)
            {
                ValidateProbe(JsonFields.Obj(container, probe), at + "." + probe, causes);
            }
        }
    }

    /// <summary>A resource list: known names, parseable, non-negative quantities.</summary>
    public static Dictionary<string, Quantity> ValidateResourceList(JsonObject? list, string path, Func<string, string?> nameRule, Causes causes)
    {
        var parsed = new Dictionary<string, Quantity>(StringComparer.Ordinal);
        foreach (var (name, value) in list ?? [])
        {
            var at = JsonFields.Key(path, name);
            if (nameRule(name) is { } nameError)
            {
                causes.Invalid(at, name, nameError);
            }

            if (!Quantity.TryRead(value, out var quantity, out var error))
            {
                causes.Invalid(at, value, error);
            }
            else if (quantity.Sign < 0)
            {
                causes.Invalid(at, quantity.ToString(), "must be greater than or equal to 0");
            }
            else
            {
                parsed[name] = quantity;
            }
        }

        return parsed;
    }

    private static void ValidateRestartPolicy(JsonObject container, string at, bool init, Causes causes)
    {
        if (JsonFields.Str(container, "restartPolicy") is not { } policy)
        {
            return;
        }

        if (!init)
        {
            causes.Forbidden(at + ".restartPolicy", "may not be set for non-init containers");
        }
        else if (policy != "Always")
        {
            causes.NotSupported(at + ".restartPolicy", policy, "Always");
        }
    }

    private static void ValidatePorts(JsonArray? ports, string path, Causes causes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (i, port) in JsonFields.Items(ports))
        {
            var at = JsonFields.Index(path, i);
            causes.Name(port, at + ".name", NameRules.PortName, names, required: false);

            var containerPort = JsonFields.Int(port, "containerPort");
            if (containerPort is null)
            {
                causes.Required(at + ".containerPort");
            }
            else
            {
                foreach (var message in NameRules.PortNumber(containerPort.Value))
                {
                    causes.Invalid(at + ".containerPort", containerPort.Value, message);
                }
            }

            if (JsonFields.Int(port, "hostPort") is { } hostPort and not 0)
            {
                foreach (var message in NameRules.PortNumber(hostPort))
                {
                    causes.Invalid(at + ".hostPort", hostPort, message);
                }
            }

            causes.OneOf(port, "protocol", at + ".protocol", Protocols);
        }
    }

    private static void ValidateEnv(JsonArray? env, string path, Causes causes)
    {
        foreach (var (i, variable) in JsonFields.Items(env))
        {
            var at = JsonFields.Index(path, i);
            causes.Name(variable, at + ".name", NameRules.EnvVarName, unique: null, required: true);

            if (JsonFields.Obj(variable, "valueFrom") is not { } from)
            {
                continue;
            }

            if (!string.IsNullOrEmpty(JsonFields.Str(variable, "value")))
            {
                causes.Invalid(at + ".valueFrom", "", "may not be specified when `value` is not empty");
            }

            var sources = EnvSources.Count(s => from[s] is not null);
            if (sources == 0)
            {
                causes.Invalid(at + ".valueFrom", "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
            }
            else if (sources > 1)
            {
                causes.Invalid(at + ".valueFrom", "", "may not have more than one field specified at a time");
            }
        }
    }

    private static void ValidateMounts(JsonArray? mounts, string path, ISet<string> volumes, Causes causes)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (i, mount) in JsonFields.Items(mounts))
        {
            var at = JsonFields.Index(path, i);
            var name = JsonFields.Str(mount, "name") ?? "";
            if (name.Length == 0)
            {
                causes.Required(at + ".name");
            }
            else if (!volumes.Contains(name))
            {
                causes.NotFound(at + ".name", name);
            }

            var mountPath = JsonFields.Str(mount, "mountPath") ?? "";
            if (mountPath.Length == 0)
            {
                causes.Required(at + ".mountPath");
            }
            else if (!paths.Add(mountPath))
            {
                causes.Invalid(at + ".mountPath", mountPath, "must be unique");
            }
        }
    }

    private static void ValidateResources(JsonObject? resources, string path, Causes causes)
    {
        var limits = ValidateResourceList(JsonFields.Obj(resources, "limits"), path + ".limits", ContainerResourceNameError, causes);
        var requests = ValidateResourceList(JsonFields.Obj(resources, "requests"), path + ".requests", ContainerResourceNameError, causes);
        foreach (var (name, request) in requests)
        {
            if (limits.TryGetValue(name, out var limit) && request > limit)
            {
                causes.Invalid(JsonFields.Key(path + ".requests", name), request.ToString(), $"must be less than or equal to {name} limit of {limit}");
            }
        }
    }

    /// <summary>Standard container resources, hugepages, and extended resources (names with a domain).</summary>
    private static string? ContainerResourceNameError(string name)
    {
        if (StandardContainerResources.Contains(name, StringComparer.Ordinal) || name.StartsWith("hugepages-", StringComparison.Ordinal))
        {
            return null;
        }

        if (name.Contains('/', StringComparison.Ordinal) && !name.StartsWith("kubernetes.io/", StringComparison.Ordinal))
        {
            var errors = NameRules.QualifiedName(name);
            return errors.Count > 0 ? errors[0] : null;
        }

        return "must be a standard resource for containers";
    }

    private static void ValidateProbe(JsonObject? probe, string path, Causes causes)
    {
        if (probe is null)
        {
            return;
        }

        var handlers = Handlers.Count(h => probe[h] is not null);
        if (handlers == 0)
        {
            causes.Required(path, "must specify a handler type");
        }
        else if (handlers > 1)
        {
            causes.Forbidden(path, "may not specify more than 1 handler type");
        }

        foreach (var key in new[] { "initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold" })
        {
            causes.NonNegative(probe, key, path + "." + key);
        }
    }
}
