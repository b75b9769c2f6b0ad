using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Security.Audit;

/// <summary>
/// Request and response bodies as audit objects: decoded from JSON, YAML or Kubernetes protobuf (anything else, or
/// anything that does not decode, is left out), never when they hold a Secret, and without managedFields if asked.
/// </summary>
internal static class AuditBodies
{
    /// <summary>The request body the handler read (buffered for the purpose), decoded; null when there is none to record.</summary>
    public static async Task<JsonNode?> RequestObjectAsync(HttpRequest request, long limit, bool omitManagedFields)
    {
        if (!request.Body.CanSeek || request.Body.Position == 0 || request.Body.Length > limit)
        {
            return null;
        }

        request.Body.Position = 0;
        var raw = new byte[request.Body.Length];
        await request.Body.ReadExactlyAsync(raw, CancellationToken.None).ConfigureAwait(false);
        var media = RequestBody.MediaType(request);
        return Recordable(media switch
        {
            "application/json-patch+json" or "application/merge-patch+json" or "application/strategic-merge-patch+json" => () => RequestBody.ParseJson(raw),
            "application/apply-patch+yaml" => () => RequestBody.ParseYaml(raw),
            "application/json" or "application/yaml" or Protobuf.ProtobufBodyDecoder.MediaType => () => RequestBody.Parse(raw, media),
            _ => null,
        }, omitManagedFields);
    }

    /// <summary>A captured JSON response body (a Status included, as upstream records it).</summary>
    public static JsonNode? ResponseObject(byte[]? body, string? contentType, bool omitManagedFields) =>
        body is { Length: > 0 } && contentType is not null && contentType.StartsWith(ResponseWriter.Json, StringComparison.OrdinalIgnoreCase)
            ? Recordable(() => RequestBody.ParseJson(body), omitManagedFields)
            : null;

    /// <summary>A Secret, a SecretList, or a list with a Secret among its items.</summary>
    public static bool HoldsSecret(JsonNode node) =>
        node is JsonObject obj && (Kind(obj) is "Secret" or "SecretList"
            || (obj["items"] is JsonArray items && items.Any(i => i is JsonObject o && Kind(o) == "Secret")));

    private static JsonNode? Recordable(Func<JsonNode?>? decode, bool omitManagedFields)
    {
        JsonNode? node;
        try
        {
            node = decode?.Invoke();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The handler has answered such a body with a 400 already; the event just goes without it.
            return null;
        }

        if (node is null || HoldsSecret(node))
        {
            return null;
        }

        if (omitManagedFields)
        {
            OmitManagedFields(node);
        }

        return node;
    }

    private static string? Kind(JsonObject obj) => obj["kind"] is JsonValue v && v.TryGetValue<string>(out var k) ? k : null;

    private static void OmitManagedFields(JsonNode node)
    {
        if (node is not JsonObject obj)
        {
            return;
        }

        (obj["metadata"] as JsonObject)?.Remove("managedFields");
        if (obj["items"] is JsonArray items)
        {
            foreach (var item in items)
            {
                (item?["metadata"] as JsonObject)?.Remove("managedFields");
            }
        }
    }
}
