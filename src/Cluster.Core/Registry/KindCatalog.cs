using System.Collections.Frozen;

namespace Cluster.Core.Registry;

/// <summary>The kinds this cluster serves, with lookups by URL (group + plural) and by manifest (apiVersion + kind).</summary>
public sealed class KindCatalog
{
    private readonly FrozenDictionary<(string Group, string Plural), ResourceKind> _byResource;
    private readonly FrozenDictionary<(string ApiVersion, string Kind), ResourceKind> _byKind;

    public KindCatalog(IEnumerable<ResourceKind> kinds)
    {
        Kinds = kinds.ToArray();
        _byResource = Kinds.ToFrozenDictionary(k => (k.Group, k.Plural));
        _byKind = Kinds.ToFrozenDictionary(k => (k.ApiVersion, k.Kind));
    }

    /// <summary>The built-in Kubernetes kinds.</summary>
    public static KindCatalog BuiltIn { get; } = new(BuiltInKinds.All);

    public IReadOnlyList<ResourceKind> Kinds { get; }

    /// <summary>The kind served at <c>/api(s)/{group}/{version}/{plural}</c>, or null.</summary>
    public ResourceKind? ByResource(string group, string version, string plural) =>
        _byResource.TryGetValue((group, plural), out var kind) && kind.Version == version ? kind : null;

    /// <summary>The kind a manifest names with apiVersion and kind, or null.</summary>
    public ResourceKind? ByKind(string apiVersion, string kind) =>
        _byKind.TryGetValue((apiVersion, kind), out var found) ? found : null;

    /// <summary>The groups in discovery order (core first, then by name), each with its kinds.</summary>
    public IEnumerable<IGrouping<string, ResourceKind>> Groups() =>
        Kinds.GroupBy(k => k.Group).OrderBy(g => g.Key.Length == 0 ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal);
}
