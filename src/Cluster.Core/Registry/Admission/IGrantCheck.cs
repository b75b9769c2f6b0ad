using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Admission;

/// <summary>
/// Upstream's RBAC escalation prevention: nobody writes a Role, ClusterRole or binding that grants more than they
/// hold, unless allowed to <c>escalate</c> or <c>bind</c>. The API supplies the check for the requesting user
/// (<see cref="Objects.WriteOptions.Grants"/>); the registry asks it about the object the write would store.
/// </summary>
public interface IGrantCheck
{
    /// <summary>Throws a 403 <see cref="ApiException"/> when <paramref name="obj"/> grants what the user may not grant.</summary>
    void Check(ResourceKind kind, string ns, JsonObject obj);
}
