using System.Collections.Concurrent;
using Cluster.Core.Actors;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Actors;

/// <summary>Races found in review, each kept as a scenario that must keep passing.</summary>
public sealed class RaceRegressionSpec(ITestOutputHelper output) : TestKit.TestKit(output)
{
    private sealed class Idle : ReceiveActor
    {
        public Idle() => ReceiveAny(_ => { });
    }

    [Fact]
    public async Task TopLevelActorOf_RacingTerminate_SystemTerminatesAndLeavesNoLiveActor()
    {
        for (var round = 0; round < 100; round++)
        {
            var system = ActorSystem.Create("race" + round, ActorSystemSettings.Default with { RunCoordinatedShutdownOnTerminate = false });
            var created = new ConcurrentBag<IActorRef>();
            using var go = new ManualResetEventSlim();
            var spawner = new Thread(() =>
            {
                go.Wait();
                while (true)
                {
                    try
                    {
                        created.Add(system.ActorOf(Props.Create<Idle>()));
                    }
                    catch (InvalidOperationException)
                    {
                        return;
                    }
                }
            });
            spawner.Start();
            go.Set();
            Thread.SpinWait(2000);
            var terminate = system.Terminate();
            Assert.True(await Task.WhenAny(terminate, Task.Delay(TimeSpan.FromSeconds(20))) == terminate, $"round {round}: the system did not terminate");
            spawner.Join();
            Assert.All(created, r => Assert.True(((InternalActorRef)r).IsTerminated, $"round {round}: {r} outlived its system"));
        }
    }

    private sealed class SelfStopper : ReceiveActor
    {
        public SelfStopper(int stopAt, int[] counter) =>
            ReceiveAny(_ =>
            {
                if (Interlocked.Increment(ref counter[0]) == stopAt)
                {
                    Context.Stop(Self);
                }
            });
    }

    private sealed class DeadLetterCounter : ReceiveActor
    {
        public DeadLetterCounter(int[] counter) => Receive<DeadLetter>(_ => Interlocked.Increment(ref counter[0]));
    }

    [Fact]
    public void Post_RacingClose_EveryMessageIsProcessedOrDeadLettered()
    {
        const int perProducer = 200;
        const int producers = 2;
        for (var round = 0; round < 300; round++)
        {
            var processed = new int[1];
            var dead = new int[1];
            var sink = Sys.ActorOf(Props.CreateFrom(() => new DeadLetterCounter(dead)));
            Sys.EventStream.Subscribe(sink, typeof(DeadLetter));
            var actor = Sys.ActorOf(Props.CreateFrom(() => new SelfStopper(150, processed)));
            var threads = Enumerable.Range(0, producers)
                .Select(_ => new Thread(() =>
                {
                    for (var i = 0; i < perProducer; i++)
                    {
                        actor.Tell(i, null);
                    }
                }))
                .ToArray();
            foreach (var thread in threads)
            {
                thread.Start();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }

            AwaitCondition(() => Volatile.Read(ref processed[0]) + Volatile.Read(ref dead[0]) == perProducer * producers, TimeSpan.FromSeconds(5), message: $"round {round}");
            Sys.EventStream.Unsubscribe(sink);
            Sys.Stop(sink);
        }
    }

    private sealed class FailingConstructor : ReceiveActor
    {
        public FailingConstructor(IActorRef probe)
        {
            probe.Tell("ctor");
            throw new InvalidOperationException("ctor boom");
        }
    }

    private sealed class ResumingParent : ReceiveActor
    {
        public ResumingParent(IActorRef probe)
        {
            var child = Context.ActorOf(Props.CreateFrom(() => new FailingConstructor(probe)), "child");
            ReceiveAny(m => child.Forward(m));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Resume);
    }

    [Fact]
    public void Resume_AfterFailedCreation_CreatesAgainInsteadOfRunningWithoutInstance()
    {
        var probe = CreateTestProbe();
        var parent = ActorOf(Props.CreateFrom(() => new ResumingParent(probe.Ref)));
        probe.ExpectMsg("ctor");
        probe.ExpectMsg("ctor");
        parent.Tell("hello", TestActor);
        Thread.Sleep(200);
        Assert.DoesNotContain(LogRecords, r => r.Exception is NullReferenceException);
    }

    [Fact]
    public void ScheduledAction_Throws_IsLoggedAndSchedulerCarriesOn()
    {
        Sys.Scheduler.ScheduleOnce(TimeSpan.FromMilliseconds(10), () => throw new InvalidOperationException("scheduled boom"));
        Sys.Scheduler.ScheduleOnce(TimeSpan.FromMilliseconds(50), () => TestActor.Tell("still alive", null));
        ExpectMsg("still alive");
        AwaitCondition(() => LogRecords.Any(r => r.EventId.Id == 1015 && r.Exception?.Message == "scheduled boom"));
    }
}
