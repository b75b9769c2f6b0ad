using System.Text.Json.Nodes;
using Akka.Actor;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Cluster.Node.Agent.Runtime;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Agent;

/// <summary>
/// The node's agent (its kubelet): registers the Node, renews its Lease in kube-node-lease, learns the pods bound to
/// the node from a watch of the registry filtered by spec.nodeName (resumed from the last version it saw, re-listed
/// after a 410), runs a <see cref="PodWorkerActor"/> per pod, and relists the runtime's containers every sync period
/// (the kubelet's PLEG) to tell each worker what its containers are doing. After a restart the relist finds the
/// containers it left running by their labels: the pods' workers adopt them, and containers of pods that no longer
/// exist are removed.
/// <code>
///   idle ──Start──▶ registering ──Node written──▶ running (heartbeat, watch, relist)
/// </code>
/// </summary>
public sealed partial class NodeAgentActor : UntypedActor, IWithTimers
{
    private readonly NodeSettings _settings;
    private readonly ILogger _logger;
    private readonly Dictionary<string, IActorRef> _workers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private PodFeed? _pods;
    private AgentContext? _agent;
    private IContainerRuntime? _runtime;
    private AgentRuntime _shared = null!;
    private string _runtimeVersion = "";
    private bool _registered;
    private bool _podsListed;
    private bool _relisting;
    private bool _simulated;
    private bool _publishMetrics;
    private bool _sampling;
    private UsageSampler? _sampler;

    public NodeAgentActor(NodeSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
    }

    // An UntypedActor with one switch, not a ReceiveActor: a ReceiveActor builds its handler table per instance (a
    // delegate per message type, about 2 KB), which thousands of simulated agents in one process would each carry.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case GetStatus:
                Sender.Tell(new NodeStatus(_settings.Name, Self.Path.ToString(), _registered, _workers.Count));
                break;
            case Start start:
                Begin(start);
                break;
            case NodeWritten written:
                OnNodeWritten(written);
                break;
            case Heartbeat:
                HeartbeatAsync(_runtimeVersion).PipeTo(Self, success: _ => HeartbeatDone.Instance, failure: e => new Failed("heartbeat", e));
                break;
            case HeartbeatDone:
                break; // the Lease was renewed; nothing waits for it
            case Failed failed:
                LogFailed(_logger, failed.Error, _settings.Name, failed.What);
                break;
            case RegistrationFailed failed:
                // Heartbeats start only once the Node exists: until then the registration is what is retried.
                LogFailed(_logger, failed.Error, _settings.Name, "registration");
                Timers.StartSingleTimer("register", Register.Instance, _agent!.Settings.HeartbeatInterval);
                break;
            case Register:
                RegisterAsync(Host(), _runtime).PipeTo(Self, failure: e => new RegistrationFailed(e));
                break;
            case PodSeen seen:
                OnPod(seen);
                break;
            case PodsListed:
                _podsListed = true;
                break;
            case SubscribePods:
                _pods!.SubscribeAsync(_settings.Name, Self, _stopping.Token).PipeTo(Self, success: () => PodsSubscribed.Instance, failure: e => new SubscribeFailed(e));
                break;
            case PodsSubscribed:
                break; // the feed sends the pods themselves
            case SubscribeFailed failed:
                LogFailed(_logger, failed.Error, _settings.Name, "pod watch");
                Timers.StartSingleTimer("subscribe", SubscribePods.Instance, TimeSpan.FromSeconds(1));
                break;
            case Relist:
                StartRelist();
                break;
            case Relisted relisted:
                OnRelisted(relisted);
                break;
            case RelistFailed failed:
                // The runtime did not answer: the workers keep what they last saw (an empty list would tell them their containers were gone).
                _relisting = false;
                LogFailed(_logger, failed.Error, _settings.Name, "container relist");
                break;
            case Sample:
                SampleUsage();
                break;
            case CollectImages:
                StartImageCollection();
                break;
            case ImagesCollected:
                _collectingImages = false;
                break;
            case Sampled sampled:
                _sampling = false;
                if (_publishMetrics && sampled.Snapshot is not null)
                {
                    _shared.Latest = sampled.Snapshot;
                }

                break;
            case Terminated terminated:
                OnWorkerStopped(terminated.ActorRef);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnNodeWritten(NodeWritten m)
    {
        _registered = true;
        _runtimeVersion = m.RuntimeVersion;
        _shared.Hosted[_settings.Name] = true;
        LogRegistered(_logger, _settings.Name, m.RuntimeVersion.Length > 0 ? m.RuntimeVersion : "none");
        Timers.StartPeriodicTimer("heartbeat", Heartbeat.Instance, _agent!.Settings.HeartbeatInterval);
        if (_runtime is not { } runtime || _agent is not { } agent)
        {
            return;
        }

        // Pods run only once the node exists: their containers carry its uid.
        _agent = agent with { Runtime = runtime.OwnedBy(m.Node.Metadata.Uid) };
        _shared.Runtimes[_settings.Name] = _agent.Runtime;

        _pods = _shared.PodsFor(agent.Registry, _logger);
        Self.Tell(SubscribePods.Instance);
        if (!_simulated)
        {
            // Real runtimes are relisted all the time, for containers of pods the agent no longer knows; a
            // simulated node's only containers are its pods', so it relists only while it has some.
            Timers.StartPeriodicTimer("relist", Relist.Instance, agent.Settings.SyncPeriod);
            Timers.StartPeriodicTimer("image-gc", CollectImages.Instance, agent.Settings.ImageGcPeriod);
        }

        if (_publishMetrics)
        {
            Timers.StartPeriodicTimer("metrics", Sample.Instance, agent.Settings.MetricsInterval);
            Self.Tell(Sample.Instance);
        }
    }

    private void OnWorkerStopped(IActorRef worker)
    {
        foreach (var uid in _workers.Where(w => w.Value.Equals(worker)).Select(w => w.Key).ToList())
        {
            _workers.Remove(uid);
        }

        if (_simulated && _workers.Count == 0)
        {
            Timers.Cancel("relist");
        }
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeSettings settings, ILogger logger) => Akka.Actor.Props.Create(() => new NodeAgentActor(settings, logger));

    protected override void PreStart() => LogUp(_logger, _settings.Name, Self.Path.ToString());

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _pods?.Unsubscribe(_settings.Name, Self);
        LogDown(_logger, _settings.Name);
    }

    private void Begin(Start start)
    {
        if (_agent is not null)
        {
            return;
        }

        _simulated = start.Simulated;
        _publishMetrics = start.PublishMetrics;
        var host = Host();
        var runtime = start.Runtime ?? NoRuntime.Instance;
        _agent = new AgentContext(_settings.Name, start.Settings, runtime, start.Registry, new EnvResolver(start.Registry), start.Clock, _logger, host.Address, start.Shared.Prober, new VolumeManager(start.Registry, _settings.DataDirectory, start.Tokens));
        _runtime = start.Runtime;
        _shared = start.Shared;
        RegisterAsync(host, start.Runtime).PipeTo(Self, failure: e => new RegistrationFailed(e));
    }

    private HostFacts Host() => _simulated ? HostFacts.Simulated("127.0.0.1") : HostFacts.Read(_settings.DataDirectory);

    private async Task<NodeWritten> RegisterAsync(HostFacts host, IContainerRuntime? runtime)
    {
        var agent = _agent!;
        var version = runtime is null ? "" : await runtime.VersionAsync(_stopping.Token).ConfigureAwait(false);
        var now = agent.Clock.GetUtcNow();
        var registry = agent.Registry;
        if (registry.Cache(BuiltInKinds.Node).Get("", _settings.Name) is null)
        {
            try
            {
                var created = NodeObjects.Node(_settings.Name, host, version, now, null);
                if (_shared.EndpointFor(host.Address) is { } endpoint)
                {
                    created.Metadata.Annotations = new Dictionary<string, string> { [Cluster.Api.Streaming.NodeProxy.EndpointAnnotation] = endpoint };
                }

                // A Node is created with its status (as the kubelet registers it), so a new node is one write, not a
                // create and then a status patch: with thousands of simulated nodes that halves the registration burst
                // and the Node versions every member's watch history holds.
                var reply = await registry.CreateAsync(BuiltInKinds.Node, "", NodeObjects.Json(created), WriteOptions.Default, _stopping.Token).ConfigureAwait(false);
                var node = Parse<V1Node>(reply.Json);
                await RenewLeaseAsync(node).ConfigureAwait(false);
                return new NodeWritten(node, version);
            }
            catch (ApiException e) when (e.Reason == "AlreadyExists")
            {
            }
        }

        // The node existed (a restart): its endpoint may have moved and its status is stale.
        await PublishEndpointAsync(host).ConfigureAwait(false);
        var current = await WriteNodeStatusAsync(host, version, force: true).ConfigureAwait(false);
        await RenewLeaseAsync(current).ConfigureAwait(false);
        return new NodeWritten(current, version);
    }

    /// <summary>Names, on the Node, the API through which this agent serves logs and streams (it may have moved since the last start).</summary>
    private async Task PublishEndpointAsync(HostFacts host)
    {
        var registry = _agent!.Registry;
        var current = registry.Cache(BuiltInKinds.Node).Get("", _settings.Name) is { } cached ? Parse<V1Node>(cached.Json) : null;
        var endpoint = _shared.EndpointFor(host.Address);
        var published = current?.Metadata?.Annotations?.TryGetValue(Cluster.Api.Streaming.NodeProxy.EndpointAnnotation, out var value) == true ? value : null;
        if (published == endpoint)
        {
            return;
        }

        var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [Cluster.Api.Streaming.NodeProxy.EndpointAnnotation] = endpoint } } };
        await registry.PatchAsync(BuiltInKinds.Node, "", _settings.Name, PatchType.Merge, patch, null, WriteOptions.Default, _stopping.Token).ConfigureAwait(false);
    }

    private async Task<V1Node> HeartbeatAsync(string runtimeVersion)
    {
        var node = await WriteNodeStatusAsync(Host(), runtimeVersion, force: false).ConfigureAwait(false);
        await RenewLeaseAsync(node).ConfigureAwait(false);
        return node;
    }

    /// <summary>The node's status, written when it changed (the Lease is the heartbeat, as with the kubelet's NodeLease).</summary>
    private async Task<V1Node> WriteNodeStatusAsync(HostFacts host, string runtimeVersion, bool force)
    {
        var agent = _agent!;
        var current = agent.Registry.Cache(BuiltInKinds.Node).Get("", _settings.Name) is { } cached ? Parse<V1Node>(cached.Json) : null;
        var status = NodeObjects.Status(_settings.Name, host, runtimeVersion, agent.Clock.GetUtcNow(), current?.Status);
        if (!force && current is not null && !NodeObjects.Changed(current.Status, status))
        {
            return current;
        }

        var reply = await agent.Registry.PatchAsync(BuiltInKinds.Node, "", _settings.Name, PatchType.Merge, new JsonObject { ["status"] = NodeObjects.Json(status) }, "status", WriteOptions.Default, _stopping.Token).ConfigureAwait(false);
        return Parse<V1Node>(reply.Json);
    }

    private async Task RenewLeaseAsync(V1Node node)
    {
        var agent = _agent!;
        var now = ObjectMeta.MicroTimestamp(agent.Clock.GetUtcNow());
        var lease = NodeObjects.Json(NodeObjects.Lease(node));
        lease["spec"]!["renewTime"] = now;
        if (agent.Registry.Cache(BuiltInKinds.Lease).Get(NodeObjects.LeaseNamespace, _settings.Name) is null)
        {
            try
            {
                lease["spec"]!["acquireTime"] = now;
                await agent.Registry.CreateAsync(BuiltInKinds.Lease, NodeObjects.LeaseNamespace, lease, WriteOptions.Default, _stopping.Token).ConfigureAwait(false);
                return;
            }
            catch (ApiException e) when (e.Reason == "AlreadyExists")
            {
            }
        }

        var renew = new JsonObject { ["spec"] = new JsonObject { ["holderIdentity"] = _settings.Name, ["renewTime"] = now } };
        await agent.Registry.PatchAsync(BuiltInKinds.Lease, NodeObjects.LeaseNamespace, _settings.Name, PatchType.Merge, renew, null, WriteOptions.Default, _stopping.Token).ConfigureAwait(false);
    }

    private void OnPod(PodSeen seen)
    {
        if (seen.Pod is not { } cached)
        {
            if (_workers.TryGetValue(seen.Uid, out var gone))
            {
                gone.Tell(PodWorkerActor.PodGone.Instance);
            }

            return;
        }

        var pod = Parse<V1Pod>(cached.Json);
        if (!_workers.TryGetValue(seen.Uid, out var worker))
        {
            worker = Context.ActorOf(PodWorkerActor.Props(_agent!, pod), "pod-" + seen.Uid);
            Context.Watch(worker);
            _workers[seen.Uid] = worker;
            if (_simulated && !Timers.IsTimerActive("relist"))
            {
                Timers.StartPeriodicTimer("relist", Relist.Instance, _agent!.Settings.SyncPeriod);
            }
        }

        worker.Tell(new PodWorkerActor.PodChanged(pod));
    }

    private void StartRelist()
    {
        if (_relisting || _agent is null)
        {
            return;
        }

        _relisting = true;
        _agent.Runtime.ListPodContainersAsync(_stopping.Token).PipeTo(Self, success: list => new Relisted(list), failure: e => new RelistFailed(e));
    }

    private void SampleUsage()
    {
        if (_sampling || _agent is null)
        {
            return;
        }

        _sampling = true;
        _sampler ??= new UsageSampler(_settings.Name, _agent.Clock);
        // The simulated nodes of this process share one publishing agent: it measures their containers too.
        IReadOnlyCollection<IContainerRuntime> runtimes = _simulated ? [.. _shared.Runtimes.Values] : [_agent.Runtime];
        _sampler.SampleAsync(runtimes, _agent.Registry, _stopping.Token).PipeTo(Self, success: s => new Sampled(s), failure: e => new Sampled(null));
    }

    private void OnRelisted(Relisted relisted)
    {
        _relisting = false;
        var byPod = relisted.Containers.GroupBy(c => c.PodUid).ToDictionary(g => g.Key, g => (IReadOnlyList<RuntimeContainer>)[.. g], StringComparer.Ordinal);
        foreach (var (uid, worker) in _workers)
        {
            worker.Tell(new PodWorkerActor.ContainersObserved(byPod.GetValueOrDefault(uid) ?? []));
        }

        if (!_podsListed)
        {
            return;
        }

        // Containers of pods this node no longer has (deleted while the agent was down): they go.
        foreach (var (uid, containers) in byPod.Where(p => !_workers.ContainsKey(p.Key)))
        {
            LogOrphans(_logger, _settings.Name, uid, containers.Count);
            _ = RemoveOrphansAsync(containers);
        }
    }

    private async Task RemoveOrphansAsync(IReadOnlyList<RuntimeContainer> containers)
    {
        var runtime = _agent!.Runtime;
        foreach (var c in containers.OrderBy(c => c.IsSandbox))
        {
            await runtime.StopAsync(c.Id, TimeSpan.FromSeconds(2), _stopping.Token).ConfigureAwait(false);
            await runtime.RemoveAsync(c.Id, _stopping.Token).ConfigureAwait(false);
        }

        _agent.Volumes.Remove(containers[0].PodUid);
    }

    private static T Parse<T>(byte[] json) => TypedJson.Read<T>(json);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Node {Node} is up (agent {Path})")]
    private static partial void LogUp(ILogger logger, string node, string path);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Node {Node} agent stopped")]
    private static partial void LogDown(ILogger logger, string node);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Information, Message = "Node {Node} registered (container runtime: {Runtime})")]
    private static partial void LogRegistered(ILogger logger, string node, string runtime);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Node {Node}: {What} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string node, string what);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Information, Message = "Node {Node}: removing {Count} containers of pod {Uid}, which no longer exists")]
    private static partial void LogOrphans(ILogger logger, string node, string uid, int count);
}
