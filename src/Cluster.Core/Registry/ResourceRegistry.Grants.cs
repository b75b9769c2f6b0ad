using System.Text.Json.Nodes;

namespace Cluster.Core.Registry;

/// <summary>RBAC escalation prevention on the registry's writes of roles and bindings (see <see cref="Admission.IGrantCheck"/>).</summary>
public sealed partial class ResourceRegistry
{
    private static bool GrantsPermissions(ResourceKind kind) =>
        kind == BuiltInKinds.Role || kind == BuiltInKinds.ClusterRole || kind == BuiltInKinds.RoleBinding || kind == BuiltInKinds.ClusterRoleBinding;

    private static void AdmitGrantsCreate(ResourceKind kind, string ns, JsonObject obj, Objects.WriteOptions options)
    {
        if (options.Grants is { } grants && GrantsPermissions(kind))
        {
            grants.Check(kind, ns, obj);
        }
    }

    /// <summary>An update or patch is checked on the object it would make of the stored one, as a create is.</summary>
    private async Task AdmitGrantsChangeAsync(ResourceKind kind, string ns, string name, string? subresource, Func<JsonObject?, JsonObject?> change, Objects.WriteOptions options, CancellationToken cancellationToken)
    {
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
