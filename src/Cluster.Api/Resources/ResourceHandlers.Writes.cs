using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using Cluster.Core.Registry.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cluster.Api.Resources;

/// <summary>create, update, patch: bodies are checked here (size, syntax, type, unknown fields), the rules run in the object's actor.</summary>
public sealed partial class ResourceHandlers
{
    private async Task CreateAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var (obj, raw) = await RequestBody.ReadObjectAsync(context.Request, settings.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        CheckTypeMeta(path.Kind, obj);
        CheckBodyNamespace(path, obj);
        CheckFields(context, path.Kind, obj, raw);
        var stored = Stored(path.Kind, obj, creating: true);
        var reply = await AdmittedAsync(context, ApiQuery.Write(context.Request), options => registry.CreateAsync(path.Kind.Storage, Namespace(path), stored, options, ct)).ConfigureAwait(false);
        await ResponseWriter.WriteBytesAsync(context, 201, Served(path.Kind, reply.Json), ct).ConfigureAwait(false);
    }

    private async Task UpdateAsync(HttpContext context, ApiPath path, string? subresource, CancellationToken ct)
    {
        var (obj, raw) = await RequestBody.ReadObjectAsync(context.Request, settings.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        CheckTypeMeta(path.Kind, obj);
        CheckBodyNamespace(path, obj);
        var bodyName = ObjectMeta.Name(obj);
        if (bodyName.Length == 0)
        {
            ObjectMeta.Metadata(obj)["name"] = path.Name;
        }
        else if (bodyName != path.Name)
        {
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({path.Name})");
        }

        CheckFields(context, path.Kind, obj, raw);
        var stored = Stored(path.Kind, obj, creating: false);
        var reply = await AdmittedAsync(context, ApiQuery.Write(context.Request), options => registry.UpdateAsync(path.Kind.Storage, Namespace(path), path.Name!, stored, subresource, options, ct)).ConfigureAwait(false);
        await ResponseWriter.WriteBytesAsync(context, 200, Served(path.Kind, reply.Json), ct).ConfigureAwait(false);
    }

    private async Task PatchAsync(HttpContext context, ApiPath path, string? subresource, CancellationToken ct)
    {
        var (type, patch, raw) = await RequestBody.ReadPatchAsync(context.Request, settings.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var options = ApiQuery.Write(context.Request);
        if (type == PatchType.Apply && patch is JsonObject applied)
        {
            CheckTypeMeta(path.Kind, applied);
            CheckBodyNamespace(path, applied);
            var name = ObjectMeta.Name(applied);
            if (name.Length > 0 && name != path.Name)
            {
                throw ApiException.BadRequest($"the name of the object ({name}) does not match the name on the URL ({path.Name})");
            }

            ObjectMeta.Metadata(applied)["name"] = path.Name;
            CheckFields(context, path.Kind, applied, raw);
            options = options with { FieldManager = ApiQuery.Get(context.Request, "fieldManager") };
        }
        else if (type != PatchType.Json && patch is JsonObject merge)
        {
            CheckFields(context, path.Kind, merge, raw, isPatch: true);
        }

        var reply = await AdmittedAsync(context, options, admitted => path.Kind.StoredAs is null
            ? registry.PatchAsync(path.Kind, Namespace(path), path.Name!, type, patch, subresource, admitted, ct)
            : PatchOtherVersionAsync(path, type, patch, subresource, admitted, ct)).ConfigureAwait(false);
        await ResponseWriter.WriteBytesAsync(context, reply.Created ? 201 : 200, Served(path.Kind, reply.Json), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a write with a collector for what admission hands back (upstream's warning recorder): its warnings become
    /// Warning headers whether the write went through or was refused. The collector stays on the request as a feature,
    /// where an audit log can read its audit annotations.
    /// </summary>
    private static async Task<ObjectReply> AdmittedAsync(HttpContext context, WriteOptions options, Func<WriteOptions, Task<ObjectReply>> write)
    {
        var notes = new AdmissionNotes();
        context.Features.Set(notes);

        // Writes of roles and bindings are checked for escalation when RBAC decides who may do what.
        var grants = context.RequestServices.GetService<Security.Authorization.IRequestAuthorizer>() is { } authorizer and not Security.Authorization.AlwaysAllowAuthorizer
            ? new Security.Authorization.EscalationCheck(Security.HttpContextUser.KubernetesUser(context), authorizer, context.RequestServices.GetRequiredService<ResourceRegistry>())
            : null;
        try
        {
            var requester = Security.Admission.NodeRestriction.For(Security.HttpContextUser.KubernetesUser(context));
            return await write(options with { Notes = notes, Grants = grants, Requester = requester }).ConfigureAwait(false);
        }
        finally
        {
            foreach (var warning in notes.Warnings)
            {
                WarningHeaders.Add(context.Response, warning);
            }
        }
    }

    /// <summary>apiVersion and kind, when given, must name this resource (kubectl always sends them); missing ones are filled in.</summary>
    private static void CheckTypeMeta(ResourceKind kind, JsonObject obj)
    {
        var apiVersion = obj["apiVersion"] is JsonValue av && av.TryGetValue<string>(out var a) ? a : null;
        var kindName = obj["kind"] is JsonValue kv && kv.TryGetValue<string>(out var k) ? k : null;
        if (obj["apiVersion"] is not null && apiVersion is null || obj["kind"] is not null && kindName is null)
        {
            throw ApiException.BadRequest("apiVersion and kind must be strings");
        }

        if (apiVersion is { Length: > 0 } && apiVersion != kind.ApiVersion)
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({kind.ApiVersion})");
        }

        if (kindName is { Length: > 0 } && kindName != kind.Kind)
        {
            throw ApiException.BadRequest($"the kind in the data ({kindName}) does not match the expected kind ({kind.Kind})");
        }

        if (obj["metadata"] is { } metadata && metadata is not JsonObject)
        {
            throw ApiException.BadRequest("metadata must be an object");
        }

        obj["apiVersion"] = kind.ApiVersion;
        obj["kind"] = kind.Kind;
    }

    private static void CheckBodyNamespace(ApiPath path, JsonObject obj)
    {
        if (!path.Kind.Namespaced)
        {
            return;
        }

        // As upstream's EnsureObjectNamespaceMatchesRequestNamespace: a body without a namespace takes the request's
        // (typed clients send none on replace); a different one is refused.
        var ns = ObjectMeta.Namespace(obj);
        if (ns.Length == 0)
        {
            ObjectMeta.Metadata(obj)["namespace"] = path.Namespace;
        }
        else if (ns != path.Namespace)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }
}
