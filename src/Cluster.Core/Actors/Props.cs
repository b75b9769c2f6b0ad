using System.Linq.Expressions;

namespace Cluster.Core.Actors;

/// <summary>
/// The immutable recipe for an actor: how to construct it (on every incarnation, so a restart
/// gets a fresh instance) and with which supervisor strategy for its children.
/// </summary>
public sealed class Props
{
    private readonly Func<ActorBase> _factory;

    private Props(Type actorType, Func<ActorBase> factory, SupervisorStrategy? supervisorStrategy)
    {
        ActorType = actorType;
        _factory = factory;
        SupervisorStrategy = supervisorStrategy;
    }

    public Type ActorType { get; }

    /// <summary>Overrides the strategy the actor declares for its children.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    public static Props Create<TActor>()
        where TActor : ActorBase, new() => new(typeof(TActor), static () => new TActor(), null);

    /// <summary>Akka's expression form, <c>Props.Create(() => new Worker(a, b))</c>; compiled once.</summary>
    public static Props Create<TActor>(Expression<Func<TActor>> factory)
        where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        var compiled = factory.Compile();
        return new Props(typeof(TActor), compiled, null);
    }

    /// <summary>A factory delegate, for callers that already hold one.</summary>
    public static Props CreateFrom<TActor>(Func<TActor> factory)
        where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(typeof(TActor), factory, null);
    }

    public static Props Create(Type actorType, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(actorType);
        if (!typeof(ActorBase).IsAssignableFrom(actorType))
        {
            throw new ArgumentException($"Type {actorType} is not an actor (it does not derive from ActorBase).", nameof(actorType));
        }

        return new Props(actorType, () => (ActorBase)Activator.CreateInstance(actorType, args)!, null);
    }

    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => new(ActorType, _factory, strategy);

    internal ActorBase NewActor() => _factory();
}
