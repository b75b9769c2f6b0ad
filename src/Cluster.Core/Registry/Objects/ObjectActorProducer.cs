using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Registry.Objects;

/// <summary>Creates object actors without reflection or expression compilation: entities start by the thousand.</summary>
internal sealed class ObjectActorProducer(string persistenceId, string name, ObjectRules rules, int snapshotEvery, ILogger logger) : IIndirectActorProducer
{
    public Type ActorType => typeof(ObjectActor);

    public ActorBase Produce() => new ObjectActor(persistenceId, name, rules, snapshotEvery, logger);

    public void Release(ActorBase actor)
    {
    }
}
