namespace Cluster.Core.Configuration.Hocon;

/// <summary>The JSON-level type of a resolved value.</summary>
public enum HoconValueType
{
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
}

/// <summary>
/// A node of a HOCON tree. After resolution a tree holds only <see cref="HoconObject"/>,
/// <see cref="HoconArray"/> and <see cref="HoconScalar"/>; before it, internal node types stand for
/// substitutions, concatenations and merges that have to wait for the whole tree.
/// </summary>
public abstract class HoconValue(HoconOrigin origin)
{
    public HoconOrigin Origin { get; } = origin;

    /// <summary>The value's type, or null while it is still unresolved.</summary>
    public abstract HoconValueType? Type { get; }

    internal bool IsResolvable => Type is null;
}

/// <summary>A string, number, boolean or null. Numbers keep their original text ("1e5", "0123").</summary>
public sealed class HoconScalar : HoconValue
{
    private readonly HoconValueType _type;

    internal HoconScalar(HoconValueType type, string text, HoconOrigin origin)
        : base(origin)
    {
        _type = type;
        Text = text;
    }

    public override HoconValueType? Type => _type;

    /// <summary>The string content, the number's original text, "true"/"false", or "null".</summary>
    public string Text { get; }

    internal static HoconScalar String(string text, HoconOrigin origin) => new(HoconValueType.String, text, origin);

    internal static HoconScalar Null(HoconOrigin origin) => new(HoconValueType.Null, "null", origin);

    public override string ToString() => Text;
}

/// <summary>An ordered list of values.</summary>
public sealed class HoconArray : HoconValue
{
    internal HoconArray(List<HoconValue> items, HoconOrigin origin)
        : base(origin) => MutableItems = items;

    public override HoconValueType? Type => HoconValueType.Array;

    public IReadOnlyList<HoconValue> Items => MutableItems;

    internal List<HoconValue> MutableItems { get; }

    internal bool IsResolved { get; set; }
}

/// <summary>An object: fields in the order they were first defined.</summary>
public sealed class HoconObject : HoconValue
{
    internal HoconObject(HoconOrigin origin)
        : base(origin)
    {
    }

    public override HoconValueType? Type => HoconValueType.Object;

    public IEnumerable<string> Keys => Fields.Keys;

    public int Count => Fields.Count;

    public IEnumerable<KeyValuePair<string, HoconValue>> Entries => Fields;

    internal OrderedDictionary<string, HoconValue> Fields { get; } = new(StringComparer.Ordinal);

    internal bool IsResolved { get; set; }

    public bool TryGetValue(string key, out HoconValue value) => Fields.TryGetValue(key, out value!);

    internal static HoconObject Empty(HoconOrigin origin) => new(origin) { IsResolved = true };
}
