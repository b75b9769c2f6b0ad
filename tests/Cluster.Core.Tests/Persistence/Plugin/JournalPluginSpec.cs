using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Persistence.Plugin;

/// <summary>
/// Akka's journal TCK (Akka.Persistence.TCK's JournalSpec, which is not published for 1.5.75)
/// ported case by case against the journal plugin's message protocol, on each backend. Every test
/// starts with events a-1 .. a-5 of <see cref="PluginTestKit.Pid"/> stored (4 and 5 in one atomic write).
/// </summary>
public abstract partial class JournalPluginSpec : PluginTestKit
{
    private const int ActorInstanceId = 1;
    private readonly TestProbe _receiver;

    protected JournalPluginSpec(PluginBackend backend, ITestOutputHelper output)
        : base(backend, output)
    {
        _receiver = CreateTestProbe();
        WriteMessages(1, 5);
    }

    private Persistent Event(object payload, long sequenceNr, string? persistenceId = null, IActorRef? sender = null) =>
        new(payload, sequenceNr, persistenceId ?? Pid, string.Empty, false, sender ?? ActorRefs.NoSender, WriterGuid);

    /// <summary>a-<paramref name="from"/> .. a-<paramref name="to"/>, the last two in one atomic write, as the TCK writes them.</summary>
    private void WriteMessages(int from, int to)
    {
        var writes = Enumerable.Range(from, to - from)
            .Select(i => i == to - 1
                ? new AtomicWrite(ImmutableList.Create<IPersistentRepresentation>(Event("a-" + i, i), Event("a-" + (i + 1), i + 1)))
                : new AtomicWrite(Event("a-" + i, i)))
            .ToArray();
        var probe = CreateTestProbe();
        Journal.Tell(new WriteMessages(writes, probe.Ref, ActorInstanceId));
        probe.ExpectMsg<WriteMessagesSuccessful>();
        for (var i = from; i <= to; i++)
        {
            var success = probe.ExpectMsg<WriteMessageSuccess>();
            Assert.Equal(("a-" + i, (long)i, Pid), (success.Persistent.Payload, success.Persistent.SequenceNr, success.Persistent.PersistenceId));
        }
    }

    private void Replay(long from, long to, long max, string? persistenceId = null) =>
        Journal.Tell(new ReplayMessages(from, to, max, persistenceId ?? Pid, _receiver.Ref));

    private void ExpectReplayed(params long[] sequenceNrs)
    {
        foreach (var sequenceNr in sequenceNrs)
        {
            var replayed = _receiver.ExpectMsg<ReplayedMessage>().Persistent;
            Assert.Equal(("a-" + sequenceNr, sequenceNr, Pid, false), (replayed.Payload, replayed.SequenceNr, replayed.PersistenceId, replayed.IsDeleted));
        }
    }

    private void ExpectRecoverySuccess(long highestSequenceNr) =>
        Assert.Equal(highestSequenceNr, _receiver.ExpectMsg<RecoverySuccess>().HighestSequenceNr);

    [JournalFact]
    public void Replay_AllMessages_ReplaysEachInOrderThenTheHighestSequenceNr()
    {
        Replay(1, long.MaxValue, long.MaxValue);
        ExpectReplayed(1, 2, 3, 4, 5);
        ExpectRecoverySuccess(5);
    }

    [JournalFact]
    public void Replay_LowerSequenceNrBound_StartsThere()
    {
        Replay(3, long.MaxValue, long.MaxValue);
        ExpectReplayed(3, 4, 5);
        ExpectRecoverySuccess(5);
    }

    [JournalFact]
    public void Replay_UpperSequenceNrBound_StopsThere()
    {
        Replay(1, 3, long.MaxValue);
        ExpectReplayed(1, 2, 3);
        ExpectRecoverySuccess(5);
    }

    [JournalFact]
    public void Replay_CountLimit_ReplaysAtMostThatMany()
    {
        Replay(1, long.MaxValue, 3);
        ExpectReplayed(1, 2, 3);
        ExpectRecoverySuccess(5);
    }

    [JournalFact]
    public void Replay_LowerAndUpperBound_ReplaysTheRangeBetween()
    {
        Replay(2, 3, long.MaxValue);
        ExpectReplayed(2, 3);
        ExpectRecoverySuccess(5);
    }

    [JournalFact]
    public void Replay_BoundsAndCountLimit_TheLimitCutsTheRange()
    {
        Replay(2, 5, 2);
        ExpectReplayed(2, 3);
        ExpectRecoverySuccess(5);
    }

    [JournalFact]
    public void Replay_LowerBoundEqualsUpperBound_ReplaysThatOne()
    {
        Replay(2, 2, long.MaxValue);
        ExpectReplayed(2);
        ExpectRecoverySuccess(5);
    }

    [JournalFact]
    public void Replay_CountLimitOne_ReplaysOne()
    {
        Replay(2, 4, 1);
        ExpectReplayed(2);
        ExpectRecoverySuccess(5);
    }

    [JournalFact]
    public void Replay_CountLimitZero_ReplaysNothing()
    {
        Replay(2, 4, 0);
        ExpectRecoverySuccess(5);
    }

    [JournalFact]
    public void Replay_LowerBoundAboveUpperBound_ReplaysNothing()
    {
        Replay(3, 2, long.MaxValue);
        ExpectRecoverySuccess(5);
    }

    [JournalFact]
    public void Replay_IdThatNeverWrote_ReplaysNothingAndHighestIsZero()
    {
        Replay(0, long.MaxValue, long.MaxValue, "non-existing-pid");
        ExpectRecoverySuccess(0);
    }

    [JournalFact]
    public void DeleteMessagesTo_Range_DeletedEventsAreNotReplayed()
    {
        var deleter = CreateTestProbe();
        var subscriber = CreateTestProbe();
        Sys.EventStream.Subscribe(subscriber.Ref, typeof(DeleteMessagesTo));

        Journal.Tell(new DeleteMessagesTo(Pid, 3, deleter.Ref));

        var published = subscriber.ExpectMsg<DeleteMessagesTo>();
        Assert.Equal((Pid, 3L), (published.PersistenceId, published.ToSequenceNr));
        Assert.Equal(3L, deleter.ExpectMsg<DeleteMessagesSuccess>().ToSequenceNr);
        Replay(1, long.MaxValue, long.MaxValue);
        ExpectReplayed(4, 5);
        ExpectRecoverySuccess(5);
        deleter.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [JournalFact]
    public void DeleteMessagesTo_Some_HighestSequenceNrIsKept()
    {
        Journal.Tell(new DeleteMessagesTo(Pid, 3, _receiver.Ref));
        Assert.Equal(3L, _receiver.ExpectMsg<DeleteMessagesSuccess>().ToSequenceNr);

        Replay(0, long.MaxValue, long.MaxValue);
        ExpectReplayed(4, 5);
        ExpectRecoverySuccess(5);
    }

    [JournalFact]
    public void DeleteMessagesTo_All_HighestSequenceNrIsKept()
    {
        Journal.Tell(new DeleteMessagesTo(Pid, long.MaxValue, _receiver.Ref));
        Assert.Equal(long.MaxValue, _receiver.ExpectMsg<DeleteMessagesSuccess>().ToSequenceNr);

        Replay(0, long.MaxValue, long.MaxValue);
        ExpectRecoverySuccess(5);
    }
}
