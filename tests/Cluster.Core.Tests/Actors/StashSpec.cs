using Cluster.Core.Actors;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Actors;

public sealed class StashSpec(ITestOutputHelper output) : TestKit.TestKit(output)
{
    /// <summary>Stashes ints until "open", then processes everything in order and reports it.</summary>
    private sealed class Gate : ReceiveActor, IWithStash
    {
        private readonly List<int> _seen = [];

        public Gate()
        {
            Receive<int>(_ => Stash.Stash());
            Receive<string>(s => s == "open", _ =>
            {
                Become(Open);
                Stash.UnstashAll();
            });
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("restart me"));
            Receive<string>(s => s == "twice", _ =>
            {
                Stash.Stash();
                Stash.Stash();
            });
        }

        public IStash Stash { get; set; } = null!;

        private void Open()
        {
            Receive<int>(_seen.Add);
            Receive<string>(s => s == "report", _ => Sender.Tell(_seen.ToArray()));
        }
    }

    [Fact]
    public void UnstashAll_StashedMessages_ComeBackInOrderBeforeNewerOnes()
    {
        var gate = ActorOf(Props.Create<Gate>());
        for (var i = 0; i < 5; i++)
        {
            gate.Tell(i, null);
        }

        gate.Tell("open", null);
        gate.Tell(5, null);
        gate.Tell("report", TestActor);
        Assert.Equal([0, 1, 2, 3, 4, 5], ExpectMsg<int[]>());
    }

    [Fact]
    public void Restart_StashedMessages_AreKeptInMailbox()
    {
        var gate = ActorOf(Props.Create<Gate>());
        gate.Tell(1, null);
        gate.Tell(2, null);
        gate.Tell("fail", null);
        gate.Tell("open", null);
        gate.Tell("report", TestActor);

        // After the restart the stashed ints are back in the mailbox, in front; the new instance stashes them again until "open".
        Assert.Equal([1, 2], ExpectMsg<int[]>());
    }

    [Fact]
    public void Stash_SameMessageTwice_FailsTheActor()
    {
        // Stopped on failure: a restart would put the stashed message back and fail again.
        var supervisor = ActorOf(Props.CreateFrom(() => new Supervisor(SupervisorStrategy.StoppingStrategy)));
        supervisor.Tell(Props.Create<Gate>(), TestActor);
        var gate = ExpectMsg<IActorRef>();
        Watch(gate);
        gate.Tell("twice", null);
        ExpectTerminated(gate);
        Assert.Contains(LogRecords, r => r.EventId.Id == 1004 && r.Exception is IllegalActorStateException);
    }
}
