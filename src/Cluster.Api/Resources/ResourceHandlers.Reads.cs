using System.Text.Json;
using Cluster.Api.Http;
using Cluster.Api.Tables;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Resources;

/// <summary>get and list: objects come from the watch cache as stored bytes; Tables when kubectl asks for them.</summary>
public sealed partial class ResourceHandlers
{
    private async Task GetAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var cached = await registry.GetAsync(path.Kind.Storage, Namespace(path), path.Name!, ApiQuery.Get(context.Request, "resourceVersion"), ct).ConfigureAwait(false);
        if (ApiQuery.Shape(context.Request) == ResponseShape.Table)
        {
            await WriteTableAsync(context, path.Kind, [cached], cached.ResourceVersion, null, ct).ConfigureAwait(false);
            return;
        }

        await ResponseWriter.WriteBytesAsync(context, 200, Served(path.Kind, cached.Json), ct).ConfigureAwait(false);
    }

    private async Task ListAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var options = ListOptionsOf(path.Kind, context.Request);
        var result = await registry.ListAsync(path.Kind.Storage, path.Namespace, options, ct).ConfigureAwait(false);
        if (ApiQuery.Shape(context.Request) == ResponseShape.Table)
        {
            await WriteTableAsync(context, path.Kind, result.Items, result.ResourceVersion, result.Continue, ct).ConfigureAwait(false);
            return;
        }

        await ResponseWriter.StreamAsync(context, 200, async (w, flush) =>
        {
            w.WriteStartObject();
            w.WriteString("kind", path.Kind.Kind + "List");
            w.WriteString("apiVersion", path.Kind.ApiVersion);
            WriteListMeta(w, result.ResourceVersion, result.Continue, result.RemainingItemCount);
            w.WritePropertyName("items");
            w.WriteStartArray();
            foreach (var item in result.Items)
            {
                w.WriteRawValue(Served(path.Kind, item.Json), skipInputValidation: true);
                await flush().ConfigureAwait(false);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }, ct).ConfigureAwait(false);
    }

    private Task WriteTableAsync(HttpContext context, ResourceKind kind, IReadOnlyList<CachedObject> items, long resourceVersion, string? continueToken, CancellationToken ct) =>
        WriteTableAsync(context, TableConverters.For(kind), items.Select(i => ServedObject(kind, i)), resourceVersion, continueToken, ct);

    private Task WriteTableAsync(HttpContext context, ITableConverter converter, IEnumerable<System.Text.Json.Nodes.JsonObject> objects, long resourceVersion, string? continueToken, CancellationToken ct)
    {
        var include = IncludeObjectOf(context.Request);
        var now = clock.GetUtcNow();
        return ResponseWriter.StreamAsync(context, 200, (w, _) =>
        {
            TableWriter.WriteTable(w, converter, objects, Version(resourceVersion), continueToken, include, includeColumns: true, now);
            return Task.CompletedTask;
        }, ct);
    }

    private static IncludeObject IncludeObjectOf(HttpRequest request) => ApiQuery.Get(request, "includeObject") switch
    {
        null or "" or "Metadata" => IncludeObject.Metadata,
        "Object" => IncludeObject.Object,
        "None" => IncludeObject.None,
        var other => throw ApiException.BadRequest($"includeObject: Unsupported value: \"{other}\": supported values: \"Metadata\", \"None\", \"Object\""),
    };

    private static void WriteListMeta(Utf8JsonWriter w, long resourceVersion, string? continueToken, long? remaining)
    {
        w.WritePropertyName("metadata");
        w.WriteStartObject();
        w.WriteString("resourceVersion", Version(resourceVersion));
        if (continueToken is not null)
        {
            w.WriteString("continue", continueToken);
            if (remaining is { } r)
            {
                w.WriteNumber("remainingItemCount", r);
            }
        }

        w.WriteEndObject();
    }

    private static string Version(long resourceVersion) => resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
