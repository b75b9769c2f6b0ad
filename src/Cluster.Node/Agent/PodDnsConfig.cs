using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>A pod's <c>/etc/resolv.conf</c>: nameservers, search domains and options.</summary>
public sealed record PodDns(IReadOnlyList<string> Nameservers, IReadOnlyList<string> Searches, IReadOnlyList<string> Options)
{
    /// <summary>The file's text, as Docker writes it from its <c>--dns</c> flags.</summary>
    public string ResolvConf() =>
        string.Concat(Nameservers.Select(n => "nameserver " + n + "\n"))
        + (Searches.Count > 0 ? "search " + string.Join(' ', Searches) + "\n" : "")
        + (Options.Count > 0 ? "options " + string.Join(' ', Options) + "\n" : "");
}

/// <summary>
/// The kubelet's choice of a pod's DNS (its getPodDNS), by dnsPolicy:
/// <code>
///   ClusterFirst (the default) ─▶ the cluster DNS, search &lt;ns&gt;.svc.&lt;domain&gt; svc.&lt;domain&gt; &lt;domain&gt; and the host's, ndots:5
///                                  (a hostNetwork pod, or no cluster DNS known: the host's, as Default)
///   ClusterFirstWithHostNet    ─▶ the cluster DNS, host network or not (a host-network sandbox's resolv.conf is
///                                  its own file, written by the runtime)
///   Default                    ─▶ the host's resolv.conf
///   None                       ─▶ only what dnsConfig says
/// </code>
/// then <c>dnsConfig</c> merged in: its nameservers and searches appended (without repeats), its options overriding by name.
/// </summary>
public static class PodDnsConfig
{
    /// <summary>Upstream's limits on what resolv.conf may hold (glibc reads only so many).</summary>
    public const int MaxNameservers = 3, MaxSearches = 32;

    /// <summary>The host's resolv.conf as a pod would inherit it.</summary>
    public static PodDns Host(IEnumerable<string> resolvConfLines)
    {
        var nameservers = new List<string>();
        var searches = new List<string>();
        var options = new List<string>();
        foreach (var line in resolvConfLines)
        {
            var parts = line.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            switch (parts)
            {
                case ["nameserver", var server, ..]:
                    nameservers.Add(server);
                    break;
                case ["search" or "domain", .. var domains]:
                    // The last search (or domain) line wins, as in glibc.
                    searches = [.. domains];
                    break;
                case ["options", .. var values]:
                    options.AddRange(values);
                    break;
            }
        }

        return new PodDns(nameservers, searches, options);
    }

    /// <summary>
    /// The pod's DNS, or null when it simply gets the host's (Docker copies the host's resolv.conf into a container
    /// by itself).
    /// </summary>
    /// <param name="clusterDns">The cluster DNS Service's address (kube-system/kube-dns), or null when there is none.</param>
    public static PodDns? For(V1Pod pod, string? clusterDns, string clusterDomain, PodDns host)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(host);
        var hostNetwork = pod.Spec?.HostNetwork == true;
        var config = pod.Spec?.DnsConfig;
        var policy = pod.Spec?.DnsPolicy is { Length: > 0 } p ? p : "ClusterFirst";
        var cluster = policy == "ClusterFirstWithHostNet" || (policy == "ClusterFirst" && !hostNetwork);
        PodDns dns;
        if (policy == "None")
        {
            dns = new PodDns([], [], []);
        }
        else if (cluster && clusterDns is { Length: > 0 })
        {
            var ns = pod.Metadata?.NamespaceProperty is { Length: > 0 } n ? n : "default";
            dns = new PodDns(
                [clusterDns],
                [$"{ns}.svc.{clusterDomain}", $"svc.{clusterDomain}", clusterDomain, .. host.Searches],
                ["ndots:5"]);
        }
        else if (config is null)
        {
            return null;
        }
        else
        {
            dns = host;
        }

        if (config is not null)
        {
            dns = new PodDns(
                [.. dns.Nameservers.Concat(config.Nameservers ?? []).Distinct(StringComparer.Ordinal)],
                [.. dns.Searches.Concat(config.Searches ?? []).Distinct(StringComparer.Ordinal)],
                MergeOptions(dns.Options, config.Options ?? []));
        }

        return new PodDns([.. dns.Nameservers.Take(MaxNameservers)], [.. dns.Searches.Take(MaxSearches)], dns.Options);
    }

    private static List<string> MergeOptions(IReadOnlyList<string> options, IEnumerable<V1PodDNSConfigOption> overrides)
    {
        var merged = new List<(string Name, string Text)>(options.Select(o => (o.Split(':')[0], o)));
        foreach (var option in overrides)
        {
            if (option.Name is not { Length: > 0 } name)
            {
                continue;
            }

            merged.RemoveAll(o => o.Name == name);
            merged.Add((name, option.Value is { Length: > 0 } value ? name + ":" + value : name));
        }

        return [.. merged.Select(o => o.Text)];
    }
}
