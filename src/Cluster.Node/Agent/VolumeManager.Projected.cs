using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Cluster.Api.Security.ServiceAccounts;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>
/// Projected volumes: the files of their configMap, secret, downwardAPI and serviceAccountToken sources in one
/// directory. A token is requested in-process, bound to the pod, and requested again once 80% of its life has passed
/// (the kubelet's token manager), so a pod that runs for days always finds a valid one.
/// </summary>
public sealed partial class VolumeManager
{
    private readonly ConcurrentDictionary<(string Pod, string Volume, string Path), IssuedToken> _tokens = new();

    private async Task<Dictionary<string, byte[]>> ProjectedAsync(V1Pod pod, V1Volume volume, V1ProjectedVolumeSource projected, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var source in projected.Sources ?? [])
        {
            IReadOnlyDictionary<string, byte[]> part;
            if (source.ConfigMap is { } configMap)
            {
                var data = await ConfigData.ReadAsync(registry, "ConfigMap", ns, configMap.Name, ct).ConfigureAwait(false);
                part = data is null && configMap.Optional != true
                    ? throw Failed(volume, $"configmap \"{configMap.Name}\" not found")
                    : Select(data ?? new Dictionary<string, byte[]>(), configMap.Items, volume);
            }
            else if (source.Secret is { } secret)
            {
                var data = await ConfigData.ReadAsync(registry, "Secret", ns, secret.Name, ct).ConfigureAwait(false);
                part = data is null && secret.Optional != true
                    ? throw Failed(volume, $"secret \"{secret.Name}\" not found")
                    : Select(data ?? new Dictionary<string, byte[]>(), secret.Items, volume);
            }
            else if (source.DownwardAPI is { } downward)
            {
                part = (downward.Items ?? []).ToDictionary(
                    item => item.Path,
                    item => Encoding.UTF8.GetBytes(item.FieldRef is { } field ? Field(pod, field.FieldPath) : ""),
                    StringComparer.Ordinal);
            }
            else if (source.ServiceAccountToken is { } token)
            {
                part = new Dictionary<string, byte[]> { [token.Path] = Encoding.UTF8.GetBytes(await TokenAsync(pod, volume, token, ct).ConfigureAwait(false)) };
            }
            else
            {
                throw Failed(volume, "this node projects configMap, secret, downwardAPI and serviceAccountToken sources only");
            }

            foreach (var (path, content) in part)
            {
                files[path] = content;
            }
        }

        return files;
    }

    private async Task<string> TokenAsync(V1Pod pod, V1Volume volume, V1ServiceAccountTokenProjection source, CancellationToken ct)
    {
        if (tokens is null)
        {
            throw Failed(volume, "this node cannot issue service account tokens");
        }

        var key = (pod.Metadata.Uid, volume.Name, source.Path);
        var now = tokens.Tokens.Clock.GetUtcNow();
        if (_tokens.TryGetValue(key, out var held) && now < held.RefreshAt)
        {
            return held.Token;
        }

        var spec = new JsonObject
        {
            ["expirationSeconds"] = source.ExpirationSeconds ?? TokenRequests.DefaultExpirationSeconds,
            ["boundObjectRef"] = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["name"] = pod.Metadata.Name, ["uid"] = pod.Metadata.Uid },
        };
        if (!string.IsNullOrEmpty(source.Audience))
        {
            spec["audiences"] = new JsonArray(source.Audience);
        }

        var account = string.IsNullOrEmpty(pod.Spec.ServiceAccountName) ? "default" : pod.Spec.ServiceAccountName;
        JsonObject issued;
        try
        {
            issued = await tokens.CreateAsync(pod.Metadata.NamespaceProperty, account, new JsonObject { ["spec"] = spec }, ct).ConfigureAwait(false);
        }
        catch (Cluster.Core.Registry.ApiException e)
        {
            throw Failed(volume, $"failed to fetch token: {e.Message}");
        }

        var token = issued["status"]!["token"]!.GetValue<string>();
        var expires = DateTimeOffset.Parse(issued["status"]!["expirationTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        _tokens[key] = new IssuedToken(token, now + ((expires - now) * 0.8));
        return token;
    }

    private void ForgetTokens(string podUid)
    {
        foreach (var key in _tokens.Keys.Where(k => k.Pod == podUid))
        {
            _tokens.TryRemove(key, out _);
        }
    }

    private sealed record IssuedToken(string Token, DateTimeOffset RefreshAt);
}
