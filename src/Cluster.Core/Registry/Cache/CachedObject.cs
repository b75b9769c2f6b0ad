using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Cache;

/// <summary>
/// One version of an object as the watch cache keeps it: serialized once (lists and watch events
/// copy these bytes to the wire), with the few things selectors need kept at hand. Immutable.
/// </summary>
public sealed class CachedObject
{
    private readonly IReadOnlyList<string> _fieldNames;
    private readonly string?[] _fieldValues;

    private CachedObject(string ns, string name, string key, long resourceVersion, byte[] json, IReadOnlyDictionary<string, string> labels, string? uid, IReadOnlyList<string> fieldNames, string?[] fieldValues)
    {
        _fieldNames = fieldNames;
        _fieldValues = fieldValues;
        Namespace = ns;
        Name = name;
        ResourceVersion = resourceVersion;
        Json = json;
        Labels = labels;
        Uid = uid;
        Key = key;
    }

    private CachedObject(string key)
    {
        _fieldNames = [];
        _fieldValues = [];
        Namespace = Name = "";
        Json = [];
        Labels = new Dictionary<string, string>();
        Key = key;
    }

    public string Namespace { get; }

    public string Name { get; }

    /// <summary>The journal ordering of the event that produced this version.</summary>
    public long ResourceVersion { get; }

    /// <summary>The object as UTF-8 JSON, resourceVersion included.</summary>
    public byte[] Json { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public string? Uid { get; }

    /// <summary>
    /// The value of one of the kind's selectable fields (spec.nodeName, status.phase, ...), read
    /// once when this version was cached, so selectors never re-parse the object. False when the
    /// field was not precomputed (the caller then asks the strategy).
    /// </summary>
    public bool TryGetField(string field, out string value)
    {
        for (var i = 0; i < _fieldNames.Count; i++)
        {
            if (_fieldNames[i] == field && _fieldValues[i] is { } found)
            {
                value = found;
                return true;
            }
        }

        value = "";
        return false;
    }

    /// <summary>
    /// Builds the cached form of <paramref name="obj"/> (already stamped with its resourceVersion).
    /// Field values, the namespace and labels go through <paramref name="intern"/>, so the thousands of
    /// objects that share "Running", "kube-node-lease" or "kubernetes.io/os=linux" share one string; what
    /// did not change since <paramref name="previous"/> (the cached version this one follows) is shared
    /// with it, so a watch history of Lease renewals holds one name, key, uid and label map per Lease.
    /// </summary>
    public static CachedObject From(JsonObject obj, long resourceVersion, IResourceStrategy? strategy = null, IReadOnlyList<string>? selectableFields = null, Func<string, string>? intern = null, CachedObject? previous = null)
    {
        IReadOnlyList<string> names = [];
        string?[] values = [];
        if (strategy is not null && selectableFields is { Count: > 0 })
        {
            names = selectableFields;
            values = new string?[selectableFields.Count];
            for (var i = 0; i < values.Length; i++)
            {
                var value = strategy.SelectableField(obj, selectableFields[i]);
                values[i] = value is null || intern is null ? value : intern(value);
            }
        }

        var (ns, name, uid, labels) = (ObjectMeta.Namespace(obj), ObjectMeta.Name(obj), ObjectMeta.Uid(obj), ObjectMeta.Labels(obj));
        string key;
        if (previous is not null && previous.Name == name && previous.Namespace == ns)
        {
            (ns, name, key) = (previous.Namespace, previous.Name, previous.Key);
        }
        else
        {
            ns = intern is null ? ns : intern(ns);
            key = KeyOf(ns, name);
        }

        if (previous is not null && previous.Uid == uid)
        {
            uid = previous.Uid;
        }

        if (previous is not null && SameLabels(previous.Labels, labels))
        {
            labels = previous.Labels;
        }
        else if (intern is not null && labels.Count > 0)
        {
            labels = labels.ToDictionary(l => intern(l.Key), l => intern(l.Value), StringComparer.Ordinal);
        }

        return new(ns, name, key, resourceVersion, JsonSerializer.SerializeToUtf8Bytes(obj, CacheJson.Options), labels, uid, names, values);
    }

    private static bool SameLabels(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || other != value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Field selector names used across the built-in kinds; each kind's cache keeps those its strategy supports.</summary>
    public static IReadOnlyList<string> CandidateFields { get; } =
    [
        "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
        "status.phase", "status.podIP", "status.nominatedNodeName", "spec.unschedulable", "type", "reason", "source",
        "reportingComponent", "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
        "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "status.replicas",
        "status.successful", "spec.clusterIP", "spec.type",
    ];

    /// <summary>A fresh, private JSON tree of this version (callers may change it).</summary>
    public JsonObject ToJsonObject() => JsonNode.Parse(Json)!.AsObject();

    /// <summary>The sort and lookup key: namespace, then name (lists are ordered by it, as Kubernetes orders them).</summary>
    public string Key { get; }

    public static string KeyOf(string ns, string name) => ns + "/" + name;

    /// <summary>A key-only instance for range lookups in sorted sets.</summary>
    internal static CachedObject Probe(string key) => new(key);
}

internal static class CacheJson
{
    /// <summary>Compact output; non-ASCII text kept as is (as the Kubernetes API server writes it).</summary>
    public static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
