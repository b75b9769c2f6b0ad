using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;

namespace Cluster.Node.Tests.MultiNode;

/// <summary>
/// A TCP proxy in front of every member's cluster port: each member binds a private port and
/// advertises the proxy's (Akka's <c>public-port</c>), so all cluster traffic passes through here.
/// Every connection's first frame is Akka.Remote's Associate handshake, which names the member that
/// opened it; so the proxy knows each connection's two ends and can cut the traffic between two
/// groups of members (a partition) while the rest flows, then let it flow again.
/// </summary>
public sealed class PartitionProxy : IAsyncDisposable
{
    private readonly List<TcpListener> _listeners = [];
    private readonly ConcurrentDictionary<Link, byte> _links = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<int, int> _memberByPort = [];
    private volatile HashSet<(int, int)> _cut = [];

    /// <summary>Per member index: (the port the member binds, the public port others dial).</summary>
    public IReadOnlyList<(int BindPort, int PublicPort)> Ports { get; private set; } = [];

    public static PartitionProxy Start(int members)
    {
        var proxy = new PartitionProxy();
        var ports = new List<(int, int)>();
        for (var i = 0; i < members; i++)
        {
            var bind = MultiNodeCluster.FreePort();
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var publicPort = ((IPEndPoint)listener.LocalEndpoint).Port;
            proxy._listeners.Add(listener);
            // The handshake names its member by the port it binds; gossip by the public one.
            proxy._memberByPort[publicPort] = i;
            proxy._memberByPort[bind] = i;
            ports.Add((bind, publicPort));
            var target = i;
            _ = Task.Run(() => proxy.AcceptLoopAsync(listener, target, bind));
        }

        proxy.Ports = ports;
        return proxy;
    }

    /// <summary>Cuts every connection between a member of <paramref name="a"/> and one of <paramref name="b"/>, and refuses new ones.</summary>
    public void Partition(IEnumerable<int> a, IEnumerable<int> b)
    {
        var cut = new HashSet<(int, int)>();
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                cut.Add((x, y));
                cut.Add((y, x));
            }
        }

        _cut = cut;
        foreach (var link in _links.Keys.Where(l => cut.Contains((l.Origin, l.Target))))
        {
            link.Abort();
        }
    }

    public void Heal() => _cut = [];


    /// <summary>The live connections as (origin, target) member indexes; -1 for an origin the handshake did not name.</summary>
    public IReadOnlyList<(int Origin, int Target)> Links => _links.Keys.Select(l => (l.Origin, l.Target)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var listener in _listeners)
        {
            listener.Stop();
        }

        foreach (var link in _links.Keys)
        {
            link.Abort();
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(TcpListener listener, int target, int bindPort)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ConnectAsync(client, target, bindPort));
        }
    }

    private async Task ConnectAsync(Socket client, int target, int bindPort)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, bindPort, _stop.Token);

            // The first frame (4-byte little-endian length, then the payload) is the handshake.
            var header = await ReadExactlyAsync(client, 4);
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var payload = await ReadExactlyAsync(client, length);
            var origin = AkkaHandshake.OriginPort(payload) is { } port && _memberByPort.TryGetValue(port, out var member) ? member : -1;
            var link = new Link(origin, target, client, server);
            if (_cut.Contains((origin, target)))
            {
                link.Abort();
                return;
            }

            _links[link] = 0;
            await server.SendAsync(header);
            await server.SendAsync(payload);
            await Task.WhenAny(PumpAsync(client, server), PumpAsync(server, client));
            link.Abort();
            _links.TryRemove(link, out _);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read));
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            read += n;
        }

        return buffer;
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>One proxied connection, from the member that opened it to the member it reaches.</summary>
    private sealed class Link(int origin, int target, Socket client, Socket server)
    {
        public int Origin => origin;

        public int Target => target;

        public void Abort()
        {
            client.Dispose();
            server.Dispose();
        }
    }
}

/// <summary>Reads the origin's port out of Akka.Remote's Associate PDU (WireFormats.proto: AkkaProtocolMessage.instruction.handshakeInfo.origin.port).</summary>
internal static class AkkaHandshake
{
    public static int? OriginPort(byte[] message)
    {
        // instruction = 2, handshakeInfo = 2, origin = 1 (all messages), then AddressData.port = 3 (a uint32).
        var origin = Message(Message(Message(ByteString.CopyFrom(message), 2), 2), 1);
        if (origin is null)
        {
            return null;
        }

        var input = origin.CreateCodedInput();
        for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
        {
            if (WireFormat.GetTagFieldNumber(tag) == 3 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
            {
                return (int)input.ReadUInt32();
            }

            input.SkipLastField();
        }

        return null;
    }

    /// <summary>The embedded message in field <paramref name="number"/>, or null when absent or unreadable.</summary>
    private static ByteString? Message(ByteString? message, int number)
    {
        if (message is null)
        {
            return null;
        }

        try
        {
            var input = message.CreateCodedInput();
            for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
            {
                if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    return input.ReadBytes();
                }

                input.SkipLastField();
            }
        }
        catch (InvalidProtocolBufferException)
        {
        }

        return null;
    }
}
