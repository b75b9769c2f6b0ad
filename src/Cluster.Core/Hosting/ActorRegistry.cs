using System.Collections.Concurrent;
using Cluster.Core.Actors;

namespace Cluster.Core.Hosting;

/// <summary>
/// Top-level actors by key type (Akka.Hosting's ActorRegistry), so services and controllers can
/// get them injected instead of passing refs around.
/// </summary>
public sealed class ActorRegistry
{
    private readonly ConcurrentDictionary<Type, IActorRef> _actors = new();
    private readonly ConcurrentDictionary<Type, TaskCompletionSource<IActorRef>> _waiters = new();

    /// <summary>The registry of <paramref name="system"/> (one per system).</summary>
    public static ActorRegistry For(ActorSystem system) => system.GetExtension(static _ => new ActorRegistry());

    /// <summary>Registers <paramref name="actor"/> under <typeparamref name="TKey"/>; a second registration throws unless <paramref name="overwrite"/>.</summary>
    public void Register<TKey>(IActorRef actor, bool overwrite = false)
    {
        if (!TryRegister<TKey>(actor, overwrite))
        {
            throw new InvalidOperationException($"An actor is already registered under [{typeof(TKey).Name}].");
        }
    }

    public bool TryRegister<TKey>(IActorRef actor, bool overwrite = false) => TryRegister(typeof(TKey), actor, overwrite);

    public IActorRef Get<TKey>() =>
        TryGet<TKey>(out var actor) ? actor : throw new KeyNotFoundException($"No actor is registered under [{typeof(TKey).Name}].");

    public bool TryGet<TKey>(out IActorRef actor) => _actors.TryGetValue(typeof(TKey), out actor!);

    /// <summary>Waits until an actor is registered under <typeparamref name="TKey"/>.</summary>
    public Task<IActorRef> GetAsync<TKey>(CancellationToken cancellationToken = default)
    {
        if (_actors.TryGetValue(typeof(TKey), out var actor))
        {
            return Task.FromResult(actor);
        }

        var waiter = _waiters.GetOrAdd(typeof(TKey), static _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_actors.TryGetValue(typeof(TKey), out actor))
        {
            waiter.TrySetResult(actor);
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    private bool TryRegister(Type key, IActorRef actor, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (overwrite)
        {
            _actors[key] = actor;
        }
        else if (!_actors.TryAdd(key, actor))
        {
            return false;
        }

        if (_waiters.TryGetValue(key, out var waiter))
        {
            waiter.TrySetResult(actor);
        }

        return true;
    }
}

/// <summary>An actor registered under <typeparamref name="TKey"/>, injectable anywhere.</summary>
public interface IRequiredActor<TKey>
{
    /// <summary>The actor; throws if it is not registered yet.</summary>
    IActorRef ActorRef { get; }

    Task<IActorRef> GetAsync(CancellationToken cancellationToken = default);
}

internal sealed class RequiredActor<TKey>(ActorRegistry registry) : IRequiredActor<TKey>
{
    public IActorRef ActorRef => registry.Get<TKey>();

    public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => registry.GetAsync<TKey>(cancellationToken);
}
