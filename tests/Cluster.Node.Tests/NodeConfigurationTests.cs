using System.Text.Json;
using Akka.Configuration;
using Cluster.Api;
using Cluster.Api.Security.Audit;
using Cluster.Api.Limits;
using Cluster.Core.Configuration;
using Cluster.Core.Configuration.Hocon;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Registry;
using Cluster.Node.Agent;
using Cluster.Node.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Node.Tests;

public sealed class NodeConfigurationTests
{
    private static readonly IReadOnlyDictionary<string, string?> NoEnvironment = new Dictionary<string, string?>();

    private static IConfiguration Build(string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var builder = new ConfigurationBuilder();
        NodeConfiguration.AddNodeSources(builder, args, environment ?? NoEnvironment);
        return builder.Build();
    }

    private static (ClusterMembershipSettings Cluster, NodeSettings Node, Config Akka, RegistrySettings Registry, ApiServerSettings Api) Settings(IConfiguration configuration) =>
        (ClusterMembershipSettings.FromConfiguration(configuration), NodeSettings.FromConfiguration(configuration), AkkaConfigBridge.FromConfiguration(configuration),
         RegistrySettings.FromConfiguration(configuration), ApiServerSettings.FromConfiguration(configuration));

    /// <summary>
    /// Akka's own reference configuration of every module the node uses (as a cluster member's
    /// actor system assembles it), plus the journal plugin's.
    /// </summary>
    private static async Task<Config> AkkaReferenceAsync()
    {
        var config = ConfigurationFactory.ParseString("akka.actor.provider = cluster\nakka.remote.dot-netty.tcp.port = 0\nakka.loglevel = WARNING");
        var system = Akka.Actor.ActorSystem.Create("reference", config);
        try
        {
            Akka.Persistence.Persistence.Instance.Apply(system);
            return ClusterPersistenceConfig.Default
                .WithFallback(Akka.Cluster.Sharding.ClusterSharding.DefaultConfig())
                .WithFallback(Akka.Cluster.Tools.Singleton.ClusterSingleton.DefaultConfig())
                .WithFallback(system.Settings.Config);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void ReferenceConf_Alone_GivesTheCodeDefaults()
    {
        var (cluster, node, akka, registry, api) = Settings(Build([]));
        Assert.Equal(RegistrySettings.Default, registry);
        Assert.Equal(ApiServerSettings.Default, api);
        Assert.Equal(new NodeSettings(), node);
        Assert.Equal(new ClusterMembershipSettings().Address, cluster.Address);
        Assert.Equal(new ClusterMembershipSettings().Roles, cluster.Roles);
        Assert.Empty(cluster.Join);
        Assert.Equal("cluster", akka.GetString("akka.actor.provider"));
        // The node names the SQLite file in its data directory when reference.conf leaves it empty.
        var journalConfig = ConfigurationFactory.ParseString("connection-string = cluster.db")
            .WithFallback(akka.GetConfig(JournalPluginSettings.JournalPath))
            .WithFallback(ClusterPersistenceConfig.Default.GetConfig(JournalPluginSettings.JournalPath));
        Assert.Equal(new JournalPluginSettings { ConnectionString = "cluster.db" }, JournalPluginSettings.FromConfig(journalConfig));
    }

    [Fact]
    public async Task ReferenceConf_EveryAkkaKey_IsAnAkkaSettingOrThePluginsOwn()
    {
        var reference = await AkkaReferenceAsync();
        var keys = Build([]).AsEnumerable().Where(kv => kv.Value is not null && kv.Key.StartsWith("akka:", StringComparison.Ordinal)).Select(kv => kv.Key).ToList();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            var path = string.Join('.', key.Split(':').Where(segment => !int.TryParse(segment, out _)));
            Assert.True(reference.HasPath(path), $"reference.conf sets {path}, which no Akka module (nor the journal plugin) defines: a typo would be ignored silently");
        }
    }

    [Fact]
    public void ClusterFlags_JoinRepeatedRolesAndAddress_BecomeAkkaSeedNodesRolesAndTransport()
    {
        var (cluster, _, _, _, _) = Settings(Build(["--cluster-address", "127.0.0.1:4053", "--join", "127.0.0.1:4051", "--join=127.0.0.1:4052", "--roles", "control-plane"]));
        var akka = cluster.ToAkkaConfig("cluster");
        Assert.Equal(4053, akka.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal("127.0.0.1", akka.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(["akka.tcp://cluster@127.0.0.1:4051", "akka.tcp://cluster@127.0.0.1:4052"], akka.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(["control-plane"], akka.GetStringList("akka.cluster.roles"));
    }

    [Theory]
    [InlineData("--cluster-address=nowhere", "cluster.address")]
    [InlineData("--join=127.0.0.1:0", "cluster.join")]
    [InlineData("--roles=boss", "cluster.roles")]
    public void ClusterFlags_Invalid_NameTheKey(string flag, string key)
    {
        var error = Assert.Throws<SettingsException>(() => Settings(Build([flag])));
        Assert.Equal(key, error.Key);
    }

    [Theory]
    [InlineData("--controllers:node-monitor-grace-period=0s")]
    [InlineData("--controllers:node-monitor-grace-period=500ms")]
    public void ControllerSettings_GracePeriodUnderASecond_NameTheKey(string flag)
    {
        var error = Assert.Throws<SettingsException>(() => Controllers(Build([flag])));
        Assert.Equal("controllers.node-monitor-grace-period", error.Key);
        Assert.Equal(TimeSpan.FromSeconds(50), Cluster.Controllers.Hosting.ControllerSettings.FromConfiguration(Build([])).NodeMonitorGracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(40), Cluster.Controllers.Hosting.ControllerSettings.FromConfiguration(Build(["--controllers:node-monitor-grace-period=40s"])).NodeMonitorGracePeriod);
    }

    [Fact]
    public void ControllerSettings_TerminatedPodGcThreshold_DefaultSetAndNegativeNamesTheKey()
    {
        Assert.Equal(12500, Cluster.Controllers.Hosting.ControllerSettings.FromConfiguration(Build([])).TerminatedPodGcThreshold);
        Assert.Equal(0, Cluster.Controllers.Hosting.ControllerSettings.FromConfiguration(Build(["--controllers:terminated-pod-gc-threshold=0"])).TerminatedPodGcThreshold);
        var error = Assert.Throws<SettingsException>(() => Controllers(Build(["--controllers:terminated-pod-gc-threshold=-1"])));
        Assert.Equal("controllers.terminated-pod-gc-threshold", error.Key);
    }

    [Fact]
    public void JournalFlags_SetThePluginsProviderAndConnection()
    {
        var (_, _, akka, _, _) = Settings(Build(["--journal", "postgres", "--connection-string=Host=127.0.0.1;Port=5432"]));
        var journal = JournalPluginSettings.FromConfig(akka.GetConfig(JournalPluginSettings.JournalPath));
        Assert.Equal(JournalProvider.Postgres, journal.Provider);
        Assert.Equal("Host=127.0.0.1;Port=5432", journal.ConnectionString);
    }

    [Fact]
    public void JournalSettings_BadValues_NameTheFullKey()
    {
        var (_, _, akka, _, _) = Settings(Build(["--akka:persistence:journal:cluster-sql:max-batch-size=0"]));
        var error = Assert.Throws<SettingsException>(() => JournalPluginSettings.FromConfig(akka.GetConfig(JournalPluginSettings.JournalPath)));
        Assert.Equal("akka.persistence.journal.cluster-sql.max-batch-size", error.Key);
        (_, _, akka, _, _) = Settings(Build(["--connection-string=Host=127.0.0.1;Port=5432;Password=secret"]));
        error = Assert.Throws<SettingsException>(() => JournalPluginSettings.FromConfig(akka.GetConfig(JournalPluginSettings.JournalPath)));
        Assert.Equal("akka.persistence.journal.cluster-sql.connection-string", error.Key);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        (_, _, akka, _, _) = Settings(Build(["--journal=oracle"]));
        error = Assert.Throws<SettingsException>(() => JournalPluginSettings.FromConfig(akka.GetConfig(JournalPluginSettings.JournalPath)));
        Assert.Equal("akka.persistence.journal.cluster-sql.provider", error.Key);
    }

    [Fact]
    public void ReferenceConf_EveryKey_IsReadBySomeSettingsRecord()
    {
        var reference = Build([]);
        var baseline = Describe(Settings(reference)) + JsonSerializer.Serialize(AgentSettings.FromConfiguration(reference)) + Controllers(reference) + JsonSerializer.Serialize(AuditSettings.FromConfiguration(reference)) + JsonSerializer.Serialize(ApiLimitsSettings.FromConfiguration(reference)) + JsonSerializer.Serialize(Cluster.Node.Dns.DnsSettings.FromConfiguration(reference)) + JsonSerializer.Serialize(Cluster.Node.Proxy.ProxySettings.FromConfiguration(reference));
        var keys = reference.AsEnumerable().Where(kv => kv.Value is not null).ToList();
        Assert.NotEmpty(keys);
        foreach (var (key, value) in keys)
        {
            // The maximum image age must exceed the minimum (2m), as the kubelet validates it.
            var other = Build([$"--{key}={key switch { "agent:image-maximum-gc-age" => "1h", "controllers:enabled" => "-endpoint", "registry:service-cluster-ip-range" => "10.0.0.0/16", "registry:service-node-port-range" => "31000-31999", "api:audit:policy-file" => typeof(NodeConfigurationTests).Assembly.Location, "api:audit:max-size" => "50MiB", "dns:address" => "127.0.0.1", "dns:cluster-domain" => "example.internal", "proxy:mode" => "iptables", "proxy:cluster-cidr" => "10.244.0.0/16", "proxy:poll-interval" => "200ms", _ => OtherValidValue(value!) }}"]);
            var changed = Describe(Settings(other)) + JsonSerializer.Serialize(AgentSettings.FromConfiguration(other)) + Controllers(other) + JsonSerializer.Serialize(AuditSettings.FromConfiguration(other)) + JsonSerializer.Serialize(ApiLimitsSettings.FromConfiguration(other)) + JsonSerializer.Serialize(Cluster.Node.Dns.DnsSettings.FromConfiguration(other)) + JsonSerializer.Serialize(Cluster.Node.Proxy.ProxySettings.FromConfiguration(other));
            Assert.True(baseline != changed, $"changing {key} in reference.conf changes no setting: nothing reads it");
        }
    }

    private static string Controllers(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var settings = Cluster.Controllers.Hosting.ControllerSettings.FromConfiguration(configuration);
        return $"{settings.Enabled} {settings.Workers} {settings.ResyncPeriod} {settings.NodeMonitorGracePeriod} {settings.ResourceQuotaSyncPeriod} {settings.TerminatedPodGcThreshold}" + JsonSerializer.Serialize(Cluster.Controllers.Scheduling.SchedulerSettings.FromConfiguration(configuration))
            + JsonSerializer.Serialize(settings.LocalVolumes) + JsonSerializer.Serialize(settings.Autoscaler) + Security(configuration);
    }

    /// <summary>The security settings, or the key they refuse (a CA file without its key is refused: the key was read).</summary>
    private static string Security(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        try
        {
            return JsonSerializer.Serialize(Cluster.Api.Security.SecuritySettings.FromConfiguration(configuration));
        }
        catch (SettingsException e)
        {
            return "refused " + e.Key;
        }
    }

    private static string Describe((ClusterMembershipSettings Cluster, NodeSettings Node, Config Akka, RegistrySettings Registry, ApiServerSettings Api) settings) =>
        JsonSerializer.Serialize(settings.Cluster) + JsonSerializer.Serialize(settings.Node) + settings.Akka.ToString(includeFallback: true) +
        JsonSerializer.Serialize(settings.Registry) + JsonSerializer.Serialize(settings.Api);

    private static string OtherValidValue(string value)
    {
        if (value is "auto")
        {
            return "docker";
        }

        if (value is "control-plane" or "worker")
        {
            return value == "worker" ? "control-plane" : "worker";
        }

        if (ConfigValueParsers.TryParseBoolean(value, out var flag))
        {
            return flag ? "off" : "on";
        }

        if (int.TryParse(value, out var number))
        {
            return (number + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (ConfigValueParsers.TryParseDuration(value, out var duration))
        {
            return $"{(long)duration.TotalMilliseconds + 4242}ms";
        }

        if (System.Text.RegularExpressions.Regex.IsMatch(value, @"^[0-9.]+:[0-9]+$"))
        {
            return value[..value.LastIndexOf(':')] + ":1";
        }

        return value + "-changed";
    }

    [Fact]
    public void Layers_UserFileThenEnvironmentThenCommandLine_LaterWins()
    {
        var file = Path.Combine(Path.GetTempPath(), $"node-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, "registry { request-timeout = 20s, snapshot-every = 5, number-of-shards = 50 }\nnode.name = from-file\nakka.cluster.split-brain-resolver.stable-after = 7s\n");
        try
        {
            var environment = new Dictionary<string, string?>
            {
                ["CLUSTER_REGISTRY__SNAPSHOT_EVERY"] = "6",
                ["CLUSTER_REGISTRY__NUMBER_OF_SHARDS"] = "60",
                ["CLUSTER_AKKA__CLUSTER__SPLIT_BRAIN_RESOLVER__ACTIVE_STRATEGY"] = "keep-oldest",
                ["OTHER_VARIABLE"] = "ignored",
            };
            var (_, node, akka, registry, _) = Settings(Build(["--config", file, "--registry:number-of-shards=70"], environment));
            Assert.Equal(TimeSpan.FromSeconds(20), registry.RequestTimeout);
            Assert.Equal(6, registry.SnapshotEvery);
            Assert.Equal(70, registry.NumberOfShards);
            Assert.Equal("from-file", node.Name);
            Assert.Equal(RegistrySettings.Default.PassivateIdleAfter, registry.PassivateIdleAfter);
            Assert.Equal(TimeSpan.FromSeconds(7), akka.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
            Assert.Equal("keep-oldest", akka.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Effective_ConfigShow_CarriesOriginsAndMasksSecrets()
    {
        var file = Path.Combine(Path.GetTempPath(), $"node-{Guid.NewGuid():N}.conf");
        File.WriteAllText(file, "registry.request-timeout = 20s\nnode.db-password = hunter2\n");
        try
        {
            var environment = new Dictionary<string, string?> { ["CLUSTER_REGISTRY__SNAPSHOT_EVERY"] = "6" };
            var effective = NodeConfiguration.Effective(["--config", file, "--node:name=cli"], environment);
            var json = JsonDocument.Parse(HoconJsonRenderer.Render(effective, HoconRenderOptions.Show)).RootElement;
            var registry = json.GetProperty("registry");
            Assert.Equal("20s", registry.GetProperty("request-timeout").GetProperty("value").GetString());
            Assert.StartsWith(file + ":1", registry.GetProperty("request-timeout").GetProperty("origin").GetString(), StringComparison.Ordinal);
            Assert.Contains("CLUSTER_REGISTRY__SNAPSHOT_EVERY", registry.GetProperty("snapshot-every").GetProperty("origin").GetString(), StringComparison.Ordinal);
            Assert.Contains("reference.conf", json.GetProperty("akka").GetProperty("actor").GetProperty("provider").GetProperty("origin").GetString(), StringComparison.Ordinal);
            var node = json.GetProperty("node");
            Assert.Equal("cli", node.GetProperty("name").GetProperty("value").GetString());
            Assert.Equal("command line:1", node.GetProperty("name").GetProperty("origin").GetString());
            Assert.Equal(HoconJsonRenderer.Mask, node.GetProperty("db-password").GetProperty("value").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task NodeProcess_BrokenConfigFile_StopsWithFileLineAndColumn()
    {
        var file = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(file, "registry {\n  request-timeout = 10s\n  number-of-shards = [1, 2\n}\n");
        try
        {
            using var node = NodeProcess.Start("--config", file);
            Assert.Equal(78, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains(Path.GetFileName(file), node.Output, StringComparison.Ordinal);
            Assert.Matches(@":\d+:\d+", node.Output);
            Assert.DoesNotContain("   at ", node.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task NodeProcess_ConfigShow_PrintsEffectiveJson()
    {
        using var node = NodeProcess.Start("config", "show", "--registry:request-timeout=7s");
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var json = JsonDocument.Parse(node.Output).RootElement;
        Assert.Equal("7s", json.GetProperty("registry").GetProperty("request-timeout").GetProperty("value").GetString());
    }
}
