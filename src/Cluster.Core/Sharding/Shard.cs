using Cluster.Core.Actors;

namespace Cluster.Core.Sharding;

/// <summary>
/// Owns the entities of one shard: starts each on its first message, and passivates idle ones
/// without losing messages (Akka's passivation protocol: messages for an entity that is stopping
/// are buffered and delivered to its next incarnation).
/// <code>
///   (none) ──message──▶ running ──Passivate──▶ stopping ──Terminated──▶ (none), or running again if messages were buffered
/// </code>
/// </summary>
public sealed class Shard : ReceiveActor
{
    private readonly Func<string, Props> _entityProps;
    private readonly Dictionary<string, IActorRef> _entities = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _ids = [];
    private readonly Dictionary<string, List<(object Message, IActorRef Sender)>> _stopping = new(StringComparer.Ordinal);

    public Shard(Func<string, Props> entityProps)
    {
        _entityProps = entityProps;
        Receive<ShardingEnvelope>(Deliver);
        Receive<Passivate>(p => BeginPassivation(p.Entity));
        Receive<Terminated>(t => EntityStopped(t.ActorRef));
    }

    /// <summary>An entity asks to be stopped because it is idle.</summary>
    public sealed record Passivate(IActorRef Entity);

    private void Deliver(ShardingEnvelope envelope)
    {
        if (_stopping.TryGetValue(envelope.EntityId, out var buffer))
        {
            buffer.Add((envelope.Message, Sender));
            return;
        }

        EntityFor(envelope.EntityId).Tell(envelope.Message, Sender);
    }

    private IActorRef EntityFor(string id)
    {
        if (!_entities.TryGetValue(id, out var entity))
        {
            entity = Context.ActorOf(_entityProps(id), ShardPlacement.ActorName(id));
            Context.Watch(entity);
            _entities[id] = entity;
            _ids[entity] = id;
        }

        return entity;
    }

    private void BeginPassivation(IActorRef entity)
    {
        if (_ids.TryGetValue(entity, out var id) && !_stopping.ContainsKey(id))
        {
            // A PoisonPill, not Stop: what is already in the entity's mailbox is still processed;
            // only messages arriving from now on wait here for the next incarnation.
            _stopping[id] = [];
            entity.Tell(PoisonPill.Instance, Self);
        }
    }

    /// <summary>An entity stopped (passivated, or on its own, e.g. after a journal failure): forget it, restart it for buffered messages.</summary>
    private void EntityStopped(IActorRef entity)
    {
        if (!_ids.Remove(entity, out var id))
        {
            return;
        }

        _entities.Remove(id);
        if (_stopping.Remove(id, out var buffer) && buffer.Count > 0)
        {
            var next = EntityFor(id);
            foreach (var (message, sender) in buffer)
            {
                next.Tell(message, sender);
            }
        }
    }
}
