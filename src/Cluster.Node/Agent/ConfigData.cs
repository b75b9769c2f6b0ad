using System.Text;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>The data of a ConfigMap (data and binaryData) or a Secret, as bytes by key; null when the object does not exist.</summary>
public static class ConfigData
{
    public static async Task<IReadOnlyDictionary<string, byte[]>?> ReadAsync(ResourceRegistry registry, string kind, string ns, string name, CancellationToken ct)
    {
        try
        {
            if (kind == "ConfigMap")
            {
                var map = Parse<V1ConfigMap>((await registry.GetAsync(BuiltInKinds.ConfigMap, ns, name, "0", ct).ConfigureAwait(false)).Json);
                var data = (map.Data ?? new Dictionary<string, string>()).ToDictionary(p => p.Key, p => Encoding.UTF8.GetBytes(p.Value), StringComparer.Ordinal);
                foreach (var (key, bytes) in map.BinaryData ?? new Dictionary<string, byte[]>())
                {
                    data[key] = bytes;
                }

                return data;
            }

            var secret = Parse<V1Secret>((await registry.GetAsync(BuiltInKinds.Secret, ns, name, "0", ct).ConfigureAwait(false)).Json);
            return secret.Data?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) ?? new Dictionary<string, byte[]>(StringComparer.Ordinal);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return null;
        }
    }

    private static T Parse<T>(byte[] json) => TypedJson.Read<T>(json);
}
