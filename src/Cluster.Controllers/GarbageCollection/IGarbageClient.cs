using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;

namespace Cluster.Controllers.GarbageCollection;

/// <summary>The collector's reads and writes: live reads (a cache may lag), updates under resourceVersion, deletes with a propagation policy.</summary>
public interface IGarbageClient
{
    /// <summary>The object as last committed, or null when there is none.</summary>
    Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken ct);

    /// <summary>A replace, refused with 409 when <paramref name="obj"/>'s resourceVersion is not the stored one.</summary>
    Task UpdateAsync(ResourceKind kind, string ns, string name, JsonObject obj, CancellationToken ct);

    /// <summary>Deletes the object; false when it was already gone (or, under a uid precondition, replaced).</summary>
    Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, DeleteOptions options, CancellationToken ct);
}

/// <summary>The member's registry as the collector's client.</summary>
public sealed class RegistryGarbageClient(ResourceRegistry registry, string fieldManager) : IGarbageClient
{
    private readonly WriteOptions _options = new(FieldManager: fieldManager);

    public async Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken ct)
    {
        try
        {
            var cached = await registry.GetAsync(kind, ns, name, null, ct).ConfigureAwait(false);
            return cached.ToJsonObject();
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return null;
        }
    }

    public Task UpdateAsync(ResourceKind kind, string ns, string name, JsonObject obj, CancellationToken ct) =>
        registry.UpdateAsync(kind, ns, name, obj, null, _options, ct);

    public async Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, DeleteOptions options, CancellationToken ct)
    {
        try
        {
            await registry.DeleteAsync(kind, ns, name, options, ct).ConfigureAwait(false);
            return true;
        }
        catch (ApiException e) when (e.Code is 404 or 409)
        {
            return false;
        }
    }
}
