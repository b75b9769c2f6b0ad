using System.Diagnostics;

namespace Cluster.Node.Tests.Kubectl;

/// <summary>What one kubectl invocation printed and how it exited; its ToString is the assertion message.</summary>
public sealed record KubectlResult(string Command, int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Both streams, for messages kubectl may print on either.</summary>
    public string AllOutput => StdOut + StdErr;

    public override string ToString() =>
        $"{Command}\nexit code: {ExitCode}\n--- stdout ---\n{StdOut}--- stderr ---\n{StdErr}--- end ---";
}

/// <summary>
/// One run of the real /usr/bin/kubectl with its output captured line by line, so a test can wait for a row
/// of a long-running command (get -w, wait, delete) before acting.
/// </summary>
public sealed class KubectlProcess : IDisposable
{
    private const string KubectlPath = "/usr/bin/kubectl";

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _stdoutClosed;

    private KubectlProcess(Process process, string command)
    {
        _process = process;
        Command = command;
    }

    public string Command { get; }

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> StdOutLines
    {
        get
        {
            lock (_lock)
            {
                return [.. _stdout];
            }
        }
    }

    /// <summary>Starts kubectl; <paramref name="input"/> is written to its stdin, which is then closed.</summary>
    public static KubectlProcess Start(IReadOnlyDictionary<string, string> environment, string workingDirectory, IReadOnlyList<string> args, string? input = null)
    {
        var info = new ProcessStartInfo(KubectlPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        var kubectl = new KubectlProcess(process, "kubectl " + string.Join(' ', args));
        process.OutputDataReceived += (_, e) => kubectl.Append(kubectl._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => kubectl.Append(kubectl._stderr, e.Data);
        process.Start();
        if (input is not null)
        {
            process.StandardInput.Write(input);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return kubectl;
    }

    /// <summary>Waits until a stdout line matches; fails with everything printed so far if none does in time.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var hit = _stdout.FirstOrDefault(match);
                if (hit is not null)
                {
                    return hit;
                }

                if (_stdoutClosed)
                {
                    throw new InvalidOperationException($"kubectl closed stdout without the expected line.\n{Snapshot()}");
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No expected line within {timeout}.\n{Snapshot()}");
            }
        }
    }

    /// <summary>The local port a running <c>kubectl port-forward :PORT</c> chose, from its "Forwarding from 127.0.0.1:N -> PORT" line.</summary>
    public async Task<string> WaitForForwardedPortAsync()
    {
        const string prefix = "Forwarding from 127.0.0.1:";
        var line = await WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        return line[prefix.Length..].Split(' ')[0];
    }

    /// <summary>Waits for kubectl to exit; on timeout kills it and fails with its output.</summary>
    public async Task<KubectlResult> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl did not exit within {timeout}.\n{Snapshot()}");
        }

        return Result(_process.ExitCode);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private KubectlResult Result(int exitCode)
    {
        lock (_lock)
        {
            return new KubectlResult(Command, exitCode, Join(_stdout), Join(_stderr));
        }
    }

    private string Snapshot() => Result(_process.HasExited ? _process.ExitCode : -1).ToString();

    private static string Join(List<string> lines) => lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";

    private void Append(List<string> lines, string? line)
    {
        lock (_lock)
        {
            if (line is null)
            {
                _stdoutClosed |= ReferenceEquals(lines, _stdout);
            }
            else
            {
                lines.Add(line);
            }

            var changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }
}
