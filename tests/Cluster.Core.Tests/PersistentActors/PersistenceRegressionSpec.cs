using Cluster.Core.Actors;
using Cluster.Core.Persistence;
using Cluster.Core.Persistence.Journal;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.PersistentActors;

/// <summary>Defects found in review of the persistence layer, kept as scenarios.</summary>
public sealed class PersistenceRegressionSpec(ITestOutputHelper output) : PersistenceTestKit(output)
{
    /// <summary>Persists an event from its RecoveryCompleted handler (a common Akka pattern).</summary>
    private sealed class PersistOnStart : ReceivePersistentActor
    {
        private int _value;

        public PersistOnStart(string id, IActorRef probe)
        {
            PersistenceId = id;
            Recover<Incremented>(e => _value += e.By);
            Recover<RecoveryCompleted>(_ => Persist(new Incremented(1), e =>
            {
                _value += e.By;
                probe.Tell(("start-applied", LastSequenceNr));
            }));
            Command<string>(s => s == "get", _ => Sender.Tell(_value));
        }

        public override string PersistenceId { get; }
    }

    [Fact]
    public void PersistInRecoveryCompleted_IsStoredAndHandledBeforeTheFirstCommand()
    {
        var probe = CreateTestProbe();
        var actor = ActorOf(Props.CreateFrom(() => new PersistOnStart("start", probe.Ref)));
        actor.Tell("get", TestActor);
        probe.ExpectMsg(("start-applied", 1L));
        ExpectMsg(1);
    }

    [Fact]
    public async Task SequenceConflict_ActorStops_AndItsNextIncarnationRecoversTheJournalsTruth()
    {
        var probe = CreateTestProbe();
        var victim = ActorOf(Props.CreateFrom(() => new CounterActor("diverge", probe.Ref, 0)));
        probe.ExpectMsg(("recovered", 0, 0L));
        var (manifest, payload) = Serialization.Serialize(new Incremented(100));
        await Journal.WriteAsync([new AtomicWrite("diverge", "other-writer", [new JournalEvent(1, manifest, payload, [])])]);

        Watch(victim);
        victim.Tell(1, TestActor);
        Assert.IsType<SequenceConflictException>(ExpectMsg<Status.Failure>().Cause);
        ExpectTerminated(victim);

        ActorOf(Props.CreateFrom(() => new CounterActor("diverge", probe.Ref, 0)));
        probe.ExpectMsg(("recovered", 100, 1L));
    }
}

/// <summary>A journal whose highest-sequence-number read waits at a gate (recovery in progress).</summary>
public sealed class GatedRecoveryJournal(IJournal inner) : Persistence.DelegatingJournal(inner)
{
    public ManualResetEventSlim Gate { get; } = new(initialState: true);

    public ManualResetEventSlim Entered { get; } = new(initialState: false);

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default)
    {
        Entered.Set();
        await Task.Run(() => Gate.Wait(TimeSpan.FromSeconds(30)), cancellationToken);
        return await Inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
    }

    public override ValueTask DisposeAsync()
    {
        Gate.Dispose();
        Entered.Dispose();
        return base.DisposeAsync();
    }
}

public sealed class RecoveryPermitSpec(ITestOutputHelper output)
    : PersistenceTestKit(output, new GatedRecoveryJournal(new InMemoryJournal()), new PersistenceSettings { MaxConcurrentRecoveries = 1 })
{
    [Fact]
    public void ActorStoppedDuringRecovery_GivesItsPermitBack()
    {
        var journal = (GatedRecoveryJournal)Journal;
        var probe = CreateTestProbe();
        journal.Gate.Reset();
        var first = ActorOf(Props.CreateFrom(() => new CounterActor("r1", probe.Ref, 0)));
        Assert.True(journal.Entered.Wait(TimeSpan.FromSeconds(5)));
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        journal.Gate.Set();

        // With one permit, a leaked one would leave every later recovery waiting forever.
        ActorOf(Props.CreateFrom(() => new CounterActor("r2", probe.Ref, 0)));
        probe.ExpectMsg(("recovered", 0, 0L));
    }

    [Fact]
    public void ActorStoppedWhileWaitingForAPermit_DoesNotKeepItWhenGranted()
    {
        var journal = (GatedRecoveryJournal)Journal;
        var probe = CreateTestProbe();
        journal.Gate.Reset();
        var holder = ActorOf(Props.CreateFrom(() => new CounterActor("holder", probe.Ref, 0)));
        Assert.True(journal.Entered.Wait(TimeSpan.FromSeconds(5)));
        var waiter = ActorOf(Props.CreateFrom(() => new CounterActor("waiter", probe.Ref, 0)));
        Watch(waiter);
        Sys.Stop(waiter);
        ExpectTerminated(waiter);
        journal.Gate.Set();
        probe.ExpectMsg(("recovered", 0, 0L));

        ActorOf(Props.CreateFrom(() => new CounterActor("after", probe.Ref, 0)));
        probe.ExpectMsg(("recovered", 0, 0L));
        GC.KeepAlive(holder);
    }
}
