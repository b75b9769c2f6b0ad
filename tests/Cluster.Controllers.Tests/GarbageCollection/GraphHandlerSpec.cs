using System.Text.Json.Nodes;
using Cluster.Controllers.GarbageCollection;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;

namespace Cluster.Controllers.Tests.GarbageCollection;

public sealed class GraphHandlerSpec
{
    private readonly OwnershipGraph _graph = new();
    private readonly List<string> _enqueued = [];
    private readonly GraphHandler _handler;

    public GraphHandlerSpec() => _handler = new GraphHandler(BuiltInKinds.Pod, _graph, _enqueued.Add);

    [Fact]
    public void OnUpdate_StatusOnlyChange_EnqueuesNothing()
    {
        var old = Pod(1, owners: ["rs-1"]);
        _handler.OnAdd(old);
        _enqueued.Clear();

        _handler.OnUpdate(old, Pod(2, owners: ["rs-1"], phase: "Running"));

        Assert.Empty(_enqueued);
    }

    [Fact]
    public void OnUpdate_OwnerReferencesChange_EnqueuesTheObjectAndFollowsTheOwners()
    {
        var old = Pod(1, owners: ["rs-1"]);
        _handler.OnAdd(old);
        _enqueued.Clear();

        _handler.OnUpdate(old, Pod(2, owners: ["rs-2"]));

        Assert.Equal(["pod-uid"], _enqueued);
        Assert.Empty(_graph.Dependents("rs-1"));
        Assert.Single(_graph.Dependents("rs-2"));
    }

    [Fact]
    public void OnUpdate_DeletionStarts_EnqueuesTheObject()
    {
        var old = Pod(1, owners: ["rs-1"]);
        _handler.OnAdd(old);
        _enqueued.Clear();

        _handler.OnUpdate(old, Pod(2, owners: ["rs-1"], deleting: true));

        Assert.Equal(["pod-uid"], _enqueued);
        Assert.True(_graph.Get("pod-uid")!.Deleting);
    }

    [Fact]
    public void OnUpdate_Resync_EnqueuesTheObject()
    {
        var pod = Pod(1, owners: ["rs-1"]);
        _handler.OnAdd(pod);
        _enqueued.Clear();

        _handler.OnUpdate(pod, pod);

        Assert.Equal(["pod-uid"], _enqueued);
    }

    private static CachedObject Pod(long version, string[] owners, string? phase = null, bool deleting = false)
    {
        var metadata = new JsonObject
        {
            ["name"] = "p",
            ["namespace"] = "default",
            ["uid"] = "pod-uid",
            ["ownerReferences"] = new JsonArray([.. owners.Select(uid => (JsonNode)new JsonObject { ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = uid, ["uid"] = uid, ["controller"] = true })]),
        };
        if (deleting)
        {
            metadata["deletionTimestamp"] = "2026-12-06T12:00:00Z";
        }

        var pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = metadata };
        if (phase is not null)
        {
            pod["status"] = new JsonObject { ["phase"] = phase };
        }

        return CachedObject.From(pod, version);
    }
}
