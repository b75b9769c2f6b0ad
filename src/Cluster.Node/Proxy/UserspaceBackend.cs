using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Proxy;

/// <summary>
/// The fallback where iptables cannot be used: the proxy listens itself, on each node port (every address) and on
/// each cluster IP and port that is an address of this host, and copies every connection (TCP) or datagram exchange
/// (UDP) to a ready endpoint. Without the kernel's help a cluster IP that is not a local address cannot be
/// intercepted: in this mode Services are reached through their node ports, or through cluster IPs assigned to the host.
/// A port with no endpoints refuses at once: TCP connections are reset, as iptables' REJECT does.
/// </summary>
public sealed partial class UserspaceBackend(ILogger logger) : IProxyBackend
{
    private readonly ILogger _logger = logger;
    private readonly ConcurrentDictionary<ListenKey, Listener> _listeners = new();
    private readonly Random _random = new(17);

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<bool> ApplyAsync(IReadOnlyList<ProxyServicePort> ports, bool full, CancellationToken ct)
    {
        var wanted = new Dictionary<ListenKey, ProxyServicePort>();
        foreach (var port in ports)
        {
            if (port.NodePort > 0)
            {
                wanted[new ListenKey(IPAddress.Any, port.NodePort, port.Protocol)] = port;
            }

            foreach (var ip in port.ClusterIps.Concat(port.ExternalIps))
            {
                wanted[new ListenKey(ip, port.Port, port.Protocol)] = port;
            }
        }

        var changed = false;
        foreach (var (key, listener) in _listeners)
        {
            if (!wanted.ContainsKey(key) && _listeners.TryRemove(key, out _))
            {
                listener.Dispose();
                changed = true;
            }
        }

        foreach (var (key, port) in wanted)
        {
            if (_listeners.TryGetValue(key, out var existing))
            {
                changed |= !ReferenceEquals(existing.Port, port) && existing.Port != port;
                existing.Port = port;
                continue;
            }

            if (Listener.TryOpen(key, port, this) is { } opened)
            {
                _listeners[key] = opened;
                changed = true;
            }
        }

        return Task.FromResult(changed);
    }

    public Task CleanupAsync(CancellationToken ct)
    {
        foreach (var key in _listeners.Keys)
        {
            if (_listeners.TryRemove(key, out var listener))
            {
                listener.Dispose();
            }
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await CleanupAsync(CancellationToken.None).ConfigureAwait(false);

    /// <summary>An endpoint for a new connection from <paramref name="client"/>: its previous one under ClientIP affinity, else one at random.</summary>
    private ProxyEndpoint? Choose(Listener listener, IPAddress client)
    {
        var port = listener.Port;
        var usable = port.Usable.ToList();
        if (usable.Count == 0)
        {
            return null;
        }

        if (port.ClientIpAffinity && listener.Affinity.TryGetValue(client, out var remembered)
            && DateTimeOffset.UtcNow - remembered.At < TimeSpan.FromSeconds(port.AffinitySeconds) && usable.Contains(remembered.Endpoint))
        {
            listener.Affinity[client] = (remembered.Endpoint, DateTimeOffset.UtcNow);
            return remembered.Endpoint;
        }

        ProxyEndpoint chosen;
        lock (_random)
        {
            chosen = usable[_random.Next(usable.Count)];
        }

        if (port.ClientIpAffinity)
        {
            listener.Affinity[client] = (chosen, DateTimeOffset.UtcNow);
        }

        return chosen;
    }

    private readonly record struct ListenKey(IPAddress Address, int Port, string Protocol);

    /// <summary>One listening socket and the connections it copies.</summary>
    private sealed class Listener : IDisposable
    {
        private readonly Socket _socket;
        private readonly CancellationTokenSource _closing = new();
        private readonly UserspaceBackend _owner;

        private Listener(Socket socket, ProxyServicePort port, UserspaceBackend owner)
        {
            _socket = socket;
            _owner = owner;
            Port = port;
        }

        public ProxyServicePort Port { get; set; }

        public ConcurrentDictionary<IPAddress, (ProxyEndpoint Endpoint, DateTimeOffset At)> Affinity { get; } = new();

        public static Listener? TryOpen(ListenKey key, ProxyServicePort port, UserspaceBackend owner)
        {
            var tcp = key.Protocol == "TCP";
            var socket = new Socket(AddressFamily.InterNetwork, tcp ? SocketType.Stream : SocketType.Dgram, tcp ? ProtocolType.Tcp : ProtocolType.Udp);
            try
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(key.Address, key.Port));
                if (tcp)
                {
                    socket.Listen(512);
                }
            }
            catch (SocketException e)
            {
                // A cluster IP that is not this host's address cannot be bound (EADDRNOTAVAIL): expected in this mode.
                socket.Dispose();
                if (e.SocketErrorCode != SocketError.AddressNotAvailable)
                {
                    LogListenFailed(owner._logger, key.Address + ":" + key.Port, key.Protocol, e.Message);
                }

                return null;
            }

            var listener = new Listener(socket, port, owner);
            _ = tcp ? Task.Run(listener.AcceptLoopAsync) : Task.Run(listener.UdpLoopAsync);
            return listener;
        }

        public void Dispose()
        {
            _closing.Cancel();
            _socket.Dispose();
            _closing.Dispose();
        }

        private async Task AcceptLoopAsync()
        {
            var ct = _closing.Token;
            while (!ct.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _socket.AcceptAsync(ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client, ct), CancellationToken.None);
            }
        }

        private async Task ServeAsync(Socket client, CancellationToken ct)
        {
            using (client)
            {
                var from = ((IPEndPoint)client.RemoteEndPoint!).Address;
                if (_owner.Choose(this, from) is not { } endpoint)
                {
                    // No endpoints: refused at once (a reset), as iptables' REJECT.
                    client.LingerState = new LingerOption(true, 0);
                    return;
                }

                using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await upstream.ConnectAsync(new IPEndPoint(endpoint.Address, endpoint.Port), ct).ConfigureAwait(false);
                    using var a = new NetworkStream(client, ownsSocket: false);
                    using var b = new NetworkStream(upstream, ownsSocket: false);
                    var toServer = CopyAsync(a, upstream, b, ct);
                    var toClient = CopyAsync(b, client, a, ct);
                    await Task.WhenAll(toServer, toClient).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
                {
                    client.LingerState = new LingerOption(true, 0);
                }
            }
        }

        /// <summary>Copies one direction, then half-closes the other side so the peer sees the end of the stream.</summary>
        private static async Task CopyAsync(Stream from, Socket toSocket, Stream to, CancellationToken ct)
        {
            try
            {
                await from.CopyToAsync(to, ct).ConfigureAwait(false);
                toSocket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // The other direction ends too once its socket goes.
            }
        }

        private async Task UdpLoopAsync()
        {
            var ct = _closing.Token;
            var sessions = new ConcurrentDictionary<IPEndPoint, Socket>();
            var buffer = new byte[65536];
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var received = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), ct).ConfigureAwait(false);
                    var client = (IPEndPoint)received.RemoteEndPoint;
                    if (!sessions.TryGetValue(client, out var session))
                    {
                        if (_owner.Choose(this, client.Address) is not { } endpoint)
                        {
                            continue;
                        }

                        session = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                        await session.ConnectAsync(new IPEndPoint(endpoint.Address, endpoint.Port), ct).ConfigureAwait(false);
                        sessions[client] = session;
                        _ = Task.Run(() => RelayRepliesAsync(session, client, sessions, ct), CancellationToken.None);
                    }

                    await session.SendAsync(buffer.AsMemory(0, received.ReceivedBytes), ct).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                foreach (var session in sessions.Values)
                {
                    session.Dispose();
                }
            }
        }

        /// <summary>Replies from the endpoint go back to the client until it has been quiet for 30 s.</summary>
        private async Task RelayRepliesAsync(Socket session, IPEndPoint client, ConcurrentDictionary<IPEndPoint, Socket> sessions, CancellationToken ct)
        {
            var buffer = new byte[65536];
            try
            {
                while (true)
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    idle.CancelAfter(TimeSpan.FromSeconds(30));
                    var read = await session.ReceiveAsync(buffer, idle.Token).ConfigureAwait(false);
                    await _socket.SendToAsync(buffer.AsMemory(0, read), client, ct).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                sessions.TryRemove(client, out _);
                session.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = 9406, Level = LogLevel.Warning, Message = "User-space proxy cannot listen on {Address} ({Protocol}): {Error}")]
    private static partial void LogListenFailed(ILogger logger, string address, string protocol, string error);
}
