using System.Text.Json.Nodes;
using static Cluster.Api.Tables.JsonRead;

namespace Cluster.Api.Tables;

/// <summary>
/// The core/v1 Event row of printEvent. LAST SEEN falls back from lastTimestamp to firstTimestamp to
/// eventTime, and an event series reports its lastObservedTime and count.
/// </summary>
internal static class EventPrinter
{
    public static ITableConverter Converter { get; } = new TableConverter(
    [
        Columns.Str("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
        Columns.Str("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
        Columns.Str("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
        Columns.Str("Object", "The object that this event is about."),
        Columns.Wide("Subobject", "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\" (where \"name\" refers to the name of the container that triggered the event) or if no container name is specified \"spec.containers[2]\" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object."),
        Columns.Wide("Source", "The component reporting this event. Should be a short machine understandable string."),
        Columns.Str("Message", "A human-readable description of the status of this operation."),
        Columns.Wide("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
        Columns.Wide("Count", "The number of times this event has occurred."),
        new("Name", "string", "name", Columns.NameDoc, 1),
    ], Cells);

    private static object?[] Cells(JsonObject ev, DateTimeOffset now)
    {
        var firstTimestamp = Time(ev, "firstTimestamp") is { } first ? Since(first, now) : Since(Time(ev, "eventTime"), now);
        var lastTimestamp = Time(ev, "lastTimestamp") is { } last ? Since(last, now) : firstTimestamp;

        var count = Int(ev, "count");
        if (Obj(ev, "series") is { } series)
        {
            lastTimestamp = Since(Time(series, "lastObservedTime"), now);
            count = Int(series, "count");
        }
        else if (count == 0)
        {
            // Singleton events of the events.k8s.io API carry no count.
            count = 1;
        }

        var kind = Str(ev, "involvedObject", "kind").ToLowerInvariant();
        var involvedName = Str(ev, "involvedObject", "name");
        var target = involvedName.Length > 0 ? kind + "/" + involvedName : kind;

        var component = FirstNonEmpty(Str(ev, "source", "component"), Str(ev, "reportingComponent"));
        var instance = FirstNonEmpty(Str(ev, "source", "host"), Str(ev, "reportingInstance"));
        var source = instance.Length == 0 ? component : component + ", " + instance;

        return
        [
            lastTimestamp, Str(ev, "type"), Str(ev, "reason"), target, Str(ev, "involvedObject", "fieldPath"), source,
            Str(ev, "message").Trim(), firstTimestamp, count, Name(ev),
        ];
    }

    private static string FirstNonEmpty(string a, string b) => a.Length > 0 ? a : b;
}
