using Cluster.Core.Actors;

namespace Cluster.Core.Hosting;

/// <summary>Configures the hosted actor system: settings and the actors to start with it.</summary>
public sealed class ActorSystemBuilder
{
    private readonly List<Func<ActorSystem, ActorRegistry, IServiceProvider, CancellationToken, Task>> _startup = [];

    internal ActorSystemBuilder(string name) => Name = name;

    public string Name { get; }

    /// <summary>Explicit settings; by default they are read from the configuration section <c>actors</c>.</summary>
    public ActorSystemSettings? Settings { get; private set; }

    internal IReadOnlyList<Func<ActorSystem, ActorRegistry, IServiceProvider, CancellationToken, Task>> Startup => _startup;

    public ActorSystemBuilder WithSettings(ActorSystemSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
        return this;
    }

    /// <summary>Creates actors when the host starts (in registration order).</summary>
    public ActorSystemBuilder WithActors(Action<ActorSystem, ActorRegistry, IServiceProvider> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        _startup.Add((system, registry, services, _) =>
        {
            start(system, registry, services);
            return Task.CompletedTask;
        });
        return this;
    }

    /// <summary>Creates a top-level actor named <paramref name="name"/> and registers it under <typeparamref name="TKey"/>.</summary>
    public ActorSystemBuilder WithActor<TKey>(string name, Func<IServiceProvider, Props> props) =>
        WithActors((system, registry, services) => registry.Register<TKey>(system.ActorOf(props(services), name)));

    /// <summary>Runs asynchronous start-up work (after the actors registered before it).</summary>
    public ActorSystemBuilder WithStartup(Func<ActorSystem, IServiceProvider, CancellationToken, Task> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        _startup.Add((system, _, services, ct) => start(system, services, ct));
        return this;
    }
}
