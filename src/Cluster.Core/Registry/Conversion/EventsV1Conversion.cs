using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Conversion;

/// <summary>
/// events.k8s.io/v1 Events are core/v1 Events under newer names (upstream pkg/apis/events/v1 conversion):
/// involvedObject is regarding, message is note, reportingComponent is reportingController, and the
/// legacy source, firstTimestamp, lastTimestamp and count are deprecated*. Creating through events.k8s.io/v1
/// is stricter (upstream ValidateEventCreate for that version): eventTime and a Normal or Warning type are
/// required, the deprecated fields must be unset, a series counts at least 2, a note is at most 1 kB.
/// </summary>
internal sealed class EventsV1Conversion : VersionConverter
{
    public const int NoteLengthLimit = 1024;

    public static EventsV1Conversion Instance { get; } = new();

    /// <summary>core/v1 name, events.k8s.io/v1 name.</summary>
    private static readonly (string Core, string Events)[] Renamed =
    [
        ("involvedObject", "regarding"),
        ("message", "note"),
        ("reportingComponent", "reportingController"),
        ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"),
    ];

    /// <summary>upstream AddFieldLabelConversionsForEvent (events.k8s.io/v1): the labels that version selects on, by their core names.</summary>
    private static readonly Dictionary<string, string> FieldLabels = new(StringComparer.Ordinal)
    {
        ["reason"] = "reason",
        ["regarding.kind"] = "involvedObject.kind",
        ["regarding.namespace"] = "involvedObject.namespace",
        ["regarding.name"] = "involvedObject.name",
        ["regarding.uid"] = "involvedObject.uid",
        ["regarding.apiVersion"] = "involvedObject.apiVersion",
        ["regarding.resourceVersion"] = "involvedObject.resourceVersion",
        ["regarding.fieldPath"] = "involvedObject.fieldPath",
        ["reportingController"] = "reportingComponent",
        ["type"] = "type",
        ["metadata.namespace"] = "metadata.namespace",
        ["metadata.name"] = "metadata.name",
    };

    public override ResourceKind Served => BuiltInKinds.EventsV1Event;

    public override string? FieldLabel(string served) => FieldLabels.GetValueOrDefault(served);

    public override JsonObject ToServed(JsonObject stored)
    {
        var served = Rename(stored, Served, r => (r.Core, r.Events));

        // eventTime is a non-pointer field without omitempty in events.k8s.io/v1: Go writes null for a legacy event.
        served.TryAdd("eventTime", null);
        return served;
    }

    public override JsonObject ToStored(JsonObject served) => Rename(served, Stored, r => (r.Events, r.Core));

    public override IReadOnlyList<StatusCause> ValidateCreate(JsonObject stored)
    {
        var causes = new Causes();
        if (string.IsNullOrEmpty(JsonFields.Str(stored, "eventTime")))
        {
            causes.Required("eventTime");
        }

        var type = JsonFields.Str(stored, "type") ?? "";
        if (type is not ("Normal" or "Warning"))
        {
            causes.Invalid("type", "", "has invalid value: " + type);
        }

        foreach (var legacy in (ReadOnlySpan<string>)["firstTimestamp", "lastTimestamp"])
        {
            if (!string.IsNullOrEmpty(JsonFields.Str(stored, legacy)))
            {
                causes.Invalid(legacy, "", "needs to be unset");
            }
        }

        if (JsonFields.Int(stored, "count") is not (null or 0))
        {
            causes.Invalid("count", "", "needs to be unset");
        }

        if (JsonFields.Obj(stored, "source") is { } source && (!string.IsNullOrEmpty(JsonFields.Str(source, "component")) || !string.IsNullOrEmpty(JsonFields.Str(source, "host"))))
        {
            causes.Invalid("source", "", "needs to be unset");
        }

        if (JsonFields.Obj(stored, "series") is { } series)
        {
            if ((JsonFields.Int(series, "count") ?? 0) < 2)
            {
                causes.Invalid("series.count", "", "should be at least 2");
            }

            if (string.IsNullOrEmpty(JsonFields.Str(series, "lastObservedTime")))
            {
                causes.Required("series.lastObservedTime");
            }
        }

        if ((JsonFields.Str(stored, "message") ?? "").Length > NoteLengthLimit)
        {
            causes.Invalid("note", "", "can have at most " + NoteLengthLimit.ToString(CultureInfo.InvariantCulture) + " characters");
        }

        return causes.Items;
    }

    private static JsonObject Rename(JsonObject source, ResourceKind kind, Func<(string Core, string Events), (string From, string To)> direction)
    {
        var pairs = Renamed.Select(direction).ToArray();
        var copy = CopyExcept(source, kind, [.. pairs.Select(p => p.From)]);
        foreach (var (from, to) in pairs)
        {
            if (source.TryGetPropertyValue(from, out var value))
            {
                copy[to] = value?.DeepClone();
            }
        }

        return copy;
    }
}
