using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Cluster.Api.Streaming;

/// <summary>
/// The WebSocket channel protocols of exec and attach (apimachinery's remotecommand, <c>channel.k8s.io</c> up to
/// <c>v5.channel.k8s.io</c>): every binary message starts with its channel (0 stdin, 1 stdout, 2 stderr, 3 error, 4
/// resize); the server ends with a Status on the error channel and a close. v5 adds the client's "close stdin" message
/// (255, then the channel), without which a command reading stdin to its end (<c>kubectl cp</c>'s tar) could not finish.
/// </summary>
public static class RemoteCommandChannels
{
    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";

    /// <summary>The protocols spoken, newest first, with their version: before v4 the error channel carries plain text, before v3 there is no resize channel.</summary>
    private static readonly (string Name, int Version)[] Spoken = [(V5, 5), (V4, 4), ("v3.channel.k8s.io", 3), ("v2.channel.k8s.io", 2), ("channel.k8s.io", 1)];

    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;
    private const byte ResizeChannel = 4;
    private const byte CloseSignal = 255;

    /// <summary>Larger client messages than this are a protocol error (client-go sends stdin in 32 KiB pieces).</summary>
    private const int MaxMessage = 1 << 20;

    /// <summary>The protocol to answer with: the newest of the client's offers that this server speaks.</summary>
    public static string? Choose(IReadOnlyList<string> offered) =>
        Spoken.FirstOrDefault(p => offered.Contains(p.Name)).Name;

    private static int VersionOf(string protocol) => Spoken.First(p => p.Name == protocol).Version;

    /// <summary>Runs <paramref name="session"/> over the socket until it ends, then writes its Status and closes.</summary>
    public static async Task ServeAsync(WebSocket socket, string protocol, bool stdin, bool stdout, bool stderr, bool tty, ContainerSession session, CancellationToken ct)
    {
        var version = VersionOf(protocol);
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writeLock = new SemaphoreSlim(1, 1);
        var input = new Pipe();
        var resizes = Channel.CreateBounded<TerminalSize>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });

        async ValueTask Send(byte channel, ReadOnlyMemory<byte> data, CancellationToken token)
        {
            var message = ArrayPool<byte>.Shared.Rent(data.Length + 1);
            try
            {
                message[0] = channel;
                data.CopyTo(message.AsMemory(1));
                await writeLock.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    await socket.SendAsync(message.AsMemory(0, data.Length + 1), WebSocketMessageType.Binary, true, token).ConfigureAwait(false);
                }
                finally
                {
                    writeLock.Release();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(message);
            }
        }

        var reading = ReadClientAsync(socket, stdin ? input.Writer : null, resizes.Writer, gone);
        var io = new ContainerIo
        {
            Stdin = stdin ? input.Reader.AsStream() : null,
            Stdout = stdout ? (data, token) => Send(StdoutChannel, data, token) : null,
            Stderr = stderr && !tty ? (data, token) => Send(StderrChannel, data, token) : null,
            Resizes = tty && version >= 3 ? resizes.Reader : null,
        };

        JsonObject status;
        try
        {
            var exitCode = await session(io, gone.Token).ConfigureAwait(false);
            status = exitCode == 0 ? new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" } : NonZeroExit(exitCode);
        }
        catch (OperationCanceledException) when (gone.IsCancellationRequested)
        {
            await gone.CancelAsync().ConfigureAwait(false);
            await reading.ConfigureAwait(false);
            return;
        }
        catch (Exception e)
        {
            // The runtime failed (a timeout of its own included): the client is told, with a Status, before the close.
            status = new JsonObject
            {
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = "Internal error occurred: " + e.Message,
                ["reason"] = "InternalError",
                ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = e.Message }) },
                ["code"] = 500,
            };
        }

        // What the client still sends on stdin has nowhere to go.
        await input.Reader.CompleteAsync().ConfigureAwait(false);
        try
        {
            // v4 and later: a Status, always; before: the error's text, only when there is one.
            if (version >= 4)
            {
                await Send(ErrorChannel, JsonSerializer.SerializeToUtf8Bytes(status), gone.Token).ConfigureAwait(false);
            }
            else if ((string?)status["status"] == "Failure")
            {
                await Send(ErrorChannel, System.Text.Encoding.UTF8.GetBytes((string?)status["message"] ?? ""), gone.Token).ConfigureAwait(false);
            }

            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, gone.Token).ConfigureAwait(false);

            // The client answers the close; a client that does not is not waited for long.
            await reading.WaitAsync(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
            // The client is gone already.
        }
        finally
        {
            await gone.CancelAsync().ConfigureAwait(false);
            await reading.ConfigureAwait(false);
        }
    }

    private static JsonObject NonZeroExit(long code)
    {
        var text = code.ToString(CultureInfo.InvariantCulture);
        return new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = "command terminated with non-zero exit code: exit code " + text,
            ["reason"] = "NonZeroExitCode",
            ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = text }) },
        };
    }

    /// <summary>Reads the client's messages until it closes: stdin into the pipe, resizes into the channel.</summary>
    /// <param name="stdin">Null when the client did not ask for stdin: what it sends there is dropped.</param>
    private static async Task ReadClientAsync(WebSocket socket, PipeWriter? stdin, ChannelWriter<TerminalSize> resizes, CancellationTokenSource gone)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var stdinOpen = stdin is not null;
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.GetMemory(4096), gone.Token).ConfigureAwait(false);
                    buffer.Advance(result.Count);
                    if (buffer.WrittenCount > MaxMessage)
                    {
                        throw new WebSocketException(WebSocketError.HeaderError, "message too large");
                    }
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var message = buffer.WrittenMemory;
                if (message.Length == 0)
                {
                    continue;
                }

                switch (message.Span[0])
                {
                    case StdinChannel when stdinOpen:
                        if ((await stdin!.WriteAsync(message[1..], gone.Token).ConfigureAwait(false)).IsCompleted)
                        {
                            // The session no longer reads stdin.
                            stdinOpen = false;
                        }

                        break;
                    case ResizeChannel:
                        if (ParseSize(message[1..]) is { } size)
                        {
                            resizes.TryWrite(size);
                        }

                        break;
                    case CloseSignal when message.Length > 1 && message.Span[1] == StdinChannel && stdinOpen:
                        stdinOpen = false;
                        await stdin!.CompleteAsync().ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The connection broke or the session ended.
        }
        finally
        {
            if (stdin is not null)
            {
                await stdin.CompleteAsync().ConfigureAwait(false);
            }

            resizes.TryComplete();
            if (socket.State is not (WebSocketState.CloseSent or WebSocketState.Closed) && !gone.IsCancellationRequested)
            {
                // The client left before the session ended: stop it.
                await gone.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private static TerminalSize? ParseSize(ReadOnlyMemory<byte> json)
    {
        try
        {
            var node = JsonNode.Parse(json.Span);
            return node?["Width"]?.GetValue<ushort>() is { } width && node["Height"]?.GetValue<ushort>() is { } height ? new TerminalSize(width, height) : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
