using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cluster.Bench.Api;

/// <summary>
/// One watch stream over a raw socket (thousands of HttpClient streams would cost the benchmark more than the
/// server): sends the GET, checks for 200, then decodes the chunked body and stamps each complete event line
/// with the time the bytes that completed it were received; given a <see cref="LineHandler"/>, it also hands
/// each line's bytes over (only those streams pay for keeping partial lines).
/// </summary>
public sealed class WatchConnection : IDisposable
{
    private readonly Socket socket;
    private readonly byte[] buffer = new byte[16 * 1024];
    private readonly long[] lineTicks;
    private readonly LineHandler? onLine;
    private int lines;

    // The start of a line whose end has not arrived yet (only with onLine).
    private byte[] partial = [];
    private int partialLength;

    // Chunked decoding state: reading a size line, chunk data, or the CRLF after the data.
    private int state;
    private long chunkSize;
    private long remaining;
    private bool inExtension;

    private WatchConnection(Socket socket, int maxLines, LineHandler? onLine)
    {
        this.socket = socket;
        this.onLine = onLine;
        lineTicks = new long[maxLines];
    }

    /// <summary>Called on the stream's reading task with each complete event line (without its newline) and when it was received.</summary>
    public delegate void LineHandler(ReadOnlySpan<byte> line, long ticks);

    /// <summary>Complete event lines received so far.</summary>
    public int Lines => Volatile.Read(ref lines);

    /// <summary>Set once the stream ended or failed, with why.</summary>
    public string? Closed { get; private set; }

    /// <summary>When line <paramref name="index"/> (0-based) was received, in Stopwatch ticks.</summary>
    public long LineTicks(int index) => Volatile.Read(ref lineTicks[index]);

    /// <summary>Connects, sends the watch request and reads the response head; the body is read by <see cref="RunAsync"/>.</summary>
    public static Task<WatchConnection> OpenAsync(IPEndPoint server, string pathAndQuery, int maxLines, CancellationToken ct) =>
        OpenAsync(server, pathAndQuery, maxLines, null, ct);

    /// <summary>As the other overload, and each event line is handed to <paramref name="onLine"/>.</summary>
    public static async Task<WatchConnection> OpenAsync(IPEndPoint server, string pathAndQuery, int maxLines, LineHandler? onLine, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connection = new WatchConnection(socket, maxLines, onLine);
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

                        if (onLine is not null)
                        {
                            HandLineOver(slice[..at], ticks);
                        }

                        Volatile.Write(ref lines, lines + 1);
                        slice = slice[(at + 1)..];
                    }

                    if (onLine is not null && !slice.IsEmpty)
                    {
                        KeepPartial(slice);
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

    private void HandLineOver(ReadOnlySpan<byte> end, long ticks)
    {
        if (partialLength == 0)
        {
            onLine!(end, ticks);
            return;
        }

        KeepPartial(end);
        onLine!(partial.AsSpan(0, partialLength), ticks);
        partialLength = 0;
    }

    private void KeepPartial(ReadOnlySpan<byte> bytes)
    {
        if (partialLength + bytes.Length > partial.Length)
        {
            Array.Resize(ref partial, Math.Max(partialLength + bytes.Length, partial.Length * 2));
        }

        bytes.CopyTo(partial.AsSpan(partialLength));
        partialLength += bytes.Length;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
