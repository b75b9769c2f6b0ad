namespace Cluster.Core.Persistence;

/// <summary>
/// One actor's claim on the recovery semaphore (<c>persistence.max-concurrent-recoveries</c>),
/// released exactly once: when recovery ends, or when the actor stops or restarts first. The
/// grant is handled off the actor, so a permit granted to an actor that has already stopped is
/// given back instead of leaking (its continuation on the dead actor would never run).
/// <code>
///   Waiting ──granted──▶ Held ──Release──▶ Released
///      └──────Release (abandoned; given back when granted)──────▲
/// </code>
/// </summary>
internal sealed class RecoveryPermit(SemaphoreSlim permits)
{
    private const int Waiting = 0;
    private const int Held = 1;
    private const int Released = 2;
    private readonly SemaphoreSlim _permits = permits;
    private int _state;

    /// <summary>Completes once the permit is held (never if it was released before the grant).</summary>
    public Task AcquireAsync() =>
        _permits.WaitAsync().ContinueWith(
            static (_, state) =>
            {
                var permit = (RecoveryPermit)state!;
                if (Interlocked.CompareExchange(ref permit._state, Held, Waiting) != Waiting)
                {
                    permit._permits.Release();
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    public void Release()
    {
        if (Interlocked.Exchange(ref _state, Released) == Held)
        {
            _permits.Release();
        }
    }
}
