using Cluster.Controllers.GarbageCollection;
using Cluster.Core.Registry;
using k8s.Models;
using static Cluster.Controllers.Tests.GarbageCollection.GcFixtures;

namespace Cluster.Controllers.Tests.GarbageCollection;

public sealed class OwnershipGraphSpec
{
    private static string[] Uids(IEnumerable<GraphNode> nodes) => [.. nodes.Select(n => n.Uid).Order(StringComparer.Ordinal)];

    [Fact]
    public void Dependents_OwnerNeverAdded_StillListsTheObjectsNamingIt()
    {
        var graph = new OwnershipGraph();
        graph.Upsert(Node("a", owners: Owner("ghost")));
        graph.Upsert(Node("b", owners: [Owner("ghost"), Owner("other")]));

        Assert.Equal(["a", "b"], Uids(graph.Dependents("ghost")));
        Assert.Equal(["b"], Uids(graph.Dependents("other")));
        Assert.Null(graph.Get("ghost"));
    }

    [Fact]
    public void Upsert_OwnersChanged_DependentsIndexFollows()
    {
        var graph = new OwnershipGraph();
        graph.Upsert(Node("a", owners: Owner("x")));
        graph.Upsert(Node("a", owners: Owner("y")));

        Assert.Empty(graph.Dependents("x"));
        Assert.Equal(["a"], Uids(graph.Dependents("y")));
        Assert.Equal(1, graph.Count);
    }

    [Fact]
    public void Remove_Owner_ItsDependentsStayListedUnderItsUid()
    {
        var graph = new OwnershipGraph();
        graph.Upsert(Node("owner"));
        graph.Upsert(Node("a", owners: Owner("owner")));

        Assert.Equal("owner", graph.Remove("owner")?.Uid);
        Assert.Null(graph.Remove("owner"));
        Assert.Equal(["a"], Uids(graph.Dependents("owner")));
    }

    [Fact]
    public void Remove_Dependent_LeavesItsOwnersDependents()
    {
        var graph = new OwnershipGraph();
        graph.Upsert(Node("a", owners: Owner("owner")));
        graph.Upsert(Node("b", owners: Owner("owner")));
        graph.Remove("a");

        Assert.Equal(["b"], Uids(graph.Dependents("owner")));
        Assert.Equal(1, graph.Count);
    }

    [Fact]
    public void From_ForegroundFinalizerWithoutDeletionTimestamp_NotDeletingDependents()
    {
        var meta = new V1ObjectMeta { Name = "x", NamespaceProperty = "default", Uid = "u", Finalizers = [GraphNode.ForegroundFinalizer, GraphNode.OrphanFinalizer] };

        var node = GraphNode.From(BuiltInKinds.ConfigMap, meta)!;
        Assert.Equal((false, false, false), (node.Deleting, node.DeletingDependents, node.Orphaning));

        meta.DeletionTimestamp = new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc);
        node = GraphNode.From(BuiltInKinds.ConfigMap, meta)!;
        Assert.Equal((true, true, true), (node.Deleting, node.DeletingDependents, node.Orphaning));
    }

    [Fact]
    public void From_ClusterScopedKindAndOwnerRefs_NoNamespaceAndBlockingKept()
    {
        var meta = new V1ObjectMeta
        {
            Name = "n", NamespaceProperty = "stray", Uid = "u",
            OwnerReferences =
            [
                new V1OwnerReference { ApiVersion = "v1", Kind = "Namespace", Name = "owner", Uid = "o1", BlockOwnerDeletion = true },
                new V1OwnerReference { ApiVersion = "v1", Kind = "Namespace", Name = "other", Uid = "o2" },
            ],
        };

        var node = GraphNode.From(BuiltInKinds.Namespace, meta)!;

        Assert.Equal("", node.Identity.Namespace);
        Assert.Equal([("o1", true), ("o2", false)], node.Owners.Select(o => (o.Uid, o.BlockOwnerDeletion)));
    }

    [Fact]
    public void From_NoUid_Null()
    {
        Assert.Null(GraphNode.From(BuiltInKinds.ConfigMap, new V1ObjectMeta { Name = "x" }));
    }
}
