namespace Cluster.Node.Agent;

/// <summary>
/// The delay before a container that exited may start again (client-go's flowcontrol.Backoff as the kubelet uses it):
/// the first restart is immediate, each later one waits twice as long as the last, up to the maximum; a container that
/// ran for the reset time starts over. Keyed by container name; not thread-safe (one pod worker owns it).
/// </summary>
public sealed class CrashLoopBackoff(TimeSpan initial, TimeSpan max, TimeSpan reset)
{
    private readonly Dictionary<string, TimeSpan> _delays = new(StringComparer.Ordinal);

    /// <summary>How long the container must still wait after exiting at <paramref name="finishedAt"/>; zero when it may start.</summary>
    public TimeSpan Remaining(string container, DateTimeOffset finishedAt, DateTimeOffset now) =>
        _delays.TryGetValue(container, out var delay) && now - finishedAt < delay ? delay - (now - finishedAt) : TimeSpan.Zero;

    /// <summary>The delay now in force for the container (shown in CrashLoopBackOff messages).</summary>
    public TimeSpan Current(string container) => _delays.GetValueOrDefault(container);

    /// <summary>Records a restart of a container that ran from <paramref name="startedAt"/> to <paramref name="finishedAt"/>.</summary>
    public void Restarted(string container, DateTimeOffset? startedAt, DateTimeOffset? finishedAt)
    {
        if (startedAt is { } s && finishedAt is { } f && f - s >= reset)
        {
            _delays.Remove(container);
        }

        _delays[container] = _delays.TryGetValue(container, out var delay) ? TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, max.Ticks)) : initial;
    }
}
