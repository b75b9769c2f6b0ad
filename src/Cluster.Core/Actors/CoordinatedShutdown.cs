using System.Collections.Concurrent;

namespace Cluster.Core.Actors;

/// <summary>Why the system is shutting down.</summary>
public sealed record ShutdownReason(string Name)
{
    public static readonly ShutdownReason Unknown = new("unknown");
    public static readonly ShutdownReason ActorSystemTerminate = new("actor-system-terminate");
    public static readonly ShutdownReason ClrExit = new("clr-exit");
    public static readonly ShutdownReason ClusterDowning = new("cluster-downing");
    public static readonly ShutdownReason ClusterLeaving = new("cluster-leaving");

    public override string ToString() => Name;
}

/// <summary>
/// Stops the system in ordered phases (Akka's CoordinatedShutdown): the tasks of a phase run
/// concurrently, the next phase starts when they are done or the phase timed out, and the
/// last phase terminates the actor system. Running it again returns the same task.
/// </summary>
public sealed class CoordinatedShutdown
{
    public const string PhaseBeforeServiceUnbind = "before-service-unbind";
    public const string PhaseServiceUnbind = "service-unbind";
    public const string PhaseServiceRequestsDone = "service-requests-done";
    public const string PhaseServiceStop = "service-stop";
    public const string PhaseBeforeClusterShutdown = "before-cluster-shutdown";
    public const string PhaseClusterShardingShutdownRegion = "cluster-sharding-shutdown-region";
    public const string PhaseClusterLeave = "cluster-leave";
    public const string PhaseClusterExiting = "cluster-exiting";
    public const string PhaseClusterExitingDone = "cluster-exiting-done";
    public const string PhaseClusterShutdown = "cluster-shutdown";
    public const string PhaseBeforeActorSystemTerminate = "before-actor-system-terminate";
    public const string PhaseActorSystemTerminate = "actor-system-terminate";

    /// <summary>The phases in the order they run.</summary>
    public static readonly IReadOnlyList<string> PhaseOrder =
    [
        PhaseBeforeServiceUnbind, PhaseServiceUnbind, PhaseServiceRequestsDone, PhaseServiceStop,
        PhaseBeforeClusterShutdown, PhaseClusterShardingShutdownRegion, PhaseClusterLeave, PhaseClusterExiting,
        PhaseClusterExitingDone, PhaseClusterShutdown, PhaseBeforeActorSystemTerminate, PhaseActorSystemTerminate,
    ];

    private readonly ActorSystem _system;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(string Name, Func<CancellationToken, Task> Run)>> _tasks = new();
    private Task? _run;
    private ShutdownReason? _reason;

    internal CoordinatedShutdown(ActorSystem system)
    {
        _system = system;
        AddTask(PhaseActorSystemTerminate, "terminate-system", _ => system.FinalTerminate());
    }

    public static CoordinatedShutdown Get(ActorSystem system) => system.CoordinatedShutdown;

    /// <summary>The reason given to the first <see cref="Run"/>, or null if it has not run.</summary>
    public ShutdownReason? Reason => Volatile.Read(ref _reason);

    /// <summary>Completes when the shutdown has run all phases.</summary>
    public Task? WhenDone => Volatile.Read(ref _run);

    public void AddTask(string phase, string taskName, Func<CancellationToken, Task> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!PhaseOrder.Contains(phase))
        {
            throw new ArgumentException($"Unknown coordinated shutdown phase [{phase}]; known phases: {string.Join(", ", PhaseOrder)}", nameof(phase));
        }

        if (Volatile.Read(ref _run) is not null)
        {
            throw new InvalidOperationException($"Cannot add task [{taskName}]: coordinated shutdown is already running.");
        }

        _tasks.GetOrAdd(phase, static _ => new()).Enqueue((taskName, task));
    }

    /// <summary>Runs all phases once; later calls return the first run's task.</summary>
    public Task Run(ShutdownReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (Interlocked.CompareExchange(ref _reason, reason, null) is not null)
        {
            return WaitForRun();
        }

        var run = Task.Run(() => RunPhasesAsync(reason));
        Volatile.Write(ref _run, run);
        return run;
    }

    private async Task WaitForRun()
    {
        Task? run;
        while ((run = Volatile.Read(ref _run)) is null)
        {
            await Task.Yield();
        }

        await run.ConfigureAwait(false);
    }

    private async Task RunPhasesAsync(ShutdownReason reason)
    {
        ActorLog.ShutdownStarted(_system.Log, _system.Name, reason.Name);
        foreach (var phase in PhaseOrder)
        {
            if (!_tasks.TryGetValue(phase, out var tasks) || tasks.IsEmpty)
            {
                continue;
            }

            var timeout = _system.Settings.PhaseTimeouts.TryGetValue(phase, out var t) ? t : _system.Settings.DefaultPhaseTimeout;
            using var cancel = new CancellationTokenSource();
            var all = Task.WhenAll(tasks.Select(task => RunTaskAsync(phase, task.Name, task.Run, cancel.Token)));
            try
            {
                await all.WaitAsync(timeout, _system.TimeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                ActorLog.PhaseTimedOut(_system.Log, phase, timeout);
                await cancel.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task RunTaskAsync(string phase, string name, Func<CancellationToken, Task> task, CancellationToken cancellationToken)
    {
        try
        {
            await task(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            ActorLog.ShutdownTaskFailed(_system.Log, e, phase, name);
        }
    }
}
