using Cluster.Core.Persistence.Journal;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Persistence;

/// <summary>
/// Compacts the journal in the background, as Kubernetes compacts etcd: every
/// <c>persistence.compaction.interval</c> it removes history older than
/// <c>persistence.compaction.history-window</c> that no one can need (events covered by their
/// id's latest snapshot, and deleted events), so the database stays bounded under churn while
/// watchers can still resume within the window. One run at a time; failures are logged and the
/// next tick tries again.
/// </summary>
public sealed partial class JournalCompactor : IAsyncDisposable
{
    private readonly IJournal _journal;
    private readonly TimeSpan _historyWindow;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _running = new(1, 1);
    private ITimer? _timer;

    public JournalCompactor(IJournal journal, TimeSpan historyWindow, TimeSpan interval, TimeProvider timeProvider, ILogger logger)
    {
        if (historyWindow < TimeSpan.Zero || interval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The history window ({historyWindow}) must not be negative and the interval ({interval}) must be positive.");
        }

        _journal = journal;
        _historyWindow = historyWindow;
        _interval = interval;
        _clock = timeProvider;
        _logger = logger;
    }

    /// <summary>Starts the periodic runs (the first after one interval).</summary>
    public void Start() =>
        _timer ??= _clock.CreateTimer(static s => _ = ((JournalCompactor)s!).TickAsync(), this, _interval, _interval);

    /// <summary>Compacts once now (skipped, returning null, while another run is in progress).</summary>
    public async Task<CompactionResult?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        if (!await _running.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            var cutoff = (_clock.GetUtcNow() - _historyWindow).UtcTicks;
            var result = await _journal.CompactAsync(new CompactionRequest(cutoff), cancellationToken).ConfigureAwait(false);
            if (result.EventsRemoved > 0 || result.SnapshotsRemoved > 0)
            {
                LogCompacted(_logger, result.EventsRemoved, result.SnapshotsRemoved, result.CompactedThroughOrdering);
            }

            return result;
        }
        finally
        {
            _running.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_timer is { } timer)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        // Wait for a run in progress, so the journal is not closed under it.
        await _running.WaitAsync().ConfigureAwait(false);
        _running.Release();
    }

    private async Task TickAsync()
    {
        try
        {
            await RunOnceAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogFailed(_logger, e);
        }
    }

    [LoggerMessage(EventId = 3110, Level = LogLevel.Information,
        Message = "Journal compaction removed {Events} events and {Snapshots} snapshots; compacted through ordering {Ordering}")]
    private static partial void LogCompacted(ILogger logger, long events, long snapshots, long ordering);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "Journal compaction failed; it is retried at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
