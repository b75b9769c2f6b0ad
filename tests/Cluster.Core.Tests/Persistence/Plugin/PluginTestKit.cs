using Akka.Actor;
using Akka.Configuration;
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
