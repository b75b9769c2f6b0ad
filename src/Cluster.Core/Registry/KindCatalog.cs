using System.Collections.Frozen;

namespace Cluster.Core.Registry;

/// <summary>
/// The kinds this cluster serves, with lookups by URL (group + version + plural) and by manifest
/// (apiVersion + kind). <see cref="Kinds"/> are the stored kinds; <see cref="Served"/> adds the
/// other versions some of them are also served in (each names its stored kind in
/// <see cref="ResourceKind.StoredAs"/>).
/// </summary>
public sealed class KindCatalog
{
    private readonly FrozenDictionary<(string Group, string Version, string Plural), ResourceKind> _byResource;
    private readonly FrozenDictionary<(string ApiVersion, string Kind), ResourceKind> _byKind;

    public KindCatalog(IEnumerable<ResourceKind> kinds, IEnumerable<ResourceKind>? otherVersions = null)
    {
        Kinds = kinds.ToArray();
        var others = (otherVersions ?? []).ToArray();
        if (others.FirstOrDefault(k => k.StoredAs is null || !Kinds.Contains(k.StoredAs)) is { } orphan)
        {
            throw new ArgumentException($"{orphan.ApiVersion} {orphan.Kind} must be stored as one of the catalog's kinds", nameof(otherVersions));
        }

        Served = [.. Kinds.Where(k => !k.Internal), .. others];
        _byResource = Served.ToFrozenDictionary(k => (k.Group, k.Version, k.Plural));
        _byKind = Served.ToFrozenDictionary(k => (k.ApiVersion, k.Kind));
    }

    /// <summary>The built-in Kubernetes kinds.</summary>
    public static KindCatalog BuiltIn { get; } = new([.. BuiltInKinds.All, .. BuiltInKinds.Internal], BuiltInKinds.OtherVersions);

    /// <summary>The stored kinds: one journal stream, watch cache and strategy each (the internal ones too).</summary>
    public IReadOnlyList<ResourceKind> Kinds { get; }

    /// <summary>Every kind the API serves: the stored kinds that are not internal and their other versions.</summary>
    public IReadOnlyList<ResourceKind> Served { get; }

    /// <summary>The kind served at <c>/api(s)/{group}/{version}/{plural}</c>, or null.</summary>
    public ResourceKind? ByResource(string group, string version, string plural) =>
        _byResource.GetValueOrDefault((group, version, plural));

    /// <summary>The kind a manifest names with apiVersion and kind, or null.</summary>
    public ResourceKind? ByKind(string apiVersion, string kind) =>
        _byKind.TryGetValue((apiVersion, kind), out var found) ? found : null;

    /// <summary>The groups in discovery order (core first, then by name), each with its served kinds.</summary>
    public IEnumerable<IGrouping<string, ResourceKind>> Groups() =>
        Served.GroupBy(k => k.Group).OrderBy(g => g.Key.Length == 0 ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal);

    /// <summary>A group's versions, preferred first: the version its kinds are stored in, then the others newest first.</summary>
    public static IReadOnlyList<string> Versions(IEnumerable<ResourceKind> group) =>
        group.OrderBy(k => k.StoredAs is null ? 0 : 1).ThenByDescending(k => k.Version, StringComparer.Ordinal)
            .Select(k => k.Version).Distinct().ToArray();
}
