using System.Diagnostics;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace Cluster.Node;

/// <summary>
/// A short actor workload run at start-up when <c>node.sample-workload</c> is on: a ring of
/// actors passes a token around and the node logs how many hops per second it managed, so a
/// fresh install shows the runtime doing real work.
/// </summary>
public static partial class SampleWorkload
{
    private sealed record Token(int HopsLeft);

    private sealed class RingMember : ReceiveActor
    {
        private IActorRef? _next;

        public RingMember(TaskCompletionSource<int> done)
        {
            Receive<IActorRef>(next => _next = next);
            Receive<Token>(t =>
            {
                if (t.HopsLeft == 0)
                {
                    done.TrySetResult(0);
                }
                else
                {
                    _next!.Tell(t with { HopsLeft = t.HopsLeft - 1 });
                }
            });
        }
    }

    public static async Task RunAsync(ActorSystem system, ILogger logger, CancellationToken cancellationToken)
    {
        const int members = 1000;
        const int hops = 1_000_000;
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var ring = Enumerable.Range(0, members)
            .Select(i => system.ActorOf(Props.Create(() => new RingMember(done)), $"sample-ring-{i}"))
            .ToArray();
        for (var i = 0; i < members; i++)
        {
            ring[i].Tell(ring[(i + 1) % members], ActorRefs.NoSender);
        }

        var watch = Stopwatch.StartNew();
        ring[0].Tell(new Token(hops), ActorRefs.NoSender);
        await done.Task.WaitAsync(cancellationToken);
        LogResult(logger, members, hops, hops / watch.Elapsed.TotalSeconds);
        foreach (var member in ring)
        {
            system.Stop(member);
        }
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information,
        Message = "Sample workload: a token went {Hops} hops around a ring of {Members} actors at {Rate:N0} hops/s")]
    private static partial void LogResult(ILogger logger, int members, int hops, double rate);
}
