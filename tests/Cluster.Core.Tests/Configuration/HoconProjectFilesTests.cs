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

        Assert.Equal(TimeSpan.FromSeconds(30), config.GetDuration("registry.request-timeout"));
        Assert.Equal(100, config.GetInt("registry.number-of-shards"));
        Assert.Equal(TimeSpan.FromSeconds(30), config.GetDuration("registry.passivate-idle-after"));
        Assert.Equal("127.0.0.1:0", config.GetString("cluster.address"));
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(7), config.GetDuration("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal("sqlite", config.GetString("akka.persistence.journal.cluster-sql.provider"));
        Assert.Equal(1000, config.GetInt("akka.persistence.journal.cluster-sql.max-batch-size"));
        Assert.Equal(TimeSpan.FromMinutes(5), config.GetDuration("akka.persistence.journal.cluster-sql.compaction.history-window"));
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
        Assert.True(example.GetDuration("registry.request-timeout") > TimeSpan.Zero);
    }

    private static IEnumerable<string> Paths(HoconValue value, string prefix) => value is HoconObject obj
        ? obj.Entries.SelectMany(e => Paths(e.Value, prefix.Length == 0 ? e.Key : prefix + "." + e.Key))
        : [prefix];

    [GeneratedRegex(@"^\s*[A-Za-z0-9-]+\s*=")]
    private static partial Regex SettingLine();
}
