using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Core.Registry;

/// <summary>The registry's settings (configuration section <c>registry</c>).</summary>
public sealed record RegistrySettings
{
    public const string SectionName = "registry";

    /// <summary>registry.number-of-shards: shards the object actors are grouped into.</summary>
    public int NumberOfShards { get; init; } = 100;

    /// <summary>registry.passivate-idle-after: an object actor idle this long is stopped (its state stays in the journal and the watch cache); 0 keeps them.</summary>
    public TimeSpan PassivateIdleAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>registry.request-timeout: how long a write waits for its object actor.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>registry.snapshot-every: an object actor snapshots every N events (0: never), so compaction can drop older events.</summary>
    public int SnapshotEvery { get; init; } = 16;

    /// <summary>registry.watch-cache.history: events per kind a watch can resume from; older resourceVersions get 410 Expired.</summary>
    public int WatchCacheHistory { get; init; } = 100_000;

    /// <summary>registry.watch-cache.history-fresh-for: how far back the history keeps events when it has room (it grows to keep them and shrinks when they are older).</summary>
    public TimeSpan WatchCacheHistoryFreshFor { get; init; } = TimeSpan.FromSeconds(75);

    /// <summary>registry.watch-cache.watcher-buffer: events buffered per watcher before a slow watcher is closed.</summary>
    public int WatcherBuffer { get; init; } = 10_000;

    /// <summary>registry.watch-cache.feed-batch-size: journal events read per round trip by the cache feed.</summary>
    public int FeedBatchSize { get; init; } = 1000;

    /// <summary>registry.watch-cache.commit-notice-window: commits within this long after a notice share the next one (0: one notice per commit).</summary>
    public TimeSpan CommitNoticeWindow { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>registry.service-cluster-ip-range: the IPv4 CIDR Service cluster IPs are allocated from (kube-apiserver's --service-cluster-ip-range).</summary>
    public Services.ServiceIPRange ServiceClusterIPRange { get; init; } = Services.ServiceIPRange.Default;

    /// <summary>registry.service-node-port-range: the ports NodePort and LoadBalancer Services get node ports from (--service-node-port-range).</summary>
    public Services.NodePortRange ServiceNodePortRange { get; init; } = Services.NodePortRange.Default;

    /// <summary>The port the <c>kubernetes</c> Service in <c>default</c> forwards its port 443 to: the API server's (not a configuration key; the node sets it).</summary>
    public int ApiServerPort { get; init; } = 6443;

    public static RegistrySettings Default { get; } = new();

    public static RegistrySettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var d = Default;
        var settings = new RegistrySettings
        {
            NumberOfShards = SettingsReader.Int(section, "number-of-shards", d.NumberOfShards),
            PassivateIdleAfter = SettingsReader.Duration(section, "passivate-idle-after", d.PassivateIdleAfter),
            RequestTimeout = SettingsReader.Duration(section, "request-timeout", d.RequestTimeout),
            SnapshotEvery = SettingsReader.Int(section, "snapshot-every", d.SnapshotEvery),
            WatchCacheHistory = SettingsReader.Int(section, "watch-cache:history", d.WatchCacheHistory),
            WatchCacheHistoryFreshFor = SettingsReader.Duration(section, "watch-cache:history-fresh-for", d.WatchCacheHistoryFreshFor),
            WatcherBuffer = SettingsReader.Int(section, "watch-cache:watcher-buffer", d.WatcherBuffer),
            FeedBatchSize = SettingsReader.Int(section, "watch-cache:feed-batch-size", d.FeedBatchSize),
            CommitNoticeWindow = SettingsReader.Duration(section, "watch-cache:commit-notice-window", d.CommitNoticeWindow),
            ServiceClusterIPRange = Parsed(section, "service-cluster-ip-range", d.ServiceClusterIPRange, Services.ServiceIPRange.Parse),
            ServiceNodePortRange = Parsed(section, "service-node-port-range", d.ServiceNodePortRange, Services.NodePortRange.Parse),
        };
        settings.Validate();
        return settings;
    }

    private static T Parsed<T>(IConfiguration section, string key, T fallback, Func<string, T> parse)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return fallback;
        }

        try
        {
            return parse(text);
        }
        catch (FormatException e)
        {
            throw SettingsException.Invalid("registry." + key, text, e.Message);
        }
    }

    public void Validate()
    {
        SettingsException.Require(NumberOfShards >= 1, "registry.number-of-shards", NumberOfShards, "must be at least 1");
        SettingsException.Require(PassivateIdleAfter >= TimeSpan.Zero, "registry.passivate-idle-after", PassivateIdleAfter, "must not be negative (0 turns passivation off)");
        SettingsException.Require(RequestTimeout > TimeSpan.Zero, "registry.request-timeout", RequestTimeout, "must be positive");
        SettingsException.Require(SnapshotEvery >= 0, "registry.snapshot-every", SnapshotEvery, "must not be negative (0 turns it off)");
        SettingsException.Require(WatchCacheHistory >= 1, "registry.watch-cache.history", WatchCacheHistory, "must be at least 1");
        SettingsException.Require(WatchCacheHistoryFreshFor > TimeSpan.Zero, "registry.watch-cache.history-fresh-for", WatchCacheHistoryFreshFor, "must be positive");
        SettingsException.Require(WatcherBuffer >= 1, "registry.watch-cache.watcher-buffer", WatcherBuffer, "must be at least 1");
        SettingsException.Require(FeedBatchSize >= 1, "registry.watch-cache.feed-batch-size", FeedBatchSize, "must be at least 1");
        SettingsException.Require(CommitNoticeWindow >= TimeSpan.Zero, "registry.watch-cache.commit-notice-window", CommitNoticeWindow, "must not be negative (0 sends a notice per commit)");
    }
}
