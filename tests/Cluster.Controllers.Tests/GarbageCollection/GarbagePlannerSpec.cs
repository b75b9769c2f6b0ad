using System.Text.Json.Nodes;
using Cluster.Controllers.GarbageCollection;
using static Cluster.Controllers.Tests.GarbageCollection.GcFixtures;

namespace Cluster.Controllers.Tests.GarbageCollection;

public sealed class GarbagePlannerSpec
{
    private static Dictionary<string, OwnerState> States(params (string Uid, OwnerState State)[] states) =>
        states.ToDictionary(s => s.Uid, s => s.State, StringComparer.Ordinal);

    [Fact]
    public void ForDependent_EveryOwnerDangling_DeletedInTheBackground()
    {
        var node = Node("d", owners: [Owner("a"), Owner("b")]);

        var action = GarbagePlanner.ForDependent(node, States(("a", OwnerState.Dangling), ("b", OwnerState.Dangling)), hasDependents: true);

        Assert.Equal(new GarbageAction.Delete(GarbagePlanner.Background), action);
    }

    [Fact]
    public void ForDependent_OneOwnerSolid_OnlyTheOthersReferencesRemoved()
    {
        var node = Node("d", owners: [Owner("a"), Owner("b"), Owner("c")]);

        var action = GarbagePlanner.ForDependent(node, States(("a", OwnerState.Dangling), ("b", OwnerState.Solid), ("c", OwnerState.WaitingForDependents)), hasDependents: false);

        Assert.Equal(["a", "c"], Assert.IsType<GarbageAction.RemoveOwners>(action).Uids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ForDependent_AllOwnersSolid_Nothing()
    {
        var node = Node("d", owners: [Owner("a"), Owner("b")]);

        Assert.Same(GarbageAction.None, GarbagePlanner.ForDependent(node, States(("a", OwnerState.Solid)), hasDependents: false));
    }

    [Theory]
    [InlineData(true, GarbagePlanner.Foreground)]
    [InlineData(false, GarbagePlanner.Background)]
    public void ForDependent_OwnerWaitingForDependents_ForegroundOnlyWithDependentsOfItsOwn(bool hasDependents, string policy)
    {
        var node = Node("d", owners: [Owner("a"), Owner("b")]);

        var action = GarbagePlanner.ForDependent(node, States(("a", OwnerState.WaitingForDependents), ("b", OwnerState.Dangling)), hasDependents);

        Assert.Equal(new GarbageAction.Delete(policy), action);
    }

    [Fact]
    public void ForDependent_AlreadyDeletingOrOwnerless_Nothing()
    {
        Assert.Same(GarbageAction.None, GarbagePlanner.ForDependent(Node("d", deleting: true, owners: Owner("a")), States(("a", OwnerState.Dangling)), false));
        Assert.Same(GarbageAction.None, GarbagePlanner.ForDependent(Node("d"), States(), false));
    }

    [Fact]
    public void ForOwner_Orphaning_OrphansEveryDependentEvenWhenAlsoForeground()
    {
        var dependents = new[] { Node("a", owners: Owner("o")), Node("b", deleting: true, owners: Owner("o")) };

        var action = GarbagePlanner.ForOwner(Node("o", foreground: true, orphan: true), dependents);

        Assert.Equal(["a", "b"], Assert.IsType<GarbageAction.Orphan>(action).Dependents.Select(d => d.Uid));
    }

    [Fact]
    public void ForOwner_ForegroundWithBlockingDependentTerminating_BlockedAndNothingDeletedAgain()
    {
        var dependents = new[] { Node("a", deleting: true, owners: Owner("o", block: true)), Node("b", owners: Owner("o")) };

        var action = Assert.IsType<GarbageAction.DeleteDependents>(GarbagePlanner.ForOwner(Node("o", foreground: true), dependents));

        Assert.True(action.Blocked);
        Assert.Equal(["b"], action.ToDelete.Select(d => d.Uid));
    }

    [Fact]
    public void ForOwner_ForegroundWithOnlyNonBlockingDependents_NotBlocked()
    {
        var dependents = new[] { Node("a", owners: [Owner("o"), Owner("x", block: true)]) };

        var action = Assert.IsType<GarbageAction.DeleteDependents>(GarbagePlanner.ForOwner(Node("o", foreground: true), dependents));

        Assert.False(action.Blocked);
    }

    [Fact]
    public void ForOwner_NotDeletingOrBackgroundDeleting_Nothing()
    {
        Assert.Same(GarbageAction.None, GarbagePlanner.ForOwner(Node("o"), [Node("a", owners: Owner("o", block: true))]));
        Assert.Same(GarbageAction.None, GarbagePlanner.ForOwner(Node("o", deleting: true), [Node("a", owners: Owner("o", block: true))]));
    }

    [Fact]
    public void RemoveOwnerReferences_SomeMatch_OnlyThoseRemoved()
    {
        var obj = JsonNode.Parse("""{"metadata":{"ownerReferences":[{"uid":"a"},{"uid":"b"},{"uid":"c"}]}}""")!.AsObject();

        Assert.True(MetadataEdits.RemoveOwnerReferences(obj, new HashSet<string>(["a", "c"])));
        Assert.Equal("""[{"uid":"b"}]""", obj["metadata"]!["ownerReferences"]!.ToJsonString());
        Assert.False(MetadataEdits.RemoveOwnerReferences(obj, new HashSet<string>(["a"])));
    }

    [Fact]
    public void RemoveFinalizer_PresentOrAbsent_RemovedOnceElseFalse()
    {
        var obj = JsonNode.Parse("""{"metadata":{"finalizers":["orphan","keep"]}}""")!.AsObject();

        Assert.True(MetadataEdits.RemoveFinalizer(obj, "orphan"));
        Assert.Equal("""["keep"]""", obj["metadata"]!["finalizers"]!.ToJsonString());
        Assert.False(MetadataEdits.RemoveFinalizer(obj, "orphan"));
        Assert.False(MetadataEdits.RemoveFinalizer(JsonNode.Parse("{}")!.AsObject(), "orphan"));
    }
}
