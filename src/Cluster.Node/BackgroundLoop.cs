namespace Cluster.Node;

/// <summary>
/// A hosted component's one background task: started once, cancelled and awaited when the component stops, and
/// released once although the host disposes a component registered both as itself and as a hosted service twice.
/// </summary>
internal sealed class BackgroundLoop
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    public void Start(Func<CancellationToken, Task> run) => _loop = Task.Run(() => run(_stopping.Token), CancellationToken.None);

    /// <summary>Cancels the task and waits until it has ended.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    /// <summary>Stops the task; true only the first time, when the caller releases what the task used.</summary>
    public async Task<bool> DisposeOnceAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        return true;
    }
}
