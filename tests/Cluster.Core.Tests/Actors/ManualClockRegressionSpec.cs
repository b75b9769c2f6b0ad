using Cluster.Core.Actors;
using Cluster.TestKit;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Actors;

public sealed class ManualClockRegressionSpec(ITestOutputHelper output) : TestKit.TestKit(output, new TestKitOptions { UseManualClock = true })
{
    /// <summary>Stashes its timer's payload until "open".</summary>
    private sealed class StashTimer : ReceiveActor, IWithTimers, IWithStash
    {
        public StashTimer(IActorRef probe)
        {
            Receive<string>(s => s == "start", _ =>
            {
                Timers.StartSingleTimer("k", "tick", TimeSpan.FromSeconds(1));
                Sender.Tell("started");
            });
            Receive<string>(s => s == "open", _ =>
            {
                Become(() => ReceiveAny(m => probe.Tell(m)));
                Stash.UnstashAll();
            });
            Receive<string>(s => s == "tick", _ =>
            {
                probe.Tell("stashed");
                Stash.Stash();
            });
        }

        public ITimerScheduler Timers { get; set; } = null!;

        public IStash Stash { get; set; } = null!;
    }

    [Fact]
    public void StashedSingleTimerMessage_Unstashed_IsDelivered()
    {
        var probe = CreateTestProbe();
        var actor = ActorOf(Props.CreateFrom(() => new StashTimer(probe.Ref)));
        actor.Tell("start", TestActor);
        ExpectMsg("started");
        Clock!.Advance(TimeSpan.FromSeconds(1));
        probe.ExpectMsg("stashed");
        actor.Tell("open", TestActor);
        probe.ExpectMsg("tick");
    }

    private sealed class BusyIdle : ReceiveActor
    {
        public BusyIdle(IActorRef probe, Task gate)
        {
            Context.SetReceiveTimeout(TimeSpan.FromSeconds(1));
            Receive<ReceiveTimeout>(_ => probe.Tell("timeout"));
            ReceiveAsync<string>(async _ =>
            {
                probe.Tell("busy");
                await gate;
                probe.Tell("done");
            });
        }
    }

    [Fact]
    public void ReceiveTimeout_HandlerBusyForManyTimeouts_AtMostOneIsPending()
    {
        var probe = CreateTestProbe();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ActorOf(Props.CreateFrom(() => new BusyIdle(probe.Ref, gate.Task))).Tell("work", TestActor);
        probe.ExpectMsg("busy");
        Clock!.Advance(TimeSpan.FromSeconds(10));
        gate.SetResult();
        probe.ExpectMsg("done");
        var timeouts = 0;
        while (probe.ReceiveOne(TimeSpan.FromMilliseconds(300)) is "timeout")
        {
            timeouts++;
        }

        Assert.True(timeouts <= 1, $"{timeouts} ReceiveTimeouts piled up during one busy period");
    }
}
