using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Admission;

/// <summary>
/// Admission that depends on who asks (upstream's NodeRestriction is one): the API supplies it for the requesting user
/// (<see cref="Objects.WriteOptions.Requester"/>) and the registry asks it about each create, update and patch, with the
/// stored object (null on a create) and the object the write would store.
/// </summary>
public interface IRequesterAdmission
{
    /// <summary>Whether writes of <paramref name="kind"/> are checked at all: the registry reads the stored object only for those.</summary>
    bool Concerns(ResourceKind kind);

    /// <summary>Throws a 403 <see cref="ApiException"/> when the user may not make this write.</summary>
    void Admit(ResourceKind kind, string ns, string? subresource, JsonObject? current, JsonObject next);
}
