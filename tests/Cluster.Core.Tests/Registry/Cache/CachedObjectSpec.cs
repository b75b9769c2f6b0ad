using System.Text.Json.Nodes;
using Cluster.Core.Registry.Cache;

namespace Cluster.Core.Tests.Registry.Cache;

/// <summary>What a cached version shares with the one before it and with other objects, so a long watch history stays small.</summary>
public sealed class CachedObjectSpec
{
    private static readonly Dictionary<string, string> Pool = new(StringComparer.Ordinal);

    private static string Intern(string value) => Pool.TryGetValue(value, out var shared) ? shared : Pool[value] = value;

    private static JsonObject Lease(string name, string renewTime, string zone = "z1") => new()
    {
        // Strings built at run time, as a parsed journal event's are: equal, never the same instance by accident.
        ["metadata"] = new JsonObject
        {
            ["name"] = string.Concat("lease-", name), ["namespace"] = string.Concat("kube-", "node-lease"), ["uid"] = string.Concat("uid-", name),
            ["labels"] = new JsonObject { [string.Concat("topology/", "zone")] = string.Concat(zone, "") },
        },
        ["spec"] = new JsonObject { ["renewTime"] = renewTime },
    };

    [Fact]
    public void From_NextVersionOfTheSameObject_SharesNameKeyUidAndLabelsWithIt()
    {
        var first = CachedObject.From(Lease("a", "t1"), 1, intern: Intern);
        var second = CachedObject.From(Lease("a", "t2"), 2, intern: Intern, previous: first);

        Assert.Same(first.Name, second.Name);
        Assert.Same(first.Key, second.Key);
        Assert.Same(first.Uid, second.Uid);
        Assert.Same(first.Labels, second.Labels);
        Assert.Contains("\"renewTime\":\"t2\"", System.Text.Encoding.UTF8.GetString(second.Json), StringComparison.Ordinal);
        Assert.Equal(2, second.ResourceVersion);
    }

    [Fact]
    public void From_LabelsChanged_NewLabelsKeptWithInternedStrings()
    {
        var first = CachedObject.From(Lease("a", "t1"), 1, intern: Intern);
        var moved = CachedObject.From(Lease("a", "t2", zone: "z2"), 2, intern: Intern, previous: first);
        var other = CachedObject.From(Lease("b", "t1", zone: "z2"), 3, intern: Intern);

        Assert.NotSame(first.Labels, moved.Labels);
        Assert.Equal("z2", moved.Labels["topology/zone"]);
        Assert.Same(moved.Labels["topology/zone"], other.Labels["topology/zone"]);
        Assert.Same(moved.Labels.Keys.Single(), other.Labels.Keys.Single());
        Assert.Same(first.Namespace, other.Namespace);
    }

    [Fact]
    public void From_PreviousIsAnotherObject_NothingOfItsIdentityIsTaken()
    {
        var a = CachedObject.From(Lease("a", "t1"), 1, intern: Intern);
        var b = CachedObject.From(Lease("b", "t1"), 2, intern: Intern, previous: a);

        Assert.Equal(("lease-b", "kube-node-lease/lease-b", "uid-b"), (b.Name, b.Key, b.Uid));
        Assert.Same(a.Labels, b.Labels); // equal labels may be shared: the map is immutable
    }
}
