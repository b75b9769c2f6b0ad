using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Cluster.Api.Security.Audit;

/// <summary>Where audit lines end up; called from one background writer only.</summary>
public interface IAuditSink : IDisposable
{
    void Write(IReadOnlyList<byte[]> lines);
}

/// <summary>
/// The audit log's buffered backend, as upstream's: requests hand serialized events to a bounded in-memory queue and
/// never wait; one background writer drains it in batches. When the queue is full the event is dropped and counted
/// (logged at most once per <see cref="ReportInterval"/>), so a slow disk cannot slow the API. Disposal flushes what is
/// queued: the host disposes its services after the server has finished its requests.
/// </summary>
public sealed partial class AuditLog : IAsyncDisposable, IDisposable
{
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(30);
    private const int MaxBatch = 512;

    private readonly Channel<byte[]> _queue;
    private readonly IAuditSink _sink;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private volatile bool _closed;
    private long _dropped;
    private long _reportedDropped;
    private long _lastReport = long.MinValue;

    public AuditLog(AuditPolicy policy, IAuditSink sink, int capacity, TimeProvider time, ILogger<AuditLog> logger)
    {
        Policy = policy;
        _sink = sink;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _writer = Task.Run(DrainAsync);
    }

    public AuditPolicy Policy { get; }

    /// <summary>Events lost because the queue was full, the log was closed or the sink failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues one line; false (and counted) when it had to be dropped.</summary>
    public bool TryWrite(byte[] line)
    {
        if (_queue.Writer.TryWrite(line))
        {
            return true;
        }

        Drop(1, _closed ? "the log is closed" : "the queue is full");
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _sink.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task DrainAsync()
    {
        var batch = new List<byte[]>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var line))
            {
                batch.Add(line);
            }

            try
            {
                _sink.Write(batch);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Drop(batch.Count, "writing failed: " + e.Message);
            }

            batch.Clear();
        }
    }

    private void Drop(int count, string why)
    {
        var total = Interlocked.Add(ref _dropped, count);
        var now = _time.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastReport);
        if ((last == long.MinValue || now - last >= ReportInterval.Ticks) && Interlocked.CompareExchange(ref _lastReport, now, last) == last)
        {
            var since = total - Interlocked.Exchange(ref _reportedDropped, total);
            LogDropped(_logger, since, total, why);
        }
    }

    [LoggerMessage(EventId = 9160, Level = LogLevel.Warning, Message = "Dropped {Count} audit events ({Total} since start), the last because {Why}")]
    private static partial void LogDropped(ILogger logger, long count, long total, string why);
}
