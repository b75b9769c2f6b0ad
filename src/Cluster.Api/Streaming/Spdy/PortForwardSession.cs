using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Cluster.Api.Streaming.Spdy;

/// <summary>
/// The server side of the <c>portforward.k8s.io</c> protocol over SPDY/3.1, as the kubelet's port forwarding speaks
/// it. For each local connection the client opens two streams that share a request id: an "error" stream (which the
/// server ends, with a message when forwarding failed) and a "data" stream (the connection's bytes both ways). Every
/// stream is answered at once (the client waits for each reply before opening the next). SPDY flow control is not
/// used (the client never sends window updates); back-pressure is the transport's.
/// </summary>
/// <remarks>
/// A pair's life: both streams replied → connect to the pod's port → copy both ways; the client's FIN half-closes the
/// pod socket and the copy goes on until the pod's end; the pod's end FINs the data stream → FIN on the error stream.
/// Failure: the message on the error stream, then RST on both.
/// </remarks>
internal sealed class PortForwardSession(ISpdyTransport transport, PodPortConnector connect, string podName) : IDisposable
{
    private const ushort SynStream = 1;
    private const ushort SynReply = 2;
    private const ushort RstStream = 3;
    private const ushort Ping = 6;
    private const ushort GoAway = 7;
    private const byte Fin = 0x01;
    private const uint Cancel = 5;
    private const int DataChunk = 32 * 1024;

    /// <summary>Streams one session may hold open at once; a client opening more gets them reset.</summary>
    private const int MaxStreams = 1024;

    /// <summary>Bytes a data stream may carry before it is forwarded (it is read only once its pair is complete).</summary>
    private const int MaxUnpairedBytes = 64 * 1024;

    /// <summary>How long the pod's end of a connection waits for the client's once the pod has closed (as containerd's forwarder).</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SpdyHeaderInflater _inflater = new();
    private readonly SpdyHeaderDeflater _deflater = new();
    private readonly ConcurrentDictionary<uint, ClientStream> _streams = new();
    private readonly Dictionary<string, (ClientStream? Error, ClientStream? Data)> _pairs = new(StringComparer.Ordinal);
    private readonly List<Task> _forwards = [];

    public async Task RunAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var header = new byte[8];
        try
        {
            while (await ReadExactlyAsync(header, stop.Token).ConfigureAwait(false))
            {
                var length = (header[5] << 16) | (header[6] << 8) | header[7];
                var payload = new byte[length];
                if (!await ReadExactlyAsync(payload, stop.Token).ConfigureAwait(false))
                {
                    break;
                }

                if ((header[0] & 0x80) == 0)
                {
                    await OnDataAsync(BinaryPrimitives.ReadUInt32BigEndian(header) & 0x7FFFFFFF, header[4], payload, stop.Token).ConfigureAwait(false);
                }
                else if (!await OnControlAsync(BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(2)), payload, header, stop.Token).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or WebSocketException or OperationCanceledException or InvalidOperationException)
        {
            // A broken or garbled connection ends the session, as it ends spdystream's.
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var stream in _streams.Values)
            {
                await stream.Incoming.Writer.CompleteAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(_forwards).ContinueWith(t => _ = t.Exception, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _inflater.Dispose();
        _deflater.Dispose();
        _writeLock.Dispose();
    }

    private async Task<bool> OnControlAsync(ushort type, byte[] payload, byte[] header, CancellationToken ct)
    {
        switch (type)
        {
            case SynStream when payload.Length >= 10:
                await OnSynStreamAsync(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF, SpdyHeaderBlock.Parse(_inflater.Inflate(payload.AsSpan(10))), ct).ConfigureAwait(false);
                return true;
            case RstStream when payload.Length >= 4:
                if (_streams.TryRemove(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF, out var reset))
                {
                    reset.Closed = true;
                    await reset.Incoming.Writer.CompleteAsync().ConfigureAwait(false);
                }

                return true;
            case Ping:
                await WriteAsync([.. header, .. payload], ct).ConfigureAwait(false);
                return true;
            case GoAway:
                return false;
            default:
                // SETTINGS, WINDOW_UPDATE and HEADERS change nothing here.
                return true;
        }
    }

    private async Task OnSynStreamAsync(uint id, Dictionary<string, string> headers, CancellationToken ct)
    {
        headers.TryGetValue("streamtype", out var type);
        if (!headers.TryGetValue("port", out var portText) || !ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0 || type is not ("error" or "data"))
        {
            // As the kubelet: a stream it cannot use is reset, not answered.
            await ResetAsync(id, ct).ConfigureAwait(false);
            return;
        }

        if (_streams.Count >= MaxStreams)
        {
            await ResetAsync(id, ct).ConfigureAwait(false);
            return;
        }

        var stream = new ClientStream(id, port, type == "data");
        _streams[id] = stream;
        var reply = _deflater.Deflate([0, 0, 0, 0]);
        var body = new byte[4 + reply.Length];
        BinaryPrimitives.WriteUInt32BigEndian(body, id);
        reply.CopyTo(body, 4);
        await WriteControlAsync(SynReply, 0, body, ct).ConfigureAwait(false);

        // Old clients sent no request id: the data stream then follows its error stream by two.
        var request = headers.TryGetValue("requestid", out var given) ? given : (type == "error" ? id : id - 2).ToString(CultureInfo.InvariantCulture);
        _pairs.TryGetValue(request, out var pair);
        pair = type == "error" ? pair with { Error = stream } : pair with { Data = stream };
        if (pair is { Error: { } error, Data: { } data })
        {
            _pairs.Remove(request);
            data.Paired = true;
            _forwards.RemoveAll(t => t.IsCompleted);
            _forwards.Add(Task.Run(() => ForwardAsync(error, data, ct), CancellationToken.None));
        }
        else
        {
            _pairs[request] = pair;
        }
    }

    private async Task OnDataAsync(uint id, byte flags, byte[] payload, CancellationToken ct)
    {
        if (!_streams.TryGetValue(id, out var stream) || stream.RemoteFinished)
        {
            // A stream already ended (or never known): as spdystream, its late data is dropped.
            return;
        }

        if (payload.Length > 0 && stream.IsData)
        {
            if (!stream.Paired && (stream.UnpairedBytes += payload.Length) > MaxUnpairedBytes)
            {
                // Nobody reads a stream whose pair never came: it may not hold the read loop up.
                _streams.TryRemove(id, out _);
                stream.Closed = true;
                await ResetAsync(id, ct).ConfigureAwait(false);
                return;
            }

            await stream.Incoming.Writer.WriteAsync(payload, ct).ConfigureAwait(false);
        }

        if ((flags & Fin) != 0)
        {
            stream.RemoteFinished = true;
            await stream.Incoming.Writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task ForwardAsync(ClientStream error, ClientStream data, CancellationToken ct)
    {
        Stream? pod = null;
        using var forwarding = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var up = Task.CompletedTask;
        try
        {
            pod = await connect(data.Port, ct).ConfigureAwait(false);
            up = CopyUpAsync(data, pod, forwarding.Token);
            var down = CopyDownAsync(pod, data, ct);

            // Once the pod has closed, what the client still sends has nowhere to go: its copy is given a moment, then dropped.
            if (await Task.WhenAny(up, down).ConfigureAwait(false) == down)
            {
                await Task.WhenAny(up, Task.Delay(Linger, ct)).ConfigureAwait(false);
            }

            await down.ConfigureAwait(false);
            await FinishAsync(error, ct).ConfigureAwait(false);
            await FinishAsync(data, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is IOException or SocketException or OperationCanceledException or InvalidOperationException or NotSupportedException or ObjectDisposedException)
        {
            var message = $"error forwarding port {data.Port.ToString(CultureInfo.InvariantCulture)} to pod {podName}: {e.Message}";
            await WriteDataAsync(error.Id, 0, Encoding.UTF8.GetBytes(message), ct).ConfigureAwait(false);
            await ResetAsync(data.Id, ct).ConfigureAwait(false);
            await ResetAsync(error.Id, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or WebSocketException)
        {
            // The session is over.
        }
        finally
        {
            // The client-to-pod copy may still wait for the client: it ends with the connection.
            await forwarding.CancelAsync().ConfigureAwait(false);
            await up.ContinueWith(t => _ = t.Exception, TaskScheduler.Default).ConfigureAwait(false);
            _streams.TryRemove(error.Id, out _);
            _streams.TryRemove(data.Id, out _);

            // Completing the reading side (never the writer, which the read loop owns) makes later writes no-ops.
            await data.Incoming.Reader.CompleteAsync().ConfigureAwait(false);
            if (pod is not null)
            {
                await pod.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Client to pod, until the client's FIN (then the pod's socket is half-closed, as the client's was).</summary>
    private static async Task CopyUpAsync(ClientStream data, Stream pod, CancellationToken ct)
    {
        var reader = data.Incoming.Reader;
        while (true)
        {
            var read = await reader.ReadAsync(ct).ConfigureAwait(false);
            foreach (var segment in read.Buffer)
            {
                await pod.WriteAsync(segment, ct).ConfigureAwait(false);
            }

            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        if (pod is NetworkStream { Socket: { Connected: true } socket })
        {
            socket.Shutdown(SocketShutdown.Send);
        }
    }

    /// <summary>Pod to client, until the pod closes: then the data stream is finished.</summary>
    private async Task CopyDownAsync(Stream pod, ClientStream data, CancellationToken ct)
    {
        var buffer = new byte[DataChunk];
        int count;
        while ((count = await pod.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            if (data.Closed)
            {
                return;
            }

            await WriteDataAsync(data.Id, 0, buffer.AsMemory(0, count), ct).ConfigureAwait(false);
        }

        await FinishAsync(data, ct).ConfigureAwait(false);
    }

    private async Task FinishAsync(ClientStream stream, CancellationToken ct)
    {
        if (!stream.Finished && !stream.Closed)
        {
            stream.Finished = true;
            await WriteDataAsync(stream.Id, Fin, ReadOnlyMemory<byte>.Empty, ct).ConfigureAwait(false);
        }
    }

    private Task ResetAsync(uint id, CancellationToken ct)
    {
        var body = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(body, id);
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(4), Cancel);
        return WriteControlAsync(RstStream, 0, body, ct);
    }

    private Task WriteControlAsync(ushort type, byte flags, byte[] body, CancellationToken ct)
    {
        var frame = new byte[8 + body.Length];
        frame[0] = 0x80;
        frame[1] = 3;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), type);
        WriteFlagsAndLength(frame, flags, body.Length);
        body.CopyTo(frame, 8);
        return WriteAsync(frame, ct);
    }

    private Task WriteDataAsync(uint id, byte flags, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var frame = new byte[8 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, id);
        WriteFlagsAndLength(frame, flags, data.Length);
        data.CopyTo(frame.AsMemory(8));
        return WriteAsync(frame, ct);
    }

    private static void WriteFlagsAndLength(byte[] frame, byte flags, int length)
    {
        frame[4] = flags;
        frame[5] = (byte)(length >> 16);
        frame[6] = (byte)(length >> 8);
        frame[7] = (byte)length;
    }

    private async Task WriteAsync(byte[] frame, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await transport.WriteAsync(frame, ct).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await transport.ReadAsync(buffer[filled..], ct).ConfigureAwait(false);
            if (read == 0)
            {
                return filled == 0 ? false : throw new InvalidDataException("SPDY frame cut short");
            }

            filled += read;
        }

        return true;
    }

    /// <summary>A stream the client opened: its incoming bytes, and whether this side has ended it.</summary>
    private sealed class ClientStream(uint id, int port, bool isData)
    {
        public uint Id { get; } = id;

        public int Port { get; } = port;

        /// <summary>The data stream of its pair (the error stream carries nothing from the client).</summary>
        public bool IsData { get; } = isData;

        /// <summary>Its error stream came too: it is being forwarded.</summary>
        public bool Paired { get; set; }

        /// <summary>Bytes received before it was paired.</summary>
        public int UnpairedBytes { get; set; }

        /// <summary>The client sent FIN.</summary>
        public bool RemoteFinished { get; set; }

        public Pipe Incoming { get; } = new();

        /// <summary>This server sent FIN.</summary>
        public bool Finished { get; set; }

        /// <summary>The client reset it.</summary>
        public bool Closed { get; set; }
    }
}
