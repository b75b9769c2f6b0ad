using System.Text.Json.Nodes;
using Cluster.Core.Registry.Admission.PodSecurity;
using Cluster.Core.Registry.Objects;

namespace Cluster.Core.Registry;

/// <summary>
/// The PodSecurity admission plugin on the registry's writes. A create is admitted with the other plugins; an update
/// or patch is admitted before it is sent, on the object it would make of the stored version (the rules apply the
/// patch the same way in the object's actor): a write racing it could slip a pod image past a new enforce level, as
/// the cost of not asking the actor to run admission it has no namespace for.
/// </summary>
public sealed partial class ResourceRegistry
{
    /// <summary>Admits a new object (its name known, its namespace synced): pods, workloads and namespaces.</summary>
    private void AdmitPodSecurityCreate(ResourceKind kind, string ns, JsonObject obj, WriteOptions options)
    {
        if (kind == BuiltInKinds.Namespace)
        {
            PodSecurityAdmission.ValidateNamespace(obj, null, () => [], options.Notes);
        }
        else if (PodSecurityAdmission.Covers(kind))
        {
            PodSecurityAdmission.Validate(kind, obj, null, NamespaceLabels(ns), options.Notes);
        }
    }

    /// <summary>
    /// Admits an update or patch of the main resource; <paramref name="change"/> makes the written object of the
    /// stored one (null when there is none). An apply that creates is admitted as a create.
    /// </summary>
    private async Task AdmitPodSecurityChangeAsync(ResourceKind kind, string ns, string name, string? subresource, Func<JsonObject?, JsonObject?> change, WriteOptions options, CancellationToken cancellationToken)
    {
        var isNamespace = kind == BuiltInKinds.Namespace;
        if (subresource is not null || !(isNamespace || PodSecurityAdmission.Covers(kind))
            || (!isNamespace && !PodSecurityAdmission.Evaluates(kind, NamespaceLabels(ns), options.Notes)))
        {
            return;
        }

        await SyncAsync(cancellationToken).ConfigureAwait(false);
        var current = Feed.Cache(kind).Get(kind.Namespaced ? ns : "", name)?.ToJsonObject();
        if (change(current) is not { } changed)
        {
            return;
        }

        if (isNamespace)
        {
            PodSecurityAdmission.ValidateNamespace(changed, current, () => InNamespace(BuiltInKinds.Pod, name), options.Notes);
        }
        else
        {
            PodSecurityAdmission.Validate(kind, changed, current, NamespaceLabels(ns), options.Notes);
        }
    }

    /// <summary>The object a patch makes of <paramref name="current"/>; null when there is nothing to patch (the actor answers 404).</summary>
    private JsonObject? Patched(ResourceKind kind, JsonObject? current, PatchType type, JsonNode patch, WriteOptions options) =>
        type == PatchType.Apply ? ObjectRules.Applied(current, patch, kind, options, _clock.GetUtcNow())
        : current is null ? null
        : ObjectRules.Patched(current, type, patch, kind);

    private IReadOnlyDictionary<string, string> NamespaceLabels(string ns) =>
        Feed.Cache(BuiltInKinds.Namespace).Get("", ns)?.Labels ?? new Dictionary<string, string>();
}
