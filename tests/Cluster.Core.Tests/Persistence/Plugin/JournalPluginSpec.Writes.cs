using System.Text;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Cluster.Core.Persistence;
using SequenceConflictException = Cluster.Core.Persistence.Journal.SequenceConflictException;
using JournalStoreException = Cluster.Core.Persistence.Journal.JournalStoreException;

namespace Cluster.Core.Tests.Persistence.Plugin;

/// <summary>An event that holds an actor reference (Akka's default JSON serializer writes it as a path).</summary>
public sealed record RefPayload(IActorRef Ref);

/// <summary>An event written by <see cref="TypeManifestSerializer"/>, which needs the CLR type back to read it.</summary>
public sealed record Labelled(string Text);

/// <summary>A serializer that includes a type manifest (not a string manifest): the journal must keep it to read the event back.</summary>
public sealed class TypeManifestSerializer(ExtendedActorSystem system) : Akka.Serialization.Serializer(system)
{
    public override int Identifier => 9902;

    public override bool IncludeManifest => true;

    public override byte[] ToBinary(object obj) => Encoding.UTF8.GetBytes(((Labelled)obj).Text);

    public override object FromBinary(byte[] bytes, Type type) =>
        type == typeof(Labelled) ? new Labelled(Encoding.UTF8.GetString(bytes)) : throw new ArgumentException($"Unexpected manifest {type}.", nameof(type));
}

/// <summary>The TCK's write cases (serialization, rejections) and the plugin's own: conflicts, store failure, tags.</summary>
public abstract partial class JournalPluginSpec
{
    /// <summary>Writes one atomic write per event in one call; answers the probe that received the replies.</summary>
    private Akka.TestKit.TestProbe Write(params Persistent[] events)
    {
        var probe = CreateTestProbe();
        Journal.Tell(new WriteMessages(events.Select(e => new AtomicWrite(e)).ToArray(), probe.Ref, ActorInstanceId));
        return probe;
    }

    /// <summary>The payloads replayed for <paramref name="persistenceId"/> from <paramref name="from"/>, then the highest sequence number reported.</summary>
    private (List<IPersistentRepresentation> Replayed, long Highest) ReplayAll(long from = 1, string? persistenceId = null)
    {
        Replay(from, long.MaxValue, long.MaxValue, persistenceId);
        var replayed = new List<IPersistentRepresentation>();
        while (true)
        {
            switch (_receiver.ExpectMsg<object>())
            {
                case ReplayedMessage message:
                    replayed.Add(message.Persistent);
                    break;
                case RecoverySuccess success:
                    return (replayed, success.HighestSequenceNr);
                case var other:
                    throw new Xunit.Sdk.XunitException($"Unexpected reply to a replay: {other}");
            }
        }
    }

    [JournalFact]
    public void Write_EventHoldingAnActorRef_ReplaysAnEqualEventWithItsWriterAndNoSender()
    {
        var @event = new RefPayload(CreateTestProbe().Ref);

        var probe = Write(Event(@event, 6));

        probe.ExpectMsg<WriteMessagesSuccessful>();
        var written = probe.ExpectMsg<WriteMessageSuccess>().Persistent;
        Assert.Equal((WriterGuid, Pid, 6L, (object)@event), (written.WriterGuid, written.PersistenceId, written.SequenceNr, written.Payload));
        var replayed = Assert.Single(ReplayAll(from: 6).Replayed);
        Assert.Equal((WriterGuid, Pid, 6L, (object)@event), (replayed.WriterGuid, replayed.PersistenceId, replayed.SequenceNr, replayed.Payload));
        Assert.True(replayed.Sender is null || replayed.Sender.Equals(ActorRefs.NoSender) || replayed.Sender.Equals(Sys.DeadLetters));
        Assert.InRange(replayed.Timestamp, DateTime.UtcNow.AddMinutes(-5).Ticks, DateTime.UtcNow.AddMinutes(5).Ticks);
    }

    [JournalFact]
    public void Write_EventOfAStringManifestSerializer_ReplaysEqual()
    {
        var probe = Write(Event(new Incremented(7), 6));

        probe.ExpectMsg<WriteMessagesSuccessful>();
        probe.ExpectMsg<WriteMessageSuccess>();
        Assert.Equal(new Incremented(7), Assert.Single(ReplayAll(from: 6).Replayed).Payload);
    }

    [JournalFact]
    public void Write_EventOfATypeManifestSerializer_ReplaysEqual()
    {
        var probe = Write(Event(new Labelled("x"), 6));

        probe.ExpectMsg<WriteMessagesSuccessful>();
        probe.ExpectMsg<WriteMessageSuccess>();
        Assert.Equal(new Labelled("x"), Assert.Single(ReplayAll(from: 6).Replayed).Payload);
    }

    [JournalFact]
    public void Write_UnserializableEventBetweenTwoOthers_OnlyItIsRejectedAndTheOthersAreStored()
    {
        var probe = Write(Event("b-6", 6), Event(new Unserializable("x"), 7), Event("b-8", 8));

        probe.ExpectMsg<WriteMessagesSuccessful>();
        Assert.Equal("b-6", probe.ExpectMsg<WriteMessageSuccess>().Persistent.Payload);
        var rejected = probe.ExpectMsg<WriteMessageRejected>();
        Assert.Equal((7L, Pid, WriterGuid), (rejected.Persistent.SequenceNr, rejected.Persistent.PersistenceId, rejected.Persistent.WriterGuid));
        Assert.IsType<Unserializable>(rejected.Persistent.Payload);
        Assert.IsType<PersistenceSerializationException>(rejected.Cause);
        Assert.Equal("b-8", probe.ExpectMsg<WriteMessageSuccess>().Persistent.Payload);
        var (replayed, highest) = ReplayAll(from: 6);
        Assert.Equal(["b-6", "b-8"], replayed.Select(p => p.Payload));
        Assert.Equal(8, highest);
    }

    [JournalFact]
    public void Write_SequenceNrTakenByAnotherWriter_OnlyThatWriteIsRejected()
    {
        var probe = Write(Event("late", 3), Event("first", 1, persistenceId: "other"));

        probe.ExpectMsg<WriteMessagesSuccessful>();
        var rejected = probe.ExpectMsg<WriteMessageRejected>();
        Assert.Equal((Pid, 3L), (rejected.Persistent.PersistenceId, rejected.Persistent.SequenceNr));
        Assert.IsType<SequenceConflictException>(rejected.Cause);
        Assert.Equal("other", probe.ExpectMsg<WriteMessageSuccess>().Persistent.PersistenceId);
        Assert.Equal("a-3", ReplayAll().Replayed[2].Payload);
    }

    [JournalFact]
    public async Task Write_StoreFails_EveryWriteOfTheCallFailsWithTheStoreError()
    {
        await Backend.BreakWritesAsync();

        var probe = Write(Event("c-6", 6), Event("c-1", 1, persistenceId: "other"));

        Assert.IsType<JournalStoreException>(probe.ExpectMsg<WriteMessagesFailed>().Cause);
        Assert.Equal(6L, probe.ExpectMsg<WriteMessageFailure>().Persistent.SequenceNr);
        Assert.Equal("other", probe.ExpectMsg<WriteMessageFailure>().Persistent.PersistenceId);
    }

    [JournalFact]
    public async Task Write_TaggedEvent_ReplaysTheBareEventAndStoresItsTags()
    {
        var probe = Write(Event(new Tagged("d-6", ["blue", "green"]), 6));

        probe.ExpectMsg<WriteMessagesSuccessful>();
        probe.ExpectMsg<WriteMessageSuccess>();
        Assert.Equal("d-6", Assert.Single(ReplayAll(from: 6).Replayed).Payload);
        var stored = await Store.Journal.ReplayAsync(Pid, 6, 6, 1).SingleAsync();
        Assert.Equal(["blue", "green"], stored.Tags.Order());
    }
}
