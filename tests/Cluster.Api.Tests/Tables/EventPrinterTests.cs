using Cluster.Core.Registry;
using static Cluster.Api.Tests.Tables.TableFixtures;

namespace Cluster.Api.Tests.Tables;

public sealed class EventPrinterTests
{
    private static readonly ResourceKind Event = BuiltInKinds.Event;

    [Fact]
    public void Columns_MatchUpstream() =>
        Assert.Equal(["Last Seen", "Type", "Reason", "Object", "[Subobject]", "[Source]", "Message", "[First Seen]", "[Count]", "[Name]"], Headers(Event));

    [Fact]
    public void Cells_RepeatedEvent_MatchUpstream()
    {
        var json = $$"""
            {"metadata":{"name":"web.17a1"},"type":"Warning","reason":"BackOff","message":"  Back-off restarting failed container\n",
             "involvedObject":{"kind":"Pod","name":"web","fieldPath":"spec.containers{app}"},
             "source":{"component":"kubelet","host":"node-1"},"count":4,
             "firstTimestamp":"{{Ago(TimeSpan.FromMinutes(10))}}","lastTimestamp":"{{Ago(TimeSpan.FromSeconds(30))}}"}
            """;
        Assert.Equal(["30s", "Warning", "BackOff", "pod/web", "spec.containers{app}", "kubelet, node-1", "Back-off restarting failed container", "10m", 4L, "web.17a1"],
            Cells(Event, json));
    }

    [Fact]
    public void Cells_NewApiSingleton_UsesEventTimeAndCountOne()
    {
        var json = $$"""
            {"metadata":{"name":"e"},"type":"Normal","reason":"Scheduled","message":"ok","involvedObject":{"kind":"Pod","name":"web"},
             "eventTime":"{{(Now - TimeSpan.FromMinutes(3)).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'}}","reportingComponent":"default-scheduler"}
            """;
        var cells = Cells(Event, json);
        Assert.Equal(["3m", "Normal", "Scheduled", "pod/web", "", "default-scheduler", "ok", "3m", 1L, "e"], cells);
    }

    [Fact]
    public void Cells_Series_UsesLastObservedTimeAndSeriesCount()
    {
        var json = $$"""
            {"metadata":{"name":"e"},"involvedObject":{"kind":"Node"},"count":1,
             "firstTimestamp":"{{Ago(TimeSpan.FromHours(1))}}","lastTimestamp":"{{Ago(TimeSpan.FromHours(1))}}",
             "series":{"count":7,"lastObservedTime":"{{Ago(TimeSpan.FromMinutes(2))}}"},"reportingInstance":"node-1"}
            """;
        var cells = Cells(Event, json);
        Assert.Equal("2m", cells[0]);
        Assert.Equal("node", cells[3]);
        Assert.Equal(", node-1", cells[5]);
        Assert.Equal("60m", cells[7]);
        Assert.Equal(7L, cells[8]);
    }

    [Fact]
    public void Cells_NoTimestamps_Unknown()
    {
        var cells = Cells(Event, """{"metadata":{"name":"e"},"involvedObject":{}}""");
        Assert.Equal("<unknown>", cells[0]);
        Assert.Equal("<unknown>", cells[7]);
    }
}
