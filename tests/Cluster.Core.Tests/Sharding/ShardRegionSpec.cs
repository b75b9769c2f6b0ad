using Cluster.Core.Actors;
using Cluster.Core.Sharding;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Sharding;

public sealed class ShardRegionSpec(ITestOutputHelper output) : TestKit.TestKit(output)
{
    /// <summary>Counts the messages of its incarnation; "passivate" asks its shard to stop it, "crash" stops it on its own.</summary>
    private sealed class Counter : ReceiveActor
    {
        private int _count;

        public Counter(string id)
        {
            Receive<string>(m => m == "passivate", _ => Context.Parent.Tell(new Shard.Passivate(Self), Self));
            Receive<string>(m => m == "crash", _ => Context.Stop(Self));
            Receive<string>(m => Sender.Tell($"{id}:{m}:{++_count}", Self));
        }
    }

    private IActorRef Region(int shards = 10) =>
        ShardRegion.Start(Sys, "counters-" + Guid.NewGuid().ToString("N")[..8], id => Props.CreateFrom(() => new Counter(id)), new ShardRegionSettings(shards, TimeSpan.Zero));

    [Fact]
    public void Envelope_SameEntityId_ReachesTheSameEntity()
    {
        var region = Region();

        region.Tell(new ShardingEnvelope("core/pods/default/a", "x"), TestActor);
        region.Tell(new ShardingEnvelope("core/pods/default/a", "y"), TestActor);
        region.Tell(new ShardingEnvelope("core/pods/default/b", "z"), TestActor);

        ExpectMsg("core/pods/default/a:x:1");
        ExpectMsg("core/pods/default/a:y:2");
        ExpectMsg("core/pods/default/b:z:1");
    }

    [Fact]
    public void Passivate_MessagesSentMeanwhile_AreDeliveredToTheNextIncarnation()
    {
        var region = Region();
        var probe = CreateTestProbe();
        region.Tell(new ShardingEnvelope("e", "one"), probe.Ref);
        probe.ExpectMsg("e:one:1");

        region.Tell(new ShardingEnvelope("e", "passivate"), probe.Ref);
        region.Tell(new ShardingEnvelope("e", "two"), probe.Ref);
        region.Tell(new ShardingEnvelope("e", "three"), probe.Ref);

        // "two" was queued in the entity before the PoisonPill, so the old incarnation answers it;
        // whatever came after went to a fresh incarnation (its count restarts), and nothing is lost.
        var replies = probe.ReceiveN(2).Cast<string>().ToArray();
        Assert.Equal(["two", "three"], replies.Select(r => r.Split(':')[1]));
    }

    [Fact]
    public void EntityStoppedOnItsOwn_NextMessage_StartsItAgain()
    {
        var region = Region();
        region.Tell(new ShardingEnvelope("e", "one"), TestActor);
        ExpectMsg("e:one:1");
        region.Tell(new ShardingEnvelope("e", "crash"), TestActor);

        AwaitAssert(() =>
        {
            region.Tell(new ShardingEnvelope("e", "again"), TestActor);
            Assert.Equal("e:again:1", ExpectMsg<string>(TimeSpan.FromMilliseconds(300)));
        });
    }

    [Fact]
    public void ShardOf_IsStableAndInRange()
    {
        Assert.Equal(ShardPlacement.ShardOf("apps/deployments/default/api", 100), ShardPlacement.ShardOf("apps/deployments/default/api", 100));
        Assert.All(Enumerable.Range(0, 1000), i => Assert.InRange(ShardPlacement.ShardOf("id-" + i, 7), 0, 6));
        Assert.True(Enumerable.Range(0, 1000).Select(i => ShardPlacement.ShardOf("id-" + i, 7)).Distinct().Count() == 7);
        Assert.Equal("core~2Fpods~2Fdefault~2Fa.b", ShardPlacement.ActorName("core/pods/default/a.b"));
    }
}
