using System.Globalization;
using Akka.Actor;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Agent;

/// <summary>
/// The pods bound to the nodes whose agents run in this process, from one watch of the registry's pods shared by all
/// of them, instead of a watch per agent: with thousands of simulated nodes in a process (as kwok) a watch each was a
/// channel, its waiting operations and a reading task per node. An agent subscribes with its node's name and gets a
/// <see cref="NodeAgentActor.PodSeen"/> for each of its pods and then <see cref="NodeAgentActor.PodsListed"/>, then one
/// per change. The watch resumes from the last version it routed after a break; after a 410 every agent is listed again.
/// </summary>
/// <remarks>
/// A subscriber's list is read from the cache at some version V while the watch is running, so every change after V
/// is still to come through the watch: a subscriber gets only the events after its V, none twice and none missed.
/// </remarks>
public sealed partial class PodFeed(ResourceRegistry registry, ILogger logger) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Subscriber> _byNode = new(StringComparer.Ordinal);
    private readonly List<(string Node, IActorRef Agent, TaskCompletionSource Listed)> _pending = [];
    private bool _listingScheduled;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _watching = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;
    private int _disposed;

    /// <summary>How many agents follow their pods through this feed.</summary>
    public int Subscribers
    {
        get
        {
            lock (_lock)
            {
                return _byNode.Count;
            }
        }
    }

    /// <summary>Sends <paramref name="agent"/> the pods bound to <paramref name="nodeName"/> now, then their changes.</summary>
    public async Task SubscribeAsync(string nodeName, IActorRef agent, CancellationToken ct)
    {
        lock (_lock)
        {
            _loop ??= Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        }

        // A consistent read (every write committed so far is in the cache), and a watch already running from before it.
        await registry.SyncAsync(ct).ConfigureAwait(false);
        await _watching.Task.WaitAsync(ct).ConfigureAwait(false);
        var listed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_lock)
        {
            _pending.Add((nodeName, agent, listed));
            start = !_listingScheduled;
            _listingScheduled = true;
        }

        if (start)
        {
            _ = Task.Run(ListPending, CancellationToken.None);
        }

        await listed.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Stops sending to <paramref name="agent"/> (a stopped agent; a newer subscriber of the node stays).</summary>
    public void Unsubscribe(string nodeName, IActorRef agent)
    {
        lock (_lock)
        {
            if (_byNode.TryGetValue(nodeName, out var current) && current.Agent.Equals(agent))
            {
                _byNode.Remove(nodeName);
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    /// <summary>
    /// Lists the pods to every agent that subscribed since the last listing, in one pass over the cache: agents
    /// subscribe in bursts (thousands of simulated ones re-register after a restart), and a pass per agent made the
    /// burst cost agents × pods.
    /// </summary>
    private void ListPending()
    {
        lock (_lock)
        {
            _listingScheduled = false;
            if (_pending.Count == 0)
            {
                return;
            }

            // A node subscribed twice in the burst keeps its newer agent, as a later subscription replaces an earlier one.
            var agents = new Dictionary<string, IActorRef>(StringComparer.Ordinal);
            foreach (var (node, agent, _) in _pending)
            {
                agents[node] = agent;
            }

            var version = ListTo(agents);
            var winners = agents.Values.ToHashSet();
            foreach (var (node, agent) in agents)
            {
                _byNode[node] = new Subscriber(agent, version);
            }

            foreach (var (_, agent, listed) in _pending)
            {
                if (!winners.Contains(agent))
                {
                    agent.Tell(NodeAgentActor.PodsListed.Instance);
                }

                listed.TrySetResult();
            }

            _pending.Clear();
        }
    }

    /// <summary>Tells each agent its node's pods as the cache has them, in one pass; returns the version they are at. Under the lock.</summary>
    private long ListTo(IReadOnlyDictionary<string, IActorRef> agents)
    {
        var (items, version) = registry.Cache(BuiltInKinds.Pod).List(null);
        foreach (var pod in items)
        {
            if (WatchTrigger.ValueOf(pod, "spec.nodeName") is { Length: > 0 } node && agents.TryGetValue(node, out var agent))
            {
                agent.Tell(new NodeAgentActor.PodSeen(pod.Uid ?? "", pod));
            }
        }

        foreach (var agent in agents.Values)
        {
            agent.Tell(NodeAgentActor.PodsListed.Instance);
        }

        return version;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        long? from = null;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (from is null)
                {
                    await registry.SyncAsync(ct).ConfigureAwait(false);
                    from = registry.Cache(BuiltInKinds.Pod).ResourceVersion;
                }

                var (watcher, _) = await registry.WatchAsync(BuiltInKinds.Pod, null, new ListOptions(ResourceVersion: from.Value.ToString(CultureInfo.InvariantCulture)), ct).ConfigureAwait(false);
                using (watcher)
                {
                    _watching.TrySetResult();
                    foreach (var e in watcher.Initial)
                    {
                        from = Route(e);
                    }

                    await foreach (var e in watcher.Live.ReadAllAsync(ct).ConfigureAwait(false))
                    {
                        from = Route(e);
                    }
                }

                // The channel closed: the watcher overflowed (this loop fell behind); the history still has what followed.
            }
            catch (ApiException e) when (e.Code == 410)
            {
                // What followed is gone from the history: every agent is listed again, and the watch goes on from there.
                LogRelisted(logger, e.Message);
                lock (_lock)
                {
                    from = registry.Cache(BuiltInKinds.Pod).ResourceVersion;
                    var version = ListTo(_byNode.ToDictionary(b => b.Key, b => b.Value.Agent, StringComparer.Ordinal));
                    foreach (var (node, subscriber) in _byNode.ToList())
                    {
                        _byNode[node] = subscriber with { ListedAt = version };
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogWatchFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Passes one change to the agent of the pod's node, unless that agent's list already had it; returns its version.</summary>
    private long Route(WatchEvent e)
    {
        var node = WatchTrigger.ValueOf(e.Object, "spec.nodeName");
        if (node.Length == 0)
        {
            return e.ResourceVersion;
        }

        lock (_lock)
        {
            if (_byNode.TryGetValue(node, out var subscriber) && e.ResourceVersion > subscriber.ListedAt)
            {
                subscriber.Agent.Tell(new NodeAgentActor.PodSeen(e.Object.Uid ?? "", e.Type == WatchEventType.Deleted ? null : e.Object));
            }
        }

        return e.ResourceVersion;
    }

    /// <param name="ListedAt">The version of the list the agent was sent: events up to it are in that list.</param>
    private sealed record Subscriber(IActorRef Agent, long ListedAt);

    [LoggerMessage(EventId = 2230, Level = LogLevel.Warning, Message = "The agents' pod watch failed; retrying")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2231, Level = LogLevel.Information, Message = "The agents' pod watch resumed too late ({Reason}): every agent is listed its pods again")]
    private static partial void LogRelisted(ILogger logger, string reason);
}
