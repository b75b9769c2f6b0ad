using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence.Query;
using Cluster.Core.Configuration;
using Cluster.Core.Persistence.Plugin;

namespace Cluster.Core.Persistence.Query;

/// <summary>
/// The read journal plugin (<c>akka.persistence.query.journal.cluster-sql</c>), which
/// <c>PersistenceQuery.Get(system).ReadJournalFor&lt;ClusterReadJournal&gt;(ClusterReadJournal.Identifier)</c>
/// creates once per actor system.
/// </summary>
public sealed class ClusterReadJournalProvider(ExtendedActorSystem system, Config config) : IReadJournalProvider
{
    public IReadJournal GetReadJournal() => new ClusterReadJournal(system, ClusterReadJournalSettings.FromConfig(config));
}

/// <summary>The read journal's settings (HOCON section <c>akka.persistence.query.journal.cluster-sql</c>).</summary>
/// <param name="RefreshInterval">refresh-interval: how often a live query polls when no commit signal wakes it (writes from other processes).</param>
/// <param name="MaxBufferSize">max-buffer-size: events fetched per round trip.</param>
/// <param name="WritePlugin">write-plugin: the configuration path of the journal plugin whose database is read.</param>
public sealed record ClusterReadJournalSettings(TimeSpan RefreshInterval, int MaxBufferSize, string WritePlugin)
{
    public static ClusterReadJournalSettings Default { get; } = new(TimeSpan.FromSeconds(1), 500, JournalPluginSettings.JournalPath);

    public static ClusterReadJournalSettings FromConfig(Config config, string path = ClusterReadJournal.Identifier)
    {
        ArgumentNullException.ThrowIfNull(config);
        var settings = new ClusterReadJournalSettings(
            JournalPluginSettings.Read(config, path, "refresh-interval", c => c.GetTimeSpan("refresh-interval", Default.RefreshInterval)),
            JournalPluginSettings.Read(config, path, "max-buffer-size", c => c.GetInt("max-buffer-size", Default.MaxBufferSize)),
            config.GetString("write-plugin", "") is { Length: > 0 } plugin ? plugin : Default.WritePlugin);
        SettingsException.Require(settings.RefreshInterval > TimeSpan.Zero, path + ".refresh-interval", settings.RefreshInterval, "must be positive");
        SettingsException.Require(settings.MaxBufferSize >= 1, path + ".max-buffer-size", settings.MaxBufferSize, "must be at least 1");
        return settings;
    }
}
