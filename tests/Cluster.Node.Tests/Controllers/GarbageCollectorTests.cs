using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.GarbageCollection;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The garbage collector on a node's real registry: owners deleted in the background, the foreground and as orphans.</summary>
public sealed class GarbageCollectorTests : IAsyncLifetime
{
    private const string Hold = "test.example/hold";

    private ControllerTestHost _host = null!;

    private ResourceRegistry Registry => _host.Registry;

    public async Task InitializeAsync()
    {
        _host = await ControllerTestHost.StartAsync("gc-node");
        var collector = new GarbageCollector(Registry.Kinds, _host.Informers, new RegistryGarbageClient(Registry, "generic-garbage-collector"), NullLogger.Instance);
        var loop = new ReconcileLoop(collector, workers: 2, TimeProvider.System, NullLogger.Instance);
        collector.Watch(loop);
        await _host.RunAsync(loop);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task BackgroundDelete_OwnerWithDependentsOfTwoKinds_DependentsDeleted()
    {
        var owner = await CreateAsync(BuiltInKinds.ConfigMap, "owner");
        await CreateAsync(BuiltInKinds.ConfigMap, "dep-cm", Ref(owner));
        await CreateAsync(BuiltInKinds.Secret, "dep-secret", Ref(owner));

        await DeleteAsync(BuiltInKinds.ConfigMap, "owner", "Background");

        await UntilAsync(async () => await GetAsync(BuiltInKinds.ConfigMap, "dep-cm") is null && await GetAsync(BuiltInKinds.Secret, "dep-secret") is null, "the dependents to go");
    }

    [Fact]
    public async Task BackgroundDelete_OneOfTwoOwners_DependentLivesWithTheDanglingReferenceRemoved()
    {
        var first = await CreateAsync(BuiltInKinds.ConfigMap, "first");
        var second = await CreateAsync(BuiltInKinds.ConfigMap, "second");
        await CreateAsync(BuiltInKinds.ConfigMap, "shared", Ref(first), Ref(second));

        await DeleteAsync(BuiltInKinds.ConfigMap, "first", "Background");

        await UntilAsync(async () => await OwnerUidsAsync(BuiltInKinds.ConfigMap, "shared") is [var only] && only == Uid(second), "the reference to the first owner to go");
        Assert.NotNull(await GetAsync(BuiltInKinds.ConfigMap, "shared"));
    }

    [Fact]
    public async Task ForegroundDelete_BlockingDependentTerminating_OwnerWaitsForItThenGoes()
    {
        var owner = await CreateAsync(BuiltInKinds.ConfigMap, "fg-owner");
        await CreateAsync(BuiltInKinds.ConfigMap, "fg-held", [Ref(owner, block: true)], Hold);
        await CreateAsync(BuiltInKinds.Secret, "fg-plain", Ref(owner, block: true));

        await DeleteAsync(BuiltInKinds.ConfigMap, "fg-owner", "Foreground");

        await UntilAsync(async () => await GetAsync(BuiltInKinds.Secret, "fg-plain") is null && await GetAsync(BuiltInKinds.ConfigMap, "fg-held") is { } held && held["metadata"]?["deletionTimestamp"] is not null, "the dependents to be deleted");
        var waiting = await GetAsync(BuiltInKinds.ConfigMap, "fg-owner");
        Assert.Equal([GraphNode.ForegroundFinalizer], Finalizers(waiting!));

        var release = (await GetAsync(BuiltInKinds.ConfigMap, "fg-held"))!;
        release["metadata"]!["finalizers"] = new JsonArray();
        await Registry.UpdateAsync(BuiltInKinds.ConfigMap, "default", "fg-held", release, null, WriteOptions.Default, CancellationToken.None);

        await UntilAsync(async () => await GetAsync(BuiltInKinds.ConfigMap, "fg-owner") is null, "the owner to go");
        Assert.Null(await GetAsync(BuiltInKinds.ConfigMap, "fg-held"));
    }

    [Fact]
    public async Task OrphanDelete_Owner_DependentsKeptWithoutTheReferenceAndOwnerGone()
    {
        var owner = await CreateAsync(BuiltInKinds.ConfigMap, "orphan-owner");
        var other = await CreateAsync(BuiltInKinds.ConfigMap, "orphan-other");
        await CreateAsync(BuiltInKinds.ConfigMap, "orphan-a", Ref(owner, block: true));
        await CreateAsync(BuiltInKinds.Secret, "orphan-b", Ref(owner), Ref(other));

        await DeleteAsync(BuiltInKinds.ConfigMap, "orphan-owner", "Orphan");

        await UntilAsync(async () => await GetAsync(BuiltInKinds.ConfigMap, "orphan-owner") is null, "the owner to go");
        Assert.Empty(await OwnerUidsAsync(BuiltInKinds.ConfigMap, "orphan-a"));
        Assert.Equal([Uid(other)], await OwnerUidsAsync(BuiltInKinds.Secret, "orphan-b"));
    }

    [Fact]
    public async Task Dependent_OwnerUidNeverExisted_Deleted_OneWithItsRealOwnerKept()
    {
        var owner = await CreateAsync(BuiltInKinds.ConfigMap, "real-owner");
        await CreateAsync(BuiltInKinds.ConfigMap, "kept", Ref(owner));
        await CreateAsync(BuiltInKinds.ConfigMap, "no-such-owner", """{"apiVersion":"v1","kind":"ConfigMap","name":"never","uid":"00000000-0000-0000-0000-000000000001"}""");
        await CreateAsync(BuiltInKinds.Secret, "wrong-uid", """{"apiVersion":"v1","kind":"ConfigMap","name":"real-owner","uid":"00000000-0000-0000-0000-000000000002"}""");

        await UntilAsync(async () => await GetAsync(BuiltInKinds.ConfigMap, "no-such-owner") is null && await GetAsync(BuiltInKinds.Secret, "wrong-uid") is null, "the dependents of absent owners to go");
        Assert.Equal([Uid(owner)], await OwnerUidsAsync(BuiltInKinds.ConfigMap, "kept"));
    }

    private static string Uid(JsonObject obj) => obj["metadata"]!["uid"]!.GetValue<string>();

    private static string Ref(JsonObject owner, bool block = false) =>
        $$"""{"apiVersion":"v1","kind":"ConfigMap","name":"{{owner["metadata"]!["name"]}}","uid":"{{Uid(owner)}}","blockOwnerDeletion":{{(block ? "true" : "false")}}}""";

    private static string[] Finalizers(JsonObject obj) => [.. (obj["metadata"]?["finalizers"]?.AsArray() ?? []).Select(f => f!.GetValue<string>())];

    private Task<JsonObject> CreateAsync(ResourceKind kind, string name, params string[] owners) => CreateAsync(kind, name, owners, null);

    private async Task<JsonObject> CreateAsync(ResourceKind kind, string name, string[] owners, string? finalizer)
    {
        var finalizers = finalizer is null ? "" : $$""","finalizers":["{{finalizer}}"]""";
        var json = $$$"""{"apiVersion":"v1","kind":"{{{kind.Kind}}}","metadata":{"name":"{{{name}}}","ownerReferences":[{{{string.Join(",", owners)}}}]{{{finalizers}}}}}""";
        var reply = await Registry.CreateAsync(kind, "default", JsonNode.Parse(json)!.AsObject(), WriteOptions.Default, CancellationToken.None);
        return reply.ToJsonObject();
    }

    private Task DeleteAsync(ResourceKind kind, string name, string policy) =>
        Registry.DeleteAsync(kind, "default", name, new DeleteOptions(PropagationPolicy: policy), CancellationToken.None);

    private async Task<JsonObject?> GetAsync(ResourceKind kind, string name)
    {
        try
        {
            return (await Registry.GetAsync(kind, "default", name, null, CancellationToken.None)).ToJsonObject();
        }
        catch (ApiException e) when (e.Code == 404)
        {
            return null;
        }
    }

    private async Task<string[]> OwnerUidsAsync(ResourceKind kind, string name) =>
        [.. ((await GetAsync(kind, name))?["metadata"]?["ownerReferences"]?.AsArray() ?? []).Select(r => r!["uid"]!.GetValue<string>())];

    private static async Task UntilAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException("Timed out waiting for " + what);
            }

            await Task.Delay(50);
        }
    }
}
