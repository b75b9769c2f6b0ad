using System.Text.RegularExpressions;
using Cluster.Core.Configuration.Hocon;

namespace Cluster.Core.Tests.Configuration;

/// <summary>The project's own hocon/ files: they parse, hold the documented defaults, and document every key.</summary>
public sealed partial class HoconProjectFilesTests
{
    private static string HoconDirectory => Path.Combine(ConformanceVectors.RepositoryRoot, "hocon");

    [Fact]
    public void ReferenceConf_Loaded_HoldsDocumentedDefaults()
    {
        var config = HoconConfig.Load(Path.Combine(HoconDirectory, "reference.conf"));

        Assert.Equal(TimeSpan.FromSeconds(10), config.GetDuration("actors.ask-timeout"));
        Assert.Equal(30, config.GetInt("actors.default-dispatcher.throughput"));
        Assert.Equal(TimeSpan.Zero, config.GetDuration("actors.default-dispatcher.throughput-deadline-time"));
        Assert.Equal(10, config.GetInt("actors.log-dead-letters"));
        Assert.False(config.GetBoolean("actors.log-dead-letters-during-shutdown"));
        Assert.Equal(TimeSpan.FromSeconds(5), config.GetDuration("actors.coordinated-shutdown.default-phase-timeout"));
        Assert.True(config.GetBoolean("actors.coordinated-shutdown.run-by-actor-system-terminate"));
        Assert.Equal(TimeSpan.FromSeconds(10), config.GetDuration("actors.coordinated-shutdown.phases.actor-system-terminate.timeout"));
        Assert.Equal("cluster", config.GetString("node.actor-system-name"));
    }

    [Fact]
    public void ReferenceConf_EverySetting_HasACommentAbove()
    {
        var lines = File.ReadAllLines(Path.Combine(HoconDirectory, "reference.conf"));
        var undocumented = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (SettingLine().IsMatch(lines[i]) && (i == 0 || !lines[i - 1].TrimStart().StartsWith('#')))
            {
                undocumented.Add(lines[i].Trim());
            }
        }

        Assert.Empty(undocumented);
    }

    [Theory]
    [InlineData("single-node.conf")]
    [InlineData("three-node-postgres.conf")]
    [InlineData("scale-sim.conf")]
    public void ExampleFile_Loaded_IncludesReferenceAndOverridesOnlyKnownKeys(string file)
    {
        var reference = HoconConfig.Load(Path.Combine(HoconDirectory, "reference.conf"));

        var example = HoconConfig.Load(Path.Combine(HoconDirectory, file));

        Assert.Equal(Paths(reference.Root, string.Empty).Order(), Paths(example.Root, string.Empty).Order());
        Assert.True(example.GetDuration("actors.ask-timeout") > TimeSpan.Zero);
    }

    private static IEnumerable<string> Paths(HoconValue value, string prefix) => value is HoconObject obj
        ? obj.Entries.SelectMany(e => Paths(e.Value, prefix.Length == 0 ? e.Key : prefix + "." + e.Key))
        : [prefix];

    [GeneratedRegex(@"^\s*[A-Za-z0-9-]+\s*=")]
    private static partial Regex SettingLine();
}
