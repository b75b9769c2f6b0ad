using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cluster.Bench.Proxy;

/// <summary>A TCP server in the benchmark's process: answers one byte per connection, or swallows a stream.</summary>
internal sealed class Sink : IDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();

    public Sink(IPAddress address, int port = 0)
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, port));
        _listener.Listen(4096);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _ = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _stop.Dispose();
    }

    public static async Task<bool> TryConnectAsync(IPAddress address, int port, CancellationToken ct)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await socket.ConnectAsync(address, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Connections a second from 8 workers, each: connect, send a byte, read the answer, close.</summary>
    public static async Task<double> ConnectionsPerSecondAsync(IPAddress address, int port, int seconds, CancellationToken ct)
    {
        long done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var one = new byte[1];
            while (clock.Elapsed.TotalSeconds < seconds && !ct.IsCancellationRequested)
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, LingerState = new LingerOption(true, 0) };
                await socket.ConnectAsync(address, port, ct);
                await socket.SendAsync(one, ct);
                if (await socket.ReceiveAsync(one, ct) == 1)
                {
                    Interlocked.Increment(ref done);
                }
            }
        }, ct)));
        return done / clock.Elapsed.TotalSeconds;
    }

    /// <summary>MB/s written through one connection in 64 KiB writes.</summary>
    public static async Task<double> ThroughputAsync(IPAddress address, int port, int seconds, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address, port, ct);
        await socket.SendAsync(new byte[] { 2 }, ct);
        var buffer = new byte[64 * 1024];
        long sent = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            sent += await socket.SendAsync(buffer, ct);
        }

        return sent / clock.Elapsed.TotalSeconds / 1e6;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    /// <summary>The first byte says what the client wants: 2 a stream to swallow, anything else a one-byte answer.</summary>
    private static async Task ServeAsync(Socket client)
    {
        using (client)
        {
            var buffer = new byte[64 * 1024];
            try
            {
                if (await client.ReceiveAsync(buffer.AsMemory(0, 1)) != 1)
                {
                    return;
                }

                if (buffer[0] != 2)
                {
                    await client.SendAsync(buffer.AsMemory(0, 1));
                    return;
                }

                while (await client.ReceiveAsync(buffer) > 0)
                {
                }
            }
            catch (SocketException)
            {
                // The client went away.
            }
        }
    }
}
