using System.Text.Json;
using Cluster.Core.Actors;
using Cluster.Core.Configuration;
using Cluster.Core.Configuration.Hocon;
using Cluster.Api;
using Cluster.Core.Persistence;
using Cluster.Core.Registry;
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

    private static (ActorSystemSettings Actors, NodeSettings Node, PersistenceSettings Persistence, RegistrySettings Registry, ApiServerSettings Api) Settings(IConfiguration configuration) =>
        (ActorSystemSettings.FromConfiguration(configuration), NodeSettings.FromConfiguration(configuration), PersistenceSettings.FromConfiguration(configuration),
         RegistrySettings.FromConfiguration(configuration), ApiServerSettings.FromConfiguration(configuration));

    [Fact]
    public void ReferenceConf_Alone_GivesTheCodeDefaults()
    {
        var (actors, node, persistence, registry, api) = Settings(Build([]));
        Assert.Equal(PersistenceSettings.Default, persistence);
        Assert.Equal(RegistrySettings.Default, registry);
        Assert.Equal(ApiServerSettings.Default, api);
        Assert.Equal(ActorSystemSettings.Default with { PhaseTimeouts = actors.PhaseTimeouts }, actors);
        Assert.Equal(ActorSystemSettings.Default.PhaseTimeouts.OrderBy(p => p.Key), actors.PhaseTimeouts.OrderBy(p => p.Key));
        Assert.Equal(new NodeSettings(), node);
    }

    [Fact]
    public void ReferenceConf_EveryKey_IsReadBySomeSettingsRecord()
    {
        var reference = Build([]);
        var baseline = Describe(Settings(reference));
        var keys = reference.AsEnumerable().Where(kv => kv.Value is not null).ToList();
        Assert.NotEmpty(keys);
        foreach (var (key, value) in keys)
        {
            var changed = Describe(Settings(Build([$"--{key}={OtherValidValue(value!)}"])));
            Assert.True(baseline != changed, $"changing {key} in reference.conf changes no setting: nothing reads it");
        }
    }

    private static string Describe((ActorSystemSettings Actors, NodeSettings Node, PersistenceSettings Persistence, RegistrySettings Registry, ApiServerSettings Api) settings) =>
        JsonSerializer.Serialize(settings.Actors) + JsonSerializer.Serialize(settings.Node) + JsonSerializer.Serialize(settings.Persistence) +
        JsonSerializer.Serialize(settings.Registry) + JsonSerializer.Serialize(settings.Api);

    private static string OtherValidValue(string value)
    {
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
        File.WriteAllText(file, "actors { ask-timeout = 20s, log-dead-letters = 5, default-dispatcher.throughput = 50 }\nnode.name = from-file\n");
        try
        {
            var environment = new Dictionary<string, string?>
            {
                ["CLUSTER_ACTORS__LOG_DEAD_LETTERS"] = "6",
                ["CLUSTER_ACTORS__DEFAULT_DISPATCHER__THROUGHPUT"] = "60",
                ["OTHER_VARIABLE"] = "ignored",
            };
            var (actors, node, _, _, _) = Settings(Build(["--config", file, "--actors:default-dispatcher:throughput=70"], environment));
            Assert.Equal(TimeSpan.FromSeconds(20), actors.AskTimeout);
            Assert.Equal(6, actors.LogDeadLetters);
            Assert.Equal(70, actors.Throughput);
            Assert.Equal("from-file", node.Name);
            Assert.Equal(TimeSpan.FromSeconds(5), actors.DefaultPhaseTimeout);
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
        File.WriteAllText(file, "actors.ask-timeout = 20s\nnode.db-password = hunter2\n");
        try
        {
            var environment = new Dictionary<string, string?> { ["CLUSTER_ACTORS__LOG_DEAD_LETTERS"] = "6" };
            var effective = NodeConfiguration.Effective(["--config", file, "--node:name=cli"], environment);
            var json = JsonDocument.Parse(HoconJsonRenderer.Render(effective, HoconRenderOptions.Show)).RootElement;
            var actors = json.GetProperty("actors");
            Assert.Equal("20s", actors.GetProperty("ask-timeout").GetProperty("value").GetString());
            Assert.StartsWith(file + ":1", actors.GetProperty("ask-timeout").GetProperty("origin").GetString(), StringComparison.Ordinal);
            Assert.Contains("CLUSTER_ACTORS__LOG_DEAD_LETTERS", actors.GetProperty("log-dead-letters").GetProperty("origin").GetString(), StringComparison.Ordinal);
            Assert.Contains("reference.conf", actors.GetProperty("default-dispatcher").GetProperty("throughput").GetProperty("origin").GetString(), StringComparison.Ordinal);
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
        await File.WriteAllTextAsync(file, "actors {\n  ask-timeout = 10s\n  throughput = [1, 2\n}\n");
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
        using var node = NodeProcess.Start("config", "show", "--actors:ask-timeout=7s");
        Assert.Equal(0, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var json = JsonDocument.Parse(node.Output).RootElement;
        Assert.Equal("7s", json.GetProperty("actors").GetProperty("ask-timeout").GetProperty("value").GetString());
    }
}
