using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Cluster.Api.Metrics;
using Cluster.Core.Persistence;

namespace Cluster.Node.Metrics;

/// <summary>
/// Shares the agents' measurements between members by DistributedPubSub, so every member serves the whole cluster's
/// usage and the autoscaler, wherever its singleton runs, sees every pod. Each member publishes its own agents'
/// latest measurement when a new one is taken (looked for every <c>interval</c>) and records everyone's, its own included.
/// </summary>
public sealed class MetricsGossipActor : ReceiveActor, IWithTimers
{
    /// <summary>The pub/sub topic of measurements.</summary>
    public const string Topic = "cluster-resource-metrics";

    private readonly Func<MetricsSnapshot?> _local;
    private readonly ClusterResourceMetrics _metrics;
    private readonly TimeSpan _interval;
    private readonly IActorRef _mediator;
    private readonly string _origin;
    private MetricsSnapshot? _published;

    /// <param name="local">This member's agents' latest measurement (null: none, a member without agents).</param>
    public MetricsGossipActor(Func<MetricsSnapshot?> local, ClusterResourceMetrics metrics, TimeSpan interval)
    {
        _local = local;
        _metrics = metrics;
        _interval = interval;
        _mediator = DistributedPubSub.Get(Context.System).Mediator;
        _origin = Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress.ToString();
        Receive<Look>(_ => PublishIfNew());
        Receive<MemberMetrics>(m => _metrics.Record(m.Origin, m.Snapshot));
        Receive<ClusterEvent.MemberRemoved>(m => _metrics.Forget(m.Member.UniqueAddress.ToString()));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<SubscribeAck>(_ => { });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Func<MetricsSnapshot?> local, ClusterResourceMetrics metrics, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new MetricsGossipActor(local, metrics, interval));

    /// <summary>Binds <see cref="MemberMetrics"/> to <see cref="MetricsMessagesSerializer"/>.</summary>
    public static Config Config { get; } = ConfigurationFactory.ParseString("""
        akka.actor {
          serializers.cluster-metrics = "Cluster.Node.Metrics.MetricsMessagesSerializer, Cluster.Node"
          serialization-bindings {
            "Cluster.Node.Metrics.MemberMetrics, Cluster.Node" = cluster-metrics
          }
        }
        """);

    protected override void PreStart()
    {
        _mediator.Tell(new Subscribe(Topic, Self));
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.MemberRemoved));
        Timers.StartPeriodicTimer(nameof(Look), Look.Instance, _interval);
    }

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    private void PublishIfNew()
    {
        if (_local() is { } snapshot && !ReferenceEquals(snapshot, _published))
        {
            _published = snapshot;
            _metrics.Record(_origin, snapshot);
            _mediator.Tell(new Publish(Topic, new MemberMetrics(_origin, snapshot)));
        }
    }

    private sealed class Look
    {
        public static readonly Look Instance = new();
    }
}

/// <summary>The message on the wire: the member <paramref name="Origin"/>'s agents measured <paramref name="Snapshot"/>.</summary>
public sealed record MemberMetrics(string Origin, MetricsSnapshot Snapshot);

/// <summary>The Akka serializer of <see cref="MemberMetrics"/> (JSON with a stable manifest); identifier 8503.</summary>
public sealed class MetricsMessagesSerializer(ExtendedActorSystem system)
    : ManifestJsonSerializer(system, new PersistenceSerialization().Register("metrics.member.v1", MetricsMessagesJsonContext.Default.MemberMetrics))
{
    public const int Id = 8503;

    public override int Identifier => Id;
}

[JsonSerializable(typeof(MemberMetrics))]
internal sealed partial class MetricsMessagesJsonContext : JsonSerializerContext;
