using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;

namespace Cluster.Core.Tests.Registry.Cache;

public sealed class KindCacheSpec
{
    private static CachedObject Object(string ns, string name, long rv, string app = "web") =>
        CachedObject.From(new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture), ["labels"] = new JsonObject { ["app"] = app } } }, rv);

    private static CachedObject Pod(string name, long rv, string? node) =>
        CachedObject.From(
            new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "a", ["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["spec"] = node is null ? new JsonObject() : new JsonObject { ["nodeName"] = node },
            },
            rv,
            Cluster.Core.Registry.Strategies.StrategyCatalog.BuiltIn.Find(BuiltInKinds.Pod),
            ["spec.nodeName"]);

    [Fact]
    public void Watch_WithANodeTrigger_GetsOnlyItsNodesEvents_IncludingAPodThatLeftIt()
    {
        var cache = new KindCache(BuiltInKinds.Pod, 10);
        using var nodeA = cache.Watch(null, null, null, 10, new WatchTrigger("spec.nodeName", "a"));
        using var unscheduled = cache.Watch(null, null, null, 10, new WatchTrigger("spec.nodeName", ""));
        using var everything = cache.Watch(null, null, null, 10);

        cache.Apply(Pod("p1", 1, null), removed: false, live: true);
        cache.Apply(Pod("p1", 2, "a"), removed: false, live: true);
        cache.Apply(Pod("p2", 3, "b"), removed: false, live: true);
        cache.Apply(Pod("p1", 4, "b"), removed: false, live: true);
        cache.Apply(Pod("p2", 5, "b"), removed: true, live: true);

        // Node a sees p1 arrive and leave; the unscheduled watch sees p1 until it is bound; nothing of node b reaches either.
        Assert.Equal([2L, 4L], Drain(nodeA));
        Assert.Equal([1L, 2L], Drain(unscheduled));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], Drain(everything));
        using var fromHistory = cache.Watch(null, null, 0, 10, new WatchTrigger("spec.nodeName", "a"));
        Assert.Equal([2L, 4L], fromHistory.Initial.Select(e => e.ResourceVersion));
    }

    [Fact]
    public void LastChangeVersion_OtherKindsEventsAdvanceTheCache_StaysAtItsOwnLastChange()
    {
        var cache = new KindCache(BuiltInKinds.ConfigMap, 10);

        cache.Apply(Object("a", "c1", 3), removed: false, live: true);
        cache.AdvanceTo(7, live: true);
        var afterOthers = (cache.ResourceVersion, cache.LastChangeVersion);
        cache.Apply(Object("a", "c1", 9), removed: true, live: true);
        cache.Apply(Object("a", "never-cached", 11), removed: true, live: true);

        Assert.Equal((7L, 3L), afterOthers);
        Assert.Equal((11L, 9L), (cache.ResourceVersion, cache.LastChangeVersion));
    }

    private static List<long> Drain(Watcher watcher)
    {
        var versions = new List<long>();
        while (watcher.Live.TryRead(out var e))
        {
            versions.Add(e.ResourceVersion);
        }

        return versions;
    }

    [Fact]
    public void History_GrowsWhileEventsAreFresh_ShrinksWhenTheyAreOld_AndOlderWatchesExpire()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 0, 0, 0, TimeSpan.Zero));
        var cache = new KindCache(BuiltInKinds.Pod, 400, clock, TimeSpan.FromSeconds(75));
        for (var rv = 1; rv <= 400; rv++)
        {
            cache.Apply(Object("a", "x", rv), removed: false, live: true);
        }

        // 400 events within the fresh window: 100, then 200, then 400 slots, nothing dropped.
        var grown = cache.HistoryCapacity;
        using (var fromStart = cache.Watch(null, null, 0, 1000))
        {
            Assert.Equal(400, fromStart.Initial.Count);
        }

        // Five minutes on, the full history is all stale: the next event halves it, keeping the newest events.
        clock.Advance(TimeSpan.FromMinutes(5));
        cache.Apply(Object("a", "x", 401), removed: false, live: true);

        Assert.Equal(400, grown);
        Assert.Equal(200, cache.HistoryCapacity);
        Assert.Equal(410, Assert.Throws<ApiException>(() => cache.Watch(null, null, 200, 10)).Code);
        using var recent = cache.Watch(null, null, 201, 1000);
        Assert.Equal(Enumerable.Range(202, 200).Select(v => (long)v), recent.Initial.Select(e => e.ResourceVersion));
    }

    [Fact]
    public void List_OneNamespace_IsItsContiguousRangeInNameOrder()
    {
        var cache = new KindCache(BuiltInKinds.Pod, 10);
        cache.Apply(Object("b", "z", 1), removed: false, live: true);
        cache.Apply(Object("a", "y", 2), removed: false, live: true);
        cache.Apply(Object("a", "x", 3), removed: false, live: true);
        cache.Apply(Object("ab", "w", 4), removed: false, live: true);

        Assert.Equal(["x", "y"], cache.List("a").Items.Select(o => o.Name));
        Assert.Equal(["a/x", "a/y", "ab/w", "b/z"], cache.List(null).Items.Select(o => o.Key));
        Assert.Equal(["ab/w", "b/z"], cache.List(null, afterKey: "a/y").Items.Select(o => o.Key));
        Assert.Empty(cache.List("c").Items);
        Assert.Equal(4, cache.List(null).ResourceVersion);
    }

    [Fact]
    public void Watch_FromVersion_ReplaysLaterEventsThenLiveOnes()
    {
        var cache = new KindCache(BuiltInKinds.Pod, 10);
        cache.Apply(Object("a", "x", 1), removed: false, live: true);
        cache.Apply(Object("a", "x", 2), removed: false, live: true);

        using var watcher = cache.Watch("a", null, fromResourceVersion: 1, capacity: 10);
        cache.Apply(Object("a", "x", 3), removed: true, live: true);

        Assert.Equal([(WatchEventType.Modified, 2L)], watcher.Initial.Select(e => (e.Type, e.ResourceVersion)));
        Assert.True(watcher.Live.TryRead(out var live));
        Assert.Equal((WatchEventType.Deleted, 3L), (live!.Type, live.ResourceVersion));
        Assert.Equal(2, live.Previous!.ResourceVersion);
    }

    [Fact]
    public void Watch_OlderThanTheWindow_IsExpired()
    {
        var cache = new KindCache(BuiltInKinds.Pod, 2);
        for (var rv = 1; rv <= 5; rv++)
        {
            cache.Apply(Object("a", "x" + rv, rv), removed: false, live: true);
        }

        Assert.Equal(410, Assert.Throws<ApiException>(() => cache.Watch(null, null, 2, 10)).Code);
        using var ok = cache.Watch(null, null, 3, 10);
        Assert.Equal([4L, 5L], ok.Initial.Select(e => e.ResourceVersion));
    }

    [Fact]
    public void Watcher_FallingBehind_IsClosedAndRemoved()
    {
        var cache = new KindCache(BuiltInKinds.Pod, 10);
        var watcher = cache.Watch(null, null, null, capacity: 1);

        cache.Apply(Object("a", "x", 1), removed: false, live: true);
        cache.Apply(Object("a", "y", 2), removed: false, live: true);

        Assert.True(watcher.Overflowed);
        Assert.Equal(0, cache.WatcherCount);
    }
}
