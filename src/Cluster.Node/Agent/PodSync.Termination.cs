using Cluster.Node.Agent.Runtime;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Agent;

/// <summary>
/// Stopping a container as the kubelet's killContainer does: its preStop hook first (exec, httpGet or sleep), run within
/// the grace period, then SIGTERM with what is left of the grace period (at least 2 s), then SIGKILL.
/// </summary>
internal sealed partial class PodSync
{
    /// <summary>The least time the kubelet leaves a container between SIGTERM and SIGKILL after its preStop hook.</summary>
    private static readonly TimeSpan MinimumGraceAfterHook = TimeSpan.FromSeconds(2);

    private async Task StopContainerAsync(RuntimeContainer container, TimeSpan grace, CancellationToken ct)
    {
        var spec = pod.Spec.Containers?.FirstOrDefault(c => c.Name == container.Name);
        if (spec?.Lifecycle?.PreStop is { } hook && container.State == ContainerRunState.Running && grace > TimeSpan.Zero)
        {
            var started = agent.Clock.GetTimestamp();
            var outcome = await RunHookAsync(hook, spec, container, grace, ct).ConfigureAwait(false);
            if (!outcome.Success)
            {
                LogPreStopFailed(agent.Logger, pod.Metadata.NamespaceProperty, pod.Metadata.Name, container.Name, outcome.Message);
            }

            var left = grace - agent.Clock.GetElapsedTime(started);
            grace = left > MinimumGraceAfterHook ? left : MinimumGraceAfterHook;
        }

        await agent.Runtime.StopAsync(container.Id, grace, ct).ConfigureAwait(false);
    }

    private async Task<ProbeOutcome> RunHookAsync(V1LifecycleHandler hook, V1Container spec, RuntimeContainer container, TimeSpan grace, CancellationToken ct)
    {
        if (hook.Sleep is { } sleep)
        {
            var wait = TimeSpan.FromSeconds(Math.Min(sleep.Seconds, (long)grace.TotalSeconds));
            await Task.Delay(wait, agent.Clock, ct).ConfigureAwait(false);
            return new ProbeOutcome(true, "");
        }

        // A hook is run as a probe would be (the same handlers), with the grace period as its timeout.
        var asProbe = new V1Probe { Exec = hook.Exec, HttpGet = hook.HttpGet, TcpSocket = hook.TcpSocket, TimeoutSeconds = (int)Math.Ceiling(grace.TotalSeconds) };
        var podIp = _containers.FirstOrDefault(c => c.IsSandbox && c.State == ContainerRunState.Running)?.IpAddress ?? pod.Status?.PodIP;
        return await agent.Prober.RunAsync(agent.Runtime, asProbe, spec, container.Id, podIp, ct).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "PreStop hook of {Namespace}/{Pod} container {Container} failed: {Message}")]
    private static partial void LogPreStopFailed(ILogger logger, string @namespace, string pod, string container, string message);
}
