using Cluster.Core.Actors;

namespace Cluster.Core.Sharding;

/// <summary>
/// The entry point to a sharded entity type (Akka's ShardRegion): routes each
/// <see cref="ShardingEnvelope"/> to its shard, starting shards on demand. Everything is local
/// for now; placing shards on other nodes only changes where this actor forwards.
/// </summary>
public sealed class ShardRegion : ReceiveActor
{
    public ShardRegion(Func<string, Props> entityProps, ShardRegionSettings settings)
    {
        settings.Validate();
        var shards = new IActorRef?[settings.NumberOfShards];
        Receive<ShardingEnvelope>(envelope =>
        {
            var shardId = ShardPlacement.ShardOf(envelope.EntityId, settings.NumberOfShards);
            var shard = shards[shardId] ??= Context.ActorOf(Props.CreateFrom(() => new Shard(entityProps)), "shard-" + shardId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            shard.Forward(envelope);
        });
    }

    /// <summary>Starts a region for an entity type under the user guardian.</summary>
    public static IActorRef Start(ActorSystem system, string typeName, Func<string, Props> entityProps, ShardRegionSettings settings) =>
        system.ActorOf(Props.CreateFrom(() => new ShardRegion(entityProps, settings)), typeName);
}
