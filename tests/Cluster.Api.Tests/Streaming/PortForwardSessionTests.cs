using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cluster.Api.Streaming;

namespace Cluster.Api.Tests.Streaming;

/// <summary>
/// The port-forward SPDY session driven by frames a real spdystream client (kubectl 1.32's) wrote, captured byte for
/// byte, against a loopback server standing in for the pod's port.
/// </summary>
public sealed class PortForwardSessionTests
{
    // SYN_STREAM 1 {streamtype: error, port: 8080, requestid: 0}, the first header block of the connection (zlib with the SPDY dictionary).
    private const string ErrorStreamSyn = "800300010000003e0000000100000000000078f9e3c6a7c202253a703a2b294a4dcc851625aca9a0808614cb45e01c60616061c0c0c0c0590489c64c50f2663400000000ffff";

    // SYN_STREAM 3 {streamtype: data, port: 8080, requestid: 0}: the same zlib stream continued.
    private const string DataStreamSyn = "800300010000001800000003000000000000c2aa19540e2512d60b000000ffff";

    [Fact]
    public async Task CapturedClientStreams_ForwardedToThePort_RepliesDataThenFinOnBoth()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            var stream = accepted.GetStream();
            var buffer = new byte[4];
            await stream.ReadExactlyAsync(buffer);
            await stream.WriteAsync(Encoding.ASCII.GetBytes("pong:" + Encoding.ASCII.GetString(buffer)));
        });
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        int? asked = null;
        await using var wire = new Wire();
        var session = PortForwardProtocol.ServeAsync(wire.ServerSide, async (p, ct) =>
        {
            asked = p;
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, ct);
            return client.GetStream();
        }, "web, uid u1", CancellationToken.None);

        await wire.SendAsync(Convert.FromHexString(ErrorStreamSyn));
        var errorReply = await wire.ReadFrameAsync();
        await wire.SendAsync(Data(1, fin: true, []));
        await wire.SendAsync(Convert.FromHexString(DataStreamSyn));
        var dataReply = await wire.ReadFrameAsync();
        await wire.SendAsync(Data(3, fin: false, "ping"u8.ToArray()));
        await wire.SendAsync([0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1]);
        var frames = new List<byte[]>();
        for (var i = 0; i < 4; i++)
        {
            frames.Add(await wire.ReadFrameAsync());
        }

        await server;
        await wire.CloseAsync();
        await session;

        Assert.Equal(8080, asked);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(errorReply.AsSpan(8)));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32BigEndian(dataReply.AsSpan(8)));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 }, InflateReplies(errorReply[12..], dataReply[12..]));
        Assert.Contains(frames, f => f.AsSpan().SequenceEqual(new byte[] { 0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 1 }));
        var data = frames.Where(f => (f[0] & 0x80) == 0).Select(f => (Id: BinaryPrimitives.ReadUInt32BigEndian(f), Fin: f[4] == 1, Text: Encoding.ASCII.GetString(f, 8, f.Length - 8))).ToList();
        Assert.Equal([(3u, false, "pong:ping"), (3u, true, ""), (1u, true, "")], data);
    }

    [Fact]
    public async Task PortThatRefuses_ErrorStreamCarriesTheMessage_ThenBothStreamsReset()
    {
        await using var wire = new Wire();
        var session = PortForwardProtocol.ServeAsync(wire.ServerSide, (_, _) => throw new IOException("Connection refused"), "web, uid u1", CancellationToken.None);

        await wire.SendAsync(Convert.FromHexString(ErrorStreamSyn));
        await wire.ReadFrameAsync();
        await wire.SendAsync(Data(1, fin: true, []));
        await wire.SendAsync(Convert.FromHexString(DataStreamSyn));
        await wire.ReadFrameAsync();
        var message = await wire.ReadFrameAsync();
        var resetData = await wire.ReadFrameAsync();
        var resetError = await wire.ReadFrameAsync();
        await wire.CloseAsync();
        await session;

        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(message));
        Assert.Equal("error forwarding port 8080 to pod web, uid u1: Connection refused", Encoding.UTF8.GetString(message, 8, message.Length - 8));
        Assert.Equal(Convert.FromHexString("80030003000000080000000300000005"), resetData);
        Assert.Equal(Convert.FromHexString("80030003000000080000000100000005"), resetError);
    }

    [Fact]
    public async Task DataAfterTheClientsFin_IsDropped_TheSessionGoesOn()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync();
        await using var wire = new Wire();
        var session = PortForwardProtocol.ServeAsync(wire.ServerSide, async (_, ct) =>
        {
            var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, ct);
            return client.GetStream();
        }, "web, uid u1", CancellationToken.None);

        await wire.SendAsync(Convert.FromHexString(ErrorStreamSyn));
        await wire.ReadFrameAsync();
        await wire.SendAsync(Convert.FromHexString(DataStreamSyn));
        await wire.ReadFrameAsync();
        await wire.SendAsync(Data(3, fin: true, "x"u8.ToArray()));
        await wire.SendAsync(Data(3, fin: false, "late"u8.ToArray()));
        await wire.SendAsync([0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 7]);
        var echoed = await wire.ReadFrameAsync();
        using var pod = await accepted;
        var received = new byte[8];
        var count = await pod.GetStream().ReadAsync(received);
        await wire.CloseAsync();
        await session;

        Assert.Equal(Convert.FromHexString("800300060000000400000007"), echoed);
        Assert.Equal("x", Encoding.ASCII.GetString(received, 0, count));
    }

    [Fact]
    public async Task HeaderBlockThatInflatesToMegabytes_EndsTheSession_WithoutReplying()
    {
        await using var wire = new Wire();
        var connected = false;
        var session = PortForwardProtocol.ServeAsync(wire.ServerSide, (_, _) => { connected = true; throw new IOException("never"); }, "web, uid u1", CancellationToken.None);
        using var deflated = new MemoryStream();
        using (var deflate = new DeflateStream(deflated, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(new byte[4 << 20]);
            deflate.Flush();
        }

        byte[] block = [0x78, 0xF9, 0xE3, 0xC6, 0xA7, 0xC2, .. deflated.ToArray()];
        var frame = new byte[18 + block.Length];
        frame[0] = 0x80;
        frame[1] = 3;
        frame[3] = 1;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)(10 + block.Length));
        frame[4] = 0;
        frame[11] = 1;
        block.CopyTo(frame, 18);

        await wire.SendAsync(frame);
        await session.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(connected);
    }

    private static byte[] Data(uint id, bool fin, byte[] payload)
    {
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, id);
        frame[4] = fin ? (byte)1 : (byte)0;
        frame[7] = (byte)payload.Length;
        payload.CopyTo(frame, 8);
        return frame;
    }

    /// <summary>The server's header blocks are one zlib stream (as the client reads them): both replies inflate in order.</summary>
    private static byte[] InflateReplies(params byte[][] blocks)
    {
        using var compressed = new MemoryStream([.. blocks.SelectMany(b => b)]);
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        var output = new MemoryStream();
        var buffer = new byte[64];
        try
        {
            int read;
            while ((read = zlib.Read(buffer)) > 0)
            {
                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            // The stream is never finished (no final block), as the protocol wants.
        }

        return output.ToArray();
    }

    /// <summary>Both ends of an upgraded connection in memory: the session's stream and the test's client side.</summary>
    private sealed class Wire : IAsyncDisposable
    {
        private readonly Pipe _toServer = new();
        private readonly Pipe _toClient = new();
        private readonly Stream _clientReads;

        public Wire()
        {
            ServerSide = new DuplexStream(_toServer.Reader.AsStream(), _toClient.Writer.AsStream());
            _clientReads = _toClient.Reader.AsStream();
        }

        public Stream ServerSide { get; }

        public async Task SendAsync(byte[] bytes) => await _toServer.Writer.WriteAsync(bytes);

        public async Task<byte[]> ReadFrameAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var header = new byte[8];
            await _clientReads.ReadExactlyAsync(header, timeout.Token);
            var body = new byte[(header[5] << 16) | (header[6] << 8) | header[7]];
            await _clientReads.ReadExactlyAsync(body, timeout.Token);
            return [.. header, .. body];
        }

        public async Task CloseAsync() => await _toServer.Writer.CompleteAsync();

        public async ValueTask DisposeAsync()
        {
            await _toServer.Writer.CompleteAsync();
            await _toClient.Writer.CompleteAsync();
        }
    }

    private sealed class DuplexStream(Stream read, Stream write) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => read.ReadAsync(buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => write.WriteAsync(buffer, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => write.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => read.Read(buffer, offset, count);

        public override void Write(byte[] buffer, int offset, int count) => write.Write(buffer, offset, count);

        public override void Flush() => write.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
