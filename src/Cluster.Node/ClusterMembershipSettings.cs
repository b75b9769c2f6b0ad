using System.Net;
using Akka.Configuration;
using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Node;

/// <summary>
/// How this node takes part in the Akka cluster (configuration section <c>cluster</c>): where it
/// listens for other members, which members it joins first, and its roles. Turned into Akka's own
/// settings (remote transport, seed nodes, roles) by <see cref="ToAkkaConfig"/>.
/// </summary>
public sealed record ClusterMembershipSettings
{
    public const string SectionName = "cluster";

    /// <summary>cluster.address (flag --cluster-address): HOST:PORT of this member's cluster transport; port 0 picks a free one.</summary>
    public string Address { get; init; } = "127.0.0.1:0";

    /// <summary>cluster.join (flag --join, repeatable): HOST:PORT of seed members; empty = form a cluster of one.</summary>
    public IReadOnlyList<string> Join { get; init; } = [];

    /// <summary>cluster.roles (flag --roles a,b): control-plane members host objects and singletons; worker members run pods.</summary>
    public IReadOnlyList<string> Roles { get; init; } = ["control-plane", "worker"];

    public static ClusterMembershipSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var defaults = new ClusterMembershipSettings();
        var roles = SettingsReader.List(section, "roles");
        var settings = new ClusterMembershipSettings
        {
            Address = SettingsReader.String(section, "address", defaults.Address),
            Join = SettingsReader.List(section, "join"),
            Roles = roles.Count > 0 ? roles : defaults.Roles,
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        SettingsException.Require(TryEndpoint(Address, out _, out _), "cluster.address", Address, "expected HOST:PORT (port 0 picks a free port)");
        foreach (var seed in Join)
        {
            SettingsException.Require(TryEndpoint(seed, out _, out var port) && port > 0, "cluster.join", seed, "expected HOST:PORT of a running member");
        }

        foreach (var role in Roles)
        {
            SettingsException.Require(role is "control-plane" or "worker", "cluster.roles", role, "expected control-plane and/or worker");
        }
    }

    /// <summary>The host of <see cref="Address"/>, without brackets.</summary>
    public string Host => TryEndpoint(Address, out var host, out _) ? host : "";

    /// <summary>
    /// Akka's settings for this membership: transport address, seed nodes, roles; the shards of the registry go to
    /// control-plane members. With <paramref name="tls"/> the transport's scheme is ssl.tcp (Akka names addresses so).
    /// </summary>
    public Config ToAkkaConfig(string actorSystemName, bool tls = false)
    {
        TryEndpoint(Address, out var host, out var port);
        var scheme = tls ? "akka.ssl.tcp" : "akka.tcp";
        var seeds = Join.Select(seed => $"{scheme}://{actorSystemName}@{seed}").ToArray();
        var lines = new[]
        {
            AkkaConfigBridge.Setting("akka.remote.dot-netty.tcp.enable-ssl", tls),
            AkkaConfigBridge.Setting("akka.remote.dot-netty.tcp.hostname", host),
            AkkaConfigBridge.Setting("akka.remote.dot-netty.tcp.port", port),
            AkkaConfigBridge.Setting("akka.cluster.seed-nodes", seeds),
            AkkaConfigBridge.Setting("akka.cluster.roles", Roles),
        };
        return ConfigurationFactory.ParseString(string.Join('\n', lines));
    }

    /// <summary>HOST:PORT whose host is a name or an IP address (brackets around IPv6 allowed).</summary>
    private static bool TryEndpoint(string text, out string host, out int port)
    {
        if (!ConfigValueParsers.TryParseHostPort(text, out host, out port))
        {
            return false;
        }

        host = host.Trim('[', ']');
        return host.Length > 0 && (Uri.CheckHostName(host) != UriHostNameType.Unknown || IPAddress.TryParse(host, out _));
    }
}
