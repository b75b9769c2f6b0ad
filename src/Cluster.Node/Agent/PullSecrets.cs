using System.Text;
using System.Text.Json;
using Cluster.Core.Registry;
using Cluster.Node.Agent.Runtime;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>
/// The registry credentials a pod's imagePullSecrets hold for an image, as the kubelet's keyring finds them: Secrets of
/// type kubernetes.io/dockerconfigjson (<c>.dockerconfigjson</c>: <c>{"auths": {registry: {...}}}</c>) or the older
/// kubernetes.io/dockercfg (<c>.dockercfg</c>: <c>{registry: {...}}</c>), entries whose registry is the image's. A
/// missing Secret is skipped (the kubelet pulls without it, and the pull says why it failed).
/// </summary>
public static class PullSecrets
{
    public static async Task<IReadOnlyList<RegistryCredential>> ResolveAsync(ResourceRegistry registry, V1Pod pod, string image, CancellationToken ct)
    {
        var wanted = RegistryOf(image);
        var found = new List<RegistryCredential>();
        foreach (var reference in pod.Spec.ImagePullSecrets ?? [])
        {
            var data = await ConfigData.ReadAsync(registry, "Secret", pod.Metadata.NamespaceProperty, reference.Name ?? "", ct).ConfigureAwait(false);
            if (data is null)
            {
                continue;
            }

            foreach (var (server, entry) in Entries(data))
            {
                if (Normalize(server) == wanted)
                {
                    found.Add(Credential(server, entry));
                }
            }
        }

        return found;
    }

    /// <summary>The registry host of an image reference: its first part when that names a host (has a dot or a port, or is localhost), else Docker Hub.</summary>
    public static string RegistryOf(string image)
    {
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : image[..slash];
        return first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost" ? Normalize(first) : "docker.io";
    }

    /// <summary>A configuration key as a host: "https://index.docker.io/v1/" and "registry.example.com:5000/v2" alike lose their scheme and path.</summary>
    private static string Normalize(string server)
    {
        var host = server;
        var scheme = host.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            host = host[(scheme + 3)..];
        }

        var path = host.IndexOf('/', StringComparison.Ordinal);
        host = (path >= 0 ? host[..path] : host).ToLowerInvariant();
        return host is "index.docker.io" or "registry-1.docker.io" ? "docker.io" : host;
    }

    private static IEnumerable<(string Server, JsonElement Entry)> Entries(IReadOnlyDictionary<string, byte[]> data)
    {
        JsonElement? auths = null;
        try
        {
            if (data.TryGetValue(".dockerconfigjson", out var json) && JsonDocument.Parse(json).RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("auths", out var inner))
            {
                auths = inner;
            }
            else if (data.TryGetValue(".dockercfg", out var cfg))
            {
                auths = JsonDocument.Parse(cfg).RootElement;
            }
        }
        catch (JsonException)
        {
            // A malformed secret holds no credentials, as the kubelet's keyring reads it.
        }

        return auths is { ValueKind: JsonValueKind.Object } map
            ? [.. map.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).Select(p => (p.Name, p.Value))]
            : [];
    }

    private static RegistryCredential Credential(string server, JsonElement entry)
    {
        string? Text(string name) => entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var (username, password) = (Text("username"), Text("password"));
        if (username is null && Text("auth") is { } auth)
        {
            // "auth" is base64 of user:password.
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                (username, password) = colon >= 0 ? (pair[..colon], pair[(colon + 1)..]) : (pair, "");
            }
            catch (FormatException)
            {
            }
        }

        return new RegistryCredential(server, username, password, Text("identitytoken") ?? Text("identityToken"));
    }
}
