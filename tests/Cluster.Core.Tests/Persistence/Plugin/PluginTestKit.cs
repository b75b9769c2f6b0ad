using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Cluster.Core.Persistence.Plugin;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Persistence.Plugin;

/// <summary>An event no serializer can write: the test serializer knows no manifest for it.</summary>
public sealed record Unserializable(string Text);

/// <summary>
/// An Akka TestKit whose actor system runs the cluster-sql journal, snapshot store and read
/// journal (the plugins' default configuration) on <see cref="Backend"/>, with the test events
/// bound to <see cref="TestEventsSerializer"/>. The backend is cleaned up after the system stops.
/// </summary>
public abstract class PluginTestKit : TestKit
{
    public const string TestHocon = """
        akka.loglevel = WARNING
        akka.test.single-expect-default = 10s
        akka.persistence.publish-plugin-commands = on
        akka.actor {
          serializers.cluster-test-events = "Cluster.Core.Tests.Persistence.TestEventsSerializer, Cluster.Core.Tests"
          serializers.type-manifest = "Cluster.Core.Tests.Persistence.Plugin.TypeManifestSerializer, Cluster.Core.Tests"
          serialization-bindings {
            "Cluster.Core.Tests.Persistence.Incremented, Cluster.Core.Tests" = cluster-test-events
            "Cluster.Core.Tests.Persistence.CounterSnapshot, Cluster.Core.Tests" = cluster-test-events
            "Cluster.Core.Tests.Persistence.Plugin.Unserializable, Cluster.Core.Tests" = cluster-test-events
            "Cluster.Core.Tests.Persistence.Plugin.Labelled, Cluster.Core.Tests" = type-manifest
          }
        }
        """;

    protected PluginTestKit(PluginBackend backend, ITestOutputHelper output, string? hocon = null)
        : base(ConfigFor(backend, hocon), "plugin-spec", output)
    {
        Backend = backend;
        Extension = Akka.Persistence.Persistence.Instance.Apply(Sys);
    }

    protected PluginBackend Backend { get; }

    protected Akka.Persistence.PersistenceExtension Extension { get; }

    /// <summary>The persistence id most tests write (each test has a database of its own).</summary>
    protected string Pid { get; } = "p-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The writer GUID of the writes a test sends the journal directly.</summary>
    protected string WriterGuid { get; } = Guid.NewGuid().ToString();

    /// <summary>The journal plugin actor.</summary>
    protected IActorRef Journal => Extension.JournalFor(null);

    /// <summary>The snapshot store plugin actor.</summary>
    protected IActorRef SnapshotStore => Extension.SnapshotStoreFor(null);

    /// <summary>The open store behind the plugins, to see what the database holds.</summary>
    protected JournalStore Store => JournalStores.Get(Sys).For();

    public static Config ConfigFor(PluginBackend backend, string? hocon = null) =>
        ConfigurationFactory.ParseString(hocon ?? "")
            .WithFallback(backend.JournalConfig)
            .WithFallback(ConfigurationFactory.ParseString(TestHocon))
            .WithFallback(ClusterPersistenceConfig.Default);

    protected IActorRef Counter(string id, IActorRef probe) => Sys.ActorOf(Props.Create(() => new CounterActor(id, probe)));

    /// <summary>A counter over an id with no history yet, once it has recovered.</summary>
    protected IActorRef NewCounter(string id, TestProbe probe)
    {
        var counter = Counter(id, probe.Ref);
        probe.ExpectMsg(("recovered", 0, 0L));
        return counter;
    }

    protected IActorRef Writer(string id, IActorRef probe) => Sys.ActorOf(Props.Create(() => new EventWriter(id, probe)));

    /// <summary>A writer over an id with no history yet, once it has recovered.</summary>
    protected IActorRef NewWriter(string id, TestProbe probe)
    {
        var writer = Writer(id, probe.Ref);
        probe.ExpectMsg(new Persisted("recovered", 0, 0));
        return writer;
    }

    /// <summary>A counter of <paramref name="id"/> that stored one event (value 1) and was then stopped by the store failing under its next write.</summary>
    protected async Task CounterStoppedByAStoreFailureAsync(string id)
    {
        var counter = NewCounter(id, CreateTestProbe());
        counter.Tell(1, TestActor);
        ExpectMsg(("applied", 1, 1L));
        await Backend.BreakWritesAsync();
        Watch(counter);

        counter.Tell(2, TestActor);

        ExpectTerminated(counter);
    }

    /// <summary>Stops <paramref name="actor"/> and waits until it is gone (so its successor recovers what it wrote).</summary>
    protected void StopAndWait(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        Unwatch(actor);
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing)
            {
                Backend.Dispose();
            }
        }
    }
}
