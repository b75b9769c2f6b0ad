using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Google.Protobuf;

namespace Cluster.Api.Protobuf;

/// <summary>
/// Turns an <c>application/vnd.kubernetes.protobuf</c> request body into the JSON object the rest of the API takes, driven
/// by the field table alone: the magic "k8s\0", then a runtime.Unknown envelope whose typeMeta names the message of its raw
/// bytes. Field numbers the table does not know are skipped, as protobuf requires. Zero values are left out where the
/// JSON form leaves them out (Kubernetes' encoder writes every non-pointer field, so "" and 0 arrive for fields that were
/// never set; <see cref="JsonShape"/> says which zeros JSON keeps). Anything that cannot be read is a 400 naming the problem.
/// </summary>
internal static class ProtobufBodyDecoder
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    /// <summary>The four bytes every body (and every protobuf object embedded in one) begins with.</summary>
    public static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>Decodes a whole body; <paramref name="maxDepth"/> bounds message nesting as the JSON reader bounds it.</summary>
    public static JsonObject Decode(byte[] body, int maxDepth)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw ApiException.BadRequest("the body of the request could not be decoded as protobuf: it does not begin with the Kubernetes magic bytes \"k8s\\0\"");
        }

        try
        {
            var (apiVersion, kind, raw) = ReadEnvelope(body, new CodedInputStream(body, Magic.Length, body.Length - Magic.Length));
            if (string.IsNullOrEmpty(kind) || string.IsNullOrEmpty(apiVersion))
            {
                throw ApiException.BadRequest("the body of the request could not be decoded as protobuf: its envelope names no kind or apiVersion");
            }

            var message = ProtobufSchema.BuiltIn.FindKind(apiVersion, kind)
                ?? throw ApiException.BadRequest($"the body of the request could not be decoded as protobuf: no protobuf message is known for kind {kind} in {apiVersion}");
            var obj = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
            ReadFields(body, raw, message, obj, 1, maxDepth);
            return obj;
        }
        catch (InvalidProtocolBufferException e)
        {
            throw ApiException.BadRequest("the body of the request could not be decoded as protobuf: " + e.Message);
        }
    }

    private static (string? ApiVersion, string? Kind, CodedInputStream Raw) ReadEnvelope(byte[] body, CodedInputStream input)
    {
        string? apiVersion = null, kind = null;
        var raw = new CodedInputStream([]);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag))
            {
                case (1, WireFormat.WireType.LengthDelimited):
                    var typeMeta = Sub(body, input);
                    uint inner;
                    while ((inner = typeMeta.ReadTag()) != 0)
                    {
                        switch (WireFormat.GetTagFieldNumber(inner), WireFormat.GetTagWireType(inner))
                        {
                            case (1, WireFormat.WireType.LengthDelimited): apiVersion = typeMeta.ReadString(); break;
                            case (2, WireFormat.WireType.LengthDelimited): kind = typeMeta.ReadString(); break;
                            default: typeMeta.SkipLastField(); break;
                        }
                    }

                    break;
                case (2, WireFormat.WireType.LengthDelimited):
                    raw = Sub(body, input);
                    break;
                case (3 or 4, WireFormat.WireType.LengthDelimited):
                    if (input.ReadString() is { Length: > 0 } encoding)
                    {
                        throw ApiException.BadRequest($"the body of the request could not be decoded as protobuf: content encoding or type '{encoding}' in the envelope is not supported");
                    }

                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (apiVersion, kind, raw);
    }

    /// <summary>Reads the fields of one message into <paramref name="into"/> until the input ends.</summary>
    private static void ReadFields(byte[] buffer, CodedInputStream input, ProtoMessage message, JsonObject into, int depth, int maxDepth)
    {
        if (depth > maxDepth)
        {
            throw ApiException.BadRequest($"the body of the request could not be decoded as protobuf: it nests deeper than {maxDepth} levels");
        }

        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (message.Field(WireFormat.GetTagFieldNumber(tag)) is not { } field)
            {
                input.SkipLastField();
                continue;
            }

            var wire = WireFormat.GetTagWireType(tag);
            if (field.Type.Kind == ProtoKind.Map)
            {
                Expect(wire, WireFormat.WireType.LengthDelimited, message, field);
                var map = into[field.Name] as JsonObject ?? (JsonObject)(into[field.Name] = new JsonObject());
                ReadMapEntry(buffer, Sub(buffer, input), message, field, map, depth, maxDepth);
                continue;
            }

            if (field.Repeated && wire == WireFormat.WireType.LengthDelimited && field.Type.Kind is ProtoKind.Int32 or ProtoKind.Int64 or ProtoKind.Bool)
            {
                // Packed repeated scalars: one length-delimited run of varints.
                ReadPacked(Sub(buffer, input), field, ArrayOf(into, field));
                continue;
            }

            if (field.Inlined)
            {
                Expect(wire, WireFormat.WireType.LengthDelimited, message, field);
                ReadFields(buffer, Sub(buffer, input), field.Type.Message!, into, depth + 1, maxDepth);
                continue;
            }

            var value = ReadValue(buffer, input, wire, field.Type, message, field, depth, maxDepth);
            if (field.Repeated)
            {
                ArrayOf(into, field).Add(value ?? ZeroOf(field.Type));
            }
            else if (value is not null)
            {
                into[field.Name] = value;
            }
            else
            {
                into.Remove(field.Name);
            }
        }
    }

    /// <summary>One value of <paramref name="type"/>; null for a zero scalar or zero time, which the JSON form leaves out.</summary>
    private static JsonNode? ReadValue(byte[] buffer, CodedInputStream input, WireFormat.WireType wire, ProtoType type, ProtoMessage message, ProtoField field, int depth, int maxDepth)
    {
        switch (type.Kind)
        {
            case ProtoKind.String:
                Expect(wire, WireFormat.WireType.LengthDelimited, message, field);
                var text = input.ReadString();
                return text.Length == 0 ? null : JsonValue.Create(text);
            case ProtoKind.Bytes:
                Expect(wire, WireFormat.WireType.LengthDelimited, message, field);
                var bytes = input.ReadBytes();
                return bytes.Length == 0 ? null : JsonValue.Create(bytes.ToBase64());
            case ProtoKind.Int32:
                Expect(wire, WireFormat.WireType.Varint, message, field);
                var int32 = input.ReadInt32();
                return int32 == 0 && field.OmittedAtZero ? null : JsonValue.Create(int32);
            case ProtoKind.Int64:
                Expect(wire, WireFormat.WireType.Varint, message, field);
                var int64 = input.ReadInt64();
                return int64 == 0 && field.OmittedAtZero ? null : JsonValue.Create(int64);
            case ProtoKind.Bool:
                Expect(wire, WireFormat.WireType.Varint, message, field);
                var flag = input.ReadBool();
                return !flag && field.OmittedAtZero ? null : JsonValue.Create(flag);
            default:
                Expect(wire, WireFormat.WireType.LengthDelimited, message, field);
                var nested = type.Message!;
                var sub = Sub(buffer, input);
                if (SpecialTypes.TryRead(nested.Name, sub, maxDepth - depth, out var special))
                {
                    return special;
                }

                var obj = new JsonObject();
                ReadFields(buffer, sub, nested, obj, depth + 1, maxDepth);
                return obj;
        }
    }

    private static void ReadMapEntry(byte[] buffer, CodedInputStream entry, ProtoMessage message, ProtoField field, JsonObject map, int depth, int maxDepth)
    {
        string key = "";
        JsonNode? value = null;
        uint tag;
        while ((tag = entry.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    key = ReadValue(buffer, entry, WireFormat.GetTagWireType(tag), field.Type.MapKey!, message, field, depth, maxDepth)?.ToString() ?? "";
                    break;
                case 2:
                    value = ReadValue(buffer, entry, WireFormat.GetTagWireType(tag), field.Type.MapValue!, message, field, depth + 1, maxDepth);
                    break;
                default:
                    entry.SkipLastField();
                    break;
            }
        }

        // A map keeps its empty values: {"a": ""} is not {}.
        map[key] = value ?? ZeroOf(field.Type.MapValue!);
    }

    private static void ReadPacked(CodedInputStream input, ProtoField field, JsonArray array)
    {
        while (!input.IsAtEnd)
        {
            array.Add(field.Type.Kind switch
            {
                ProtoKind.Int32 => JsonValue.Create(input.ReadInt32()),
                ProtoKind.Int64 => JsonValue.Create(input.ReadInt64()),
                _ => JsonValue.Create(input.ReadBool()),
            });
        }
    }

    /// <summary>The JSON of a zero value that must still be written (an element of an array, the value of a map entry).</summary>
    private static JsonValue? ZeroOf(ProtoType type) => type.Kind switch
    {
        ProtoKind.String or ProtoKind.Bytes => JsonValue.Create(""),
        ProtoKind.Int32 or ProtoKind.Int64 => JsonValue.Create(0),
        ProtoKind.Bool => JsonValue.Create(false),
        _ => null,
    };

    private static JsonArray ArrayOf(JsonObject into, ProtoField field) =>
        into[field.Name] as JsonArray ?? (JsonArray)(into[field.Name] = new JsonArray());

    /// <summary>
    /// A reader over the next length-delimited value, in place: the field is skipped in <paramref name="input"/> and the
    /// new reader covers its bytes of <paramref name="buffer"/> after the length prefix (Position is an index into it).
    /// </summary>
    private static CodedInputStream Sub(byte[] buffer, CodedInputStream input)
    {
        var start = (int)input.Position;
        input.SkipLastField();
        var end = (int)input.Position;
        while ((buffer[start] & 0x80) != 0)
        {
            start++;
        }

        start++;
        return new CodedInputStream(buffer, start, end - start);
    }

    private static void Expect(WireFormat.WireType actual, WireFormat.WireType expected, ProtoMessage message, ProtoField field)
    {
        if (actual != expected)
        {
            throw ApiException.BadRequest($"the body of the request could not be decoded as protobuf: field {field.Number} ({field.Name}) of {message.Name} has wire type {actual}, expected {expected}");
        }
    }
}
