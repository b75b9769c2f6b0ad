using Cluster.Core.Actors;
using Cluster.Core.Hosting;
using Cluster.Core.Persistence;
using Cluster.Core.Persistence.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cluster.Core.Tests.PersistentActors;

public sealed class PersistenceHostingSpec
{
    private sealed class CounterKey;

    [Fact]
    public async Task WithPersistence_HostedSystem_PersistentActorStoresAndRecoversAcrossHosts()
    {
        var snapshots = new InMemorySnapshotStore();
        var journal = new InMemoryJournal(TimeProvider.System, snapshots);
        for (var round = 1; round <= 2; round++)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddActorSystem("persistent-host", (actors, _) => actors
                .WithPersistence(_ => journal, _ => snapshots, s => s.Register("incremented.v1", TestEventsContext.Default.Incremented))
                .WithActor<CounterKey>("counter", _ => Props.CreateFrom(() => new CounterActor("hosted", ActorRefs.Nobody, 0))));
            using var host = builder.Build();
            await host.StartAsync();
            var counter = host.Services.GetRequiredService<IRequiredActor<CounterKey>>().ActorRef;
            var applied = await counter.Ask<(string, int, long)>(5, TimeSpan.FromSeconds(5));
            Assert.Equal(("applied", 5 * round, (long)round), applied);
            await host.StopAsync();
        }
    }
}
