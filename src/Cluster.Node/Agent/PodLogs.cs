using Cluster.Controllers.Informers;
using Cluster.Api.Resources;
using Cluster.Core.Registry;
using Cluster.Node.Agent.Runtime;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>The runtime the node agent runs pods with, once it has one, and its latest usage measurement: the API reads container logs and resource metrics through it.</summary>
public sealed class AgentRuntime : Cluster.Api.Metrics.IResourceMetrics, Cluster.Api.Streaming.IAgentDirectory, IDisposable
{
    /// <summary>One prober for every agent in the process (simulated nodes would otherwise each hold an HTTP client).</summary>
    public Prober Prober { get; } = new();

    private readonly Lock _podsLock = new();
    private PodFeed? _pods;

    public void Dispose()
    {
        Prober.Dispose();
        _pods?.Dispose();
    }

    /// <summary>The one pod watch of this process, which every agent here follows its pods through.</summary>
    public PodFeed PodsFor(ResourceRegistry registry, Microsoft.Extensions.Logging.ILogger logger)
    {
        lock (_podsLock)
        {
            return _pods ??= new PodFeed(registry, logger);
        }
    }

    /// <summary>The names of the nodes whose agents run in this process, once registered.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, bool> Hosted { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// HOST:PORT of this process's API, which its agents publish on their Nodes (annotation cluster.io/agent-endpoint) so
    /// that other members pass logs and streams here; a wildcard host is replaced by the node's address. Null when the
    /// API listens on an ephemeral port.
    /// </summary>
    public (string Host, int Port)? Endpoint { get; init; }

    /// <summary>The runtime of each node whose agent runs in this process (one, or many simulated ones), by node name.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, IContainerRuntime> Runtimes { get; } = new(StringComparer.Ordinal);

    public Cluster.Api.Metrics.MetricsSnapshot? Latest { get; set; }

    public bool Hosts(string nodeName) => Hosted.ContainsKey(nodeName);

    /// <summary>The endpoint to publish for a node at <paramref name="hostAddress"/>.</summary>
    public string? EndpointFor(string hostAddress) => Endpoint is var (host, port)
        ? (host is "0.0.0.0" or "::" or "*" or "+" ? hostAddress : host == "localhost" ? "127.0.0.1" : host) + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : null;

    /// <summary>
    /// The runtime of the pod's node and the instances of one of its containers there, newest first (a restarted
    /// container leaves its last dead instance behind); a 503 naming <paramref name="purpose"/> when the node's agent is not here.
    /// </summary>
    public async Task<(IContainerRuntime Runtime, List<RuntimeContainer> Instances)> InstancesAsync(V1Pod pod, string container, string purpose, CancellationToken ct)
    {
        var runtime = For(pod, purpose);
        var instances = (await runtime.ListPodContainersAsync(ct).ConfigureAwait(false))
            .Where(c => c.PodUid == pod.Metadata.Uid && c.Name == container && !c.IsSandbox)
            .OrderByDescending(c => c.Attempt)
            .ToList();
        return (runtime, instances);
    }

    /// <summary>The runtime of the pod's node, when its agent runs in this process; a 503 naming <paramref name="purpose"/> otherwise.</summary>
    public IContainerRuntime For(V1Pod pod, string purpose) =>
        Runtimes.TryGetValue(pod.Spec.NodeName ?? "", out var runtime)
            ? runtime
            : throw ApiException.Unavailable($"pod {pod.Metadata.Name} runs on node {pod.Spec.NodeName}, whose agent this server cannot reach for {purpose}");
}

/// <summary>
/// Container logs for the API (the kubelet's containerLogs): the container is found by the pod's uid and its name among
/// this node's containers, the newest instance or, with previous, the last one that ended.
/// </summary>
public sealed class PodLogs(AgentRuntime agent) : IPodLogs
{
    public async Task WriteAsync(byte[] podJson, string container, PodLogOptions options, Stream output, CancellationToken ct)
    {
        var pod = TypedJson.Read<V1Pod>(podJson);
        var (runtime, instances) = await agent.InstancesAsync(pod, container, "logs", ct).ConfigureAwait(false);
        var target = options.Previous
            ? instances.Skip(1).FirstOrDefault(c => c.State == ContainerRunState.Exited)
              ?? throw ApiException.BadRequest($"previous terminated container \"{container}\" in pod \"{pod.Metadata.Name}\" not found")
            : instances.FirstOrDefault() ?? throw ApiException.BadRequest(
                $"container \"{container}\" in pod \"{pod.Metadata.Name}\" is waiting to start: {WaitingReason(pod, container)}");
        await runtime.WriteLogsAsync(target.Id, new ContainerLogOptions(options.Follow && target.State == ContainerRunState.Running, options.Timestamps, options.TailLines, options.Since, options.LimitBytes), output, ct).ConfigureAwait(false);
    }

    private static string WaitingReason(V1Pod pod, string container) =>
        (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? [])
            .FirstOrDefault(s => s.Name == container)?.State?.Waiting?.Reason ?? "ContainerCreating";
}
