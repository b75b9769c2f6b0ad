using Cluster.Core.Registry;
using Cluster.Node.Agent.Runtime;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Agent;

/// <summary>What every actor of one node's agent shares: its settings, the runtime, the registry and the host's address.</summary>
public sealed record AgentContext(
    string NodeName,
    AgentSettings Settings,
    IContainerRuntime Runtime,
    ResourceRegistry Registry,
    EnvResolver Env,
    TimeProvider Clock,
    ILogger Logger,
    string HostIp,
    Prober Prober,
    VolumeManager Volumes)
{
    /// <summary>The pod's containers as the runtime shows them now.</summary>
    public async Task<IReadOnlyList<RuntimeContainer>> ContainersOfAsync(string podUid, CancellationToken ct) =>
        [.. (await Runtime.ListPodContainersAsync(ct).ConfigureAwait(false)).Where(c => c.PodUid == podUid)];
}
