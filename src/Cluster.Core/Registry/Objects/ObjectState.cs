using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Objects;

/// <summary>
/// An object actor's state: the object as it is now (null when absent), with its resourceVersion
/// set to the journal ordering of the event that produced it. <see cref="Apply"/> is used for both
/// recovery and live updates. The object is kept as UTF-8 JSON, not as a tree: a live actor then
/// costs about the size of its object, the garbage collector has a few arrays to trace instead of
/// thousands of nodes per object, and a reply can hand out these very bytes.
/// </summary>
public sealed record ObjectState(byte[]? Json, long Ordering)
{
    /// <summary>
    /// Compact, non-ASCII text kept as is (as the API writes objects); deeper than any body the API
    /// accepts (64 levels), so serializing never fails on depth.
    /// </summary>
    private static readonly JsonSerializerOptions Options = new() { MaxDepth = 256, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    internal static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    public static ObjectState Empty { get; } = new(null, 0);

    /// <summary>A fresh, private tree of the current object (null when absent).</summary>
    public JsonObject? Current => Json is null ? null : Parse(Json);

    /// <summary>The object's last state, as JSON, when the latest event removed it (a delete answers with it).</summary>
    public byte[]? LastDeleted { get; init; }

    /// <summary>The state holding <paramref name="obj"/> (already stamped) at <paramref name="ordering"/>.</summary>
    public static ObjectState Of(JsonObject? obj, long ordering) => new(obj is null ? null : Serialize(obj), ordering);

    /// <summary>The state after <paramref name="event"/>, stored at <paramref name="ordering"/>; the event's object is stamped with its resourceVersion.</summary>
    public ObjectState Apply(object @event, long ordering) => @event switch
    {
        ObjectEvents.Stored stored => Of(Stamp(stored.Object, ordering), ordering),
        ObjectEvents.Deleted deleted => new ObjectState(null, ordering) { LastDeleted = Serialize(Stamp(deleted.Object, ordering)) },
        _ => this,
    };

    /// <summary>Sets metadata.resourceVersion to <paramref name="ordering"/> (0: unknown, left as is).</summary>
    public static JsonObject Stamp(JsonObject obj, long ordering)
    {
        if (ordering > 0)
        {
            ObjectMeta.Metadata(obj)["resourceVersion"] = ordering.ToString(CultureInfo.InvariantCulture);
        }

        return obj;
    }

    /// <summary>The object as the state and the replies keep it.</summary>
    public static byte[] Serialize(JsonObject obj) => JsonSerializer.SerializeToUtf8Bytes(obj, Options);

    /// <summary>A tree of JSON made by <see cref="Serialize"/>.</summary>
    public static JsonObject Parse(byte[] json) => JsonNode.Parse(json, documentOptions: DocumentOptions)!.AsObject();
}

/// <summary>What an object actor saves as a snapshot, so recovery and compaction need not keep every event.</summary>
public sealed record ObjectSnapshot(JsonObject? Object, long Ordering);
