using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Xunit.Abstractions;

namespace Cluster.Api.Tests.Contract;

/// <summary>
/// The registry repeats an attempt that went unanswered (sharding drops messages caught in a hand-off); when the first
/// attempt was only slow, the object actor sees the same request id twice and must store the write once.
/// </summary>
public sealed class RepeatedAttemptTests(ITestOutputHelper output)
{
    public static TheoryData<string> Backends => ApiTestHost.Backends();

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Write_SameRequestIdTwice_StoredOnce_SecondGetsTheFirstAnswer(string backend)
    {
        await using var host = await ApiTestHost.StartAsync(backend, output);
        var kind = host.Registry.Kinds.ByResource("", "v1", "configmaps")!;
        var region = ClusterSharding.Get(host.ActorSystem).ShardRegion(ResourceRegistry.RegionName);
        var entity = ResourceRegistry.PersistenceIdOf(kind, "default", "twice");
        Task<object> Ask(object command) => region.Ask<object>(new ShardingEnvelope(entity, command), TimeSpan.FromSeconds(20));

        var create = ObjectCommand.WithRequestId(new ObjectCommand.Create(JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"twice","namespace":"default"},"data":{"n":"0"}}""")!.AsObject(), WriteOptions.Default), Guid.NewGuid());
        var first = Assert.IsType<ObjectReply>(await Ask(create));
        var again = Assert.IsType<ObjectReply>(await Ask(create));
        Assert.True(first.Created);
        Assert.True(again.Created);
        Assert.Equal(first.ResourceVersion, again.ResourceVersion);

        var patch = ObjectCommand.WithRequestId(new ObjectCommand.Patch(PatchType.Merge, JsonNode.Parse("""{"data":{"n":"1"}}""")!, null, WriteOptions.Default), Guid.NewGuid());
        var patched = Assert.IsType<ObjectReply>(await Ask(patch));
        Assert.Equal(patched.ResourceVersion, Assert.IsType<ObjectReply>(await Ask(patch)).ResourceVersion);
        Assert.True(patched.ResourceVersion > first.ResourceVersion);

        // Another request is another write, and once a later write is stored an old id is applied as new.
        var other = ObjectCommand.WithRequestId(new ObjectCommand.Patch(PatchType.Merge, JsonNode.Parse("""{"data":{"m":"1"}}""")!, null, WriteOptions.Default), Guid.NewGuid());
        var later = Assert.IsType<ObjectReply>(await Ask(other));
        Assert.True(later.ResourceVersion > patched.ResourceVersion);
        var duplicateCreate = Assert.IsType<ObjectFailure>(await Ask(create));
        Assert.Equal(409, duplicateCreate.Code);

        var delete = ObjectCommand.WithRequestId(new ObjectCommand.Delete(DeleteOptions.Default), Guid.NewGuid());
        var removed = Assert.IsType<ObjectReply>(await Ask(delete));
        var removedAgain = Assert.IsType<ObjectReply>(await Ask(delete));
        Assert.True(removed.Removed);
        Assert.True(removedAgain.Removed);
        Assert.Equal(removed.ResourceVersion, removedAgain.ResourceVersion);
    }
}
