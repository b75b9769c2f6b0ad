using Cluster.Controllers.Disruption;
using k8s.Models;

namespace Cluster.Controllers.Tests.Disruption;

public sealed class DisruptionStatusPlannerSpec
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static V1PodDisruptionBudget Budget(string? minAvailable = null, string? maxUnavailable = null, long generation = 1, IDictionary<string, DateTime?>? disrupted = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "pdb", NamespaceProperty = "default", Generation = generation },
        Spec = new V1PodDisruptionBudgetSpec
        {
            MinAvailable = minAvailable is null ? null : (IntOrString)minAvailable,
            MaxUnavailable = maxUnavailable is null ? null : (IntOrString)maxUnavailable,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
        },
        Status = disrupted is null ? null : new V1PodDisruptionBudgetStatus { DisruptedPods = disrupted },
    };

    private static V1Pod Pod(string name, bool ready = true, string? owner = "rs-uid", bool deleting = false) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "default",
            DeletionTimestamp = deleting ? Now.UtcDateTime : null,
            OwnerReferences = owner is null ? null : [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = owner, Uid = owner, Controller = true }],
        },
        Status = new V1PodStatus { Phase = "Running", Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };

    private static List<V1Pod> Pods(int count, string owner = "rs-uid") => [.. Enumerable.Range(1, count).Select(i => Pod("p" + i, owner: owner))];

    /// <summary>Every controller scales to 5, except "rs-10" to 10 and "deploy-*" ReplicaSets, which count as one Deployment of 4.</summary>
    private static ControllerScale? ScaleOf(V1OwnerReference r) => r.Uid switch
    {
        "missing" => null,
        "rs-10" => new ControllerScale("rs-10", 10),
        var u when u.StartsWith("deploy-", StringComparison.Ordinal) => new ControllerScale("deployment", 4),
        var u => new ControllerScale(u, 5),
    };

    [Theory]
    [InlineData("2", null, 3, 3, 2)] // minAvailable int: expected is the pods there are
    [InlineData("80%", null, 3, 5, 4)] // a percentage of the controller's scale, rounded up
    [InlineData("50%", null, 3, 5, 3)]
    [InlineData(null, "1", 3, 5, 4)] // maxUnavailable: the controller's scale less it
    [InlineData(null, "30%", 3, 5, 3)] // 30% of 5 rounds up to 2 unavailable
    [InlineData(null, "100%", 3, 5, 0)]
    [InlineData(null, "9", 3, 5, 0)] // never below zero
    [InlineData(null, null, 3, 0, 0)]
    public void Expected_MinAvailableOrMaxUnavailable_AsUpstream(string? minAvailable, string? maxUnavailable, int pods, int expected, int desired)
    {
        var result = DisruptionStatusPlanner.Expected(Budget(minAvailable, maxUnavailable), Pods(pods), ScaleOf);

        Assert.Null(result.Error);
        Assert.Equal((expected, desired), (result.Expected, result.DesiredHealthy));
    }

    [Fact]
    public void ExpectedScale_ReplicaSetsOfOneDeployment_CountedOnce_AndOtherControllersAdded()
    {
        List<V1Pod> pods = [Pod("a", owner: "deploy-old"), Pod("b", owner: "deploy-new"), Pod("c", owner: "rs-10"), Pod("d", owner: "rs-10")];

        var (expected, unmanaged, error) = DisruptionStatusPlanner.ExpectedScale(pods, ScaleOf);

        Assert.Equal(14, expected);
        Assert.Empty(unmanaged);
        Assert.Null(error);
    }

    [Fact]
    public void Expected_PercentWithUnmanagedPod_NamedAndLeftOut()
    {
        List<V1Pod> pods = [Pod("a"), Pod("lonely", owner: null)];

        var result = DisruptionStatusPlanner.Expected(Budget(maxUnavailable: "20%"), pods, ScaleOf);

        Assert.Equal(["lonely"], result.Unmanaged);
        Assert.Equal((5, 4), (result.Expected, result.DesiredHealthy));
    }

    [Fact]
    public void Expected_ControllerNotFound_ErrorAsUpstream()
    {
        var result = DisruptionStatusPlanner.Expected(Budget(maxUnavailable: "1"), [Pod("a", owner: "missing")], ScaleOf);

        Assert.Equal("found no controllers for pod \"a\"", result.Error);
    }

    [Fact]
    public void Expected_MinAvailableInt_NeedsNoController()
    {
        var result = DisruptionStatusPlanner.Expected(Budget(minAvailable: "1"), [Pod("a", owner: "missing")], ScaleOf);

        Assert.Null(result.Error);
        Assert.Equal((1, 1), (result.Expected, result.DesiredHealthy));
    }

    [Theory]
    [InlineData(0, true, true)] // just evicted: still expected to go, not healthy
    [InlineData(119, true, true)]
    [InlineData(121, false, false)] // past the 2-minute timeout: forgotten, healthy again
    public void DisruptedPods_KeptUntilTheDeletionTimeout(int secondsAgo, bool kept, bool recheck)
    {
        var pdb = Budget("1", disrupted: new Dictionary<string, DateTime?> { ["p1"] = Now.AddSeconds(-secondsAgo).UtcDateTime, ["gone"] = Now.UtcDateTime });
        var pods = Pods(2);

        var (disrupted, at, notDeleted) = DisruptionStatusPlanner.DisruptedPods(pdb, pods, Now);

        Assert.Equal(kept, disrupted.ContainsKey("p1"));
        Assert.False(disrupted.ContainsKey("gone")); // a pod no longer there is dropped
        Assert.Equal(recheck, at is not null);
        if (recheck)
        {
            Assert.Equal(Now.AddSeconds(120 - secondsAgo), at);
        }

        Assert.Equal(kept ? [] : ["p1"], notDeleted);
        Assert.Equal(kept ? 1 : 2, DisruptionStatusPlanner.CountHealthy(pods, disrupted, Now));
    }

    [Fact]
    public void DisruptedPods_PodBeingDeleted_NoLongerTracked()
    {
        var pdb = Budget("1", disrupted: new Dictionary<string, DateTime?> { ["p1"] = Now.UtcDateTime });

        var (disrupted, at, _) = DisruptionStatusPlanner.DisruptedPods(pdb, [Pod("p1", deleting: true)], Now);

        Assert.Empty(disrupted);
        Assert.Null(at);
    }

    [Fact]
    public void CountHealthy_OnlyReadyAndNotDeleting()
    {
        List<V1Pod> pods = [Pod("ready"), Pod("unready", ready: false), Pod("deleting", deleting: true)];

        Assert.Equal(1, DisruptionStatusPlanner.CountHealthy(pods, new Dictionary<string, DateTime>(), Now));
    }

    [Theory]
    [InlineData(3, 2, 3, 1, "True", "SufficientPods")]
    [InlineData(2, 2, 3, 0, "False", "InsufficientPods")]
    [InlineData(1, 2, 3, 0, "False", "InsufficientPods")] // never negative
    [InlineData(3, 0, 0, 0, "False", "InsufficientPods")] // nothing expected: nothing allowed
    public void Status_DisruptionsAllowedAndCondition(int healthy, int desired, int expected, int allowed, string conditionStatus, string reason)
    {
        var status = DisruptionStatusPlanner.Status(Budget("2", generation: 4), healthy, desired, expected, new Dictionary<string, DateTime>(), Now)!;

        Assert.Equal((healthy, desired, expected, allowed, 4L), (status.CurrentHealthy, status.DesiredHealthy, status.ExpectedPods, status.DisruptionsAllowed, status.ObservedGeneration));
        var condition = Assert.Single(status.Conditions);
        Assert.Equal(("DisruptionAllowed", conditionStatus, reason, 4L, Now.UtcDateTime), (condition.Type, condition.Status, condition.Reason, condition.ObservedGeneration, condition.LastTransitionTime));
    }

    [Fact]
    public void Status_SameAsStored_NothingToWrite_UntilTheGenerationMoves()
    {
        var pdb = Budget("2", generation: 1);
        pdb.Status = DisruptionStatusPlanner.Status(pdb, 3, 2, 3, new Dictionary<string, DateTime>(), Now);

        Assert.Null(DisruptionStatusPlanner.Status(pdb, 3, 2, 3, new Dictionary<string, DateTime>(), Now.AddMinutes(1)));

        pdb.Metadata.Generation = 2;
        var moved = DisruptionStatusPlanner.Status(pdb, 3, 2, 3, new Dictionary<string, DateTime>(), Now.AddMinutes(1))!;
        Assert.Equal(2, moved.ObservedGeneration);
        // The condition's status did not change: its transition time stays.
        Assert.Equal(Now.UtcDateTime, Assert.Single(moved.Conditions).LastTransitionTime);
    }

    [Fact]
    public void Status_AllowedDropsToZero_ConditionTransitions()
    {
        var pdb = Budget("2");
        pdb.Status = DisruptionStatusPlanner.Status(pdb, 3, 2, 3, new Dictionary<string, DateTime>(), Now);

        var status = DisruptionStatusPlanner.Status(pdb, 2, 2, 3, new Dictionary<string, DateTime>(), Now.AddMinutes(5))!;

        var condition = Assert.Single(status.Conditions);
        Assert.Equal(("False", "InsufficientPods", Now.AddMinutes(5).UtcDateTime), (condition.Status, condition.Reason, condition.LastTransitionTime));
    }

    [Fact]
    public void FailSafe_NoDisruptions_SyncFailedWithTheError()
    {
        var pdb = Budget(maxUnavailable: "1", generation: 3);
        pdb.Status = DisruptionStatusPlanner.Status(pdb, 3, 2, 3, new Dictionary<string, DateTime>(), Now);

        var status = DisruptionStatusPlanner.FailSafe(pdb, "found no controllers for pod \"a\"", Now);

        Assert.Equal((0, 3L), (status.DisruptionsAllowed, status.ObservedGeneration));
        var condition = Assert.Single(status.Conditions);
        Assert.Equal(("False", "SyncFailed", "found no controllers for pod \"a\""), (condition.Status, condition.Reason, condition.Message));
    }
}
