namespace Cluster.Node.Proxy;

/// <summary>
/// kube-proxy's iptables mode: the rules of <see cref="IptablesRules"/> written with one <c>iptables-restore
/// --noflush</c> per change, the jumps into them ensured on every full sync, and the per-service chains no longer
/// wanted deleted in the same restore. On start the chains a previous run left are found and taken over, so a
/// restarted proxy rebuilds the same rules without duplicates.
/// </summary>
public sealed class IptablesBackend(Iptables iptables, string podCidr) : IProxyBackend
{
    private IReadOnlySet<string> _chains = new HashSet<string>();
    private string? _applied;

    /// <summary>The text of the last restore (tests compare it with iptables-save).</summary>
    public string? Applied => _applied;

    public async Task StartAsync(CancellationToken ct)
    {
        // Node ports on 127.0.0.1 are DNATed to pods: the kernel routes such packets only with route_localnet. Bridged
        // pod-to-pod replies must pass through iptables to be un-DNATed (br_netfilter), and the node must forward.
        WriteSysctl("/proc/sys/net/ipv4/conf/all/route_localnet", "1");
        WriteSysctl("/proc/sys/net/bridge/bridge-nf-call-iptables", "1");
        WriteSysctl("/proc/sys/net/ipv4/ip_forward", "1");
        _chains = (await iptables.ChainsAsync("nat", IptablesRules.ServiceChainPrefixes, ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<bool> ApplyAsync(IReadOnlyList<ProxyServicePort> ports, bool full, CancellationToken ct)
    {
        if (full)
        {
            // Chains someone else's edits left behind are found again (and deleted below unless still wanted).
            _chains = (await iptables.ChainsAsync("nat", IptablesRules.ServiceChainPrefixes, ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        }

        // Chains known to exist but not declared by this rule set are deleted by it.
        var rules = IptablesRules.Build(ports, podCidr, _chains);
        if (!full && rules.Text == _applied)
        {
            return false;
        }

        await iptables.RestoreAsync(rules.Text, ct).ConfigureAwait(false);
        if (full)
        {
            // After the restore, which creates the proxy's chains: a jump needs its target. Someone may have deleted one.
            foreach (var (table, chain, rule) in IptablesRules.Jumps)
            {
                await iptables.EnsureRuleAsync(table, chain, rule, ct).ConfigureAwait(false);
            }
        }

        var changed = rules.Text != _applied;
        _applied = rules.Text;
        _chains = rules.ServiceChains;
        return changed;
    }

    public async Task CleanupAsync(CancellationToken ct)
    {
        foreach (var (table, chain, rule) in IptablesRules.Jumps)
        {
            await iptables.DeleteRuleAsync(table, chain, rule, ct).ConfigureAwait(false);
        }

        var chains = await iptables.ChainsAsync("nat", IptablesRules.ServiceChainPrefixes, ct).ConfigureAwait(false);
        await iptables.RestoreAsync(IptablesRules.Cleanup(chains), ct).ConfigureAwait(false);
        _applied = null;
        _chains = new HashSet<string>();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void WriteSysctl(string path, string value)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() != value)
        {
            File.WriteAllText(path, value);
        }
    }
}
