using System.Threading.Channels;

namespace Cluster.Api.Streaming;

/// <summary>A terminal's size, as <c>kubectl exec -t</c> sends it on the resize channel.</summary>
public sealed record TerminalSize(ushort Width, ushort Height);

/// <summary>
/// The client's end of an exec or attach, as the API's protocol handler hands it to the node: the streams the client
/// asked for (null when not asked) and the terminal resizes it sends.
/// </summary>
public sealed class ContainerIo
{
    /// <summary>The client's stdin; it ends when the client closes stdin (or goes away).</summary>
    public Stream? Stdin { get; init; }

    public Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? Stdout { get; init; }

    public Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask>? Stderr { get; init; }

    public ChannelReader<TerminalSize>? Resizes { get; init; }
}

/// <summary>A stream session found and ready to run: runs it to its end and answers the command's exit code (0 for an attach that ended).</summary>
public delegate Task<long> ContainerSession(ContainerIo io, CancellationToken ct);

/// <summary>Opens a TCP connection to a port of the pod, as a process in the pod's network namespace would (localhost is the pod's).</summary>
public delegate Task<Stream> PodPortConnector(int port, CancellationToken ct);

/// <summary>
/// The streaming subresources of a pod (the kubelet's /exec, /attach and /portforward): the API checks the request and
/// speaks the client's protocol; the agent of the pod's node reaches the container. Each call finds its target first,
/// so a refusal (no such container, not running) is still a Status answer, before the connection is upgraded.
/// </summary>
public interface IPodStreams
{
    /// <summary>Prepares a command in a running container of the pod (its JSON as stored).</summary>
    Task<ContainerSession> ExecAsync(byte[] podJson, string container, IReadOnlyList<string> command, bool tty, CancellationToken ct);

    /// <summary>Prepares an attach to the main process of a running container.</summary>
    Task<ContainerSession> AttachAsync(byte[] podJson, string container, bool tty, CancellationToken ct);

    /// <summary>Prepares connections into the pod's network namespace.</summary>
    Task<PodPortConnector> PortForwardAsync(byte[] podJson, CancellationToken ct);
}
