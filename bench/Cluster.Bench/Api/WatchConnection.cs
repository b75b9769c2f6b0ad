using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cluster.Bench.Api;

/// <summary>
/// One watch stream over a raw socket (thousands of HttpClient streams would cost the benchmark more than the
/// server): sends the GET, checks for 200, then decodes the chunked body and stamps each complete event line
/// with the time the bytes that completed it were received.
/// </summary>
public sealed class WatchConnection : IDisposable
{
    private readonly Socket socket;
    private readonly byte[] buffer = new byte[16 * 1024];
    private readonly long[] lineTicks;
    private int lines;

    // Chunked decoding state: reading a size line, chunk data, or the CRLF after the data.
    private int state;
    private long chunkSize;
    private long remaining;
    private bool inExtension;

    private WatchConnection(Socket socket, int maxLines)
    {
        this.socket = socket;
        lineTicks = new long[maxLines];
    }

    /// <summary>Complete event lines received so far.</summary>
    public int Lines => Volatile.Read(ref lines);

    /// <summary>Set once the stream ended or failed, with why.</summary>
    public string? Closed { get; private set; }

    /// <summary>When line <paramref name="index"/> (0-based) was received, in Stopwatch ticks.</summary>
    public long LineTicks(int index) => Volatile.Read(ref lineTicks[index]);

    /// <summary>Connects, sends the watch request and reads the response head; the body is read by <see cref="RunAsync"/>.</summary>
    public static async Task<WatchConnection> OpenAsync(IPEndPoint server, string pathAndQuery, int maxLines, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connection = new WatchConnection(socket, maxLines);
        try
        {
            await socket.ConnectAsync(server, ct);
            var request = Encoding.ASCII.GetBytes($"GET {pathAndQuery} HTTP/1.1\r\nHost: {server}\r\nAccept: application/json\r\nUser-Agent: cluster-bench\r\n\r\n");
            await socket.SendAsync(request, SocketFlags.None, ct);
            await connection.ReadHeadAsync(ct);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Reads the stream until it ends, fails or <paramref name="ct"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
                if (n == 0)
                {
                    Closed = "closed by the server";
                    return;
                }

                Feed(buffer.AsSpan(0, n), Stopwatch.GetTimestamp());
            }
        }
        catch (OperationCanceledException)
        {
            Closed = "cancelled";
        }
        catch (SocketException e)
        {
            Closed = e.Message;
        }
        catch (ObjectDisposedException)
        {
            Closed = "disposed";
        }
    }

    public void Dispose() => socket.Dispose();

    private async Task ReadHeadAsync(CancellationToken ct)
    {
        var head = new List<byte>(512);
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0)
            {
                throw new IOException("watch: connection closed before the response head");
            }

            head.AddRange(buffer.AsSpan(0, n));
            var all = head.ToArray();
            var end = all.AsSpan().IndexOf("\r\n\r\n"u8);
            if (end < 0)
            {
                continue;
            }

            var text = Encoding.ASCII.GetString(all, 0, end);
            if (!text.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
            {
                throw new IOException($"watch: {text.Split("\r\n")[0]}");
            }

            if (!text.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase))
            {
                throw new IOException("watch: response is not chunked");
            }

            Feed(all.AsSpan(end + 4), Stopwatch.GetTimestamp());
            return;
        }
    }

    private void Feed(ReadOnlySpan<byte> data, long ticks)
    {
        var i = 0;
        while (i < data.Length)
        {
            switch (state)
            {
                case 0: // size line: hex digits, optional ;extensions, CRLF
                    var b = data[i++];
                    if (b == '\n')
                    {
                        remaining = chunkSize;
                        state = chunkSize == 0 ? 3 : 1;
                        chunkSize = 0;
                        inExtension = false;
                    }
                    else if (b == ';')
                    {
                        inExtension = true;
                    }
                    else if (!inExtension && HexValue(b) is var v and >= 0)
                    {
                        chunkSize = (chunkSize * 16) + v;
                    }

                    break;
                case 1: // chunk data: count the event lines it completes
                    var take = (int)Math.Min(remaining, data.Length - i);
                    var slice = data.Slice(i, take);
                    for (var at = slice.IndexOf((byte)'\n'); at >= 0; at = slice.IndexOf((byte)'\n'))
                    {
                        if (lines < lineTicks.Length)
                        {
                            lineTicks[lines] = ticks;
                        }

                        Volatile.Write(ref lines, lines + 1);
                        slice = slice[(at + 1)..];
                    }

                    i += take;
                    remaining -= take;
                    if (remaining == 0)
                    {
                        state = 2;
                    }

                    break;
                case 2: // CRLF after the chunk data
                    if (data[i++] == '\n')
                    {
                        state = 0;
                    }

                    break;
                default: // last chunk: the stream is over
                    Closed = "stream ended";
                    return;
            }
        }
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
