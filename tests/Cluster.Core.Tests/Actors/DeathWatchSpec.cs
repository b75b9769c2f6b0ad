using Cluster.Core.Actors;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Actors;

public sealed class DeathWatchSpec(ITestOutputHelper output) : TestKit.TestKit(output)
{
    [Fact]
    public void Watch_ActorStops_WatcherGetsTerminated()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        Watch(echo);
        echo.Tell(PoisonPill.Instance, null);
        var terminated = ExpectTerminated(echo);
        Assert.True(terminated.ExistenceConfirmed);
    }

    [Fact]
    public void Watch_AfterDeath_WatcherStillGetsTerminated()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        var probe = CreateTestProbe();
        probe.Watch(echo);
        Sys.Stop(echo);
        probe.ExpectTerminated(echo);

        Watch(echo);
        ExpectTerminated(echo);
    }

    [Fact]
    public void Unwatch_TerminatedAlreadyQueued_IsNotDelivered()
    {
        var watcher = ActorOf(Props.CreateFrom(() => new UnwatchingActor(TestActor)));
        var target = ActorOf(Props.Create<EchoActor>());
        watcher.Tell(target, TestActor);
        ExpectMsg("unwatched");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>
    /// Watches and stops the target, waits until it is dead, then queues an "unwatch" to itself:
    /// the Terminated lands in the mailbox behind it, so Unwatch runs while it is queued.
    /// </summary>
    private sealed class UnwatchingActor : ReceiveActor
    {
        public UnwatchingActor(IActorRef probe)
        {
            Receive<IActorRef>(target =>
            {
                Context.Watch(target);
                Context.Stop(target);
                SpinWait.SpinUntil(() => ((InternalActorRef)target).IsTerminated, TimeSpan.FromSeconds(5));
                Thread.Sleep(50);
                Self.Tell(("unwatch", target));
            });
            Receive<(string, IActorRef)>(m =>
            {
                Context.Unwatch(m.Item2);
                probe.Tell("unwatched");
            });
            Receive<Terminated>(t => probe.Tell(t));
        }
    }

    [Fact]
    public void WatchWith_ActorStops_CustomMessageIsDelivered()
    {
        var target = ActorOf(Props.Create<EchoActor>());
        var watcher = ActorOf(Props.CreateFrom(() => new WatchWithActor(target, TestActor)));
        watcher.Tell("ready?", TestActor);
        ExpectMsg("ready");
        Sys.Stop(target);
        ExpectMsg("target is gone");
    }

    private sealed class WatchWithActor : ReceiveActor
    {
        public WatchWithActor(IActorRef target, IActorRef probe)
        {
            Context.WatchWith(target, "target is gone");
            Receive<string>(s => s == "ready?", _ => Sender.Tell("ready"));
            Receive<string>(s => probe.Tell(s));
        }
    }

    [Fact]
    public void DeathPact_UnhandledTerminated_StopsWatcher()
    {
        var target = ActorOf(Props.Create<EchoActor>());
        var watcher = ActorOf(Props.CreateFrom(() => new PactActor(target)));
        watcher.Tell("ready?", TestActor);
        ExpectMsg("ready");
        Watch(watcher);
        Sys.Stop(target);
        ExpectTerminated(watcher);
    }

    private sealed class PactActor : ReceiveActor
    {
        public PactActor(IActorRef target)
        {
            Context.Watch(target);
            Receive<string>(_ => Sender.Tell("ready"));
        }
    }

    [Fact]
    public void Watch_Nobody_IsTerminatedAtOnce()
    {
        Watch(ActorRefs.Nobody);
        ExpectTerminated(ActorRefs.Nobody);
    }

    [Fact]
    public async Task GracefulStop_ActorStops_CompletesTrue()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        Assert.True(await echo.GracefulStop(TimeSpan.FromSeconds(5)));
        Assert.True(((InternalActorRef)echo).IsTerminated);
    }

    [Fact]
    public async Task GracefulStop_ActorIgnoresStopMessage_CompletesFalseAfterTimeout()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        Assert.False(await echo.GracefulStop(TimeSpan.FromMilliseconds(200), stopMessage: "not a stop"));
        Assert.False(((InternalActorRef)echo).IsTerminated);
    }
}
