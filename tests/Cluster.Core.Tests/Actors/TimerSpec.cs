using Cluster.Core.Actors;
using Cluster.TestKit;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Actors;

public sealed class TimerSpec(ITestOutputHelper output) : TestKit.TestKit(output, new TestKitOptions { UseManualClock = true })
{
    private sealed record Start(string Key, string Message, TimeSpan Delay, bool Periodic);

    private sealed record CancelTimer(string Key);

    private sealed class TimerActor : ReceiveActor, IWithTimers
    {
        public TimerActor(IActorRef probe)
        {
            Receive<Start>(s =>
            {
                if (s.Periodic)
                {
                    Timers.StartPeriodicTimer(s.Key, s.Message, s.Delay);
                }
                else
                {
                    Timers.StartSingleTimer(s.Key, s.Message, s.Delay);
                }

                Sender.Tell("started");
            });
            Receive<CancelTimer>(c =>
            {
                Timers.Cancel(c.Key);
                Sender.Tell(Timers.IsTimerActive(c.Key));
            });
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("restart"));
            Receive<string>(s => probe.Tell(s));
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }

    private IActorRef StartTimer(IActorRef actor, Start start)
    {
        actor.Tell(start, TestActor);
        ExpectMsg("started");
        return actor;
    }

    [Fact]
    public void SingleTimer_ClockAdvancedPastDelay_FiresOnce()
    {
        var probe = CreateTestProbe();
        var actor = StartTimer(ActorOf(Props.CreateFrom(() => new TimerActor(probe.Ref))), new Start("k", "tick", TimeSpan.FromSeconds(10), false));
        Clock!.Advance(TimeSpan.FromSeconds(9));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromSeconds(1));
        probe.ExpectMsg("tick");
        Clock.Advance(TimeSpan.FromMinutes(1));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(0, Clock.ActiveTimers);
        GC.KeepAlive(actor);
    }

    [Fact]
    public void PeriodicTimer_ClockAdvanced_FiresEveryInterval()
    {
        var probe = CreateTestProbe();
        StartTimer(ActorOf(Props.CreateFrom(() => new TimerActor(probe.Ref))), new Start("p", "beat", TimeSpan.FromSeconds(1), true));
        Clock!.Advance(TimeSpan.FromSeconds(3));
        probe.ExpectMsg("beat");
        probe.ExpectMsg("beat");
        probe.ExpectMsg("beat");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Cancel_BeforeDue_MessageNeverArrives()
    {
        var probe = CreateTestProbe();
        var actor = StartTimer(ActorOf(Props.CreateFrom(() => new TimerActor(probe.Ref))), new Start("k", "tick", TimeSpan.FromSeconds(5), false));
        actor.Tell(new CancelTimer("k"), TestActor);
        Assert.False(ExpectMsg<bool>());
        Clock!.Advance(TimeSpan.FromSeconds(10));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void StartSameKey_ReplacesTimer_OnlyNewMessageArrives()
    {
        var probe = CreateTestProbe();
        var actor = ActorOf(Props.CreateFrom(() => new TimerActor(probe.Ref)));
        StartTimer(actor, new Start("k", "old", TimeSpan.FromSeconds(5), false));
        StartTimer(actor, new Start("k", "new", TimeSpan.FromSeconds(8), false));
        Clock!.Advance(TimeSpan.FromSeconds(10));
        probe.ExpectMsg("new");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Restart_CancelsTimers()
    {
        var probe = CreateTestProbe();
        var actor = StartTimer(ActorOf(Props.CreateFrom(() => new TimerActor(probe.Ref))), new Start("k", "tick", TimeSpan.FromSeconds(5), false));
        actor.Tell("fail", TestActor);
        actor.Tell("alive", TestActor);
        probe.ExpectMsg("alive");
        Clock!.Advance(TimeSpan.FromSeconds(10));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private sealed class IdleActor : ReceiveActor
    {
        public IdleActor(IActorRef probe)
        {
            Context.SetReceiveTimeout(TimeSpan.FromSeconds(30));
            Receive<ReceiveTimeout>(_ => probe.Tell("idle"));
            Receive<string>(s => s == "off", _ =>
            {
                Context.SetReceiveTimeout(null);
                probe.Tell("off");
            });
            Receive<string>(s => probe.Tell(s));
        }
    }

    [Fact]
    public void ReceiveTimeout_IdleForTimeout_SendsReceiveTimeoutRepeatedly_UntilCleared()
    {
        var probe = CreateTestProbe();
        var actor = ActorOf(Props.CreateFrom(() => new IdleActor(probe.Ref)));
        actor.Tell("hello", null);
        probe.ExpectMsg("hello");
        Clock!.Advance(TimeSpan.FromSeconds(29));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromSeconds(1));
        probe.ExpectMsg("idle");
        Clock.Advance(TimeSpan.FromSeconds(30));
        probe.ExpectMsg("idle");
        actor.Tell("off", null);
        probe.ExpectMsg("off");
        Clock.Advance(TimeSpan.FromMinutes(5));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void ReceiveTimeout_MessageArrives_RestartsTheIdleWindow()
    {
        var probe = CreateTestProbe();
        var actor = ActorOf(Props.CreateFrom(() => new IdleActor(probe.Ref)));
        actor.Tell("hello", null);
        probe.ExpectMsg("hello");
        Clock!.Advance(TimeSpan.FromSeconds(20));
        actor.Tell("again", null);
        probe.ExpectMsg("again");
        Clock.Advance(TimeSpan.FromSeconds(20));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromSeconds(10));
        probe.ExpectMsg("idle");
    }

    [Fact]
    public void Scheduler_ScheduleTellOnce_DeliversAfterDelayOnly()
    {
        var cancelable = Sys.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromSeconds(5), TestActor, "later", null);
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(5), TestActor, "also later", null);
        cancelable.Cancel();
        Clock!.Advance(TimeSpan.FromSeconds(4));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromSeconds(1));
        ExpectMsg("also later");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }
}
