using System.Text.Json.Nodes;

namespace Cluster.Core.Registry;

/// <summary>
/// Admission that depends on the requesting user: RBAC escalation prevention on writes of roles and bindings (see
/// <see cref="Admission.IGrantCheck"/>) and the user's own rules, as NodeRestriction (<see cref="Admission.IRequesterAdmission"/>).
/// </summary>
public sealed partial class ResourceRegistry
{
    private static bool GrantsPermissions(ResourceKind kind) =>
        kind == BuiltInKinds.Role || kind == BuiltInKinds.ClusterRole || kind == BuiltInKinds.RoleBinding || kind == BuiltInKinds.ClusterRoleBinding;

    private static void AdmitGrantsCreate(ResourceKind kind, string ns, JsonObject obj, Objects.WriteOptions options)
    {
        if (options.Requester is { } requester && requester.Concerns(kind))
        {
            requester.Admit(kind, ns, null, null, obj);
        }

        if (options.Grants is { } grants && GrantsPermissions(kind))
        {
            grants.Check(kind, ns, obj);
        }
    }

    /// <summary>An update or patch is checked on the object it would make of the stored one, as a create is.</summary>
    private async Task AdmitGrantsChangeAsync(ResourceKind kind, string ns, string name, string? subresource, Func<JsonObject?, JsonObject?> change, Objects.WriteOptions options, CancellationToken cancellationToken)
    {
        if (options.Requester is { } requester && requester.Concerns(kind))
        {
            await SyncAsync(cancellationToken).ConfigureAwait(false);
            var current = Feed.Cache(kind).Get(kind.Namespaced ? ns : "", name)?.ToJsonObject();
            if (change(current?.DeepClone().AsObject()) is { } next)
            {
                requester.Admit(kind, ns, subresource, current, next);
            }
        }

        if (options.Grants is not { } grants || subresource is not null || !GrantsPermissions(kind))
        {
            return;
        }

        await SyncAsync(cancellationToken).ConfigureAwait(false);
        if (change(Feed.Cache(kind).Get(kind.Namespaced ? ns : "", name)?.ToJsonObject()) is { } changed)
        {
            grants.Check(kind, ns, changed);
        }
    }
}
