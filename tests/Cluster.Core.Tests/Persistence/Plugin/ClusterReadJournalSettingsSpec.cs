using Akka.Configuration;
using Cluster.Core.Configuration;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Persistence.Query;

namespace Cluster.Core.Tests.Persistence.Plugin;

public sealed class ClusterReadJournalSettingsSpec
{
    private static ClusterReadJournalSettings Read(string hocon) =>
        ClusterReadJournalSettings.FromConfig(ConfigurationFactory.ParseString(hocon).WithFallback(ClusterPersistenceConfig.Query.GetConfig(ClusterReadJournal.Identifier)));

    [Fact]
    public void PluginDefaults_ReadBack_AreTheCodeDefaults() => Assert.Equal(ClusterReadJournalSettings.Default, Read(""));

    [Fact]
    public void Values_Set_AreRead() =>
        Assert.Equal(new ClusterReadJournalSettings(TimeSpan.FromMilliseconds(250), 64, "akka.persistence.journal.other"),
            Read("refresh-interval = 250ms, max-buffer-size = 64, write-plugin = akka.persistence.journal.other"));

    [Theory]
    [InlineData("refresh-interval = 0s", "refresh-interval")]
    [InlineData("refresh-interval = soon", "refresh-interval")]
    [InlineData("max-buffer-size = 0", "max-buffer-size")]
    public void InvalidValue_IsRefused_NamingTheFullKey(string hocon, string key)
    {
        var error = Assert.Throws<SettingsException>(() => Read(hocon));
        Assert.Equal(ClusterReadJournal.Identifier + "." + key, error.Key);
    }
}
