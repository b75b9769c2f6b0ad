using System.Text.Json.Nodes;
using Akka.Actor;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Cluster.Node.Agent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Node.Tests.Agent;

/// <summary>
/// The process's one pod watch, shared by its node agents: each agent hears of its own node's pods, the ones bound
/// before it subscribed exactly once, then every change, and never another node's.
/// </summary>
public sealed class PodFeedTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pod-feed-" + Guid.NewGuid().ToString("N"));
    private Microsoft.AspNetCore.Builder.WebApplication _host = null!;

    private ResourceRegistry Registry => _host.Services.GetRequiredService<ResourceRegistry>();

    private ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public async Task InitializeAsync()
    {
        // No runtime: the node's own agent runs no pods, so the feed under test is the only one.
        _host = NodeHost.Build(["--node:name=feed-node", "--api-address=127.0.0.1:0", "--data-dir=" + _data, "--runtime", "none"]);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task Subscribe_PodsBoundBefore_EachListedOnceThenChangesInOrder_OtherNodesPodsNever()
    {
        var before = await CreatePodAsync("before", "node-a");
        await CreatePodAsync("elsewhere", "node-b");
        using var feed = new PodFeed(Registry, NullLogger.Instance);

        // The feed's watch starts with the first subscriber: a pod written between its start and node-a's list must come once.
        var other = Inbox.Create(System);
        await feed.SubscribeAsync("node-c", other.Receiver, CancellationToken.None);
        var racing = await CreatePodAsync("racing", "node-a");
        var agent = Inbox.Create(System);
        await feed.SubscribeAsync("node-a", agent.Receiver, CancellationToken.None);
        Assert.IsType<NodeAgentActor.PodsListed>(await ReceiveAsync(other, Wait));

        Assert.Equal([before, racing], [Uid(await ReceiveAsync(agent, Wait)), Uid(await ReceiveAsync(agent, Wait))]);
        Assert.IsType<NodeAgentActor.PodsListed>(await ReceiveAsync(agent, Wait));

        var after = await CreatePodAsync("after", "node-a");
        await CreatePodAsync("elsewhere-too", "node-b");
        await Registry.PatchAsync(BuiltInKinds.Pod, "default", "before", PatchType.Merge, new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["changed"] = "yes" } } }, null, WriteOptions.Default, CancellationToken.None);
        await Registry.DeleteAsync(BuiltInKinds.Pod, "default", "racing", new DeleteOptions(GracePeriodSeconds: 0), CancellationToken.None);

        var added = Seen(await ReceiveAsync(agent, Wait));
        Assert.Equal(after, added.Uid);
        var changed = Seen(await ReceiveAsync(agent, Wait));
        Assert.Equal(before, changed.Uid);
        Assert.Contains("\"changed\":\"yes\"", global::System.Text.Encoding.UTF8.GetString(changed.Pod!.Json), StringComparison.Ordinal);
        var deleted = Seen(await ReceiveAsync(agent, Wait));
        Assert.Equal((racing, null), (deleted.Uid, deleted.Pod));
        await Assert.ThrowsAsync<TimeoutException>(() => ReceiveAsync(agent, TimeSpan.FromMilliseconds(500)));
        await Assert.ThrowsAsync<TimeoutException>(() => ReceiveAsync(other, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task PodBoundAfterSubscribing_Scheduled_SeenByItsNodeOnly()
    {
        using var feed = new PodFeed(Registry, NullLogger.Instance);
        var agent = await SubscribedAsync(feed, "node-a");
        var other = await SubscribedAsync(feed, "node-b");

        var pending = await CreatePodAsync("pending", nodeName: null);
        await Registry.BindAsync("default", "pending", "node-a", WriteOptions.Default, CancellationToken.None);

        var bound = Seen(await ReceiveAsync(agent, Wait));
        Assert.Equal(pending, bound.Uid);
        Assert.Contains("\"nodeName\":\"node-a\"", global::System.Text.Encoding.UTF8.GetString(bound.Pod!.Json), StringComparison.Ordinal);
        await Assert.ThrowsAsync<TimeoutException>(() => ReceiveAsync(other, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Unsubscribe_AgentStopped_HearsNothingMore()
    {
        using var feed = new PodFeed(Registry, NullLogger.Instance);
        var agent = await SubscribedAsync(feed, "node-a");
        Assert.Equal(1, feed.Subscribers);

        feed.Unsubscribe("node-a", agent.Receiver);
        await CreatePodAsync("unheard", "node-a");

        Assert.Equal(0, feed.Subscribers);
        await Assert.ThrowsAsync<TimeoutException>(() => ReceiveAsync(agent, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Subscribe_BurstOfAgents_EachListedItsOwnPodsOnce_ThenItsChanges()
    {
        var nodes = Enumerable.Range(0, 40).Select(i => "burst-" + i.ToString(global::System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var pods = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var node in nodes.Take(20))
        {
            pods[node] = await CreatePodAsync("pod-" + node, node);
        }

        using var feed = new PodFeed(Registry, NullLogger.Instance);
        var agents = nodes.ToDictionary(n => n, _ => Inbox.Create(System), StringComparer.Ordinal);
        await Task.WhenAll(nodes.Select(n => feed.SubscribeAsync(n, agents[n].Receiver, CancellationToken.None)));
        Assert.Equal(nodes.Length, feed.Subscribers);

        foreach (var node in nodes)
        {
            if (pods.TryGetValue(node, out var uid))
            {
                Assert.Equal(uid, Uid(await ReceiveAsync(agents[node], Wait)));
            }

            Assert.IsType<NodeAgentActor.PodsListed>(await ReceiveAsync(agents[node], Wait));
        }

        var late = await CreatePodAsync("late", nodes[^1]);
        Assert.Equal(late, Uid(await ReceiveAsync(agents[nodes[^1]], Wait)));
        foreach (var node in nodes[..^1])
        {
            await Assert.ThrowsAsync<TimeoutException>(() => ReceiveAsync(agents[node], TimeSpan.FromMilliseconds(20)));
        }
    }

    private async Task<string> CreatePodAsync(string name, string? nodeName)
    {
        var spec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "app", ["image"] = "simulated" }) };
        if (nodeName is not null)
        {
            spec["nodeName"] = nodeName;
        }

        var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" }, ["spec"] = spec };
        var reply = await Registry.CreateAsync(BuiltInKinds.Pod, "default", pod, WriteOptions.Default, CancellationToken.None);
        return JsonNode.Parse(reply.Json)!["metadata"]!["uid"]!.GetValue<string>();
    }

    /// <summary>An agent of a node without pods, subscribed: its list (empty) is behind it.</summary>
    private async Task<Inbox> SubscribedAsync(PodFeed feed, string nodeName)
    {
        var agent = Inbox.Create(System);
        await feed.SubscribeAsync(nodeName, agent.Receiver, CancellationToken.None);
        Assert.IsType<NodeAgentActor.PodsListed>(await ReceiveAsync(agent, Wait));
        return agent;
    }

    /// <summary>
    /// The inbox's next message, or a TimeoutException once <paramref name="timeout"/> has passed. The wait is bounded
    /// here as well: under a loaded CI run an Akka Inbox's 20 ms receive once never timed out, and held the run for good.
    /// </summary>
    private static Task<object> ReceiveAsync(Inbox inbox, TimeSpan timeout) =>
        inbox.ReceiveAsync(timeout).WaitAsync(timeout + TimeSpan.FromSeconds(5));

    private static NodeAgentActor.PodSeen Seen(object message) => Assert.IsType<NodeAgentActor.PodSeen>(message);

    private static string Uid(object message) => Seen(message).Uid;
}
