using Akka.Coordination;
using Cluster.Core.Coordination;
using Cluster.Core.Registry;
using Xunit.Abstractions;

namespace Cluster.Api.Tests.Contract;

/// <summary>
/// With <c>use-lease</c>, as a node runs: a shard starts its objects only once it holds its lease, so an object whose
/// shard's lease another member holds waits for it instead of running a second incarnation.
/// </summary>
public sealed class ShardLeaseTests(ITestOutputHelper output)
{
    private const string UseLease = """
        akka.cluster.sharding.use-lease = "akka.coordination.lease.cluster-sql"
        akka.cluster.sharding.lease-retry-interval = 200ms
        """;

    public static TheoryData<string> Backends => ApiTestHost.Backends();

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Create_ShardLeaseHeldByAnotherMember_WaitsUntilItIsReleased_ThenCreatesOnce(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output, akkaConfig: UseLease);
        var (name, lease) = await HoldAShardLeaseAsAnotherMemberAsync(host);

        var create = host.PostAsync("/api/v1/namespaces/default/configmaps", $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}"},"data":{"a":"1"}}""");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(create.IsCompleted, "the object ran while another member held its shard's lease");

        Assert.True(await lease.Release());
        var (status, _) = await create.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(201, status);
        var (again, _) = await host.GetAsync($"/api/v1/namespaces/default/configmaps/{name}");
        Assert.Equal(200, again);
    }

    /// <summary>Finds a ConfigMap name whose shard has not started yet and takes that shard's lease for another owner.</summary>
    private static async Task<(string Name, Lease Lease)> HoldAShardLeaseAsAnotherMemberAsync(ApiTestHost host)
    {
        var kind = host.Registry.Kinds.ByResource("", "v1", "configmaps")!;
        for (var i = 0; i < 1000; i++)
        {
            var name = "held-" + i;
            var shard = host.Registry.ShardIdOf(kind, "default", name);
            var lease = LeaseProvider.Get(host.ActorSystem).GetLease($"{host.ActorSystem.Name}-shard-{ResourceRegistry.RegionName}-{shard}", SqlLeaseConfig.Path, "another-member:2552");
            if (await lease.Acquire())
            {
                return (name, lease);
            }
        }

        throw new InvalidOperationException("every shard was already held by this member");
    }
}
