using System.Net.WebSockets;

namespace Cluster.Api.Streaming.Spdy;

/// <summary>What a SPDY connection runs over: a byte stream in, whole frames out.</summary>
internal interface ISpdyTransport
{
    /// <summary>Reads some bytes; 0 at the end.</summary>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct);

    /// <summary>Writes one whole frame (callers never interleave).</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken ct);
}

/// <summary>SPDY on the upgraded connection itself (the SPDY/3.1 upgrade kubectl falls back to).</summary>
internal sealed class StreamSpdyTransport(Stream stream) : ISpdyTransport
{
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct) => stream.ReadAsync(buffer, ct);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        await stream.WriteAsync(frame, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }
}

/// <summary>
/// SPDY tunnelled over a WebSocket (client-go's TunnelingConnection): binary messages carry the bytes with no framing
/// of their own; message boundaries mean nothing (the client writes each field of a frame as its own message, some
/// empty), so reads concatenate them. Each frame written goes out as one binary message.
/// </summary>
internal sealed class WebSocketSpdyTransport(WebSocket socket) : ISpdyTransport
{
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
            switch (result.MessageType)
            {
                case WebSocketMessageType.Close:
                    return 0;
                case WebSocketMessageType.Text:
                    throw new InvalidDataException("SPDY tunnel carries binary messages only");
            }

            if (result.Count > 0)
            {
                return result.Count;
            }
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> frame, CancellationToken ct) =>
        socket.SendAsync(frame, WebSocketMessageType.Binary, true, ct);
}
