using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;

namespace Cluster.Core.Tests.Registry.Cache;

public sealed class KindCacheSpec
{
    private static CachedObject Object(string ns, string name, long rv, string app = "web") =>
        CachedObject.From(new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture), ["labels"] = new JsonObject { ["app"] = app } } }, rv);

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
