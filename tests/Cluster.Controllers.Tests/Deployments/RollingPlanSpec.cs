using Cluster.Controllers.Deployments;
using static Cluster.Controllers.Tests.Deployments.DeploymentFixtures;

namespace Cluster.Controllers.Tests.Deployments;

/// <summary>Upstream's rolling_test.go cases, through a whole sync.</summary>
public sealed class RollingPlanSpec
{
    [Theory]
    [InlineData(10, "0", 10, 0, null)] // no room to surge
    [InlineData(10, "2", 10, 0, 2)]
    [InlineData(10, "2", 5, 0, 7)]
    [InlineData(10, "2", 10, 2, null)] // already at the surge
    [InlineData(10, "2", 2, 11, 10)] // more than desired: scaled down
    public void ReconcileNewReplicaSet_ScalesUpWithinTheSurge(int replicas, string maxSurge, int oldReplicas, int newReplicas, int? expected)
    {
        var max = replicas + int.Parse(maxSurge, System.Globalization.CultureInfo.InvariantCulture);
        var plan = Plan(
            Deployment(replicas, maxSurge, "0"),
            ReplicaSet("web-old", oldReplicas, "v1", available: oldReplicas, revision: 1, desired: replicas, max: max),
            ReplicaSet("web-new", newReplicas, "v2", age: 1, revision: 2, desired: replicas, max: max));

        Assert.Equal(expected, Sizes(plan).TryGetValue("web-new", out var size) ? size : null);
    }

    [Theory]
    [InlineData("0", 10, 0, 10, 9)] // both fenceposts zero: one may be unavailable
    [InlineData("2", 10, 0, 10, 8)]
    [InlineData("2", 10, 0, 8, 8)] // the 2 unhealthy old replicas cleaned up
    [InlineData("2", 10, 0, 9, 8)] // 1 unhealthy cleaned up, 1 healthy scaled down
    [InlineData("2", 8, 2, 8, null)] // the new ReplicaSet's unavailable pods count against scaling down further
    public void ReconcileOldReplicaSets_ScalesDownWithinTheUnavailability(string maxUnavailable, int oldReplicas, int newReplicas, int oldAvailable, int? expected)
    {
        var plan = Plan(
            Deployment(10, "0", maxUnavailable),
            ReplicaSet("web-old", oldReplicas, "v1", available: oldAvailable, revision: 1, desired: 10),
            ReplicaSet("web-new", newReplicas, "v2", age: 1, revision: 2, desired: 10));

        Assert.Equal(expected, Sizes(plan).TryGetValue("web-old", out var size) ? size : null);
        Assert.False(Sizes(plan).ContainsKey("web-new"));
    }

    [Fact]
    public void CleanupUnhealthy_OldestFirst_NoMoreThanAllowed()
    {
        // 10 desired, 2 may be unavailable: 12 - 8 - 0 = 4 may go; the older ReplicaSet's 3 unhealthy first, then 1 of the newer's.
        var plan = Plan(
            Deployment(10, "0", "2"),
            ReplicaSet("web-b", 6, "v0", available: 3, age: 1, revision: 2, desired: 10), ReplicaSet("web-a", 6, "v1", available: 3, age: 0, revision: 1, desired: 10), ReplicaSet("web-new", 0, "v2", age: 2, revision: 3, desired: 10));

        Assert.Equal(new Dictionary<string, int> { ["web-a"] = 3, ["web-b"] = 5 }, Sizes(plan));
    }

    [Fact]
    public void Rollout_StepByStep_NeverBeyondSurgeOrBelowAvailability()
    {
        // 4 replicas, 25% each way: at most 5 pods, at least 3 available, whatever order the statuses come in.
        var d = Deployment(4, "25%", "25%");
        var old = ReplicaSet("web-old", 4, "v1", available: 4, revision: 1, desired: 4, max: 5);
        var plan = Plan(d, old);
        var created = Assert.Single(plan.Actions.OfType<CreateReplicaSet>()).ReplicaSet;
        Assert.Equal(1, created.Spec.Replicas); // 4 + 1 surge
        Assert.Equal(3, Sizes(plan)["web-old"]); // 5 - 3 available at least - 1 new unavailable: 1 may go at once
        Assert.Equal(["Scaled up replica set " + created.Metadata.Name + " from 0 to 1", "Scaled down replica set web-old from 4 to 3"], EventMessages(plan));

        old.Spec.Replicas = 3;
        old.Status.AvailableReplicas = 3;
        var newRS = ReplicaSet(created.Metadata.Name, 1, "v2", available: 0, age: 1, revision: 2, desired: 4, max: 5);
        plan = Plan(d, old, newRS);
        Assert.Equal(new Dictionary<string, int> { [newRS.Metadata.Name] = 2 }, Sizes(plan));

        newRS.Spec.Replicas = 2;
        plan = Plan(d, old, newRS);
        Assert.Empty(Sizes(plan)); // 5 pods, 2 of them not yet available: nothing may go

        newRS.Status.AvailableReplicas = 2;
        plan = Plan(d, old, newRS);
        Assert.Equal(new Dictionary<string, int> { ["web-old"] = 1 }, Sizes(plan)); // 5 available, at least 3: 2 go
        Assert.Equal(["Scaled down replica set web-old from 3 to 1"], EventMessages(plan));
    }

    [Fact]
    public void Complete_OldZeroReplicaSetsBeyondTheHistoryLimit_DeletedOldestRevisionFirst()
    {
        var d = Deployment(2, "1", "0", historyLimit: 1);
        d.Status = new k8s.Models.V1DeploymentStatus { ObservedGeneration = 1, Replicas = 2, UpdatedReplicas = 2, AvailableReplicas = 2 };
        var plan = Plan(
            d,
            ReplicaSet("web-r1", 0, "v0", revision: 1, age: 0), ReplicaSet("web-r3", 0, "v1", revision: 3, age: 1), ReplicaSet("web-r2", 0, "v9", revision: 2, age: 2),
            ReplicaSet("web-r4", 2, "v2", available: 2, revision: 4, desired: 2, max: 3, age: 3));

        Assert.Equal(["web-r1", "web-r2"], plan.Actions.OfType<DeleteReplicaSet>().Select(a => a.Name));
    }

    [Fact]
    public void Cleanup_SkipsReplicaSetsTheirControllerHasNotCaughtUpWith()
    {
        var d = Deployment(2, "1", "0", historyLimit: 0);
        d.Status = new k8s.Models.V1DeploymentStatus { ObservedGeneration = 1, Replicas = 2, UpdatedReplicas = 2, AvailableReplicas = 2 };
        var unobserved = ReplicaSet("web-r1", 0, "v0", revision: 1);
        unobserved.Metadata.Generation = 2;
        var stillRunning = ReplicaSet("web-r2", 0, "v1", revision: 2, actual: 1);

        var plan = Plan(d, unobserved, stillRunning, ReplicaSet("web-r3", 2, "v2", available: 2, revision: 3, desired: 2, max: 3, age: 3));

        Assert.Empty(plan.Actions.OfType<DeleteReplicaSet>());
    }
}
