using Akka.Actor;

namespace Cluster.Bench.Actors;

/// <summary>Managed heap per idle actor: the live heap after a full collection, before and after spawning many.</summary>
internal static class IdleMemory
{
    private static readonly TimeSpan IdentifyTimeout = TimeSpan.FromSeconds(30);

    private sealed class Idle : ReceiveActor
    {
        public Idle() => ReceiveAny(_ => { });
    }

    /// <summary>Bytes per idle actor: fresh (started), and after each has processed one message.</summary>
    public static async Task<(double Fresh, double AfterOneMessage)> MeasureAsync(ActorSystem system, int count)
    {
        var before = LiveHeap();
        var actors = new IActorRef[count];
        var props = Props.Create(() => new Idle());
        for (var i = 0; i < count; i++)
        {
            actors[i] = system.ActorOf(props);
        }

        await AllStarted(actors);
        var fresh = (LiveHeap() - before) / (double)count;
        foreach (var actor in actors)
        {
            actor.Tell("wake", ActorRefs.NoSender);
        }

        await AllStarted(actors);
        var afterOne = (LiveHeap() - before) / (double)count;
        foreach (var actor in actors)
        {
            system.Stop(actor);
        }

        return (fresh, afterOne);
    }

    /// <summary>An Identify round trip through each mailbox: behind the start (or earlier message) of every actor.</summary>
    private static async Task AllStarted(IActorRef[] actors) =>
        await Task.WhenAll(actors.Select(a => a.Ask<ActorIdentity>(new Identify(null), IdentifyTimeout)));

    private static long LiveHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
