using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Cluster.Node.Agent;

/// <summary>
/// Connections made from inside a pod's network namespace, as the kubelet's port forwarding makes them: localhost is the
/// pod's, so a server bound to 127.0.0.1 in the pod is reachable. A socket belongs to the namespace its thread was in
/// when it was created, so a short-lived thread of its own enters the pod's namespace, creates the socket and ends
/// (never returning to the host's namespace, it can leave nothing behind on a pooled thread).
/// </summary>
internal static partial class NetworkNamespace
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>
    /// Connects to <paramref name="port"/> on the pod's localhost; when the namespace cannot be entered (the node runs
    /// without CAP_SYS_ADMIN) to the pod's IP instead, which reaches every server not bound to loopback.
    /// </summary>
    public static async Task<Stream> ConnectAsync(long pid, string? podIp, int port, CancellationToken ct)
    {
        var (socket, address) = pid > 0 && await CreateInNamespaceAsync(pid).ConfigureAwait(false) is { } inside
            ? (inside, IPAddress.Loopback)
            : (new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp),
               IPAddress.TryParse(podIp, out var ip) ? ip : throw new IOException("the pod has no IP address to connect to"));
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(new IPEndPoint(address, port), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Task<Socket?> CreateInNamespaceAsync(long pid)
    {
        var created = new TaskCompletionSource<Socket?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle($"/proc/{pid}/ns/net");
                created.TrySetResult(SetNs((int)ns.DangerousGetHandle(), CloneNewNet) == 0
                    ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
                    : null);
            }
            catch (Exception)
            {
                // Whatever kept the thread out of the namespace (no permission, no setns in this libc), the pod's IP
                // is still there; an exception escaping this thread would end the process.
                created.TrySetResult(null);
            }
        })
        {
            IsBackground = true,
            Name = "netns-" + pid,
        };
        thread.Start();
        return created.Task;
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nsType);
}
