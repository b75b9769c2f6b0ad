using Cluster.Core.Actors;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Actors;

public sealed class SupervisionSpec(ITestOutputHelper output) : TestKit.TestKit(output)
{
    private IActorRef CreateChild(SupervisorStrategy strategy, Props childProps, string? name = null)
    {
        var supervisor = ActorOf(Props.CreateFrom(() => new Supervisor(strategy)));
        if (name is null)
        {
            supervisor.Tell(childProps, TestActor);
        }
        else
        {
            supervisor.Tell((childProps, name), TestActor);
        }

        return ExpectMsg<IActorRef>();
    }

    [Fact]
    public void Restart_ChildFails_RunsFullRestartSequenceInOrder()
    {
        var probe = CreateTestProbe();
        var child = CreateChild(SupervisorStrategy.DefaultStrategy, Props.CreateFrom(() => new LifecycleActor(probe.Ref, "grandchild")));
        var firstId = probe.ExpectMsg<(string, Guid)>(m => m.Item1 == "ctor").Item2;
        probe.ExpectMsg("preStart");

        child.Tell("fail", TestActor);

        // PreRestart on the old instance sees the failing message, stops its children (PostStop of the grandchild)…
        var preRestart = probe.ExpectMsg<(string, string, object?)>();
        Assert.Equal(("preRestart", "boom", (object?)"fail"), preRestart);
        probe.ExpectMsg("postStop");
        probe.ExpectMsg(("stopped", "grandchild"));

        // …then a new instance is constructed and PostRestart runs (which calls PreStart).
        var secondId = probe.ExpectMsg<(string, Guid)>(m => m.Item1 == "ctor").Item2;
        Assert.NotEqual(firstId, secondId);
        probe.ExpectMsg(("postRestart", "boom"));
        probe.ExpectMsg("preStart");
    }

    [Fact]
    public void Restart_StateIsReset_MailboxIsKept_FailingMessageNotRedelivered()
    {
        var probe = CreateTestProbe();
        var child = CreateChild(SupervisorStrategy.DefaultStrategy, Props.CreateFrom(() => new LifecycleActor(probe.Ref, null)));
        child.Tell("inc", TestActor);
        child.Tell("fail", TestActor);
        child.Tell("after-failure", TestActor);
        child.Tell("state", TestActor);

        Assert.Equal(0, ExpectMsg<int>());
        probe.FishForMessage(m => m is ValueTuple<string, object> t && t.Item1 == "got" && Equals(t.Item2, "after-failure"));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Resume_ChildFails_KeepsStateAndInstance()
    {
        var probe = CreateTestProbe();
        var strategy = new OneForOneStrategy(_ => Directive.Resume);
        var child = CreateChild(strategy, Props.CreateFrom(() => new LifecycleActor(probe.Ref, null)));
        child.Tell("inc", TestActor);
        child.Tell("fail", TestActor);
        child.Tell("inc", TestActor);
        child.Tell("state", TestActor);
        Assert.Equal(2, ExpectMsg<int>());
        probe.ExpectMsg<(string, Guid)>();
        probe.ExpectMsg("preStart");
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Stop_ChildFails_StopsAndNotifiesWatchers()
    {
        var probe = CreateTestProbe();
        var child = CreateChild(SupervisorStrategy.StoppingStrategy, Props.CreateFrom(() => new LifecycleActor(probe.Ref, null)));
        Watch(child);
        child.Tell("fail", TestActor);
        ExpectTerminated(child);
        probe.FishForMessage(m => Equals(m, "postStop"));
    }

    [Fact]
    public void RetryLimit_MoreFailuresThanAllowedWithinWindow_StopsChild()
    {
        var probe = CreateTestProbe();
        var strategy = new OneForOneStrategy(2, TimeSpan.FromMinutes(1), _ => Directive.Restart);
        var child = CreateChild(strategy, Props.CreateFrom(() => new LifecycleActor(probe.Ref, null)));
        Watch(child);
        child.Tell("fail", TestActor);
        child.Tell("fail", TestActor);
        child.Tell("state", TestActor);
        Assert.Equal(0, ExpectMsg<int>());
        child.Tell("fail", TestActor);
        ExpectTerminated(child);
    }

    [Fact]
    public void Escalate_ChildFails_SupervisorIsRestartedByItsParent()
    {
        var probe = CreateTestProbe();
        var escalating = new OneForOneStrategy(_ => Directive.Escalate);
        var middle = ActorOf(Props.CreateFrom(() => new Supervisor(escalating)), "middle");
        middle.Tell((Props.CreateFrom(() => new LifecycleActor(probe.Ref, null)), "worker"), TestActor);
        var worker = ExpectMsg<IActorRef>();
        Watch(worker);

        worker.Tell("fail", TestActor);

        // The middle actor restarts (default strategy of /user), and its default PreRestart stops the worker.
        ExpectTerminated(worker);
        middle.Tell((Props.Create<EchoActor>(), "worker"), TestActor);
        Assert.Equal("worker", ExpectMsg<IActorRef>().Path.Name);
    }

    [Fact]
    public void Kill_ActorReceivesKill_IsStopped()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        Watch(echo);
        echo.Tell(Kill.Instance, null);
        ExpectTerminated(echo);
    }

    [Fact]
    public void PoisonPill_AfterOtherMessages_IsProcessedInOrder()
    {
        var echo = ActorOf(Props.Create<EchoActor>());
        Watch(echo);
        echo.Tell(1, TestActor);
        echo.Tell(2, TestActor);
        echo.Tell(PoisonPill.Instance, TestActor);
        echo.Tell(3, TestActor);
        ExpectMsg(1);
        ExpectMsg(2);
        ExpectTerminated(echo);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void ConstructorThrows_DefaultStrategy_StopsActor()
    {
        var actor = ActorOf(Props.CreateFrom<ThrowingConstructor>(() => new ThrowingConstructor()));
        Watch(actor);
        ExpectTerminated(actor);
    }

    private sealed class ThrowingConstructor : ReceiveActor
    {
        public ThrowingConstructor() => throw new InvalidOperationException("cannot start");
    }

    [Fact]
    public void Failure_InHandler_IsLoggedWithPathAndMessageType()
    {
        var probe = CreateTestProbe();
        var actor = ActorOf(Props.CreateFrom(() => new LifecycleActor(probe.Ref, null)), "failing");
        actor.Tell("fail", TestActor);
        AwaitCondition(() => LogRecords.Any(r =>
            r.EventId.Id == 1004 &&
            r.Message.Contains("/user/failing", StringComparison.Ordinal) &&
            r.Message.Contains("System.String", StringComparison.Ordinal) &&
            r.Exception is InvalidOperationException));
    }

    [Fact]
    public void Stop_ParentWithChildren_ChildrenStopBeforeParentPostStop()
    {
        var probe = CreateTestProbe();
        var parent = ActorOf(Props.CreateFrom(() => new LifecycleActor(probe.Ref, "kid")));
        probe.ExpectMsg<(string, Guid)>();
        probe.ExpectMsg("preStart");
        Watch(parent);
        Sys.Stop(parent);
        probe.ExpectMsg(("stopped", "kid"));
        probe.ExpectMsg("postStop");
        ExpectTerminated(parent);
    }
}
