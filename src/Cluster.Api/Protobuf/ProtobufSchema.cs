using System.Globalization;
using Cluster.Core.Registry;

namespace Cluster.Api.Protobuf;

/// <summary>The wire type of a field's values, as the decoder reads them.</summary>
internal enum ProtoKind
{
    String,
    Bytes,
    Int32,
    Int64,
    Bool,
    Message,
    Map,
}

/// <summary>A field's type: a scalar, a message (by name, resolved once the table is read), or a map of two of them.</summary>
internal sealed class ProtoType
{
    public required ProtoKind Kind { get; init; }

    /// <summary>The message, for <see cref="ProtoKind.Message"/>.</summary>
    public ProtoMessage? Message { get; set; }

    public string? MessageName { get; init; }

    public ProtoType? MapKey { get; init; }

    public ProtoType? MapValue { get; init; }
}

/// <summary>One field of a message: its number, JSON name, whether it repeats, and how its JSON is shaped (<see cref="JsonShape"/>).</summary>
internal sealed record ProtoField(int Number, string Name, bool Repeated, ProtoType Type)
{
    /// <summary>A zero number or false is left out of the JSON.</summary>
    public bool OmittedAtZero { get; set; }

    /// <summary>The fields of this message field belong to the enclosing object.</summary>
    public bool Inlined { get; set; }
}

/// <summary>One message of the Kubernetes API types: its fields by number.</summary>
internal sealed class ProtoMessage(string name)
{
    public string Name { get; } = name;

    public Dictionary<int, ProtoField> Fields { get; } = [];

    private ProtoField?[] _byNumber = [];

    /// <summary>The field numbered <paramref name="number"/>, or null (an array lookup: decoding asks for every field).</summary>
    public ProtoField? Field(int number) => (uint)number < (uint)_byNumber.Length ? _byNumber[number] : null;

    internal void Index()
    {
        _byNumber = new ProtoField?[Fields.Count == 0 ? 0 : Fields.Keys.Max() + 1];
        foreach (var field in Fields.Values)
        {
            _byNumber[field.Number] = field;
            field.OmittedAtZero = JsonShape.OmittedAtZero(this, field);
            field.Inlined = field.Type.Kind == ProtoKind.Message && JsonShape.IsInlined(this, field);
        }
    }
}

/// <summary>
/// The message fields of Kubernetes' built-in API groups (v0.32.1 of the API types), read from the table embedded in this
/// assembly: one row per field (message, number, name, label, type). The decoder walks bodies with it, so every served kind
/// decodes without code of its own.
/// </summary>
internal sealed class ProtobufSchema
{
    private const string ApiPackage = "k8s.io.api.";
    private readonly Dictionary<string, ProtoMessage> _messages;

    private ProtobufSchema(Dictionary<string, ProtoMessage> messages) => _messages = messages;

    /// <summary>The table shipped with the API server.</summary>
    public static ProtobufSchema BuiltIn { get; } = Load();

    public int MessageCount => _messages.Count;

    public ProtoMessage? Find(string fullName) => _messages.GetValueOrDefault(fullName);

    /// <summary>
    /// The message of <paramref name="kind"/> in <paramref name="apiVersion"/>: "apps/v1" Deployment is
    /// k8s.io.api.apps.v1.Deployment, "rbac.authorization.k8s.io/v1" Role is k8s.io.api.rbac.v1.Role (a group's package is
    /// its first label; the core group "v1" is k8s.io.api.core.v1). Null when the table has no such message.
    /// </summary>
    public ProtoMessage? FindKind(string apiVersion, string kind)
    {
        var (group, version) = ResourceKind.ParseGroupVersion(apiVersion);
        var package = group.Length == 0 ? "core" : group.Split('.')[0];
        // DeleteOptions and the other meta kinds travel with apiVersion "v1" or "meta.k8s.io/v1".
        return Find(ApiPackage + package + "." + version + "." + kind) ?? Find("k8s.io.apimachinery.pkg.apis.meta." + version + "." + kind);
    }

    /// <summary>Reads a table in the shipped format (tab-separated, a header row first); throws on a row it cannot read.</summary>
    public static ProtobufSchema Parse(TextReader table)
    {
        var messages = new Dictionary<string, ProtoMessage>(StringComparer.Ordinal);
        var line = table.ReadLine();
        var row = 1;
        while ((line = table.ReadLine()) is not null)
        {
            row++;
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split('\t');
            if (cells.Length != 5 || !int.TryParse(cells[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"protobuf field table, row {row}: expected message, number, name, label, type");
            }

            if (!messages.TryGetValue(cells[0], out var message))
            {
                messages[cells[0]] = message = new ProtoMessage(cells[0]);
            }

            message.Fields[number] = new ProtoField(number, cells[2], cells[3] == "repeated", TypeOf(cells[4], row));
        }

        foreach (var type in messages.Values.SelectMany(m => m.Fields.Values).SelectMany(f => new[] { f.Type, f.Type.MapKey, f.Type.MapValue }))
        {
            if (type is { Kind: ProtoKind.Message, MessageName: { } name })
            {
                type.Message = messages.GetValueOrDefault(name) ?? new ProtoMessage(name);
            }
        }

        foreach (var message in messages.Values)
        {
            message.Index();
        }

        return new ProtobufSchema(messages);
    }

    private static ProtobufSchema Load()
    {
        using var stream = typeof(ProtobufSchema).Assembly.GetManifestResourceStream("Cluster.Api.Protobuf.fields.tsv")
            ?? throw new InvalidOperationException("the protobuf field table is not embedded in Cluster.Api");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }

    private static ProtoType TypeOf(string type, int row)
    {
        if (type.StartsWith("map<", StringComparison.Ordinal) && type.EndsWith('>'))
        {
            var comma = type.IndexOf(',', StringComparison.Ordinal);
            return new ProtoType { Kind = ProtoKind.Map, MapKey = TypeOf(type[4..comma], row), MapValue = TypeOf(type[(comma + 1)..^1], row) };
        }

        return type switch
        {
            "string" => new ProtoType { Kind = ProtoKind.String },
            "bytes" => new ProtoType { Kind = ProtoKind.Bytes },
            "int32" => new ProtoType { Kind = ProtoKind.Int32 },
            "int64" => new ProtoType { Kind = ProtoKind.Int64 },
            "bool" => new ProtoType { Kind = ProtoKind.Bool },
            _ when type.Contains('.', StringComparison.Ordinal) => new ProtoType { Kind = ProtoKind.Message, MessageName = type },
            _ => throw new FormatException($"protobuf field table, row {row}: unknown type '{type}'"),
        };
    }
}
