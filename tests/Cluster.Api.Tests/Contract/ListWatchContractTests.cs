using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Xunit.Abstractions;

namespace Cluster.Api.Tests.Contract;

/// <summary>Lists (selectors, paging) and watches (resume, 410, selectors on events), on every journal backend.</summary>
public sealed class ListWatchContractTests(ITestOutputHelper output)
{
    private const string Pods = "/api/v1/namespaces/default/pods";

    public static TheoryData<string> Backends => ApiTestHost.Backends();

    private static IEnumerable<string> Names(JsonNode? list) => list!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>());

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task List_LabelAndFieldSelectors_SelectTheMatchingObjects(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        await host.PostAsync(Pods, RegistryContractTests.Pod("a", """{"app":"web","tier":"fe"}"""));
        await host.PostAsync(Pods, RegistryContractTests.Pod("b", """{"app":"web","tier":"be"}"""));
        await host.PostAsync(Pods, RegistryContractTests.Pod("c", """{"app":"db"}"""));
        await host.PostAsync("/api/v1/namespaces", """{"metadata":{"name":"other"}}""");
        await host.PostAsync("/api/v1/namespaces/other/pods", RegistryContractTests.Pod("d"));

        Assert.Equal(["a", "b"], Names((await host.GetAsync(Pods + "?labelSelector=app%3Dweb")).Body));
        Assert.Equal(["b", "c"], Names((await host.GetAsync(Pods + "?labelSelector=tier!%3Dfe")).Body));
        Assert.Equal(["a"], Names((await host.GetAsync(Pods + "?labelSelector=tier+in+(fe,x),app")).Body));
        Assert.Equal(["c"], Names((await host.GetAsync(Pods + "?labelSelector=!tier")).Body));
        Assert.Equal(["b"], Names((await host.GetAsync(Pods + "?fieldSelector=metadata.name%3Db")).Body));
        Assert.Equal(["a", "b", "c", "d"], Names((await host.GetAsync("/api/v1/pods")).Body));
        Assert.Equal(["d"], Names((await host.GetAsync("/api/v1/pods?fieldSelector=metadata.namespace%3Dother")).Body));
        Assert.Equal(["a", "b", "c"], Names((await host.GetAsync(Pods + "?fieldSelector=status.phase%3DPending")).Body));
        var (bad, status) = await host.GetAsync(Pods + "?labelSelector=app%3D%3D%3D");
        Assert.Equal(400, bad);
        Assert.Equal("BadRequest", status!["reason"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task List_WithLimit_PagesThroughEverythingInOrder(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        foreach (var name in new[] { "p5", "p1", "p4", "p2", "p3" })
        {
            await host.PostAsync(Pods, RegistryContractTests.Pod(name));
        }

        var seen = new List<string>();
        var path = Pods + "?limit=2";
        var pages = 0;
        while (true)
        {
            var (_, page) = await host.GetAsync(path);
            pages++;
            seen.AddRange(Names(page));
            var token = page!["metadata"]!["continue"]?.GetValue<string>();
            if (token is null)
            {
                break;
            }

            path = Pods + "?limit=2&continue=" + Uri.EscapeDataString(token);
        }

        Assert.Equal(3, pages);
        Assert.Equal(["p1", "p2", "p3", "p4", "p5"], seen);
        var (bad, _) = await host.GetAsync(Pods + "?limit=2&continue=not-a-token");
        Assert.Equal(400, bad);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task List_LaterPages_AreAsOfTheFirstPagesVersionAndCountWhatRemains(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        foreach (var name in new[] { "p1", "p2", "p3", "p4", "p5" })
        {
            await host.PostAsync(Pods, RegistryContractTests.Pod(name));
        }

        var (_, first) = await host.GetAsync(Pods + "?limit=2");
        var version = first!["metadata"]!["resourceVersion"]!.GetValue<string>();
        Assert.Equal(3, first["metadata"]!["remainingItemCount"]!.GetValue<long>());
        Assert.True((await host.SendAsync(HttpMethod.Delete, Pods + "/p3")).Status is 200 or 202);
        await host.PostAsync(Pods, RegistryContractTests.Pod("p35"));
        await host.SendAsync(HttpMethod.Patch, Pods + "/p4", """{"metadata":{"labels":{"changed":"yes"}}}""", "application/merge-patch+json");

        var (_, second) = await host.GetAsync(Pods + "?limit=2&continue=" + Uri.EscapeDataString(first["metadata"]!["continue"]!.GetValue<string>()));

        Assert.Equal(["p3", "p4"], Names(second));
        Assert.Null(second!["items"]![1]!["metadata"]!["labels"]?["changed"]);
        Assert.Equal(version, second["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(1, second["metadata"]!["remainingItemCount"]!.GetValue<long>());
        Assert.Equal(["p1", "p2", "p35", "p4", "p5"], Names((await host.GetAsync(Pods)).Body));
        var (_, selected) = await host.GetAsync(Pods + "?limit=2&labelSelector=!changed");
        Assert.NotNull(selected!["metadata"]!["continue"]);
        Assert.Null(selected["metadata"]!["remainingItemCount"]);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Watch_FromAListsVersion_ResumesWithEveryLaterChangeInOrder(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        await host.PostAsync(Pods, RegistryContractTests.Pod("before"));
        var (_, list) = await host.GetAsync(Pods);
        var version = list!["metadata"]!["resourceVersion"]!.GetValue<string>();
        await host.PostAsync(Pods, RegistryContractTests.Pod("after"));
        await host.PatchAsync(Pods + "/after", """{"metadata":{"labels":{"x":"y"}}}""");
        await host.DeleteAsync(Pods + "/before");

        var events = await WatchClient.ReadAsync(host, Pods + "?watch=true&resourceVersion=" + version, count: 3);

        Assert.Equal(["ADDED after", "MODIFIED after", "DELETED before"], events.Select(e => e["type"]!.GetValue<string>() + " " + e["object"]!["metadata"]!["name"]!.GetValue<string>()));
        var versions = events.Select(e => long.Parse(e["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>())).ToArray();
        Assert.True(versions.SequenceEqual(versions.Order()) && versions[0] > long.Parse(version));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Watch_WithoutVersion_StartsWithSyntheticAddedEvents(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        await host.PostAsync(Pods, RegistryContractTests.Pod("one"));
        await host.PostAsync(Pods, RegistryContractTests.Pod("two"));

        var events = await WatchClient.ReadAsync(host, Pods + "?watch=true&fieldSelector=metadata.name%3Dtwo", count: 1);

        Assert.Equal("ADDED", events[0]["type"]!.GetValue<string>());
        Assert.Equal("two", events[0]["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Watch_FromAVersionOlderThanTheWindow_GetsExpired410(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output, RegistrySettings.Default with { WatchCacheHistory = 3 });
        var (_, first) = await host.PostAsync(Pods, RegistryContractTests.Pod("p0"));
        var old = first!["metadata"]!["resourceVersion"]!.GetValue<string>();
        for (var i = 1; i <= 5; i++)
        {
            await host.PostAsync(Pods, RegistryContractTests.Pod("p" + i));
        }

        // A list is a consistent read: once it answers, the cache has seen all six writes.
        await host.GetAsync(Pods);
        var events = await WatchClient.ReadAsync(host, Pods + "?watch=true&resourceVersion=" + old, count: 1);

        Assert.Equal("ERROR", events[0]["type"]!.GetValue<string>());
        Assert.Equal(410, events[0]["object"]!["code"]!.GetValue<int>());
        Assert.Equal("Expired", events[0]["object"]!["reason"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Watch_LabelSelector_ObjectLeavingTheSelectionIsDeleted(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        var (_, created) = await host.PostAsync(Pods, RegistryContractTests.Pod("moving"));
        var version = created!["metadata"]!["resourceVersion"]!.GetValue<string>();
        await host.PatchAsync(Pods + "/moving", """{"metadata":{"labels":{"app":"other"}}}""");
        await host.PatchAsync(Pods + "/moving", """{"metadata":{"labels":{"app":"web"}}}""");

        var events = await WatchClient.ReadAsync(host, Pods + "?watch=true&labelSelector=app%3Dweb&resourceVersion=" + version, count: 2);

        Assert.Equal(["DELETED", "ADDED"], events.Select(e => e["type"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Watch_AllowingBookmarks_GetsBookmarksWithTheCurrentVersion(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        var (_, created) = await host.PostAsync(Pods, RegistryContractTests.Pod("quiet"));
        var version = created!["metadata"]!["resourceVersion"]!.GetValue<string>();

        var events = await WatchClient.ReadAsync(host, Pods + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + version, count: 1);

        Assert.Equal("BOOKMARK", events[0]["type"]!.GetValue<string>());
        Assert.True(long.Parse(events[0]["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>()) >= long.Parse(version));
    }
}
