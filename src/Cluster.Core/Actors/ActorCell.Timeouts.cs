namespace Cluster.Core.Actors;

/// <summary>The receive timeout: a sliding, single-shot idle timer on the system's <see cref="System.TimeProvider"/>.</summary>
internal sealed partial class ActorCell
{
    /// <summary>Mirrors <c>_receiveTimeout is not null</c> in the cell itself, for the per-message check.</summary>
    private bool _hasReceiveTimeout;

    public TimeSpan? ReceiveTimeout => _receiveTimeout;

    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        _receiveTimeout = timeout is { } t && t > TimeSpan.Zero && t != Timeout.InfiniteTimeSpan ? t : null;
        _hasReceiveTimeout = _receiveTimeout is not null;
        if (_receiveTimeout is null)
        {
            CancelReceiveTimeout();
        }
        else
        {
            RescheduleReceiveTimeout();
        }
    }

    private void RescheduleReceiveTimeout()
    {
        var timeout = _receiveTimeout!.Value;
        if (_receiveTimeoutTimer is { } timer)
        {
            timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _receiveTimeoutTimer = _system.TimeProvider.CreateTimer(
                static state => ((IActorRef)state!).Tell(Actors.ReceiveTimeout.Instance, null),
                _self,
                timeout,
                Timeout.InfiniteTimeSpan);
        }
    }

    private void CancelReceiveTimeout()
    {
        _hasReceiveTimeout = false;
        _receiveTimeout = null;
        _receiveTimeoutTimer?.Dispose();
        _receiveTimeoutTimer = null;
    }
}
