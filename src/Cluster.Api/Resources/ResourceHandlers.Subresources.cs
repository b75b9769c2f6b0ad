using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Cluster.Core.Registry.Patching;
using Cluster.Core.Registry.Selectors;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Resources;

/// <summary>The scale (autoscaling/v1 Scale) and binding subresources.</summary>
public sealed partial class ResourceHandlers
{
    private async Task ScaleAsync(HttpContext context, ApiPath path, string method, CancellationToken ct)
    {
        var ns = Namespace(path);
        switch (method)
        {
            case "GET":
                var current = await registry.GetAsync(path.Kind, ns, path.Name!, null, ct).ConfigureAwait(false);
                if (ApiQuery.Shape(context.Request) == ResponseShape.Table)
                {
                    await WriteTableAsync(context, Tables.WorkloadPrinters.Scale, [ScaleOf(path.Kind, current.ToJsonObject())], current.ResourceVersion, null, ct).ConfigureAwait(false);
                    return;
                }

                await ResponseWriter.WriteAsync(context, 200, ScaleOf(path.Kind, current.ToJsonObject()), ct).ConfigureAwait(false);
                return;
            case "PUT":
                var (body, _) = await RequestBody.ReadObjectAsync(context.Request, settings.MaxRequestBodyBytes, ct).ConfigureAwait(false);
                await ApplyScaleAsync(context, path, body, ct).ConfigureAwait(false);
                return;
            case "PATCH":
                var (type, patch, _) = await RequestBody.ReadPatchAsync(context.Request, settings.MaxRequestBodyBytes, ct).ConfigureAwait(false);
                var live = ScaleOf(path.Kind, (await registry.GetAsync(path.Kind, ns, path.Name!, null, ct).ConfigureAwait(false)).ToJsonObject());

                // Only a resourceVersion the client put in the patch is a precondition, not the one just read.
                ((JsonObject)live["metadata"]!).Remove("resourceVersion");
                var patched = type switch
                {
                    PatchType.Json => JsonPatch.Apply(live, patch),
                    PatchType.Apply => throw ApiException.UnsupportedMediaType("application/apply-patch+yaml"),
                    _ => MergePatch.Apply(live, patch),
                };
                await ApplyScaleAsync(context, path, patched as JsonObject ?? throw ApiException.BadRequest("the patch did not produce a Scale object"), ct).ConfigureAwait(false);
                return;
            default:
                throw ApiException.MethodNotSupported(path.Kind, method);
        }
    }

    /// <summary>A Scale's spec.replicas becomes the object's (bumping its generation); its resourceVersion, when set, is a precondition.</summary>
    private async Task ApplyScaleAsync(HttpContext context, ApiPath path, JsonObject scale, CancellationToken ct)
    {
        if (scale["spec"]?["replicas"] is not JsonValue value || !value.TryGetValue<long>(out var replicas))
        {
            throw ApiException.Invalid(path.Kind, path.Name!, [StatusCause.Required("spec.replicas")]);
        }

        if (replicas is < 0 or > int.MaxValue)
        {
            throw new ApiException(422, "Invalid", $"Scale.autoscaling \"{path.Name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0");
        }

        var metadata = new JsonObject();
        if (ObjectMeta.ResourceVersion(scale) is { Length: > 0 } rv)
        {
            metadata["resourceVersion"] = rv;
        }

        var merge = new JsonObject { ["metadata"] = metadata, ["spec"] = new JsonObject { ["replicas"] = replicas } };
        var reply = await registry.PatchAsync(path.Kind, Namespace(path), path.Name!, PatchType.Merge, merge, null, ApiQuery.Write(context.Request), ct).ConfigureAwait(false);
        await ResponseWriter.WriteAsync(context, 200, ScaleOf(path.Kind, reply.ToJsonObject()), ct).ConfigureAwait(false);
    }

    private static JsonObject ScaleOf(ResourceKind kind, JsonObject obj)
    {
        var metadata = new JsonObject
        {
            ["name"] = ObjectMeta.Name(obj),
            ["namespace"] = ObjectMeta.Namespace(obj),
            ["uid"] = ObjectMeta.Uid(obj),
            ["resourceVersion"] = ObjectMeta.ResourceVersion(obj),
            ["creationTimestamp"] = ObjectMeta.GetString(obj["metadata"], "creationTimestamp"),
        };
        var specReplicas = obj["spec"]?["replicas"] is JsonValue r && r.TryGetValue<long>(out var n) ? n : 1;
        var statusReplicas = obj["status"]?["replicas"] is JsonValue s && s.TryGetValue<long>(out var m) ? m : 0;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["replicas"] = specReplicas },
            ["status"] = new JsonObject { ["replicas"] = statusReplicas, ["selector"] = kind == BuiltInKinds.ReplicationController
                ? Tables.SelectorFormat.Labels(obj["spec"]?["selector"])   // a ReplicationController's selector is a plain label map
                : LabelSelector.FormatJson(obj["spec"]?["selector"]) },
        };
    }

    /// <summary>POST pods/{name}/binding: assigns the pod to the target node (the scheduler's write).</summary>
    private async Task BindAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var (binding, _) = await RequestBody.ReadObjectAsync(context.Request, settings.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var node = ObjectMeta.GetString(binding["target"], "name");
        if (string.IsNullOrEmpty(node))
        {
            throw new ApiException(422, "Invalid", $"Binding.core \"{path.Name}\" is invalid: target.name: Required value", new StatusDetails(path.Name, "", "Binding", Causes: [StatusCause.Required("target.name")]));
        }

        await registry.BindAsync(Namespace(path), path.Name!, node, ApiQuery.Write(context.Request), ct).ConfigureAwait(false);
        await ResponseWriter.WriteAsync(context, 201, ApiJson.Success(code: 201), ct).ConfigureAwait(false);
    }
}
