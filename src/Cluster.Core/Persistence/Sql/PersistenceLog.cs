using Microsoft.Extensions.Logging;

namespace Cluster.Core.Persistence.Sql;

/// <summary>Log messages of the SQL journals (event ids 3000-3099).</summary>
internal static partial class PersistenceLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Journal store {Store}: applied schema migration {Version}")]
    public static partial void MigrationApplied(this ILogger logger, string store, int version);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Journal store {Store}: unique violation in a write batch (attempt {Attempt}); retrying without the conflicting writes")]
    public static partial void UniqueViolationRetry(this ILogger logger, string store, int attempt, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Journal store {Store}: compaction removed {Events} events; compacted through ordering {CompactedThrough}")]
    public static partial void Compacted(this ILogger logger, string store, long events, long compactedThrough);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Journal compaction failed; it runs again at the next interval")]
    public static partial void CompactionFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Journal store {Store}: backup written to {File}")]
    public static partial void BackupWritten(this ILogger logger, string store, string file);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Warning, Message = "Journal store {Store}: listening for commits of other processes failed; live queries fall back to polling")]
    public static partial void ListenFailed(this ILogger logger, string store, Exception exception);
}
