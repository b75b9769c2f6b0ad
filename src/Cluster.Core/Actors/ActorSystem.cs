using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Core.Actors;

/// <summary>
/// A named hierarchy of actors with its dispatcher, scheduler, event stream, dead letters and
/// coordinated shutdown. User actors live under <c>/user</c>, runtime actors under <c>/system</c>,
/// Ask's temporary refs under <c>/temp</c>.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Type, object> _extensions = new();
    private readonly ActorPath _rootPath;
    private readonly ActorPath _tempPath;
    private long _uid;
    private long _tempId;
    private int _terminating;
    private LocalActorRef _userGuardian = null!;
    private LocalActorRef _systemGuardian = null!;

    private ActorSystem(string name, ActorSystemSettings settings, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        Name = name;
        Settings = settings;
        LoggerFactory = loggerFactory;
        TimeProvider = timeProvider;
        Log = loggerFactory.CreateLogger<ActorSystem>();
        Scheduler = new Scheduler(timeProvider, Log);
        EventStream = new EventStream();
        DefaultDispatcher = new Dispatcher(settings.Throughput, settings.ThroughputDeadline);
        _rootPath = ActorPath.Root(name);
        _tempPath = _rootPath.Child("temp");
        _uid = Random.Shared.Next(1, int.MaxValue / 2);
        DeadLetters = new DeadLetterActorRef(this, _rootPath.Child("deadLetters"));
        CoordinatedShutdown = new CoordinatedShutdown(this);
    }

    public string Name { get; }

    public ActorSystemSettings Settings { get; }

    public ILoggerFactory LoggerFactory { get; }

    public TimeProvider TimeProvider { get; }

    public Scheduler Scheduler { get; }

    public EventStream EventStream { get; }

    public IActorRef DeadLetters { get; }

    public CoordinatedShutdown CoordinatedShutdown { get; }

    /// <summary>Completes when every actor has stopped.</summary>
    public Task WhenTerminated => _terminated.Task;

    public bool IsTerminating => Volatile.Read(ref _terminating) != 0;

    internal ILogger Log { get; }

    internal Dispatcher DefaultDispatcher { get; }

    /// <summary>Creates and starts a system. Names use the actor-name character set.</summary>
    public static ActorSystem Create(
        string name,
        ActorSystemSettings? settings = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
    {
        if (!ActorPath.IsValidActorName(name))
        {
            throw new ArgumentException($"Invalid actor system name [{name}]: use ASCII letters, digits and -_.*+:@&=,!~';()", nameof(name));
        }

        settings ??= ActorSystemSettings.Default;
        settings.Validate();
        var system = new ActorSystem(name, settings, loggerFactory ?? NullLoggerFactory.Instance, timeProvider ?? TimeProvider.System);
        system.StartGuardians();
        return system;
    }

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => _userGuardian.Cell.ActorOf(props, name);

    /// <summary>Creates a runtime actor under <c>/system</c>.</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => _systemGuardian.Cell.ActorOf(props, name);

    public void Stop(IActorRef actor)
    {
        if (actor is InternalActorRef target)
        {
            target.Stop();
        }
    }

    /// <summary>
    /// Stops the system: runs coordinated shutdown (when configured, the default), whose last
    /// phase stops /user, then /system. Returns <see cref="WhenTerminated"/>.
    /// </summary>
    public Task Terminate()
    {
        if (Settings.RunCoordinatedShutdownOnTerminate)
        {
            _ = CoordinatedShutdown.Run(ShutdownReason.ActorSystemTerminate);
            return WhenTerminated;
        }

        return FinalTerminate();
    }

    /// <summary>Returns the system's single instance of an extension, creating it on first use.</summary>
    public T GetExtension<T>(Func<ActorSystem, T> factory)
        where T : class => (T)_extensions.GetOrAdd(typeof(T), static (_, arg) => arg.factory(arg.system), (factory, system: this));

    public async ValueTask DisposeAsync() => await Terminate().ConfigureAwait(false);

    public override string ToString() => $"ActorSystem({Name})";

    internal Task FinalTerminate()
    {
        if (Interlocked.Exchange(ref _terminating, 1) == 0)
        {
            _userGuardian.Stop();
        }

        return WhenTerminated;
    }

    internal long NextUid() => Interlocked.Increment(ref _uid);

    internal ActorPath NextTempPath() => _tempPath.Child("$" + Interlocked.Increment(ref _tempId).ToString(System.Globalization.CultureInfo.InvariantCulture), NextUid());

    private void StartGuardians()
    {
        var root = new RootGuardianRef(this, _rootPath);
        _userGuardian = new LocalActorRef(this, Props.Create<GuardianActor>(), DefaultDispatcher, root, _rootPath.Child("user", NextUid()));
        _systemGuardian = new LocalActorRef(this, Props.Create<GuardianActor>(), DefaultDispatcher, root, _rootPath.Child("system", NextUid()));
        _systemGuardian.Cell.Start();
        _userGuardian.Cell.Start();
        ActorLog.SystemStarted(Log, Name);
    }

    private void OnGuardianTerminated(IActorRef guardian)
    {
        if (guardian.Equals(_userGuardian))
        {
            // /user is gone (stopped, or failed for good): the runtime's own actors go next.
            Interlocked.Exchange(ref _terminating, 1);
            _systemGuardian.Stop();
        }
        else if (guardian.Equals(_systemGuardian))
        {
            ActorLog.SystemTerminated(Log, Name);
            _terminated.TrySetResult();
        }
    }

    /// <summary>The top of each subtree; does nothing with messages, supervises with the default strategy.</summary>
    private sealed class GuardianActor : ActorBase
    {
        protected override bool Receive(object message) => false;
    }

    /// <summary>
    /// The root above the guardians: a failed guardian is stopped; the death of /user stops
    /// /system, and the death of /system completes termination.
    /// </summary>
    private sealed class RootGuardianRef(ActorSystem system, ActorPath path) : MinimalActorRef
    {
        public override ActorPath Path => path;

        public override bool IsTerminated => system.WhenTerminated.IsCompleted;

        public override void Tell(object message, IActorRef? sender)
        {
        }

        internal override void SendSystemMessage(SystemMessage message)
        {
            switch (message)
            {
                case Failed failed when failed.Child is InternalActorRef child:
                    child.Stop();
                    break;
                case DeathWatchNotification notification:
                    system.OnGuardianTerminated(notification.Actor);
                    break;
            }
        }
    }
}
