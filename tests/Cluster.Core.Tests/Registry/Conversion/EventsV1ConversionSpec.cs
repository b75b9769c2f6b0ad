using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Conversion;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Conversion;

public sealed class EventsV1ConversionSpec
{
    private static readonly VersionConverter Events = VersionConverter.For(BuiltInKinds.EventsV1Event)!;

    private const string Legacy = """
        {"apiVersion":"v1","kind":"Event","metadata":{"name":"p.1","namespace":"default"},
         "involvedObject":{"kind":"Pod","name":"p","namespace":"default"},"reason":"Pulled","message":"pulled the image",
         "source":{"component":"kubelet","host":"n1"},"firstTimestamp":"2026-01-01T00:00:00Z","lastTimestamp":"2026-01-01T00:01:00Z","count":3,"type":"Normal"}
        """;

    [Fact]
    public void ToServed_CoreEvent_NewerNamesAndANullEventTime()
    {
        var served = Events.ToServed(Json(Legacy));

        Assert.Equal("events.k8s.io/v1", Str(served, "apiVersion"));
        Assert.Equal("p", Str(served, "regarding.name"));
        Assert.Equal("pulled the image", Str(served, "note"));
        Assert.Equal("kubelet", Str(served, "deprecatedSource.component"));
        Assert.Equal("2026-01-01T00:00:00Z", Str(served, "deprecatedFirstTimestamp"));
        Assert.Equal("2026-01-01T00:01:00Z", Str(served, "deprecatedLastTimestamp"));
        Assert.Equal("3", Str(served, "deprecatedCount"));
        Assert.True(served.ContainsKey("eventTime"));
        Assert.Null(served["eventTime"]);
        foreach (var core in new[] { "involvedObject", "message", "source", "firstTimestamp", "lastTimestamp", "count" })
        {
            Assert.False(served.ContainsKey(core), core);
        }
    }

    [Fact]
    public void RoundTrip_CoreEventThroughEventsV1_IsTheSameEvent()
    {
        var stored = Json(Legacy);

        var back = Events.ToStored(Events.ToServed(stored));
        back.Remove("eventTime");

        Assert.True(JsonNode.DeepEquals(stored, back), back.ToJsonString());
    }

    [Fact]
    public void ValidateCreate_LegacyShapedEvent_NamesEveryFieldTheNewerApiRefuses()
    {
        var causes = Events.ValidateCreate(Json(Legacy.Replace("\"Normal\"", "\"Odd\"", StringComparison.Ordinal)));

        HasCause(causes, "eventTime", "Required value");
        HasCause(causes, "type", "has invalid value: Odd");
        HasCause(causes, "firstTimestamp", "needs to be unset");
        HasCause(causes, "lastTimestamp", "needs to be unset");
        HasCause(causes, "count", "needs to be unset");
        HasCause(causes, "source", "needs to be unset");
    }

    [Fact]
    public void ValidateCreate_NewEventWithASeriesOfOneAndALongNote_IsInvalid()
    {
        var note = new string('n', 1025);
        var served = Json("""{"metadata":{"name":"e"},"eventTime":"2026-01-01T00:00:00.000000Z","type":"Warning","regarding":{"kind":"Pod","name":"p"},"series":{"count":1}}""");
        served["note"] = note;

        var causes = Events.ValidateCreate(Events.ToStored(served));

        HasCause(causes, "series.count", "should be at least 2");
        HasCause(causes, "series.lastObservedTime", "Required value");
        HasCause(causes, "note", "can have at most 1024 characters");
        NoCauseOn(causes, "eventTime");
        NoCauseOn(causes, "type");
    }
}
