using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cluster.Node.Proxy;

/// <summary>
/// A rule set: <see cref="Text"/> writes all of it; <see cref="PartialText"/> only the fixed chains and the per-service
/// chains that differ from the bodies it was built against (upstream's minimal restore: a change to one Service
/// rewrites its chains, not those of a thousand others). <see cref="Bodies"/> are the per-service chains' rules.
/// </summary>
public sealed record RuleSet(string Text, string PartialText, IReadOnlySet<string> ServiceChains, IReadOnlyDictionary<string, string> Bodies);

/// <summary>
/// The rules of kube-proxy's iptables mode for a set of service ports, as the text <c>iptables-restore --noflush</c>
/// takes: the proxy's chains are declared (which creates or empties them) and filled, so one restore replaces all of
/// them atomically and leaves every other chain alone. Pure: same service ports, same text.
/// <code>
///   nat:  PREROUTING/OUTPUT ─▶ KUBE-SERVICES ─(cluster IP:port)─▶ KUBE-SVC-x ─(random share)─▶ KUBE-SEP-y ─▶ DNAT pod:port
///                              └─(local address)─▶ KUBE-NODEPORTS ─(node port)─▶ KUBE-EXT-x ─▶ KUBE-SVC-x | KUBE-SVL-x
///         POSTROUTING ─▶ KUBE-POSTROUTING: MASQUERADE what KUBE-MARK-MASQ marked
///   filter: no endpoints ─▶ REJECT (KUBE-SERVICES, KUBE-EXTERNAL-SERVICES); KUBE-FORWARD accepts marked and
///           established traffic past Docker's FORWARD policy
/// </code>
/// </summary>
public static class IptablesRules
{
    public const string Services = "KUBE-SERVICES";
    public const string NodePorts = "KUBE-NODEPORTS";
    public const string PostRouting = "KUBE-POSTROUTING";
    public const string MarkMasq = "KUBE-MARK-MASQ";
    public const string ExternalServices = "KUBE-EXTERNAL-SERVICES";
    public const string Forward = "KUBE-FORWARD";
    public const string Firewall = "KUBE-PROXY-FIREWALL";

    /// <summary>The mark bit that asks for SNAT (upstream's --iptables-masquerade-bit 14).</summary>
    public const string MasqMark = "0x4000";

    /// <summary>The proxy's fixed chains per table; the per-service chains start with these prefixes.</summary>
    public static readonly string[] NatChains = [Services, NodePorts, PostRouting, MarkMasq];
    public static readonly string[] FilterChains = [Services, ExternalServices, Forward, Firewall];
    public static readonly string[] ServiceChainPrefixes = ["KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-SEP-"];

    /// <summary>
    /// The jumps from the built-in chains into the proxy's (table, chain, rule), kept outside the restore because
    /// those chains belong to others (Docker's rules live there too): ensured with <c>-C</c> / <c>-I</c>, removed with <c>-D</c>.
    /// </summary>
    public static readonly (string Table, string Chain, string[] Rule)[] Jumps =
    [
        ("nat", "PREROUTING", ["-m", "comment", "--comment", "kubernetes service portals", "-j", Services]),
        ("nat", "OUTPUT", ["-m", "comment", "--comment", "kubernetes service portals", "-j", Services]),
        ("nat", "POSTROUTING", ["-m", "comment", "--comment", "kubernetes postrouting rules", "-j", PostRouting]),
        ("filter", "INPUT", ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes externally-visible service portals", "-j", ExternalServices]),
        ("filter", "FORWARD", ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes externally-visible service portals", "-j", ExternalServices]),
        ("filter", "INPUT", ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes service portals", "-j", Services]),
        ("filter", "FORWARD", ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes service portals", "-j", Services]),
        ("filter", "OUTPUT", ["-m", "conntrack", "--ctstate", "NEW", "-m", "comment", "--comment", "kubernetes service portals", "-j", Services]),
        ("filter", "FORWARD", ["-m", "comment", "--comment", "kubernetes forwarding rules", "-j", Forward]),
        ("filter", "INPUT", ["-j", Firewall]),
        ("filter", "OUTPUT", ["-j", Firewall]),
    ];

    /// <summary>
    /// The restore text for both tables. <paramref name="podCidr"/> is where pods' addresses come from: traffic from
    /// elsewhere (the node itself, other hosts) is masqueraded so replies come back through this node.
    /// <paramref name="staleChains"/> are service chains that exist now and are no longer wanted: they are emptied
    /// and deleted in the same restore.
    /// </summary>
    /// <param name="applied">The per-service chains' bodies now in the kernel (for <see cref="RuleSet.PartialText"/>); null: none known.</param>
    public static RuleSet Build(
        IReadOnlyList<ProxyServicePort> ports, string podCidr, IReadOnlyCollection<string>? staleChains = null, IReadOnlyDictionary<string, string>? applied = null)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var nat = new Table();
        var filter = new Table();
        foreach (var chain in NatChains)
        {
            nat.Declare(chain);
        }

        foreach (var chain in FilterChains)
        {
            filter.Declare(chain);
        }

        nat.Add($"-A {PostRouting} -m mark ! --mark {MasqMark}/{MasqMark} -j RETURN");
        // The mark would survive into a second pass (a packet re-entering after SNAT); upstream clears it here.
        nat.Add($"-A {PostRouting} -j MARK --xor-mark {MasqMark}");
        nat.Add($"-A {PostRouting} -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully");
        nat.Add($"-A {MarkMasq} -j MARK --or-mark {MasqMark}");

        filter.Add($"-A {Forward} -m comment --comment \"kubernetes forwarding rules\" -m mark --mark {MasqMark}/{MasqMark} -j ACCEPT");
        filter.Add($"-A {Forward} -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        // Node ports on 127.0.0.1 need route_localnet; this keeps other hosts from using it to reach the node's loopback.
        filter.Add($"-A {Firewall} ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment \"block incoming localnet connections\" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP");

        foreach (var port in ports)
        {
            AddServicePort(nat, filter, port, podCidr);
        }

        nat.Add($"-A {Services} -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j {NodePorts}");

        var wanted = nat.Declared.Where(c => ServiceChainPrefixes.Any(p => c.StartsWith(p, StringComparison.Ordinal))).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in staleChains ?? [])
        {
            if (!nat.Declared.Contains(stale))
            {
                nat.Declare(stale);
                nat.Delete(stale);
            }
        }

        var bodies = wanted.ToDictionary(c => c, nat.Body, StringComparer.Ordinal);
        var text = new StringBuilder();
        nat.WriteTo(text, "nat", _ => true);
        filter.WriteTo(text, "filter", _ => true);
        var partial = new StringBuilder();
        nat.WriteTo(partial, "nat", c => !bodies.TryGetValue(c, out var body) || applied is null || !applied.TryGetValue(c, out var before) || before != body);
        filter.WriteTo(partial, "filter", _ => true);
        return new RuleSet(text.ToString(), partial.ToString(), wanted, bodies);
    }

    /// <summary>
    /// The restore text that removes everything of the proxy's from the two tables as <c>iptables-save</c> printed
    /// them: the jumps from the built-in chains into KUBE- chains (as <c>-D</c> lines), then the KUBE- chains,
    /// emptied and deleted.
    /// </summary>
    public static string Cleanup(string natSave, string filterSave)
    {
        var text = new StringBuilder();
        foreach (var (name, save) in new[] { ("nat", natSave), ("filter", filterSave) })
        {
            var lines = save.Split('\n');
            var chains = Chains(save, ["KUBE-"]);
            text.Append('*').Append(name).Append('\n');
            foreach (var chain in chains)
            {
                text.Append(':').Append(chain).Append(" - [0:0]\n");
            }

            foreach (var jump in lines.Where(l => l.StartsWith("-A ", StringComparison.Ordinal) && !l.StartsWith("-A KUBE-", StringComparison.Ordinal) && l.Contains(" -j KUBE-", StringComparison.Ordinal)))
            {
                text.Append("-D").Append(jump.AsSpan(2)).Append('\n');
            }

            foreach (var chain in chains)
            {
                text.Append("-X ").Append(chain).Append('\n');
            }

            text.Append("COMMIT\n");
        }

        return text.ToString();
    }

    /// <summary>The chains declared in <paramref name="save"/> (iptables-save output) whose names start with one of <paramref name="prefixes"/>.</summary>
    public static IReadOnlySet<string> Chains(string save, IReadOnlyList<string> prefixes) =>
        save.Split('\n')
            .Where(line => line.StartsWith(':'))
            .Select(line => line[1..].Split(' ')[0])
            .Where(chain => prefixes.Any(p => chain.StartsWith(p, StringComparison.Ordinal)))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="save"/> (iptables-save output) has the jump <paramref name="rule"/> in <paramref name="chain"/>.</summary>
    public static bool HasJump(string save, string chain, IReadOnlyList<string> rule)
    {
        var target = rule[^1];
        var comment = rule.Select((word, i) => (word, i)).FirstOrDefault(p => p.word == "--comment").i is var at && at > 0 ? rule[at + 1] : null;
        var ctstate = rule.Contains("--ctstate");
        return save.Split('\n').Any(l => l.StartsWith("-A " + chain + " ", StringComparison.Ordinal) && l.EndsWith("-j " + target, StringComparison.Ordinal)
            && (comment is null ? !l.Contains("--comment", StringComparison.Ordinal) : l.Contains(comment, StringComparison.Ordinal))
            && l.Contains("--ctstate", StringComparison.Ordinal) == ctstate);
    }

    /// <summary>Upstream's servicePortPolicyClusterChain: <c>KUBE-SVC-</c> and 16 base32 characters of a SHA-256 of the port's name and protocol.</summary>
    public static string ServiceChain(ProxyServicePort port) => "KUBE-SVC-" + Hash(port.Key + port.Protocol.ToLowerInvariant());

    /// <summary>The chain of the port's local endpoints (a Local traffic policy).</summary>
    public static string LocalChain(ProxyServicePort port) => "KUBE-SVL-" + Hash(port.Key + port.Protocol.ToLowerInvariant());

    /// <summary>The chain node-port and external traffic enters by.</summary>
    public static string ExternalChain(ProxyServicePort port) => "KUBE-EXT-" + Hash(port.Key + port.Protocol.ToLowerInvariant());

    /// <summary>Upstream's servicePortEndpointChainName.</summary>
    public static string EndpointChain(ProxyServicePort port, ProxyEndpoint endpoint) =>
        "KUBE-SEP-" + Hash(port.Key + port.Protocol.ToLowerInvariant() + endpoint);

    private static void AddServicePort(Table nat, Table filter, ProxyServicePort port, string podCidr)
    {
        var protocol = port.Protocol.ToLowerInvariant();
        var match = $"-m {protocol} -p {protocol}";
        var all = port.Usable.ToList();
        var local = port.UsableLocal.ToList();
        var key = port.Key;

        // Endpoint chains, one per endpoint used by any path.
        foreach (var endpoint in all)
        {
            var sep = nat.Declare(EndpointChain(port, endpoint));
            nat.Add($"-A {sep} -m comment --comment {Quote(key)} -s {endpoint.Address}/32 -j {MarkMasq}");
            var remember = port.ClientIpAffinity ? $" -m recent --name {sep} --set" : "";
            nat.Add($"-A {sep} -m comment --comment {Quote(key)}{remember} {match} -j DNAT --to-destination {endpoint}");
        }

        var clusterChain = all.Count > 0 ? ServiceChain(port) : null;
        if (clusterChain is not null)
        {
            nat.Declare(clusterChain);
            foreach (var ip in port.ClusterIps)
            {
                nat.Add($"-A {clusterChain} -m comment --comment {Quote(key + " cluster IP")} {match} -d {ip}/32 --dport {port.Port} ! -s {podCidr} -j {MarkMasq}");
            }

            Balance(nat, clusterChain, port, all);
        }

        var localChain = port.InternalPolicyLocal || port.ExternalPolicyLocal ? LocalChain(port) : null;
        if (localChain is not null && local.Count > 0)
        {
            nat.Declare(localChain);
            Balance(nat, localChain, port, local);
        }

        // Cluster IPs: to every endpoint, or with internalTrafficPolicy Local to this node's only.
        var internalTarget = port.InternalPolicyLocal ? (local.Count > 0 ? localChain : null) : clusterChain;
        foreach (var ip in port.ClusterIps)
        {
            var destination = $"{match} -d {ip}/32 --dport {port.Port}";
            if (internalTarget is not null)
            {
                nat.Add($"-A {Services} -m comment --comment {Quote(key + " cluster IP")} {destination} -j {internalTarget}");
            }
            else if (port.InternalPolicyLocal && all.Count > 0)
            {
                filter.Add($"-A {Services} -m comment --comment {Quote(key + " has no local endpoints")} {destination} -j DROP");
            }
            else
            {
                filter.Add($"-A {Services} -m comment --comment {Quote(key + " has no endpoints")} {destination} -j REJECT");
            }
        }

        if (port.NodePort == 0 && port.ExternalIps.Count == 0)
        {
            return;
        }

        // Node ports and external IPs enter by KUBE-EXT: masqueraded unless the policy is Local (which keeps the
        // client's address and so may use only this node's endpoints).
        var externalUsable = port.ExternalPolicyLocal ? local.Count > 0 : all.Count > 0;
        if (all.Count == 0)
        {
            foreach (var ip in port.ExternalIps)
            {
                filter.Add($"-A {ExternalServices} -m comment --comment {Quote(key + " has no endpoints")} {match} -d {ip}/32 --dport {port.Port} -j REJECT");
            }

            if (port.NodePort > 0)
            {
                filter.Add($"-A {ExternalServices} -m comment --comment {Quote(key + " has no endpoints")} -m addrtype --dst-type LOCAL {match} --dport {port.NodePort} -j REJECT");
            }

            return;
        }

        var ext = nat.Declare(ExternalChain(port));
        if (port.ExternalPolicyLocal)
        {
            // Pods and the node itself still reach every endpoint (as through the cluster IP); only outside clients are kept local.
            nat.Add($"-A {ext} -m comment --comment {Quote("pod traffic for " + key + " external destinations")} -s {podCidr} -j {clusterChain}");
            nat.Add($"-A {ext} -m comment --comment {Quote("masquerade LOCAL traffic for " + key + " external destinations")} -m addrtype --src-type LOCAL -j {MarkMasq}");
            nat.Add($"-A {ext} -m comment --comment {Quote("route LOCAL traffic for " + key + " external destinations")} -m addrtype --src-type LOCAL -j {clusterChain}");
            if (externalUsable)
            {
                nat.Add($"-A {ext} -j {localChain}");
            }
            else
            {
                // Not translated, the packet goes on to the filter table, where KUBE-EXTERNAL-SERVICES drops it.
                filter.Add($"-A {ExternalServices} -m comment --comment {Quote(key + " has no local endpoints")} -m addrtype --dst-type LOCAL {match} --dport {port.NodePort} -j DROP");
            }
        }
        else
        {
            nat.Add($"-A {ext} -m comment --comment {Quote("masquerade traffic for " + key + " external destinations")} -j {MarkMasq}");
            nat.Add($"-A {ext} -j {clusterChain}");
        }

        foreach (var ip in port.ExternalIps)
        {
            nat.Add($"-A {Services} -m comment --comment {Quote(key + " external IP")} {match} -d {ip}/32 --dport {port.Port} -j {ext}");
        }

        if (port.NodePort > 0)
        {
            nat.Add($"-A {NodePorts} -m comment --comment {Quote(key)} {match} --dport {port.NodePort} -j {ext}");
        }
    }

    /// <summary>
    /// Spreads new connections evenly: endpoint i of n is taken with probability 1/(n-i) of what is left (the last
    /// always), which gives each 1/n. With ClientIP affinity, a client seen within the timeout goes back to its endpoint first.
    /// </summary>
    private static void Balance(Table nat, string chain, ProxyServicePort port, List<ProxyEndpoint> endpoints)
    {
        if (port.ClientIpAffinity)
        {
            foreach (var endpoint in endpoints)
            {
                var sep = EndpointChain(port, endpoint);
                nat.Add($"-A {chain} -m comment --comment {Quote(port.Key + " -> " + endpoint)} -m recent --name {sep} --rcheck --seconds {port.AffinitySeconds} --reap -j {sep}");
            }
        }

        for (var i = 0; i < endpoints.Count; i++)
        {
            var sep = EndpointChain(port, endpoints[i]);
            var comment = $"-m comment --comment {Quote(port.Key + " -> " + endpoints[i])}";
            nat.Add(i < endpoints.Count - 1
                ? $"-A {chain} {comment} -m statistic --mode random --probability {(1.0 / (endpoints.Count - i)).ToString("0.0000000000", CultureInfo.InvariantCulture)} -j {sep}"
                : $"-A {chain} {comment} -j {sep}");
        }
    }

    private static string Quote(string comment) =>
        comment.Contains(' ', StringComparison.Ordinal) ? "\"" + comment.Replace("\"", "", StringComparison.Ordinal) + "\"" : comment;

    private static string Hash(string text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Base32(hash)[..16];
    }

    /// <summary>RFC 4648 base32 (Go's base32.StdEncoding), enough of it for the chain names.</summary>
    private static string Base32(byte[] data)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var result = new StringBuilder((data.Length * 8 / 5) + 1);
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                result.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            result.Append(alphabet[(buffer << (5 - bits)) & 31]);
        }

        return result.ToString();
    }

    /// <summary>One table's part of the restore: chain declarations first, then each chain's rules in order, then deletions.</summary>
    private sealed class Table
    {
        private readonly List<string> _chains = [];
        private readonly Dictionary<string, List<string>> _rules = new(StringComparer.Ordinal);
        private readonly List<string> _deletes = [];

        public HashSet<string> Declared { get; } = new(StringComparer.Ordinal);

        public string Declare(string chain)
        {
            if (Declared.Add(chain))
            {
                _chains.Add(chain);
                _rules[chain] = [];
            }

            return chain;
        }

        /// <summary>A rule (<c>-A CHAIN ...</c>) of a declared chain.</summary>
        public void Add(string rule)
        {
            var chain = rule.Split(' ', 3)[1];
            _rules[chain].Add(rule);
        }

        public void Delete(string chain) => _deletes.Add("-X " + chain);

        /// <summary>The chain's rules as one text, to tell whether it changed.</summary>
        public string Body(string chain) => string.Join('\n', _rules[chain]);

        /// <summary>Declares and fills the chains <paramref name="include"/> picks (declaring one empties it); deletes run regardless.</summary>
        public void WriteTo(StringBuilder text, string name, Func<string, bool> include)
        {
            text.Append('*').Append(name).Append('\n');
            var included = _chains.Where(include).ToList();
            foreach (var chain in included)
            {
                text.Append(':').Append(chain).Append(" - [0:0]\n");
            }

            foreach (var chain in included)
            {
                foreach (var rule in _rules[chain])
                {
                    text.Append(rule).Append('\n');
                }
            }

            foreach (var delete in _deletes)
            {
                text.Append(delete).Append('\n');
            }

            text.Append("COMMIT\n");
        }
    }
}
