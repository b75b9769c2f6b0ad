using Cluster.Controllers.Namespaces;
using Cluster.Core.Registry;
using k8s.Models;

namespace Cluster.Controllers.Tests.Namespaces;

public sealed class NamespaceDeletionPlannerSpec
{
    private static readonly DateTime Then = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Now = new(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);

    private static NamespaceContent Item(ResourceKind kind, string name, bool deleting = false, params string[] finalizers) => new(kind, name, deleting, finalizers);

    private static V1Namespace Namespace(bool deleting, params string[] finalizers) => new()
    {
        Metadata = new V1ObjectMeta { Name = "doomed", DeletionTimestamp = deleting ? Then : null },
        Spec = new V1NamespaceSpec { Finalizers = finalizers },
    };

    private static V1NamespaceCondition Condition(IList<V1NamespaceCondition> conditions, string type) => conditions.Single(c => c.Type == type);

    [Theory]
    [InlineData(false, new[] { "kubernetes" }, false)]
    [InlineData(true, new[] { "kubernetes" }, true)]
    [InlineData(true, new[] { "example.com/other" }, false)]
    [InlineData(true, new string[0], false)]
    public void NeedsDeletion_DeletionTimestampAndOwnFinalizer_BothRequired(bool deleting, string[] finalizers, bool expected) =>
        Assert.Equal(expected, NamespaceDeletionPlanner.NeedsDeletion(Namespace(deleting, finalizers)));

    [Fact]
    public void ToDelete_ContentSomeAlreadyDeleting_OnlyTheOthersInOrder()
    {
        var content = new[] { Item(BuiltInKinds.Pod, "p"), Item(BuiltInKinds.Pod, "going", deleting: true), Item(BuiltInKinds.ConfigMap, "c") };

        Assert.Equal(["p", "c"], NamespaceDeletionPlanner.ToDelete(content).Select(c => c.Name));
    }

    [Theory]
    [InlineData(0, 0, true)]
    [InlineData(1, 0, false)]
    [InlineData(0, 1, false)]
    public void CanFinalize_OnlyWhenEmptyAndNothingFailed(int remaining, int failures, bool expected) =>
        Assert.Equal(expected, NamespaceDeletionPlanner.CanFinalize(
            [.. Enumerable.Repeat(Item(BuiltInKinds.Pod, "p"), remaining)], [.. Enumerable.Repeat("boom", failures)]));

    [Fact]
    public void FinalizersAfter_OwnRemovedOthersKept() =>
        Assert.Equal(["example.com/other"], NamespaceDeletionPlanner.FinalizersAfter(Namespace(true, "kubernetes", "example.com/other")));

    [Fact]
    public void Conditions_Empty_AllFiveFalseWithUpstreamsOkReasons()
    {
        var conditions = NamespaceDeletionPlanner.Conditions([], [], null, Now);

        Assert.Equal(
            [
                ("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered"),
                ("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions"),
                ("NamespaceDeletionContentFailure", "False", "ContentDeleted"),
                ("NamespaceContentRemaining", "False", "ContentRemoved"),
                ("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers"),
            ],
            conditions.Select(c => (c.Type, c.Status, c.Reason)));
        Assert.All(conditions, c => Assert.Equal(Now, c.LastTransitionTime));
    }

    [Fact]
    public void Conditions_ContentAndFinalizersRemain_TrueWithCountsPerResourceAndFinalizer()
    {
        var remaining = new[]
        {
            Item(BuiltInKinds.Pod, "a", true, "example.com/hold"), Item(BuiltInKinds.Pod, "b"), Item(BuiltInKinds.Deployment, "d", true, "example.com/hold", "foregroundDeletion"),
        };

        var conditions = NamespaceDeletionPlanner.Conditions(remaining, [], null, Now);

        var content = Condition(conditions, "NamespaceContentRemaining");
        Assert.Equal(("True", "SomeResourcesRemain"), (content.Status, content.Reason));
        Assert.Equal("Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2 resource instances", content.Message);
        var finalizers = Condition(conditions, "NamespaceFinalizersRemaining");
        Assert.Equal(("True", "SomeFinalizersRemain"), (finalizers.Status, finalizers.Reason));
        Assert.Equal("Some content in the namespace has finalizers remaining: example.com/hold in 2 resource instances, foregroundDeletion in 1 resource instances", finalizers.Message);
        Assert.Equal("False", Condition(conditions, "NamespaceDeletionContentFailure").Status);
    }

    [Theory]
    [InlineData(new[] { "forbidden" }, "Failed to delete all resource types, 1 remaining: forbidden")]
    [InlineData(new[] { "one", "two" }, "Failed to delete all resource types, 2 remaining: [one, two]")]
    public void Conditions_DeletesFailed_ContentFailureTrueWithTheErrors(string[] failures, string message)
    {
        var failure = Condition(NamespaceDeletionPlanner.Conditions([], failures, null, Now), "NamespaceDeletionContentFailure");

        Assert.Equal(("True", "ContentDeletionFailed", message), (failure.Status, failure.Reason, failure.Message));
    }

    [Fact]
    public void Conditions_Unchanged_KeepTransitionTimeAndOtherTypes()
    {
        var before = NamespaceDeletionPlanner.Conditions([], [], [new V1NamespaceCondition { Type = "Custom", Status = "True" }], Then);

        var after = NamespaceDeletionPlanner.Conditions([], [], before, Now);

        Assert.All(after.Where(c => c.Type != "Custom"), c => Assert.Equal(Then, c.LastTransitionTime));
        Assert.Equal("Custom", after.Last().Type);
        var changed = NamespaceDeletionPlanner.Conditions([Item(BuiltInKinds.Pod, "p")], [], before, Now);
        Assert.Equal(Now, Condition(changed, "NamespaceContentRemaining").LastTransitionTime);
        Assert.Equal(Then, Condition(changed, "NamespaceDeletionDiscoveryFailure").LastTransitionTime);
    }
}
