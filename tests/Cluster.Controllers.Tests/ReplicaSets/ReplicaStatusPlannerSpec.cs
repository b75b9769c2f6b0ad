using Cluster.Controllers.ReplicaSets;
using k8s.Models;
using static Cluster.Controllers.Tests.ReplicaSets.ReplicaFixtures;

namespace Cluster.Controllers.Tests.ReplicaSets;

public sealed class ReplicaStatusPlannerSpec
{
    [Fact]
    public void Calculate_MixedPods_CountsReplicasFullyLabeledReadyAndAvailable()
    {
        var set = Set(replicas: 4, minReadySeconds: 30);
        var partlyLabeled = Pod("partly");
        partlyLabeled.Metadata.Labels.Remove("tier");
        V1Pod[] owned = [Pod("long-ready", readySince: Now.AddMinutes(-5)), Pod("just-ready", readySince: Now.AddSeconds(-10)), Pod("not-ready", ready: false), partlyLabeled];

        var status = ReplicaStatusPlanner.Calculate(set, owned, null, Now);

        Assert.Equal((4, 3, 3, 2, 4L), (status.Replicas, status.FullyLabeledReplicas, status.ReadyReplicas, status.AvailableReplicas, status.ObservedGeneration));
        Assert.Null(status.Conditions);
    }

    [Fact]
    public void Calculate_NoPods_ZeroCountsOmittedButReplicas()
    {
        var status = ReplicaStatusPlanner.Calculate(Set(), [], null, Now);

        Assert.Equal((0, null, null, null), (status.Replicas, status.FullyLabeledReplicas, status.ReadyReplicas, status.AvailableReplicas));
    }

    [Theory]
    [InlineData(3, 1, "FailedCreate")]
    [InlineData(1, 3, "FailedDelete")]
    public void Calculate_ManageFailed_ReplicaFailureConditionNamesTheDirection(int replicas, int pods, string reason)
    {
        var owned = Enumerable.Range(0, pods).Select(i => Pod("p" + i)).ToList();

        var status = ReplicaStatusPlanner.Calculate(Set(replicas), owned, new InvalidOperationException("quota exceeded"), Now);

        var condition = Assert.Single(status.Conditions);
        Assert.Equal(("ReplicaFailure", "True", reason, "quota exceeded"), (condition.Type, condition.Status, condition.Reason, condition.Message));
    }

    [Fact]
    public void Calculate_FailureConditionPresent_KeptWhileFailing_RemovedOnceFine()
    {
        var failing = Set(status: """{"replicas":0,"conditions":[{"type":"ReplicaFailure","status":"True","reason":"FailedCreate","message":"first"}]}""");

        var still = ReplicaStatusPlanner.Calculate(failing, [], new InvalidOperationException("second"), Now);
        var fine = ReplicaStatusPlanner.Calculate(failing, [], null, Now);

        Assert.Equal("first", Assert.Single(still.Conditions).Message);
        Assert.Null(fine.Conditions);
    }

    [Fact]
    public void Differs_StoredWithZerosSpelledOut_SameCountsAndGeneration_False()
    {
        var set = Set(replicas: 0, status: """{"replicas":0,"fullyLabeledReplicas":0,"readyReplicas":0,"availableReplicas":0,"observedGeneration":4}""");

        Assert.False(ReplicaStatusPlanner.Differs(set.Status, ReplicaStatusPlanner.Calculate(set, [], null, Now)));
    }

    [Fact]
    public void Differs_NewGenerationOnly_True()
    {
        var set = Set(replicas: 0, status: """{"replicas":0,"observedGeneration":3}""");

        Assert.True(ReplicaStatusPlanner.Differs(set.Status, ReplicaStatusPlanner.Calculate(set, [], null, Now)));
    }

    [Fact]
    public void NextAvailableIn_ReadyPodsShortOfMinReadySeconds_TheSoonestJustAfterItsMinimum()
    {
        var set = Set(minReadySeconds: 30);
        V1Pod[] owned = [Pod("a", readySince: Now.AddSeconds(-10)), Pod("b", readySince: Now.AddSeconds(-25)), Pod("available", readySince: Now.AddMinutes(-1)), Pod("not-ready", ready: false)];

        Assert.Equal(TimeSpan.FromSeconds(5) + TimeSpan.FromMilliseconds(1), ReplicaStatusPlanner.NextAvailableIn(set, owned, Now));
    }

    [Fact]
    public void NextAvailableIn_NoMinimumOrNobodyWaiting_Null()
    {
        Assert.Null(ReplicaStatusPlanner.NextAvailableIn(Set(minReadySeconds: 0), [Pod("a", readySince: Now)], Now));
        Assert.Null(ReplicaStatusPlanner.NextAvailableIn(Set(minReadySeconds: 30), [Pod("a", readySince: Now.AddHours(-1)), Pod("b", ready: false)], Now));
    }
}
