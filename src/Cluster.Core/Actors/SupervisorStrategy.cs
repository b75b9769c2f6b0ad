namespace Cluster.Core.Actors;

/// <summary>What a supervisor does with a failed child.</summary>
public enum Directive
{
    /// <summary>Keep the instance and its state; continue with the next message.</summary>
    Resume,

    /// <summary>Replace the instance (state is lost; the mailbox is kept).</summary>
    Restart,

    /// <summary>Stop the child.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the same exception.</summary>
    Escalate,
}

/// <summary>
/// Decides, per failure, what happens to a failed child. Restarts are limited to
/// <see cref="MaxNrOfRetries"/> within <see cref="WithinTimeRange"/>; past that, the child is stopped.
/// </summary>
public abstract class SupervisorStrategy
{
    /// <summary>
    /// Akka's default decider: initialization failures, kills and death pacts stop the child;
    /// any other exception restarts it.
    /// </summary>
    public static readonly Func<Exception, Directive> DefaultDecider = static exception => exception switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>One-for-one with unlimited retries and the default decider.</summary>
    public static readonly SupervisorStrategy DefaultStrategy = new OneForOneStrategy(DefaultDecider);

    /// <summary>Stops any child that fails.</summary>
    public static readonly SupervisorStrategy StoppingStrategy = new OneForOneStrategy(static _ => Directive.Stop);

    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
    {
        ArgumentNullException.ThrowIfNull(decider);
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        Decider = decider;
    }

    /// <summary>Restarts allowed within the window; -1 means unlimited, 0 means none.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The window for <see cref="MaxNrOfRetries"/>; null means unbounded.</summary>
    public TimeSpan? WithinTimeRange { get; }

    public Func<Exception, Directive> Decider { get; }

    internal Directive Decide(Exception cause) => Decider(cause);

    /// <summary>Whether one more restart is within the limits (counts the restart when it is).</summary>
    internal bool RequestRestartPermission(ref ChildRestartStats stats, long nowMs)
    {
        if (MaxNrOfRetries < 0 && WithinTimeRange is null)
        {
            return true;
        }

        if (MaxNrOfRetries == 0)
        {
            return false;
        }

        if (WithinTimeRange is not { } window)
        {
            return ++stats.RetryCount <= MaxNrOfRetries;
        }

        if (stats.RetryCount == 0 || nowMs - stats.WindowStartMs > (long)window.TotalMilliseconds)
        {
            stats.WindowStartMs = nowMs;
            stats.RetryCount = 1;
            return MaxNrOfRetries < 0 || 1 <= MaxNrOfRetries;
        }

        return MaxNrOfRetries < 0 || ++stats.RetryCount <= MaxNrOfRetries;
    }
}

/// <summary>Applies each decision only to the child that failed.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    public OneForOneStrategy(Func<Exception, Directive> decider)
        : base(-1, null, decider)
    {
    }

    public OneForOneStrategy(int maxNrOfRetries, TimeSpan? withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, decider)
    {
    }
}

/// <summary>
/// What a parent tracks about one child: restarts within the retry window, and whether it asked
/// the child to stop. Kept inline in the child's cell (a struct), so spawning allocates nothing for it.
/// </summary>
internal struct ChildRestartStats
{
    public int RetryCount;
    public long WindowStartMs;
    public bool Stopping;
}
