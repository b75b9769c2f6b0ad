using Cluster.Core.Actors;
using Cluster.TestKit;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Actors;

public sealed class BackoffSupervisorSpec(ITestOutputHelper output) : TestKit.TestKit(output, new TestKitOptions { UseManualClock = true })
{
    private sealed class Flaky : ReceiveActor
    {
        public Flaky(IActorRef probe)
        {
            probe.Tell("child started");
            Receive<string>(s => s == "stop", _ => Context.Stop(Self));
            Receive<string>(s => s == "fail", _ => throw new InvalidOperationException("resource down"));
            Receive<string>(s => Sender.Tell("echo:" + s));
        }
    }

    [Theory]
    [InlineData(0, 1000)]
    [InlineData(1, 2000)]
    [InlineData(2, 4000)]
    [InlineData(3, 8000)]
    [InlineData(10, 30000)]
    public void CalculateDelay_WithoutJitter_DoublesUpToMax(int restarts, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), BackoffSupervisor.CalculateDelay(restarts, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0));

    [Fact]
    public void OnStop_ChildStops_IsRestartedAfterGrowingDelays()
    {
        var probe = CreateTestProbe();
        var options = BackoffOptions.OnStop(Props.CreateFrom(() => new Flaky(probe.Ref)), "flaky", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 0);
        var supervisor = ActorOf(BackoffSupervisor.Props(options));
        probe.ExpectMsg("child started");

        supervisor.Tell("stop", TestActor);
        AwaitRestartCount(supervisor, 1);
        Clock!.Advance(TimeSpan.FromMilliseconds(999));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        probe.ExpectMsg("child started");

        supervisor.Tell("stop", TestActor);
        AwaitRestartCount(supervisor, 2);
        Clock.Advance(TimeSpan.FromMilliseconds(1999));
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        probe.ExpectMsg("child started");

        supervisor.Tell("ping", TestActor);
        ExpectMsg("echo:ping");
    }

    [Fact]
    public void OnFailure_ChildFails_IsRestarted_ChildStopsItself_SupervisorStops()
    {
        var probe = CreateTestProbe();
        var options = BackoffOptions.OnFailure(Props.CreateFrom(() => new Flaky(probe.Ref)), "flaky", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 0.2, seed: 7);
        var supervisor = ActorOf(BackoffSupervisor.Props(options));
        probe.ExpectMsg("child started");
        supervisor.Tell("fail", TestActor);
        AwaitRestartCount(supervisor, 1);
        Clock!.Advance(TimeSpan.FromSeconds(1.2));
        probe.ExpectMsg("child started");

        Watch(supervisor);
        supervisor.Tell("stop", TestActor);
        ExpectTerminated(supervisor);
    }

    private void AwaitRestartCount(IActorRef supervisor, int count) =>
        AwaitAssert(() =>
        {
            supervisor.Tell(BackoffSupervisor.GetRestartCount.Instance, TestActor);
            Assert.Equal(count, ExpectMsg<BackoffSupervisor.RestartCount>().Count);
        });
}
