using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Cluster.Core.Persistence.Journal;

namespace Cluster.Core.Registry.Cache;

/// <summary>
/// Carries "the journal is committed through N" between the cluster's nodes by DistributedPubSub
/// (cluster gossip in place of etcd's watch): every node publishes its own commits and wakes its
/// watch-cache feed on the others', which then reads the journal's ordered tail. A lost notice
/// costs latency only: the feed also polls.
/// </summary>
public sealed class CommitNoticeActor : ReceiveActor
{
    /// <summary>The pub/sub topic of commit notices.</summary>
    public const string Topic = "registry-journal-commits";

    private readonly JournalNotifier _notifier;
    private readonly IActorRef _mediator;
    private readonly Action<long> _onLocalCommit;
    private readonly string _origin;

    public CommitNoticeActor(JournalNotifier notifier)
    {
        _notifier = notifier;
        _origin = Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress.ToString();
        _mediator = DistributedPubSub.Get(Context.System).Mediator;
        var self = Self;
        _onLocalCommit = ordering => self.Tell(new LocalCommit(ordering));

        Receive<LocalCommit>(c => _mediator.Tell(new Publish(Topic, new JournalCommitNotice(c.Ordering, _origin))));
        Receive<JournalCommitNotice>(c => c.Origin != _origin, c => _notifier.Observed(c.Ordering));
        Receive<JournalCommitNotice>(_ => { });
        Receive<SubscribeAck>(_ => { });
    }

    public static Props Props(JournalNotifier notifier) => Akka.Actor.Props.Create(() => new CommitNoticeActor(notifier));

    protected override void PreStart()
    {
        _mediator.Tell(new Subscribe(Topic, Self));
        _notifier.CommittedLocally += _onLocalCommit;
    }

    protected override void PostStop() => _notifier.CommittedLocally -= _onLocalCommit;

    /// <summary>This process committed through <paramref name="Ordering"/>.</summary>
    private sealed record LocalCommit(long Ordering);
}

/// <summary>The notice on the wire: the member <paramref name="Origin"/> committed the journal through <paramref name="Ordering"/>.</summary>
public sealed record JournalCommitNotice(long Ordering, string Origin);
