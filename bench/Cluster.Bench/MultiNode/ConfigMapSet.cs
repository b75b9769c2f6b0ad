using System.Globalization;
using Cluster.Bench.Api;

namespace Cluster.Bench.MultiNode;

/// <summary>
/// A namespace of ConfigMaps cm-0 .. cm-(count-1), the objects a phase writes: each write is a merge patch of
/// one data key, answered with the object's new resourceVersion.
/// </summary>
internal sealed class ConfigMapSet(string ns, int count)
{
    public string Namespace => ns;

    public int Count => count;

    public string ListPath => $"/api/v1/namespaces/{ns}/configmaps";

    public string Name(int index) => "cm-" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Creates the namespace, then the ConfigMaps a few at a time, spread round-robin over <paramref name="via"/>.</summary>
    public async Task CreateAsync(IReadOnlyList<ApiClient> via, CancellationToken ct)
    {
        await via[0].EnsureNamespaceAsync(ns, ct);
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                if (await via[i % via.Count].SendAsync(HttpMethod.Post, ListPath, ApiClient.ConfigMap(ns, Name(i)), ApiClient.Json, ct) is { } error)
                {
                    throw new InvalidOperationException(error);
                }
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    /// <summary>Sets data.n of ConfigMap <paramref name="index"/> to <paramref name="value"/> through <paramref name="via"/>.</summary>
    public Task<Reply> WriteAsync(ApiClient via, int index, long value, TimeSpan timeout, CancellationToken ct) =>
        via.SendAsync(HttpMethod.Patch, $"{ListPath}/{Name(index)}", ApiClient.DataPatch(value), ApiClient.MergePatch, timeout, readVersion: true, ct);
}
