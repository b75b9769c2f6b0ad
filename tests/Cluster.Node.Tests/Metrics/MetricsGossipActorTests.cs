using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Cluster.Api.Metrics;
using Cluster.Node.Metrics;

namespace Cluster.Node.Tests.Metrics;

/// <summary>Measurements shared between members: this member's published when new, another's recorded, both served.</summary>
public sealed class MetricsGossipActorTests() : TestKit(ConfigurationFactory.ParseString("""
    akka.loglevel = WARNING
    akka.actor.provider = cluster
    akka.remote.dot-netty.tcp.hostname = "127.0.0.1"
    akka.remote.dot-netty.tcp.port = 0
    akka.actor.serialize-messages = on
    """).WithFallback(MetricsGossipActor.Config))
{
    private readonly ClusterResourceMetrics _metrics = new(TimeProvider.System, TimeSpan.FromMinutes(2));

    [Fact]
    public void LocalMeasurement_PublishedOnceAndServedWithAnotherMembers()
    {
        var others = CreateTestProbe();
        var mediator = DistributedPubSub.Get(Sys).Mediator;
        mediator.Tell(new Subscribe(MetricsGossipActor.Topic, others.Ref), others.Ref);
        others.ExpectMsg<SubscribeAck>();
        MetricsSnapshot? local = ClusterResourceMetricsTests.Snapshot("n1", "web-1", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(15));
        Sys.ActorOf(MetricsGossipActor.Props(() => local, _metrics, TimeSpan.FromMilliseconds(50)));

        // Published once, however many times it is looked at, and as the wire carries it (serialize-messages is on).
        var published = others.ExpectMsg<MemberMetrics>(TimeSpan.FromSeconds(10));
        Assert.Equal("web-1", Assert.Single(published.Snapshot.Pods).Name);
        others.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        mediator.Tell(new Publish(MetricsGossipActor.Topic, new MemberMetrics("akka.tcp://cluster@10.0.0.2:4053#7", ClusterResourceMetricsTests.Snapshot("n2", "web-2", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(15)))));

        AwaitCondition(() => _metrics.Latest?.Pods.Count == 2, TimeSpan.FromSeconds(10));
        Assert.Equal(["n1", "n2"], _metrics.Latest!.Nodes.Select(n => n.Name).Order());
    }

    [Fact]
    public void MemberMetrics_ThroughTheSerializer_SameContent()
    {
        var message = new MemberMetrics("akka.tcp://cluster@10.0.0.2:4053#7", ClusterResourceMetricsTests.Snapshot("n2", "web-2", new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero), TimeSpan.FromSeconds(15)));
        var serializer = Sys.Serialization.FindSerializerFor(message);

        var back = (MemberMetrics)Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, ((Akka.Serialization.SerializerWithStringManifest)serializer).Manifest(message));

        Assert.Equal(MetricsMessagesSerializer.Id, serializer.Identifier);
        Assert.Equal((message.Origin, message.Snapshot.Timestamp, message.Snapshot.Window), (back.Origin, back.Snapshot.Timestamp, back.Snapshot.Window));
        Assert.Equal(("web-2", "web", 100_000_000L), (back.Snapshot.Pods[0].Name, back.Snapshot.Pods[0].Labels["app"], back.Snapshot.Pods[0].Containers[0].CpuNanoCores));
    }
}
