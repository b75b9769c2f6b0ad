using Akka.Configuration;

namespace Cluster.Api.Tests;

/// <summary>A cluster of one on loopback (a free port), as a node without --join forms.</summary>
internal static class TestClusterConfig
{
    public static Config SingleNode { get; } = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
        akka.remote.dot-netty.tcp.port = 0
        """);
}
