using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Google.Protobuf;

namespace Cluster.Api.Protobuf;

/// <summary>
/// The few apimachinery messages whose JSON form is not their fields: a Quantity is its string, a Time an RFC 3339 stamp,
/// a Duration a Go duration string, an IntOrString a bare number or string, RawExtension and FieldsV1 the JSON they carry,
/// an ExtraValue or Verbs the array of its items.
/// </summary>
internal static class SpecialTypes
{
    private const string Meta = "k8s.io.apimachinery.pkg.apis.meta.v1.";

    /// <summary>True when <paramref name="message"/> is one of them; <paramref name="value"/> is then its JSON (null: left out).</summary>
    public static bool TryRead(string message, CodedInputStream input, int depthLeft, out JsonNode? value)
    {
        switch (message)
        {
            case "k8s.io.apimachinery.pkg.api.resource.Quantity" or "k8s.io.apimachinery.pkg.api.resource.QuantityValue":
                value = Fields(input).Text is { Length: > 0 } quantity ? JsonValue.Create(quantity) : null;
                return true;
            case Meta + "Time":
                value = Stamp(Fields(input), "yyyy-MM-dd'T'HH:mm:ss'Z'");
                return true;
            case Meta + "MicroTime":
                value = Stamp(Fields(input), "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
                return true;
            case Meta + "Duration":
                value = JsonValue.Create(GoDuration(Fields(input).Number1));
                return true;
            case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
                var parts = Fields(input);
                value = parts.Number1 == 1 ? JsonValue.Create(parts.Text ?? "") : JsonValue.Create((int)parts.Number2);
                return true;
            case "k8s.io.apimachinery.pkg.runtime.RawExtension" or Meta + "FieldsV1":
                value = Embedded(Fields(input).Bytes, depthLeft);
                return true;
            case Meta + "Verbs" or not null when message.EndsWith(".ExtraValue", StringComparison.Ordinal):
                var items = new JsonArray();
                uint tag;
                while ((tag = input.ReadTag()) != 0)
                {
                    if (WireFormat.GetTagFieldNumber(tag) == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                    {
                        items.Add(JsonValue.Create(input.ReadString()));
                    }
                    else
                    {
                        input.SkipLastField();
                    }
                }

                value = items;
                return true;
            default:
                value = null;
                return false;
        }
    }

    /// <summary>Go's time.Duration.String: "1h2m3.5s", "1m30s", "250ms", "0s".</summary>
    public static string GoDuration(long nanoseconds)
    {
        if (nanoseconds == 0)
        {
            return "0s";
        }

        var negative = nanoseconds < 0;
        var u = negative ? (ulong)(-(nanoseconds + 1)) + 1 : (ulong)nanoseconds;
        string text;
        if (u < 1_000_000_000)
        {
            text = u < 1_000 ? u.ToString(CultureInfo.InvariantCulture) + "ns"
                : u < 1_000_000 ? WithFraction(u, 1_000, 3) + "µs"
                : WithFraction(u, 1_000_000, 6) + "ms";
        }
        else
        {
            var seconds = u / 1_000_000_000;
            var (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
            var prefix = hours > 0 ? F($"{hours}h{minutes}m") : minutes > 0 ? F($"{minutes}m") : "";
            text = prefix + WithFraction((rest * 1_000_000_000) + (u % 1_000_000_000), 1_000_000_000, 9) + "s";
        }

        return negative ? "-" + text : text;
    }

    private static string WithFraction(ulong value, ulong unit, int digits)
    {
        var fraction = value % unit;
        var whole = (value / unit).ToString(CultureInfo.InvariantCulture);
        return fraction == 0 ? whole : whole + "." + fraction.ToString("D" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).TrimEnd('0');
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static JsonValue? Stamp((long Number1, long Number2, string? Text, byte[]? Bytes) fields, string format)
    {
        if (fields.Number1 == 0 && fields.Number2 == 0)
        {
            return null;
        }

        try
        {
            var time = DateTimeOffset.FromUnixTimeSeconds(fields.Number1).AddTicks(fields.Number2 / 100);
            return JsonValue.Create(time.UtcDateTime.ToString(format, CultureInfo.InvariantCulture));
        }
        catch (ArgumentOutOfRangeException)
        {
            throw ApiException.BadRequest("the body of the request could not be decoded as protobuf: a time is out of range");
        }
    }

    private static JsonNode? Embedded(byte[]? raw, int depthLeft)
    {
        if (raw is null || raw.Length == 0)
        {
            return null;
        }

        if (raw.AsSpan().StartsWith(ProtobufBodyDecoder.Magic))
        {
            return ProtobufBodyDecoder.Decode(raw, depthLeft);
        }

        try
        {
            return JsonNode.Parse(raw, documentOptions: new JsonDocumentOptions { MaxDepth = Math.Max(1, depthLeft), AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1})" : "";
            throw ApiException.BadRequest("the body of the request could not be decoded as protobuf: an embedded object is not JSON" + where);
        }
    }

    /// <summary>
    /// The fields 1 to 3 of a small message: varints as numbers (field 1, field 2), the first length-delimited field as
    /// text and bytes (Quantity's string, IntOrString's strVal, RawExtension's raw).
    /// </summary>
    private static (long Number1, long Number2, string? Text, byte[]? Bytes) Fields(CodedInputStream input)
    {
        long first = 0, second = 0;
        byte[]? bytes = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag))
            {
                case (1, WireFormat.WireType.Varint): first = input.ReadInt64(); break;
                case (2, WireFormat.WireType.Varint): second = input.ReadInt64(); break;
                case (1 or 3, WireFormat.WireType.LengthDelimited): bytes = input.ReadBytes().ToByteArray(); break;
                default: input.SkipLastField(); break;
            }
        }

        return (first, second, bytes is null ? null : Encoding.UTF8.GetString(bytes), bytes);
    }
}
