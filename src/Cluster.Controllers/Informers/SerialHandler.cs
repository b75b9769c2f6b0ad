using System.Threading.Channels;
using Cluster.Core.Registry.Cache;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Informers;

/// <summary>
/// Hands an informer's events to a handler on a task of its own, in the order they came. An informer tells its handlers
/// one after the other on one task: a handler that waits there holds up every other handler of the kind. The scheduler's
/// handlers wait for its cache, which a scheduling cycle holds; through this, the replica sets, the garbage collector and
/// the rest see pod changes at once, and the scheduler catches up between its cycles.
/// </summary>
public sealed partial class SerialHandler : IInformerHandler, IAsyncDisposable
{
    private readonly IInformerHandler _inner;
    private readonly ILogger _logger;
    private readonly Channel<Item> _items = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true });
    private Task _loop = Task.CompletedTask;

    public SerialHandler(IInformerHandler inner, ILogger logger)
    {
        _inner = inner;
        _logger = logger;
    }

    /// <summary>Starts handing the events over; those that came before wait for it.</summary>
    public void Start() => _loop = Task.Run(RunAsync);

    public void OnAdd(CachedObject obj) => _items.Writer.TryWrite(new Item(null, obj, null));

    public void OnUpdate(CachedObject old, CachedObject now) => _items.Writer.TryWrite(new Item(old, now, null));

    public void OnDelete(CachedObject last) => _items.Writer.TryWrite(new Item(last, null, null));

    /// <summary>Completes once every event told before the call has been handled (the scheduler waits so before its first cycle).</summary>
    public Task WaitHandledAsync(CancellationToken ct)
    {
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _items.Writer.TryWrite(new Item(null, null, handled));
        return handled.Task.WaitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        _items.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        await foreach (var item in _items.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (item.Handled is { } handled)
                {
                    handled.TrySetResult();
                }
                else
                {
                    _inner.Tell(item.Old, item.Now);
                }
            }
            catch (Exception e)
            {
                // As a handler's failure on the informer's own task would: logged, and the next event goes on.
                LogHandlerFailed(_logger, e, _inner.GetType().Name);
            }
        }
    }

    private sealed record Item(CachedObject? Old, CachedObject? Now, TaskCompletionSource? Handled);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Error, Message = "Informer handler {Handler} failed on an event; it goes on with the next")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string handler);
}
