using System.Text;
using System.Text.Json.Nodes;
using Cluster.Api.Protobuf;
using Google.Protobuf;

namespace Cluster.Bench.Protobuf;

/// <summary>
/// Encodes a JSON object as kubectl would send it (magic, runtime.Unknown envelope, the object's message), driven by the
/// same field table as the decoder, so the benchmark can decode realistic bodies of any size. Setup only: not timed.
/// </summary>
internal static class JsonToProtobuf
{
    public static byte[] Body(JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]!.GetValue<string>();
        var kind = obj["kind"]!.GetValue<string>();
        var message = ProtobufSchema.BuiltIn.FindKind(apiVersion, kind) ?? throw new ArgumentException("no message for " + kind);
        var typeMeta = Encode(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteString(apiVersion);
            o.WriteTag(2, WireFormat.WireType.LengthDelimited);
            o.WriteString(kind);
        });
        var unknown = Encode(o =>
        {
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(typeMeta));
            o.WriteTag(2, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(ByteString.CopyFrom(Encode(o2 => WriteFields(o2, message, obj))));
        });
        return [.. "k8s\0"u8, .. unknown];
    }

    private static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }

        return buffer.ToArray();
    }

    private static void WriteFields(CodedOutputStream output, ProtoMessage message, JsonObject obj)
    {
        foreach (var field in message.Fields.Values.OrderBy(f => f.Number))
        {
            if (field.Inlined)
            {
                WriteBytes(output, field.Number, Encode(o => WriteFields(o, field.Type.Message!, obj)));
                continue;
            }

            switch (obj[field.Name])
            {
                case null:
                    break;
                case JsonObject map when field.Type.Kind == ProtoKind.Map:
                    foreach (var (key, value) in map)
                    {
                        WriteBytes(output, field.Number, Encode(o =>
                        {
                            WriteValue(o, 1, field.Type.MapKey!, JsonValue.Create(key));
                            WriteValue(o, 2, field.Type.MapValue!, value!);
                        }));
                    }

                    break;
                case JsonArray items when field.Repeated:
                    foreach (var item in items)
                    {
                        WriteValue(output, field.Number, field.Type, item!);
                    }

                    break;
                case var value:
                    WriteValue(output, field.Number, field.Type, value);
                    break;
            }
        }
    }

    private static void WriteValue(CodedOutputStream output, int number, ProtoType type, JsonNode value)
    {
        switch (type.Kind)
        {
            case ProtoKind.String:
                WriteBytes(output, number, Encoding.UTF8.GetBytes(value.GetValue<string>()));
                break;
            case ProtoKind.Bytes:
                WriteBytes(output, number, Convert.FromBase64String(value.GetValue<string>()));
                break;
            case ProtoKind.Int32 or ProtoKind.Int64:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteInt64(long.Parse(value.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ProtoKind.Bool:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteBool(value.GetValue<bool>());
                break;
            default:
                WriteBytes(output, number, Encode(o => WriteMessage(o, type.Message!, value)));
                break;
        }
    }

    private static void WriteMessage(CodedOutputStream output, ProtoMessage message, JsonNode value)
    {
        switch (message.Name)
        {
            case "k8s.io.apimachinery.pkg.api.resource.Quantity":
                WriteBytes(output, 1, Encoding.UTF8.GetBytes(value.GetValue<string>()));
                break;
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" when value.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                output.WriteTag(2, WireFormat.WireType.Varint);
                output.WriteInt32(value.GetValue<int>());
                break;
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
                output.WriteTag(1, WireFormat.WireType.Varint);
                output.WriteInt64(1);
                WriteBytes(output, 3, Encoding.UTF8.GetBytes(value.GetValue<string>()));
                break;
            default:
                WriteFields(output, message, value.AsObject());
                break;
        }
    }

    private static void WriteBytes(CodedOutputStream output, int number, byte[] bytes)
    {
        output.WriteTag(number, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(bytes));
    }
}
