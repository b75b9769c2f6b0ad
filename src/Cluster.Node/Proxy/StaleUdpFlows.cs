using System.Globalization;
using System.Net;

namespace Cluster.Node.Proxy;

/// <summary>
/// The UDP flows a change of endpoints leaves pointing the wrong way, as <c>conntrack -D</c> filters (upstream's
/// conntrack cleanup). UDP has no connection to end, so the kernel keeps sending a flow's packets where its first one
/// was translated to for as long as packets keep coming: a client that reuses its source port (a resolver, a game, a
/// metrics agent) would talk to a removed endpoint forever.
/// <list type="bullet">
/// <item>An endpoint that stopped being usable (removed, not ready): the flows translated to it, by service address
/// and by node port.</item>
/// <item>A service port that had no usable endpoint and now has one: every flow to it, since those were begun while
/// nothing answered and were never translated.</item>
/// </list>
/// </summary>
public static class StaleUdpFlows
{
    public static IReadOnlyList<IReadOnlyList<string>> Between(IReadOnlyList<ProxyServicePort> before, IReadOnlyList<ProxyServicePort> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var previous = before.Where(IsUdp).ToDictionary(p => p.Key);
        var current = after.Where(IsUdp).ToDictionary(p => p.Key);
        var filters = new List<IReadOnlyList<string>>();
        foreach (var (key, port) in current)
        {
            var had = previous.TryGetValue(key, out var old) && old.Usable.Any();
            if (!had && port.Usable.Any())
            {
                filters.AddRange(ServiceAddresses(port).Select(a => Filter("--orig-dst", a.ToString())));
                if (port.NodePort > 0)
                {
                    filters.Add(Filter("--dport", port.NodePort.ToString(CultureInfo.InvariantCulture)));
                }
            }
        }

        foreach (var (key, old) in previous)
        {
            var still = current.TryGetValue(key, out var port) ? port.Usable.Select(e => e.Address).ToHashSet() : [];
            foreach (var gone in old.Usable.Select(e => e.Address).Distinct().Where(a => !still.Contains(a)))
            {
                filters.AddRange(ServiceAddresses(old).Select(a => Filter("--orig-dst", a.ToString(), "--dst-nat", gone.ToString())));
                if (old.NodePort > 0)
                {
                    filters.Add(Filter("--dport", old.NodePort.ToString(CultureInfo.InvariantCulture), "--dst-nat", gone.ToString()));
                }
            }
        }

        return [.. filters.DistinctBy(f => string.Join(' ', f))];
    }

    private static bool IsUdp(ProxyServicePort port) => port.Protocol == "UDP";

    private static IEnumerable<IPAddress> ServiceAddresses(ProxyServicePort port) => port.ClusterIps.Concat(port.ExternalIps).Distinct();

    private static string[] Filter(params string[] match) => ["-p", "udp", .. match];
}
