using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Conversion;
using Cluster.Core.Registry.Objects;

namespace Cluster.Api.Resources;

/// <summary>
/// Kinds served in a version other than the stored one (autoscaling/v1 HorizontalPodAutoscalers,
/// events.k8s.io/v1 Events): the registry sees the stored kind only, so bodies are converted to it
/// on the way in and every object is converted back on the way out (get, list, watch, Tables, write
/// answers). A patch is applied to the object as the served version shows it, then written back as
/// an update guarded by the resourceVersion it was read at, retried on conflicts as upstream's
/// GuaranteedUpdate retries.
/// </summary>
public sealed partial class ResourceHandlers
{
    private const int PatchAttempts = 5;

    /// <summary>The stored object's bytes in the version <paramref name="kind"/> serves (the same bytes for a stored kind).</summary>
    private static byte[] Served(ResourceKind kind, byte[] stored) =>
        VersionConverter.For(kind) is { } converter ? ApiJson.Serialize(converter.ToServed(ObjectState.Parse(stored))) : stored;

    /// <summary>A cached object as a fresh tree in the version <paramref name="kind"/> serves.</summary>
    private static JsonObject ServedObject(ResourceKind kind, CachedObject cached) =>
        VersionConverter.For(kind) is { } converter ? converter.ToServed(cached.ToJsonObject()) : cached.ToJsonObject();

    /// <summary>The list options of a request, its field selector in the stored kind's labels.</summary>
    private static ListOptions ListOptionsOf(ResourceKind kind, Microsoft.AspNetCore.Http.HttpRequest request)
    {
        var options = ApiQuery.List(request);
        return VersionConverter.For(kind) is { } converter && options.Fields is { IsEverything: false } fields
            ? options with { Fields = fields.WithFieldsConverted(converter.FieldLabel) }
            : options;
    }

    /// <summary>A request body of <paramref name="kind"/> in the stored version, checked against the rules the served version adds for new objects.</summary>
    private static JsonObject Stored(ResourceKind kind, JsonObject served, bool creating)
    {
        if (VersionConverter.For(kind) is not { } converter)
        {
            return served;
        }

        var stored = converter.ToStored(served);
        if (creating && converter.ValidateCreate(stored) is { Count: > 0 } causes)
        {
            throw ApiException.Invalid(kind, ObjectMeta.Name(served), causes);
        }

        return stored;
    }

    private async Task<ObjectReply> PatchOtherVersionAsync(ApiPath path, PatchType type, JsonNode patch, string? subresource, WriteOptions options, CancellationToken ct)
    {
        var converter = VersionConverter.For(path.Kind)!;
        var ns = Namespace(path);
        var name = path.Name!;
        for (var attempt = 1; ; attempt++)
        {
            CachedObject current;
            try
            {
                current = await registry.GetAsync(converter.Stored, ns, name, null, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Code == 404 && type == PatchType.Apply && patch is JsonObject applied)
            {
                // Apply creates: the stored kind's rules apply the configuration to nothing.
                return await registry.PatchAsync(converter.Stored, ns, name, type, Stored(path.Kind, applied, creating: true), subresource, options, ct).ConfigureAwait(false);
            }

            var served = ServedObject(path.Kind, current);
            var patched = PatchServed(path.Kind, served, type, patch, options);
            if (ObjectMeta.ResourceVersion(patched) != ObjectMeta.ResourceVersion(served))
            {
                // A resourceVersion in the patch is a precondition (kubectl label --resource-version).
                throw ApiException.StaleResourceVersion(path.Kind, name);
            }

            try
            {
                var writer = type == PatchType.Apply ? options with { FieldManager = null } : options;
                return await registry.UpdateAsync(converter.Stored, ns, name, Stored(path.Kind, patched, creating: false), subresource, writer, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Code == 409 && e.Reason == "Conflict" && attempt < PatchAttempts)
            {
                // Someone wrote between the read and the update: patch the newer object.
            }
        }
    }

    /// <summary>The patch applied to the served form, by the same rules the object actor applies to the stored one.</summary>
    private JsonObject PatchServed(ResourceKind kind, JsonObject served, PatchType type, JsonNode patch, WriteOptions options) =>
        type == PatchType.Apply
            ? ObjectRules.Applied(served, patch, kind, options, clock.GetUtcNow())
            : ObjectRules.Patched(served, type, patch, kind);
}
