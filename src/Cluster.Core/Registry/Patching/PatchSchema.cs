namespace Cluster.Core.Registry.Patching;

/// <summary>
/// The merge metadata of one object type (the Go struct tags <c>patchStrategy</c>,
/// <c>patchMergeKey</c>, <c>listType</c>, <c>listMapKey</c>, <c>mapType</c> and <c>structType</c>
/// upstream): which lists merge by key, which are sets, which maps are atomic. Fields it does
/// not name behave as in a JSON merge patch: maps merge recursively, lists are replaced whole.
/// </summary>
public sealed class PatchSchema
{
    private readonly IReadOnlyDictionary<string, PatchField> _fields;

    private PatchSchema(IReadOnlyDictionary<string, PatchField> fields) => _fields = fields;

    /// <summary>No known fields: every map merges, every list is atomic.</summary>
    public static PatchSchema Empty { get; } = new(new Dictionary<string, PatchField>());

    /// <summary>Only the common object metadata (finalizers as a set, ownerReferences keyed by uid): for kinds without other merge metadata.</summary>
    public static PatchSchema Metadata => BuiltInPatchSchemas.ObjectWithMetadata;

    public static PatchSchema Of(params (string Name, PatchField Field)[] fields) =>
        new(fields.ToDictionary(f => f.Name, f => f.Field, StringComparer.Ordinal));

    /// <summary>
    /// The merge metadata of a built-in kind (Pod, the workload kinds' pod templates, Service,
    /// ServiceAccount, Node, Namespace, Endpoints, ConfigMap, ...), or <see cref="Empty"/> for a
    /// kind this cluster does not know, which then patches like a JSON merge patch.
    /// </summary>
    public static PatchSchema For(string apiVersion, string kind) => BuiltInPatchSchemas.For(apiVersion, kind);

    /// <summary>The metadata of a field (the default field when it is not declared).</summary>
    public PatchField Field(string name) => _fields.TryGetValue(name, out var field) ? field : PatchField.Default;
}

/// <summary>How one field merges.</summary>
public sealed record PatchField
{
    /// <summary>A map that merges recursively, or an atomic list, with no further metadata below.</summary>
    public static PatchField Default { get; } = new();

    /// <summary>The list merges (<c>patchStrategy:"merge"</c>): by <see cref="MergeKey"/> for lists of maps, as a set for lists of scalars.</summary>
    public bool MergeList { get; init; }

    /// <summary>The strategic-merge key of a merging list of maps (e.g. "name"); null for a set of scalars.</summary>
    public string? MergeKey { get; init; }

    /// <summary>
    /// The keys that identify an item of an associative list in server-side apply field sets
    /// (<c>listMapKey</c>); usually just the merge key, but container ports are keyed by
    /// containerPort and protocol.
    /// </summary>
    public IReadOnlyList<string> ListMapKeys { get; init; } = [];

    /// <summary>Values server-side apply assumes for item keys an item omits (the API defaults a port's protocol to TCP).</summary>
    public IReadOnlyDictionary<string, string> KeyDefaults { get; init; } = NoDefaults;

    /// <summary><c>patchStrategy:"retainKeys"</c>: a union whose patch may carry a <c>$retainKeys</c> list.</summary>
    public bool RetainKeys { get; init; }

    /// <summary><c>patchStrategy:"replace"</c>: a map a patch replaces instead of merging.</summary>
    public bool Replace { get; init; }

    /// <summary>An atomic map or struct (<c>mapType=atomic</c>/<c>structType=atomic</c>, e.g. label selectors): server-side apply owns and replaces it whole.</summary>
    public bool Atomic { get; init; }

    /// <summary>The schema of the field's value when it is a map, or of each item when it is a list.</summary>
    public PatchSchema Schema { get; init; } = PatchSchema.Empty;

    /// <summary>The item keys server-side apply uses: <see cref="ListMapKeys"/>, or the merge key alone.</summary>
    internal IReadOnlyList<string> ItemKeys => ListMapKeys.Count > 0 ? ListMapKeys : MergeKey is null ? [] : [MergeKey];

    /// <summary>A map field with the given schema.</summary>
    public static PatchField Object(PatchSchema schema) => new() { Schema = schema };

    /// <summary>A list of maps merged by <paramref name="key"/> (server-side apply keys it by <paramref name="applyKeys"/> when given).</summary>
    public static PatchField MergeBy(string key, PatchSchema? item = null, bool retainKeys = false, params string[] applyKeys) =>
        new() { MergeList = true, MergeKey = key, Schema = item ?? PatchSchema.Empty, RetainKeys = retainKeys, ListMapKeys = applyKeys };

    /// <summary>A list of scalars merged as a set (e.g. finalizers).</summary>
    public static PatchField Set() => new() { MergeList = true };

    /// <summary>An atomic map or struct.</summary>
    public static PatchField AtomicObject() => new() { Atomic = true };

    private static readonly IReadOnlyDictionary<string, string> NoDefaults = new Dictionary<string, string>();
}
