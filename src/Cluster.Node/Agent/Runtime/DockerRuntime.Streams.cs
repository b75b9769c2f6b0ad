using Cluster.Api.Streaming;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Cluster.Node.Agent.Runtime;

/// <summary>
/// Exec and attach joined to a client's streams: Docker's hijacked connection carries stdin (half-closed when the
/// client closes stdin, so a command reading to its end finishes) and the multiplexed or, with a tty, raw output.
/// </summary>
public sealed partial class DockerRuntime
{
    public async Task<long> ExecStreamAsync(string id, IList<string> command, bool tty, ContainerIo io, CancellationToken ct)
    {
        var exec = await client.Exec.ExecCreateContainerAsync(id, new ContainerExecCreateParameters
        {
            Cmd = command,
            AttachStdin = io.Stdin is not null,
            AttachStdout = io.Stdout is not null,
            AttachStderr = io.Stderr is not null,
            Tty = tty,
        }, ct).ConfigureAwait(false);
        using (var stream = await client.Exec.StartWithConfigContainerExecAsync(exec.ID, new ContainerExecStartParameters { Tty = tty, Detach = false }, ct).ConfigureAwait(false))
        {
            await PumpAsync(stream, io, size => client.Exec.ResizeContainerExecTtyAsync(exec.ID, size, ct), ct).ConfigureAwait(false);
        }

        // The output ends a little before Docker records the exit code (cri-dockerd re-inspects as well).
        for (var attempt = 0; ; attempt++)
        {
            var inspected = await client.Exec.InspectContainerExecAsync(exec.ID, ct).ConfigureAwait(false);
            if (!inspected.Running || attempt == 50)
            {
                return inspected.ExitCode;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
        }
    }

    public async Task AttachAsync(string id, bool tty, ContainerIo io, CancellationToken ct)
    {
        // The output is raw when the container was created with a tty, whatever the client asks for.
        using (var deadline = Deadline(ct))
        {
            tty = (await client.Containers.InspectContainerAsync(id, deadline.Token).ConfigureAwait(false)).Config?.Tty ?? tty;
        }

        using var stream = await client.Containers.AttachContainerAsync(id, tty, new ContainerAttachParameters
        {
            Stream = true,
            Stdin = io.Stdin is not null,
            Stdout = io.Stdout is not null,
            Stderr = io.Stderr is not null,
        }, ct).ConfigureAwait(false);
        await PumpAsync(stream, io, size => client.Containers.ResizeContainerTtyAsync(id, size, ct), ct).ConfigureAwait(false);
    }

    public async Task<long> ProcessIdAsync(string id, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        var inspected = await client.Containers.InspectContainerAsync(id, deadline.Token).ConfigureAwait(false);
        return inspected.State?.Running == true ? inspected.State.Pid : 0;
    }

    /// <summary>Copies the client's stdin and resizes in, and the output out, until the output ends.</summary>
    private static async Task PumpAsync(MultiplexedStream stream, ContainerIo io, Func<ContainerResizeParameters, Task> resize, CancellationToken ct)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var input = io.Stdin is { } stdin ? CopyStdinAsync(stream, stdin, done.Token) : Task.CompletedTask;
        var resizing = io.Resizes is { } resizes ? ResizeAsync(resizes, resize, done.Token) : Task.CompletedTask;
        var buffer = new byte[32 * 1024];
        try
        {
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, ct).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                var target = read.Target == MultiplexedStream.TargetStream.StandardError ? io.Stderr ?? io.Stdout : io.Stdout ?? io.Stderr;
                if (target is not null)
                {
                    await target(buffer.AsMemory(0, read.Count), ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(input, resizing).ContinueWith(t => _ = t.Exception, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private static async Task CopyStdinAsync(MultiplexedStream stream, Stream stdin, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        try
        {
            int count;
            while ((count = await stdin.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer, 0, count, ct).ConfigureAwait(false);
            }

            // The client closed stdin: the process reads its end.
            stream.CloseWrite();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The output ended first, or the connection broke.
        }
    }

    private static async Task ResizeAsync(System.Threading.Channels.ChannelReader<TerminalSize> sizes, Func<ContainerResizeParameters, Task> resize, CancellationToken ct)
    {
        try
        {
            await foreach (var size in sizes.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await resize(new ContainerResizeParameters { Width = size.Width, Height = size.Height }).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or DockerApiException or IOException)
        {
            // A resize before the process started, or after it ended, is not an error of the session.
        }
    }
}
