using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;

namespace Cluster.Controllers.Writes;

/// <summary>How controllers change objects: through the registry's own rules (validation, resourceVersion checks, admission), as any client.</summary>
public interface IObjectWriter
{
    /// <summary>Creates the object; returns it as stored (with the name generated from a generateName).</summary>
    Task<JsonObject> CreateAsync(ResourceKind kind, string ns, JsonObject obj, CancellationToken ct);

    /// <summary>A replace, refused with 409 when <paramref name="obj"/>'s resourceVersion is not the stored one.</summary>
    Task UpdateAsync(ResourceKind kind, string ns, string name, JsonObject obj, CancellationToken ct);

    /// <summary>A replace of the object's status subresource (spec and metadata kept), refused with 409 as <see cref="UpdateAsync"/>; returns the new resourceVersion.</summary>
    Task<long> UpdateStatusAsync(ResourceKind kind, string ns, string name, JsonObject obj, CancellationToken ct);

    /// <summary>Deletes the object; false when it was already gone.</summary>
    Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, CancellationToken ct);

    /// <summary>Deletes the object with <paramref name="options"/> (a grace period, preconditions); false when it was already gone.</summary>
    Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, DeleteOptions options, CancellationToken ct);

    /// <summary>The object as last committed (an informer may lag it), or null when there is none.</summary>
    Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken ct);
}

/// <summary>The member's registry as the controllers' writer; writes carry the controller's name as their field manager.</summary>
public sealed class RegistryWriter(ResourceRegistry registry, string fieldManager) : IObjectWriter
{
    private readonly WriteOptions _options = new(FieldManager: fieldManager);

    public async Task<JsonObject> CreateAsync(ResourceKind kind, string ns, JsonObject obj, CancellationToken ct)
    {
        var stored = await registry.CreateAsync(kind, ns, obj, _options, ct).ConfigureAwait(false);
        return JsonNode.Parse(stored.Json)!.AsObject();
    }

    public Task UpdateAsync(ResourceKind kind, string ns, string name, JsonObject obj, CancellationToken ct) =>
        registry.UpdateAsync(kind, ns, name, obj, null, _options, ct);

    public async Task<long> UpdateStatusAsync(ResourceKind kind, string ns, string name, JsonObject obj, CancellationToken ct) =>
        (await registry.UpdateAsync(kind, ns, name, obj, "status", _options, ct).ConfigureAwait(false)).ResourceVersion;

    public Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, CancellationToken ct) => DeleteAsync(kind, ns, name, DeleteOptions.Default, ct);

    public async Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, DeleteOptions options, CancellationToken ct)
    {
        try
        {
            await registry.DeleteAsync(kind, ns, name, options, ct).ConfigureAwait(false);
            return true;
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return false;
        }
    }

    public async Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken ct)
    {
        try
        {
            return (await registry.GetAsync(kind, ns, name, null, ct).ConfigureAwait(false)).ToJsonObject();
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return null;
        }
    }
}
