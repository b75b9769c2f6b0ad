namespace Cluster.Api.Resources;

/// <summary>The query of <c>GET pods/{name}/log</c> (PodLogOptions).</summary>
/// <param name="Container">The container; null for a pod's only container.</param>
/// <param name="TailLines">Only the last N lines.</param>
/// <param name="Since">Only lines written at or after this time (sinceSeconds or sinceTime).</param>
/// <param name="LimitBytes">Stop after this many bytes.</param>
public sealed record PodLogOptions(string? Container, bool Follow, bool Previous, bool Timestamps, long? TailLines, DateTimeOffset? Since, long? LimitBytes);

/// <summary>
/// Where a pod's container logs come from: the agent of the node the pod runs on (the kubelet's /containerLogs). The
/// API finds the pod and checks the request; the node streams the container's output.
/// </summary>
public interface IPodLogs
{
    /// <summary>
    /// Writes the log of one container of the pod (its JSON as stored) to <paramref name="output"/>, following it when
    /// asked until the container stops or <paramref name="ct"/> ends. Throws an ApiException (400) when the container
    /// has no log to give (waiting to start; no previous instance).
    /// </summary>
    Task WriteAsync(byte[] podJson, string container, PodLogOptions options, Stream output, CancellationToken ct);
}
