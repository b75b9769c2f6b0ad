using System.Net;
using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Node.Proxy;

/// <summary>How the service proxy forwards (configuration key <c>proxy.mode</c>).</summary>
public enum ProxyMode
{
    /// <summary>iptables when this node runs pods in Docker and iptables can be used, else user space; none without Docker.</summary>
    Auto,
    Iptables,
    Userspace,
    None,
}

/// <summary>The service proxy's settings (configuration section <c>proxy</c>).</summary>
public sealed record ProxySettings
{
    public const string SectionName = "proxy";

    /// <summary>proxy.mode: auto, iptables, userspace or none.</summary>
    public ProxyMode Mode { get; init; } = ProxyMode.Auto;

    /// <summary>proxy.cluster-cidr: where pods' addresses come from (traffic from elsewhere is masqueraded); empty: the Docker bridge's subnet.</summary>
    public string ClusterCidr { get; init; } = "";

    /// <summary>proxy.sync-period: how often every rule is written again even without a change (repairs what others removed).</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>proxy.poll-interval: how often the Services and EndpointSlices are checked for a change.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>proxy.cleanup-on-stop: remove the proxy's rules when the node stops cleanly.</summary>
    public bool CleanupOnStop { get; init; } = true;

    public static ProxySettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var d = new ProxySettings();
        var mode = SettingsReader.String(section, "mode", "auto");
        var settings = new ProxySettings
        {
            Mode = mode switch
            {
                "auto" => ProxyMode.Auto,
                "iptables" => ProxyMode.Iptables,
                "userspace" => ProxyMode.Userspace,
                "none" => ProxyMode.None,
                _ => throw SettingsException.Invalid("proxy.mode", mode, "expected auto, iptables, userspace or none"),
            },
            ClusterCidr = SettingsReader.String(section, "cluster-cidr", d.ClusterCidr),
            SyncPeriod = SettingsReader.Duration(section, "sync-period", d.SyncPeriod),
            PollInterval = SettingsReader.Duration(section, "poll-interval", d.PollInterval),
            CleanupOnStop = SettingsReader.Bool(section, "cleanup-on-stop", d.CleanupOnStop),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        SettingsException.Require(ClusterCidr.Length == 0 || IPNetwork.TryParse(ClusterCidr, out _), "proxy.cluster-cidr", ClusterCidr, "must be a CIDR such as 172.17.0.0/16");
        SettingsException.Require(SyncPeriod >= TimeSpan.FromSeconds(1), "proxy.sync-period", SyncPeriod, "must be at least 1s");
        SettingsException.Require(PollInterval > TimeSpan.Zero && PollInterval <= TimeSpan.FromSeconds(1), "proxy.poll-interval", PollInterval, "must be more than 0 and at most 1s");
    }
}
