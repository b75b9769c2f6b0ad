using System.Text;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Node.Agent.Runtime;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>
/// A container's environment as the kubelet makes it (makeEnvironmentVariables): envFrom first (ConfigMaps and
/// Secrets, each key with the prefix), then env in order, where a value may name earlier variables as $(NAME) and
/// valueFrom reads a ConfigMap or Secret key or one of the pod's own fields; then the Service variables
/// (<see cref="ServiceEnv"/>) the container does not set itself, which $(NAME) may name too. A missing object or key
/// that is not optional is a CreateContainerConfigError with the kubelet's message.
/// </summary>
public sealed class EnvResolver(ResourceRegistry registry)
{
    public async Task<IReadOnlyList<string>> ResolveAsync(V1Pod pod, V1Container container, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var services = ServiceEnv.For(
            registry.Cache(BuiltInKinds.Service).List(ns).Items.Concat(registry.Cache(BuiltInKinds.Service).List(ServiceEnv.MasterNamespace).Items).Select(o => o.As<V1Service>()),
            ns,
            pod.Spec.EnableServiceLinks ?? true);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();

        // What $(NAME) may name: the variables set so far, and the Service variables (as the kubelet's mapping).
        var lookup = services.ToDictionary(StringComparer.Ordinal);
        void Set(string name, string value)
        {
            if (!values.ContainsKey(name))
            {
                order.Add(name);
            }

            values[name] = value;
            lookup[name] = value;
        }

        foreach (var source in container.EnvFrom ?? [])
        {
            var prefix = source.Prefix ?? "";
            var (kind, name, optional) = source.ConfigMapRef is { } cm ? ("ConfigMap", cm.Name, cm.Optional == true) : ("Secret", source.SecretRef?.Name ?? "", source.SecretRef?.Optional == true);
            if (await DataAsync(kind, ns, name, ct).ConfigureAwait(false) is { } data)
            {
                foreach (var (key, value) in data)
                {
                    Set(prefix + key, value);
                }
            }
            else if (!optional)
            {
                throw new ContainerStartException("CreateContainerConfigError", $"{kind.ToLowerInvariant()} \"{name}\" not found");
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            var value = variable.ValueFrom is { } from
                ? await ValueFromAsync(pod, from, ct).ConfigureAwait(false)
                : Expand(variable.Value ?? "", lookup);
            if (value is not null)
            {
                Set(variable.Name, value);
            }
        }

        foreach (var (name, value) in services)
        {
            if (!values.ContainsKey(name))
            {
                Set(name, value);
            }
        }

        return [.. order.Select(name => name + "=" + values[name])];
    }

    /// <summary>The container with $(VAR) in its command and args replaced by its environment's values, as the kubelet does before it starts it.</summary>
    public static V1Container Expanded(V1Container container, IReadOnlyList<string> env)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in env)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            values[entry[..eq]] = entry[(eq + 1)..];
        }

        return container with
        {
            Command = container.Command?.Select(c => Expand(c, values)).ToList(),
            Args = container.Args?.Select(a => Expand(a, values)).ToList(),
        };
    }

    /// <summary>$(VAR) becomes an earlier variable's value, $$ a literal $; an unknown $(VAR) stays as written.</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> values)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '$')
            {
                result.Append('$');
                i++;
            }
            else if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '(' && text.IndexOf(')', i + 2) is var close and > 0)
            {
                var name = text[(i + 2)..close];
                result.Append(values.TryGetValue(name, out var value) ? value : text[i..(close + 1)]);
                i = close;
            }
            else
            {
                result.Append(text[i]);
            }
        }

        return result.ToString();
    }

    private async Task<string?> ValueFromAsync(V1Pod pod, V1EnvVarSource from, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty;
        if (from.FieldRef is { } field)
        {
            return FieldValue(pod, field.FieldPath);
        }

        var (kind, name, key, optional) = from.ConfigMapKeyRef is { } cm
            ? ("ConfigMap", cm.Name, cm.Key, cm.Optional == true)
            : from.SecretKeyRef is { } secret ? ("Secret", secret.Name, secret.Key, secret.Optional == true) : ("", "", "", true);
        if (kind.Length == 0)
        {
            return null;
        }

        var data = await DataAsync(kind, ns, name, ct).ConfigureAwait(false);
        if (data is null)
        {
            return optional ? null : throw new ContainerStartException("CreateContainerConfigError", $"{kind.ToLowerInvariant()} \"{name}\" not found");
        }

        return data.TryGetValue(key, out var value) ? value
            : optional ? null
            : throw new ContainerStartException("CreateContainerConfigError", $"couldn't find key {key} in {kind} {ns}/{name}");
    }

    /// <summary>The downward API fields an environment variable may name.</summary>
    public static string? FieldValue(V1Pod pod, string path) => path switch
    {
        "metadata.name" => pod.Metadata.Name,
        "metadata.namespace" => pod.Metadata.NamespaceProperty,
        "metadata.uid" => pod.Metadata.Uid,
        "spec.nodeName" => pod.Spec.NodeName,
        "spec.serviceAccountName" => pod.Spec.ServiceAccountName,
        "status.podIP" => pod.Status?.PodIP ?? "",
        "status.hostIP" => pod.Status?.HostIP ?? "",
        _ when path.StartsWith("metadata.labels['", StringComparison.Ordinal) && path.EndsWith("']", StringComparison.Ordinal) =>
            pod.Metadata.Labels?.TryGetValue(path[17..^2], out var label) == true ? label : "",
        _ when path.StartsWith("metadata.annotations['", StringComparison.Ordinal) && path.EndsWith("']", StringComparison.Ordinal) =>
            pod.Metadata.Annotations?.TryGetValue(path[22..^2], out var annotation) == true ? annotation : "",
        _ => throw new ContainerStartException("CreateContainerConfigError", $"unsupported fieldPath: {path}"),
    };

    /// <summary>A ConfigMap's or Secret's values as text; null when the object does not exist.</summary>
    private async Task<IReadOnlyDictionary<string, string>?> DataAsync(string kind, string ns, string name, CancellationToken ct) =>
        await ConfigData.ReadAsync(registry, kind, ns, name, ct).ConfigureAwait(false) is { } data
            ? data.ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(p.Value), StringComparer.Ordinal)
            : null;
}
