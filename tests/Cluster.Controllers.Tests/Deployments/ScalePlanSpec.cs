using Cluster.Controllers.Deployments;
using static Cluster.Controllers.Tests.Deployments.DeploymentFixtures;

namespace Cluster.Controllers.Tests.Deployments;

/// <summary>Upstream's sync_test.go TestScale cases: the ReplicaSets were sized for the old deployment size, the deployment now asks for another.</summary>
public sealed class ScalePlanSpec
{
    [Theory]
    [InlineData("10 -> 12, one ReplicaSet", 10, 12, 10, new int[0], 12, new int[0])]
    [InlineData("10 -> 5, one ReplicaSet", 10, 5, 10, new int[0], 5, new int[0])]
    [InlineData("proportional 5 -> 10", 5, 10, 2, new[] { 3 }, 4, new[] { 6 })]
    [InlineData("proportional 5 -> 3", 5, 3, 2, new[] { 3 }, 1, new[] { 2 })]
    [InlineData("proportional 9 -> 4", 9, 4, 8, new[] { 1 }, 4, new[] { 0 })]
    [InlineData("proportional 7 -> 10", 7, 10, 2, new[] { 3, 2 }, 3, new[] { 4, 3 })]
    [InlineData("proportional 13 -> 8", 13, 8, 2, new[] { 8, 3 }, 1, new[] { 5, 2 })]
    [InlineData("leftover to the newest when scaling up: 3 -> 4", 3, 4, 1, new[] { 1, 1 }, 2, new[] { 1, 1 })]
    [InlineData("leftover from the oldest when scaling down: 3 -> 2", 3, 2, 1, new[] { 1, 1 }, 1, new[] { 1, 0 })]
    [InlineData("to zero: 6 -> 0", 6, 0, 3, new[] { 3 }, 0, new[] { 0 })]
    public void Scale_SharesTheChangeInProportion(string name, int before, int after, int newSize, int[] oldSizes, int expectedNew, int[] expectedOld)
    {
        var d = Deployment(after, "0", "0");

        // Old ReplicaSets newest first (foo-v2 before foo-v1 in upstream's tables).
        var olds = oldSizes.Select((size, i) => ReplicaSet("web-v" + (oldSizes.Length - i), size, "v1-" + i, age: oldSizes.Length - i, desired: before)).ToArray();
        var plan = Plan(d, [.. olds, ReplicaSet("web-new", newSize, "v2", age: 10, desired: before)]);

        var sizes = Sizes(plan);
        var (actualNew, actualOld) = (sizes.GetValueOrDefault("web-new", newSize), olds.Select(rs => sizes.GetValueOrDefault(rs.Metadata.Name, rs.Spec.Replicas!.Value)).ToArray());
        Assert.True(actualNew == expectedNew && actualOld.SequenceEqual(expectedOld), $"{name}: new {actualNew}, old [{string.Join(", ", actualOld)}]");
    }

    [Fact]
    public void Scale_NoNewReplicaSet_NewestOldOneTakesTheLeftover()
    {
        var plan = Plan(Deployment(5, "0", "0"), ReplicaSet("web-v2", 2, "v1", age: 2, desired: 4), ReplicaSet("web-v1", 2, "v0", age: 1, desired: 4));

        Assert.Equal(new Dictionary<string, int> { ["web-v2"] = 3, ["web-v1"] = 2 }, Sizes(plan));
        Assert.Empty(plan.Actions.OfType<CreateReplicaSet>());
    }

    [Fact]
    public void Scale_WithSurge_TotalIsReplicasPlusSurge()
    {
        // 10 (+2) -> 20 (+2): 12 pods become 22, shared equally.
        var plan = Plan(Deployment(20, "2", "0"), ReplicaSet("web-v1", 6, "v1", age: 1, desired: 10, max: 12), ReplicaSet("web-new", 6, "v2", age: 2, desired: 10, max: 12));

        Assert.Equal(new Dictionary<string, int> { ["web-new"] = 11, ["web-v1"] = 11 }, Sizes(plan));
        var written = plan.Actions.OfType<UpdateReplicaSet>().Select(u => u.ReplicaSet).ToList();
        Assert.All(written, rs => Assert.Equal(("20", "22"), (rs.Metadata.Annotations[Revisions.DesiredReplicas], rs.Metadata.Annotations[Revisions.MaxReplicas])));
        Assert.Contains("Scaled up replica set web-new from 6 to 11", EventMessages(plan));
    }

    [Fact]
    public void Scale_SaturatedNewReplicaSet_OldOnesToZero()
    {
        // The old ReplicaSet was sized for 2 (a scaling event); the new one runs all 3, available.
        var plan = Plan(Deployment(3, "1", "0"), ReplicaSet("web-v1", 1, "v1", age: 1, desired: 2, revision: 1), ReplicaSet("web-new", 3, "v2", available: 3, age: 2, desired: 3, max: 4, revision: 2));

        Assert.Equal(new Dictionary<string, int> { ["web-v1"] = 0 }, Sizes(plan));
    }

    [Fact]
    public void Paused_TemplateChanged_NoNewReplicaSet_ButScaled_AndProgressingSaysPaused()
    {
        var d = Deployment(5, "1", "0", image: "v3");
        d.Spec.Paused = true;
        var plan = Plan(d, ReplicaSet("web-v2", 3, "v2", available: 3, desired: 3, revision: 2));

        Assert.Empty(plan.Actions.OfType<CreateReplicaSet>());
        Assert.Equal(new Dictionary<string, int> { ["web-v2"] = 5 }, Sizes(plan));
        var progressing = Condition(plan, DeploymentConditions.Progressing)!;
        Assert.Equal(("Unknown", DeploymentConditions.PausedReason, "Deployment is paused"), (progressing.Status, progressing.Reason, progressing.Message));
    }
}
