using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Microsoft.AspNetCore.Http;
using YamlDotNet.Core;

namespace Cluster.Api.Http;

/// <summary>Reads request bodies within the size limit: JSON, YAML, or one of the four patch formats.</summary>
public static class RequestBody
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    /// <summary>
    /// Nesting deeper than this is a 400 (the registry serializes objects at the same limit). A property named twice is
    /// a 400 at parse time: JsonObject would otherwise throw only when a handler first reads that object.
    /// </summary>
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = YamlToJson.MaxDepth, AllowDuplicateProperties = false };

    /// <summary>The raw body; 413 when it exceeds <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw ApiException.TooLarge(limit);
        }

        if (request.ContentLength is { } length)
        {
            // The usual case (kubectl and client libraries send Content-Length): one array of the
            // right size, no copying. Kestrel ends the body at Content-Length, so it cannot overrun.
            var body = new byte[length];
            var filled = 0;
            int got;
            while (filled < body.Length && (got = await request.Body.ReadAsync(body.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += got;
            }

            return filled == body.Length ? body : body[..filled];
        }

        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw ApiException.TooLarge(limit);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    /// <summary>The media type without parameters, lower case ("application/json" when absent).</summary>
    public static string MediaType(HttpRequest request)
    {
        var type = request.ContentType;
        if (string.IsNullOrWhiteSpace(type))
        {
            return "application/json";
        }

        var semicolon = type.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? type : type[..semicolon]).Trim().ToLowerInvariant();
    }

    /// <summary>An object body (create, update): JSON or YAML.</summary>
    public static async Task<(JsonObject Object, byte[] Raw)> ReadObjectAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var media = MediaType(request);
        if (media is not ("application/json" or "application/yaml" or "application/vnd.kubernetes.protobuf" or "*/*"))
        {
            throw ApiException.UnsupportedMediaType(media);
        }

        var raw = await ReadBytesAsync(request, limit, cancellationToken).ConfigureAwait(false);
        var node = Parse(raw, media);
        return node is JsonObject obj ? (obj, raw) : throw ApiException.BadRequest("the request body must be a JSON object");
    }

    /// <summary>A patch body and its type, from the Content-Type (415 for anything else).</summary>
    public static async Task<(PatchType Type, JsonNode Patch, byte[] Raw)> ReadPatchAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        var media = MediaType(request);
        PatchType type = media switch
        {
            "application/json-patch+json" => PatchType.Json,
            "application/merge-patch+json" => PatchType.Merge,
            "application/strategic-merge-patch+json" => PatchType.StrategicMerge,
            "application/apply-patch+yaml" => PatchType.Apply,
            _ => throw ApiException.UnsupportedMediaType(media),
        };
        var raw = await ReadBytesAsync(request, limit, cancellationToken).ConfigureAwait(false);
        var node = type == PatchType.Apply ? ParseYaml(raw) : ParseJson(raw);
        if (node is null)
        {
            throw ApiException.BadRequest("the patch body is empty");
        }

        if (type == PatchType.Json ? node is not JsonArray : node is not JsonObject)
        {
            throw ApiException.BadRequest(type == PatchType.Json
                ? "the JSON patch must be an array of operations"
                : "the patch must be a JSON object");
        }

        return (type, node, raw);
    }

    /// <summary>A body of <paramref name="media"/>: YAML, Kubernetes protobuf, or else JSON.</summary>
    public static JsonNode? Parse(byte[] raw, string media) => media switch
    {
        "application/yaml" => ParseYaml(raw),
        Protobuf.ProtobufBodyDecoder.MediaType => Protobuf.ProtobufBodyDecoder.Decode(raw, YamlToJson.MaxDepth),
        _ => ParseJson(raw),
    };

    public static JsonNode? ParseJson(byte[] raw)
    {
        if (raw.Length == 0)
        {
            throw ApiException.BadRequest("the request body is empty");
        }

        // The reader checks a string's bytes only when the string is read, long after parsing: invalid UTF-8 would
        // surface as a server error deep in a handler.
        if (!Utf8.IsValid(raw))
        {
            throw ApiException.BadRequest("the body of the request could not be decoded as JSON: it is not valid UTF-8");
        }

        // In this API's words, not the runtime's: the line and byte where the JSON went wrong.
        try
        {
            return JsonNode.Parse(raw, NodeOptions, DocumentOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}" : "";
            throw ApiException.BadRequest($"the body of the request could not be decoded as JSON: invalid JSON{where}");
        }
        catch (ArgumentException)
        {
            // JsonObject refuses a property name that occurs twice.
            throw ApiException.BadRequest("the body of the request could not be decoded as JSON: a field occurs twice in one object");
        }
    }

    public static JsonNode? ParseYaml(byte[] raw)
    {
        // JSON is YAML, and kubectl sends apply patches as JSON: the JSON reader is faster and strict.
        var first = raw.AsSpan().TrimStart(" \t\r\n"u8);
        if (first.Length > 0 && first[0] is (byte)'{' or (byte)'[')
        {
            try
            {
                return ParseJson(raw);
            }
            catch (ApiException)
            {
                // Not JSON after all: YAML flow style, e.g. "{a: b}".
            }
        }

        try
        {
            return YamlToJson.Parse(Encoding.UTF8.GetString(raw));
        }
        catch (YamlException e)
        {
            throw ApiException.BadRequest("the body of the request could not be decoded as YAML: " + e.Message);
        }
    }
}
