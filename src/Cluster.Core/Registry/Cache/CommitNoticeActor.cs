using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Registry.Cache;

/// <summary>
/// Carries "the journal is committed through N" between the cluster's nodes by DistributedPubSub
/// (cluster gossip in place of etcd's watch): every node publishes its own commits and wakes its
/// watch-cache feed on the others', which then reads the journal's ordered tail. A lost notice
/// costs latency only: the feed also polls.
/// <code>
///   Quiet ──commit──▶ publish at once, Window open
///   Window ──commit──▶ remember the highest ordering
///   Window ──window ends──▶ publish the highest if any (Window again) │ else Quiet
/// </code>
/// Under load, members read the journal once per window, not once per commit.
/// </summary>
public sealed class CommitNoticeActor : ReceiveActor, IWithTimers
{
    /// <summary>The pub/sub topic of commit notices.</summary>
    public const string Topic = "registry-journal-commits";

    private readonly JournalNotifier _notifier;
    private readonly TimeSpan _window;
    private readonly IActorRef _mediator;
    private readonly Action<long> _onLocalCommit;
    private readonly string _origin;
    private long _held;

    public CommitNoticeActor(JournalNotifier notifier, TimeSpan window)
    {
        _notifier = notifier;
        _window = window;
        _origin = Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress.ToString();
        _mediator = DistributedPubSub.Get(Context.System).Mediator;
        var self = Self;
        _onLocalCommit = ordering => self.Tell(new LocalCommit(ordering));

        Receive<LocalCommit>(OnLocalCommit);
        Receive<WindowEnded>(_ => OnWindowEnded());
        Receive<JournalCommitNotice>(c => c.Origin != _origin, c => _notifier.Observed(c.Ordering));
        Receive<JournalCommitNotice>(_ => { });
        Receive<SubscribeAck>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(JournalNotifier notifier, TimeSpan window) => Akka.Actor.Props.Create(() => new CommitNoticeActor(notifier, window));

    protected override void PreStart()
    {
        _mediator.Tell(new Subscribe(Topic, Self));
        _notifier.CommittedLocally += _onLocalCommit;
    }

    protected override void PostStop() => _notifier.CommittedLocally -= _onLocalCommit;

    private void OnLocalCommit(LocalCommit commit)
    {
        // The window is open while its timer runs (a single timer stops being active once delivered).
        if (Timers.IsTimerActive(nameof(WindowEnded)))
        {
            _held = Math.Max(_held, commit.Ordering);
            return;
        }

        Publish(commit.Ordering);
    }

    private void OnWindowEnded()
    {
        if (_held > 0)
        {
            var held = _held;
            _held = 0;
            Publish(held);
        }
    }

    private void Publish(long ordering)
    {
        // The window opens before the notice leaves, so whoever sees the notice sees the window already running.
        if (_window > TimeSpan.Zero)
        {
            Timers.StartSingleTimer(nameof(WindowEnded), WindowEnded.Instance, _window);
        }

        _mediator.Tell(new Publish(Topic, new JournalCommitNotice(ordering, _origin)));
    }

    /// <summary>This process committed through <paramref name="Ordering"/>.</summary>
    private sealed record LocalCommit(long Ordering);

    private sealed class WindowEnded
    {
        public static readonly WindowEnded Instance = new();
    }
}

/// <summary>The notice on the wire: the member <paramref name="Origin"/> committed the journal through <paramref name="Ordering"/>.</summary>
public sealed record JournalCommitNotice(long Ordering, string Origin);
