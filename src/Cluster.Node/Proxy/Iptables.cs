using System.Diagnostics;
using System.Text;

namespace Cluster.Node.Proxy;

/// <summary>A command of iptables' that failed, with what it said.</summary>
public sealed class IptablesException(string message) : Exception(message);

/// <summary>
/// Runs iptables' own tools (the nf_tables or legacy backend, whichever the host's <c>iptables</c> is, as Docker uses):
/// <c>iptables-restore --noflush</c> for the proxy's chains, <c>iptables -C/-I</c> for the jumps from the
/// built-in chains, <c>iptables-save</c> to see what is there. Every call waits for the xtables
/// lock (<c>-w</c>) so Docker's changes and ours never interleave.
/// </summary>
public sealed class Iptables(string iptables = "iptables", string restore = "iptables-restore", string save = "iptables-save")
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Whether iptables can be used here: the tools exist and listing the nat table works (it needs root).</summary>
    public async Task<bool> UsableAsync(CancellationToken ct)
    {
        try
        {
            return (await RunAsync(iptables, ["-w", "5", "-t", "nat", "-S", "PREROUTING"], null, ct).ConfigureAwait(false)).Code == 0
                && (await RunAsync(restore, ["--version"], null, ct).ConfigureAwait(false)).Code == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not installed.
            return false;
        }
    }

    /// <summary>Applies restore text atomically (per table), leaving chains it does not name alone.</summary>
    public async Task RestoreAsync(string text, CancellationToken ct)
    {
        var (code, output) = await RunAsync(restore, ["-w", "5", "--noflush"], text, ct).ConfigureAwait(false);
        if (code != 0)
        {
            throw new IptablesException($"iptables-restore exited with {code}: {output.Trim()}");
        }
    }

    /// <summary>What <c>iptables-save</c> prints for <paramref name="table"/>: valid restore input, rules as iptables words them.</summary>
    public async Task<string> SaveAsync(string table, CancellationToken ct)
    {
        var (code, output) = await RunAsync(save, ["-t", table], null, ct).ConfigureAwait(false);
        return code == 0 ? output : throw new IptablesException($"iptables-save -t {table} exited with {code}: {output.Trim()}");
    }

    /// <summary>Inserts the rule at the head of the chain unless it is there already.</summary>
    public async Task EnsureRuleAsync(string table, string chain, IReadOnlyList<string> rule, CancellationToken ct)
    {
        if ((await RunAsync(iptables, ["-w", "5", "-t", table, "-C", chain, .. rule], null, ct).ConfigureAwait(false)).Code == 0)
        {
            return;
        }

        var (code, output) = await RunAsync(iptables, ["-w", "5", "-t", table, "-I", chain, "1", .. rule], null, ct).ConfigureAwait(false);
        if (code != 0)
        {
            throw new IptablesException($"iptables -t {table} -I {chain} exited with {code}: {output.Trim()}");
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, IReadOnlyList<string> arguments, string? input, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new IptablesException($"{file} did not start");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(new StringBuilder(input), deadline.Token).ConfigureAwait(false);
            process.StandardInput.Close();
        }

        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }
}
