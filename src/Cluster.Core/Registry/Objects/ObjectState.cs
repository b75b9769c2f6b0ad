using System.Globalization;
using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Objects;

/// <summary>
/// An object actor's state: the object as it is now (null when absent), with its resourceVersion
/// set to the journal ordering of the event that produced it. <see cref="Apply"/> is used for both
/// recovery and live updates.
/// </summary>
public sealed record ObjectState(JsonObject? Current, long Ordering)
{
    public static ObjectState Empty { get; } = new(null, 0);

    /// <summary>The state after <paramref name="event"/>, stored at <paramref name="ordering"/>. The event's object becomes the state: nobody may change it afterwards.</summary>
    public ObjectState Apply(object @event, long ordering) => @event switch
    {
        ObjectEvents.Stored stored => new ObjectState(Stamp(stored.Object, ordering), ordering),
        ObjectEvents.Deleted deleted => new ObjectState(null, ordering) { LastDeleted = Stamp(deleted.Object, ordering) },
        _ => this,
    };

    /// <summary>The object's last state when the latest event removed it (a delete answers with it).</summary>
    public JsonObject? LastDeleted { get; init; }

    /// <summary>Sets metadata.resourceVersion to <paramref name="ordering"/> (0: unknown, left as is).</summary>
    public static JsonObject Stamp(JsonObject obj, long ordering)
    {
        if (ordering > 0)
        {
            ObjectMeta.Metadata(obj)["resourceVersion"] = ordering.ToString(CultureInfo.InvariantCulture);
        }

        return obj;
    }
}

/// <summary>What an object actor saves as a snapshot, so recovery and compaction need not keep every event.</summary>
public sealed record ObjectSnapshot(JsonObject? Object, long Ordering);
