using System.Collections.Concurrent;
using Cluster.Core.Actors;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Actors;

public sealed class ShutdownSpec(ITestOutputHelper output) : TestKit.TestKit(output)
{
    [Fact]
    public async Task CoordinatedShutdown_TasksInSeveralPhases_RunInPhaseOrderThenSystemTerminates()
    {
        var order = new ConcurrentQueue<string>();
        var system = ActorSystem.Create("cs-order");
        var cs = CoordinatedShutdown.Get(system);
        cs.AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "last", _ => Record(order, "before-actor-system-terminate"));
        cs.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "unbind", _ => Record(order, "service-unbind"));
        cs.AddTask(CoordinatedShutdown.PhaseClusterLeave, "leave", async _ =>
        {
            await Task.Delay(50, CancellationToken.None);
            order.Enqueue("cluster-leave");
        });
        cs.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "first", _ => Record(order, "before-service-unbind"));

        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["before-service-unbind", "service-unbind", "cluster-leave", "before-actor-system-terminate"], order);
        Assert.Equal(ShutdownReason.ActorSystemTerminate, cs.Reason);
        Assert.True(system.WhenTerminated.IsCompletedSuccessfully);
    }

    private static Task Record(ConcurrentQueue<string> order, string phase)
    {
        order.Enqueue(phase);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task CoordinatedShutdown_PhaseTimesOut_ContinuesWithNextPhase()
    {
        var settings = ActorSystemSettings.Default with { DefaultPhaseTimeout = TimeSpan.FromMilliseconds(200) };
        var system = ActorSystem.Create("cs-timeout", settings);
        var cs = CoordinatedShutdown.Get(system);
        var cancelled = new TaskCompletionSource();
        var later = false;
        cs.AddTask(CoordinatedShutdown.PhaseServiceStop, "hangs", async ct =>
        {
            using var registration = ct.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, ct);
        });
        cs.AddTask(CoordinatedShutdown.PhaseClusterShutdown, "later", _ =>
        {
            later = true;
            return Task.CompletedTask;
        });

        await cs.Run(ShutdownReason.ClrExit).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(later);
        Assert.True(cancelled.Task.IsCompleted, "the timed-out task's token was not cancelled");
        Assert.True(system.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task CoordinatedShutdown_RunTwice_ReturnsSameRunAndFirstReason()
    {
        var system = ActorSystem.Create("cs-twice");
        var cs = CoordinatedShutdown.Get(system);
        var runs = 0;
        cs.AddTask(CoordinatedShutdown.PhaseServiceStop, "count", _ =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        });
        var first = cs.Run(ShutdownReason.ClusterLeaving);
        var second = cs.Run(ShutdownReason.ClrExit);
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, runs);
        Assert.Equal(ShutdownReason.ClusterLeaving, cs.Reason);
        Assert.Throws<InvalidOperationException>(() => cs.AddTask(CoordinatedShutdown.PhaseServiceStop, "late", _ => Task.CompletedTask));
    }

    [Fact]
    public void AddTask_UnknownPhase_Throws() =>
        Assert.Throws<ArgumentException>(() => CoordinatedShutdown.Get(Sys).AddTask("no-such-phase", "x", _ => Task.CompletedTask));

    private sealed class Reporter(ConcurrentQueue<string> stops, string name, string? childName) : ReceiveActor
    {
        protected override void PreStart()
        {
            if (childName is not null)
            {
                Context.ActorOf(Props.CreateFrom(() => new Reporter(stops, childName, null)), childName);
            }
        }

        protected override void PostStop() => stops.Enqueue(name);
    }

    [Fact]
    public async Task Terminate_ActorTree_StopsChildrenBeforeParentsAndCompletes()
    {
        var stops = new ConcurrentQueue<string>();
        var system = ActorSystem.Create("tree");
        var parent = system.ActorOf(Props.CreateFrom(() => new Reporter(stops, "parent", "child")), "parent");
        var ready = await parent.Ask<ActorIdentity>(new Identify(1), TimeSpan.FromSeconds(3));
        Assert.NotNull(ready.Subject);

        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["child", "parent"], stops);
        Assert.True(((InternalActorRef)parent).IsTerminated);
        Assert.Throws<InvalidOperationException>(() => system.ActorOf(Props.Create<EchoActor>()));
    }
}
