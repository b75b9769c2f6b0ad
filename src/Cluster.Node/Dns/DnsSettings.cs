using System.Net;
using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Node.Dns;

/// <summary>The cluster DNS server's settings (configuration section <c>dns</c>).</summary>
public sealed record DnsSettings
{
    public const string SectionName = "dns";

    /// <summary>dns.enabled: serve cluster DNS on this node at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>dns.address: the address it listens on (UDP and TCP).</summary>
    public string Address { get; init; } = "0.0.0.0";

    /// <summary>dns.port: the port it listens on.</summary>
    public int Port { get; init; } = 53;

    /// <summary>dns.cluster-domain: the zone the cluster's names live in.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>dns.upstream: the resolvers other names go to; empty takes the host's (/etc/resolv.conf).</summary>
    public IReadOnlyList<string> Upstream { get; init; } = [];

    /// <summary>dns.upstream-timeout: how long a forwarded query may take.</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(2);

    [System.Text.Json.Serialization.JsonIgnore]
    public IPEndPoint Endpoint => new(IPAddress.Parse(Address), Port);

    public static DnsSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var d = new DnsSettings();
        var settings = new DnsSettings
        {
            Enabled = SettingsReader.Bool(section, "enabled", d.Enabled),
            Address = SettingsReader.String(section, "address", d.Address),
            Port = SettingsReader.Int(section, "port", d.Port),
            ClusterDomain = SettingsReader.String(section, "cluster-domain", d.ClusterDomain),
            Upstream = section.GetSection("upstream").Exists() ? SettingsReader.List(section, "upstream") : d.Upstream,
            UpstreamTimeout = SettingsReader.Duration(section, "upstream-timeout", d.UpstreamTimeout),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        SettingsException.Require(IPAddress.TryParse(Address, out _), "dns.address", Address, "must be an IP address");
        SettingsException.Require(Port is >= 0 and <= 65535, "dns.port", Port, "must be a port number (0 picks a free one)");
        SettingsException.Require(
            ClusterDomain.Length > 0 && ClusterDomain.Split('.').All(l => l.Length is > 0 and <= 63 && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')),
            "dns.cluster-domain", ClusterDomain, "must be a DNS name such as cluster.local");
        foreach (var upstream in Upstream)
        {
            SettingsException.Require(IPAddress.TryParse(upstream, out _), "dns.upstream", upstream, "must list IP addresses");
        }

        SettingsException.Require(UpstreamTimeout > TimeSpan.Zero, "dns.upstream-timeout", UpstreamTimeout, "must be positive");
    }

    /// <summary>The upstream resolvers: the configured ones, else the host's nameservers (never this server's own address).</summary>
    public IReadOnlyList<IPAddress> UpstreamAddresses(Func<string, string[]>? readLines = null)
    {
        if (Upstream.Count > 0)
        {
            return [.. Upstream.Select(IPAddress.Parse)];
        }

        string[] lines;
        try
        {
            lines = (readLines ?? File.ReadAllLines)("/etc/resolv.conf");
        }
        catch (IOException)
        {
            return [];
        }

        return [.. lines
            .Select(l => l.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length >= 2 && parts[0] == "nameserver" && IPAddress.TryParse(parts[1], out _))
            .Select(parts => IPAddress.Parse(parts[1]))];
    }
}
