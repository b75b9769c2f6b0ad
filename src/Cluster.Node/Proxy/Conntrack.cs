using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Proxy;

/// <summary>
/// Deletes connection-tracking entries with conntrack-tools' <c>conntrack -D</c> (as kube-proxy did before it spoke
/// netlink itself). Without the tool the proxy still forwards; stale UDP flows then last until the kernel's UDP
/// timeout, and the node says so once.
/// </summary>
public sealed partial class Conntrack(ILogger logger, string executable = "conntrack")
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private int _missing;

    /// <summary>Deletes the entries matching <paramref name="filter"/>; false when they could not be deleted.</summary>
    public async Task<bool> DeleteAsync(IReadOnlyList<string> filter, CancellationToken ct)
    {
        if (Volatile.Read(ref _missing) != 0)
        {
            return false;
        }

        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-D");
        foreach (var argument in filter)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(Timeout);
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            try
            {
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);

            // No matching entry is a non-zero exit too, and no failure.
            if (process.ExitCode == 0 || output.Contains("0 flow entries have been deleted", StringComparison.Ordinal))
            {
                return true;
            }

            LogFailed(logger, string.Join(' ', filter), output.Trim());
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            LogFailed(logger, string.Join(' ', filter), "timed out");
            return false;
        }
        catch (Win32Exception)
        {
            if (Interlocked.Exchange(ref _missing, 1) == 0)
            {
                LogMissing(logger);
            }

            return false;
        }
    }

    [LoggerMessage(EventId = 9407, Level = LogLevel.Warning, Message = "Service proxy: conntrack (conntrack-tools) is not installed; UDP flows to removed endpoints last until the kernel's UDP timeout")]
    private static partial void LogMissing(ILogger logger);

    [LoggerMessage(EventId = 9408, Level = LogLevel.Debug, Message = "Service proxy: conntrack -D {Filter} failed: {Output}")]
    private static partial void LogFailed(ILogger logger, string filter, string output);
}
