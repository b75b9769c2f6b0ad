using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Cluster.Core.Persistence.Journal;
using Cluster.Core.Registry.Cache;

namespace Cluster.Core.Tests.Registry.Cache;

/// <summary>Commit notices between members: the first commit after a quiet spell at once, the rest of a window in one notice.</summary>
public sealed class CommitNoticeActorSpec() : TestKit(ConfigurationFactory.ParseString("""
    akka.loglevel = WARNING
    akka.actor.provider = cluster
    akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
    akka.remote.dot-netty.tcp.port = 0
    akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
    """))
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(10);
    private readonly JournalNotifier _notifier = new();
    private IActorRef? _actor;

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public void LocalCommits_BurstWithinWindow_FirstToldAtOnce_RestInOneNoticeWithTheHighest()
    {
        var others = StartWithSubscriber();

        _notifier.Committed(1);
        Assert.Equal(1, others.ExpectMsg<JournalCommitNotice>().Ordering);

        _notifier.Committed(2);
        _notifier.Committed(3);
        AwaitHandled();
        others.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        Scheduler.Advance(Window);
        Assert.Equal(3, others.ExpectMsg<JournalCommitNotice>().Ordering);

        // Nothing more within the next window: it closes and the next commit is told at once.
        AwaitHandled();
        Scheduler.Advance(Window);
        others.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        AwaitHandled();
        _notifier.Committed(4);
        Assert.Equal(4, others.ExpectMsg<JournalCommitNotice>().Ordering);
    }

    [Fact]
    public void LocalCommits_NoWindow_EveryCommitToldAtOnce()
    {
        var others = StartWithSubscriber(TimeSpan.Zero);

        foreach (var ordering in new long[] { 1, 2, 3 })
        {
            _notifier.Committed(ordering);
            Assert.Equal(ordering, others.ExpectMsg<JournalCommitNotice>().Ordering);
        }
    }

    [Fact]
    public void NoticeFromAnotherMember_WakesThisMembersFeed()
    {
        StartWithSubscriber();
        DistributedPubSub.Get(Sys).Mediator.Tell(new Publish(CommitNoticeActor.Topic, new JournalCommitNotice(42, "another-member")));

        AwaitCondition(() => _notifier.HighestOrdering == 42, TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// Returns once the actor has handled every message sent to it before: its mailbox keeps order, so an answer to a
    /// later message proves it, however loaded the machine. The test scheduler only fires timers already started.
    /// </summary>
    private void AwaitHandled()
    {
        _actor!.Tell(new Identify(0), TestActor);
        ExpectMsg<ActorIdentity>();
    }

    private TestProbe StartWithSubscriber(TimeSpan? window = null)
    {
        var others = CreateTestProbe();
        var mediator = DistributedPubSub.Get(Sys).Mediator;
        mediator.Tell(new Subscribe(CommitNoticeActor.Topic, others.Ref), others.Ref);
        others.ExpectMsg<SubscribeAck>();
        var actor = _actor = Sys.ActorOf(CommitNoticeActor.Props(_notifier, window ?? Window));

        // It answers only after PreStart, where it starts listening to the notifier.
        actor.Tell(new Identify(1), TestActor);
        ExpectMsg<ActorIdentity>();
        return others;
    }
}
