using Cluster.Core.Actors;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Actors;

public sealed class AsyncHandlerSpec(ITestOutputHelper output) : TestKit.TestKit(output)
{
    private sealed class AsyncActor : ReceiveActor
    {
        public AsyncActor(TaskCompletionSource gate, IActorRef probe)
        {
            ReceiveAsync<string>(async s =>
            {
                if (s == "slow")
                {
                    var senderBefore = Sender;
                    probe.Tell("slow started");
                    await gate.Task;
                    // After the await we are back on the actor: Sender, Self and Context are intact.
                    probe.Tell(("slow done", Sender.Equals(senderBefore), Self.Path.Name, Context.Self.Equals(Self)));
                }
                else if (s == "fail later")
                {
                    await Task.Yield();
                    throw new InvalidOperationException("async boom");
                }
                else
                {
                    probe.Tell(s);
                }
            });
        }
    }

    [Fact]
    public void AsyncHandler_AwaitingTask_SuspendsMailboxUntilDone()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = CreateTestProbe();
        var actor = ActorOf(Props.CreateFrom(() => new AsyncActor(gate, probe.Ref)), "async");
        actor.Tell("slow", TestActor);
        actor.Tell("next", TestActor);
        probe.ExpectMsg("slow started");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        gate.SetResult();
        Assert.Equal(("slow done", true, "async", true), probe.ExpectMsg<(string, bool, string, bool)>());
        probe.ExpectMsg("next");
    }

    [Fact]
    public void AsyncHandler_FaultsAfterAwait_IsHandledBySupervision()
    {
        var gate = new TaskCompletionSource();
        var probe = CreateTestProbe();
        var actor = ActorOf(Props.CreateFrom(() => new AsyncActor(gate, probe.Ref)), "async-fail");
        actor.Tell("fail later", TestActor);
        actor.Tell("after", TestActor);
        probe.ExpectMsg("after");
        AwaitCondition(() => LogRecords.Any(r => r.EventId.Id == 1004 && r.Exception?.Message == "async boom"));
    }

    [Fact]
    public void AsyncHandler_CompletesSynchronously_ProcessesNextMessageWithoutDelay()
    {
        var gate = new TaskCompletionSource();
        var probe = CreateTestProbe();
        var actor = ActorOf(Props.CreateFrom(() => new AsyncActor(gate, probe.Ref)));
        for (var i = 0; i < 100; i++)
        {
            actor.Tell(i.ToString(System.Globalization.CultureInfo.InvariantCulture), TestActor);
        }

        for (var i = 0; i < 100; i++)
        {
            probe.ExpectMsg(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
