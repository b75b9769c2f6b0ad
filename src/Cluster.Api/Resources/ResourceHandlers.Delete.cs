using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Conversion;
using Cluster.Core.Registry.Objects;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Resources;

/// <summary>delete and deletecollection, with DeleteOptions from the body and the query.</summary>
public sealed partial class ResourceHandlers
{
    private async Task DeleteAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var options = await ReadDeleteOptionsAsync(context.Request, ct).ConfigureAwait(false);
        if (Security.Admission.NodeRestriction.For(Security.HttpContextUser.KubernetesUser(context)) is { } restriction)
        {
            await registry.SyncAsync(ct).ConfigureAwait(false);
            restriction.AdmitDelete(path.Kind.Storage, path.Name!, registry.Cache(path.Kind.Storage).Get(Namespace(path), path.Name!)?.ToJsonObject());
        }

        var reply = await registry.DeleteAsync(path.Kind.Storage, Namespace(path), path.Name!, options, ct).ConfigureAwait(false);

        // 200 whether the object is gone or waits for finalizers or a grace period, as upstream
        // (which keeps 202 for the legacy orphanDependents=false case only).
        await ResponseWriter.WriteBytesAsync(context, 200, Served(path.Kind, reply.Json), ct).ConfigureAwait(false);
    }

    private async Task DeleteCollectionAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var options = await ReadDeleteOptionsAsync(context.Request, ct).ConfigureAwait(false);
        var list = await registry.ListAsync(path.Kind.Storage, path.Namespace, ListOptionsOf(path.Kind, context.Request) with { Limit = 0, Continue = null }, ct).ConfigureAwait(false);
        var replies = new JsonObject?[list.Items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, list.Items.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
        {
            var item = list.Items[i];
            try
            {
                var reply = await registry.DeleteAsync(path.Kind.Storage, item.Namespace, item.Name, options, token).ConfigureAwait(false);
                replies[i] = VersionConverter.For(path.Kind) is { } converter ? converter.ToServed(reply.ToJsonObject()) : reply.ToJsonObject();
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted by someone else meanwhile.
            }
        }).ConfigureAwait(false);
        var deleted = new JsonArray(replies.OfType<JsonNode>().ToArray()); // fresh trees, one per reply

        var result = new JsonObject
        {
            ["kind"] = path.Kind.Kind + "List",
            ["apiVersion"] = path.Kind.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = list.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = deleted,
        };
        await ResponseWriter.WriteAsync(context, 200, result, ct).ConfigureAwait(false);
    }

    /// <summary>DeleteOptions: the body (kubectl sends one, as JSON or protobuf), overridden by query parameters.</summary>
    private async Task<DeleteOptions> ReadDeleteOptionsAsync(HttpRequest request, CancellationToken ct)
    {
        var raw = await RequestBody.ReadBytesAsync(request, settings.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var body = raw.Length == 0 ? null : RequestBody.Parse(raw, RequestBody.MediaType(request)) as JsonObject;
        if (raw.Length > 0 && body is null)
        {
            throw ApiException.BadRequest("DeleteOptions must be a JSON object");
        }

        return DeleteOptionsOf(body, request);
    }

    /// <summary>DeleteOptions from a DeleteOptions object (a delete's body, an Eviction's deleteOptions) and the query.</summary>
    private static DeleteOptions DeleteOptionsOf(JsonObject? body, HttpRequest request)
    {
        string? policy = ObjectMeta.GetString(body, "propagationPolicy");
        if (body?["orphanDependents"] is JsonValue orphan && orphan.TryGetValue<bool>(out var o) && policy is null)
        {
            policy = o ? "Orphan" : "Background";
        }

        policy = ApiQuery.Get(request, "propagationPolicy") ?? policy;
        if (policy is not (null or "Background" or "Foreground" or "Orphan"))
        {
            throw ApiException.BadRequest($"propagationPolicy: Unsupported value: \"{policy}\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        }

        long? grace = body?["gracePeriodSeconds"] is JsonValue g && g.TryGetValue<long>(out var seconds) ? seconds : null;
        grace = ApiQuery.Long(request, "gracePeriodSeconds") ?? grace;
        var dryRun = ApiQuery.DryRun(request) || body?["dryRun"] is JsonArray { Count: > 0 };
        var preconditions = body?["preconditions"];
        return new DeleteOptions(policy, grace, ObjectMeta.GetString(preconditions, "uid"), ObjectMeta.GetString(preconditions, "resourceVersion"), dryRun);
    }
}
