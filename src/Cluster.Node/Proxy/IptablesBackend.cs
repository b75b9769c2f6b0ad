namespace Cluster.Node.Proxy;

/// <summary>
/// kube-proxy's iptables mode: the rules of <see cref="IptablesRules"/> written with one <c>iptables-restore
/// --noflush</c> per change, the jumps into them ensured on every full sync, and the per-service chains no longer
/// wanted deleted in the same restore. On start the chains a previous run left are found and taken over, so a
/// restarted proxy rebuilds the same rules without duplicates. After a restore, the UDP flows the change left
/// pointing at a removed endpoint are deleted with <paramref name="conntrack"/> (<see cref="StaleUdpFlows"/>).
/// </summary>
public sealed class IptablesBackend(Iptables iptables, string podCidr, Conntrack? conntrack = null) : IProxyBackend
{
    private IReadOnlySet<string> _chains = new HashSet<string>();
    private IReadOnlyList<ProxyServicePort> _ports = [];
    private string? _applied;
    private IReadOnlyDictionary<string, string>? _bodies;

    /// <summary>The text of the last restore (tests compare it with iptables-save).</summary>
    public string? Applied => _applied;

    public async Task StartAsync(CancellationToken ct)
    {
        // Node ports on 127.0.0.1 are DNATed to pods: the kernel routes such packets only with route_localnet. Bridged
        // pod-to-pod replies must pass through iptables to be un-DNATed (br_netfilter), and the node must forward.
        WriteSysctl("/proc/sys/net/ipv4/conf/all/route_localnet", "1");
        WriteSysctl("/proc/sys/net/bridge/bridge-nf-call-iptables", "1");
        WriteSysctl("/proc/sys/net/ipv4/ip_forward", "1");
        _chains = IptablesRules.Chains(await iptables.SaveAsync("nat", ct).ConfigureAwait(false), IptablesRules.ServiceChainPrefixes);
    }

    public async Task<bool> ApplyAsync(IReadOnlyList<ProxyServicePort> ports, bool full, CancellationToken ct)
    {
        // One read of the nat table per full sync serves both the chains and the jumps (the restore below touches
        // neither the built-in chains nor the jumps in them).
        var natSave = full ? await iptables.SaveAsync("nat", ct).ConfigureAwait(false) : null;
        if (natSave is not null)
        {
            // Chains someone else's edits left behind are found again (and deleted below unless still wanted).
            _chains = IptablesRules.Chains(natSave, IptablesRules.ServiceChainPrefixes);
        }

        // Chains known to exist but not declared by this rule set are deleted by it; between full syncs only the
        // per-service chains that changed are written (with 1,000 Services, writing all took a second a change).
        var rules = IptablesRules.Build(ports, podCidr, _chains, _bodies);
        if (!full && rules.Text == _applied)
        {
            return false;
        }

        await iptables.RestoreAsync(full || _bodies is null ? rules.Text : rules.PartialText, ct).ConfigureAwait(false);
        _bodies = rules.Bodies;
        if (natSave is not null)
        {
            // After the restore, which creates the proxy's chains: a jump needs its target. Someone may have deleted
            // one; what is there is read once per table (each iptables call reads the whole table).
            foreach (var table in new[] { "nat", "filter" })
            {
                var saved = table == "nat" ? natSave : await iptables.SaveAsync(table, ct).ConfigureAwait(false);
                foreach (var (_, chain, rule) in IptablesRules.Jumps.Where(j => j.Table == table))
                {
                    if (!IptablesRules.HasJump(saved, chain, rule))
                    {
                        await iptables.EnsureRuleAsync(table, chain, rule, ct).ConfigureAwait(false);
                    }
                }
            }
        }

        var changed = rules.Text != _applied;
        _applied = rules.Text;
        _chains = rules.ServiceChains;
        if (conntrack is not null)
        {
            // After the restore: a flow deleted before it would be translated by the old rules again.
            foreach (var filter in StaleUdpFlows.Between(_ports, ports))
            {
                await conntrack.DeleteAsync(filter, ct).ConfigureAwait(false);
            }
        }

        _ports = ports;
        return changed;
    }

    public async Task CleanupAsync(CancellationToken ct)
    {
        // One save per table and one restore: the jumps into the proxy's chains deleted as iptables-save words them,
        // then the chains. (An iptables call per rule reads the whole table each time: seconds with 1,000 Services.)
        var nat = await iptables.SaveAsync("nat", ct).ConfigureAwait(false);
        var filter = await iptables.SaveAsync("filter", ct).ConfigureAwait(false);
        await iptables.RestoreAsync(IptablesRules.Cleanup(nat, filter), ct).ConfigureAwait(false);
        _applied = null;
        _bodies = null;
        _chains = new HashSet<string>();
        _ports = [];
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
