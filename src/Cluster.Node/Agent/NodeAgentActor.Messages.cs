using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Node.Agent.Runtime;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>The agent's messages: what others send it, and what its own asynchronous work reports back.</summary>
public sealed partial class NodeAgentActor
{
    public sealed record GetStatus
    {
        public static readonly GetStatus Instance = new();
    }

    /// <param name="Registered">The Node object is written.</param>
    /// <param name="Pods">How many pods this node runs.</param>
    public sealed record NodeStatus(string NodeName, string AgentPath, bool Registered = false, int Pods = 0);

    /// <summary>Begins the agent's work once the registry serves (the runtime is null when the node runs no pods).</summary>
    /// <param name="Shared">What the process's agents share (prober, pod watch), and where the agent publishes its runtime for the API's log reads.</param>
    /// <param name="Simulated">A simulated node: synthetic host facts instead of this machine's.</param>
    /// <param name="PublishMetrics">This agent's measurements are the ones the metrics API serves (one agent per process).</param>
    public sealed record Start(ResourceRegistry Registry, AgentSettings Settings, IContainerRuntime? Runtime, TimeProvider Clock, AgentRuntime Shared, bool Simulated = false, bool PublishMetrics = true, Cluster.Api.Security.ServiceAccounts.TokenRequests? Tokens = null);

    private sealed record NodeWritten(V1Node Node, string RuntimeVersion);

    private sealed record HeartbeatDone
    {
        public static readonly HeartbeatDone Instance = new();
    }

    private sealed record Failed(string What, Exception Error);

    private sealed record RegistrationFailed(Exception Error);

    private sealed record Register
    {
        public static readonly Register Instance = new();
    }

    private sealed record Heartbeat
    {
        public static readonly Heartbeat Instance = new();
    }

    private sealed record Relist
    {
        public static readonly Relist Instance = new();
    }

    private sealed record Relisted(IReadOnlyList<RuntimeContainer> Containers);

    private sealed record RelistFailed(Exception Error);

    private sealed record Sample
    {
        public static readonly Sample Instance = new();
    }

    private sealed record Sampled(Cluster.Api.Metrics.MetricsSnapshot? Snapshot);

    /// <summary>A pod bound to this node, as the registry's cache has it now (null: deleted).</summary>
    internal sealed record PodSeen(string Uid, CachedObject? Pod);

    /// <summary>Every pod bound to the node when the agent subscribed has been seen.</summary>
    internal sealed record PodsListed
    {
        public static readonly PodsListed Instance = new();
    }

    private sealed record SubscribePods
    {
        public static readonly SubscribePods Instance = new();
    }

    private sealed record PodsSubscribed
    {
        public static readonly PodsSubscribed Instance = new();
    }

    private sealed record SubscribeFailed(Exception Error);
}
