using Cluster.Controllers.Informers;
using Cluster.Api.Streaming;
using Cluster.Core.Registry;
using Cluster.Node.Agent.Runtime;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>
/// Exec, attach and port-forward for the API (the kubelet's streaming server): the target is the newest running
/// instance of the container, or the pod's running infra container, found by the pod's uid among the node's containers.
/// </summary>
public sealed class PodStreams(AgentRuntime agent) : IPodStreams
{
    public async Task<ContainerSession> ExecAsync(byte[] podJson, string container, IReadOnlyList<string> command, bool tty, CancellationToken ct)
    {
        var (runtime, target) = await RunningAsync(podJson, container, ct).ConfigureAwait(false);
        return (io, token) => runtime.ExecStreamAsync(target.Id, [.. command], tty, io, token);
    }

    public async Task<ContainerSession> AttachAsync(byte[] podJson, string container, bool tty, CancellationToken ct)
    {
        var (runtime, target) = await RunningAsync(podJson, container, ct).ConfigureAwait(false);
        return async (io, token) =>
        {
            await runtime.AttachAsync(target.Id, tty, io, token).ConfigureAwait(false);
            return 0;
        };
    }

    public async Task<PodPortConnector> PortForwardAsync(byte[] podJson, CancellationToken ct)
    {
        var pod = Parse(podJson);
        var runtime = agent.For(pod, "port forwarding");
        var sandbox = (await runtime.ListPodContainersAsync(ct).ConfigureAwait(false))
            .Where(c => c.PodUid == pod.Metadata.Uid && c.IsSandbox && c.State == ContainerRunState.Running)
            .OrderByDescending(c => c.Attempt)
            .FirstOrDefault() ?? throw ApiException.BadRequest($"pod {pod.Metadata.Name} has no running sandbox to forward ports into");
        var pid = await runtime.ProcessIdAsync(sandbox.Id, ct).ConfigureAwait(false);
        var podIp = sandbox.IpAddress;
        return (port, token) => NetworkNamespace.ConnectAsync(pid, podIp, port, token);
    }

    private async Task<(IContainerRuntime Runtime, RuntimeContainer Container)> RunningAsync(byte[] podJson, string container, CancellationToken ct)
    {
        var (runtime, instances) = await agent.InstancesAsync(Parse(podJson), container, "streaming", ct).ConfigureAwait(false);
        return instances.FirstOrDefault() is { State: ContainerRunState.Running } target
            ? (runtime, target)
            : throw ApiException.BadRequest($"unable to upgrade connection: container not found (\"{container}\")");
    }

    private static V1Pod Parse(byte[] podJson) => TypedJson.Read<V1Pod>(podJson);
}
