using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;

namespace Cluster.Core.Tests.Registry.Cache;

public sealed class KindCachePagesSpec
{
    private static CachedObject Object(string ns, string name, long rv) =>
        CachedObject.From(new JsonObject { ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture) } }, rv);

    private static KindCache FiveObjects(int history = 100)
    {
        var cache = new KindCache(BuiltInKinds.ConfigMap, history);
        for (var i = 1; i <= 5; i++)
        {
            cache.Apply(Object("a", "o" + i, i), removed: false, live: true);
        }

        return cache;
    }

    [Fact]
    public void ListAt_ChangesAfterTheFirstPage_DoNotLeakIntoLaterPages()
    {
        var cache = FiveObjects();
        var (first, version, remaining) = cache.ListAt("a", null, long.MaxValue, null, 2, countRemaining: true);
        Assert.Equal(["o1", "o2"], first.Select(o => o.Name));
        Assert.Equal((5L, 3L), (version, remaining!.Value));

        cache.Apply(Object("a", "o3", 6), removed: true, live: true);
        cache.Apply(Object("a", "o35", 7), removed: false, live: true);
        cache.Apply(Object("a", "o4", 8), removed: false, live: true);
        cache.Apply(Object("a", "o6", 9), removed: false, live: true);

        var (rest, restVersion, left) = cache.ListAt("a", "a/o2", version, null, 0, countRemaining: false);

        Assert.Equal(["o3", "o4", "o5"], rest.Select(o => o.Name));
        Assert.Equal([3L, 4L, 5L], rest.Select(o => o.ResourceVersion));
        Assert.Equal(5L, restVersion);
        Assert.Null(left);
    }

    [Fact]
    public void ListAt_Now_SeesTheCurrentObjects()
    {
        var cache = FiveObjects();
        cache.Apply(Object("a", "o1", 6), removed: true, live: true);

        var (items, version, _) = cache.ListAt("a", null, long.MaxValue, null, 0, countRemaining: false);

        Assert.Equal(["o2", "o3", "o4", "o5"], items.Select(o => o.Name));
        Assert.Equal(6L, version);
    }

    [Fact]
    public void ListAt_VersionOutsideTheWindow_IsExpired()
    {
        var cache = FiveObjects(history: 3);

        var error = Assert.Throws<ApiException>(() => cache.ListAt("a", "a/o1", 1, null, 2, countRemaining: false));

        Assert.Equal(410, error.Code);
        Assert.StartsWith("The provided continue parameter is too old", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ListAt_WithAFilter_CountsNothingAndStopsAfterOneMore()
    {
        var cache = FiveObjects();

        var (items, _, remaining) = cache.ListAt("a", null, long.MaxValue, o => o.Name != "o2", 2, countRemaining: false);

        Assert.Equal(["o1", "o3", "o4"], items.Select(o => o.Name));
        Assert.Null(remaining);
    }
}
