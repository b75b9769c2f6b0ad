using Cluster.Controllers.Deployments;
using k8s.Models;
using static Cluster.Controllers.Tests.Deployments.DeploymentFixtures;

namespace Cluster.Controllers.Tests.Deployments;

/// <summary>Upstream's progress_test.go: the Progressing condition against the deadline, the Available condition, the requeue.</summary>
public sealed class ProgressPlanSpec
{
    private static V1Deployment Rolling(V1DeploymentCondition? progressing, int updated, int available, int replicas = 2)
    {
        var d = Deployment(2, "1", "0");
        d.Status = new V1DeploymentStatus
        {
            ObservedGeneration = 1, Replicas = replicas, UpdatedReplicas = updated, AvailableReplicas = available, ReadyReplicas = available,
            Conditions = progressing is null ? null : [progressing],
        };
        return d;
    }

    private static V1DeploymentCondition Progressing(string reason, int minutesAgo, string status = "True") =>
        DeploymentConditions.New(DeploymentConditions.Progressing, status, reason, "before", Now.UtcDateTime.AddMinutes(-minutesAgo));

    // Mid-rollout: 1 new of 2, the old ReplicaSet at 1; nothing left to scale until the new pod is available.
    private static V1ReplicaSet[] MidRollout(int newAvailable) =>
        [ReplicaSet("web-old", 1, "v1", available: 1, revision: 1, desired: 2, max: 3), ReplicaSet("web-new", 2, "v2", available: newAvailable, revision: 2, desired: 2, max: 3, age: 1)];

    [Fact]
    public void AllUpdatedAndAvailable_NewReplicaSetAvailable()
    {
        var d = Rolling(Progressing(DeploymentConditions.ReplicaSetUpdatedReason, 1), updated: 2, available: 2);

        var plan = Plan(d, ReplicaSet("web-new", 2, "v2", available: 2, revision: 2, desired: 2, max: 3));

        var c = Condition(plan, DeploymentConditions.Progressing)!;
        Assert.Equal(("True", DeploymentConditions.NewRSAvailableReason, "ReplicaSet \"web-new\" has successfully progressed."), (c.Status, c.Reason, c.Message));
        Assert.Equal(Now.UtcDateTime.AddMinutes(-1), c.LastTransitionTime); // still True: the transition stays
        Assert.Equal(DeploymentConditions.MinimumReplicasAvailable, Condition(plan, DeploymentConditions.Available)!.Reason);
        Assert.Null(plan.RequeueAfter);
    }

    [Fact]
    public void MoreAvailableThanBefore_ReplicaSetUpdated_LastUpdateRefreshed_TransitionKept()
    {
        var d = Rolling(Progressing(DeploymentConditions.ReplicaSetUpdatedReason, 5), updated: 2, available: 1, replicas: 3);

        var plan = Plan(d, MidRollout(newAvailable: 1));

        var c = Condition(plan, DeploymentConditions.Progressing)!;
        Assert.Equal((DeploymentConditions.ReplicaSetUpdatedReason, "ReplicaSet \"web-new\" is progressing."), (c.Reason, c.Message));
        Assert.Equal(Now.UtcDateTime, c.LastUpdateTime);
        Assert.Equal(Now.UtcDateTime.AddMinutes(-5), c.LastTransitionTime);
    }

    [Fact]
    public void NoProgress_WithinTheDeadline_NoWrite_RequeuedForTheRemainingTime()
    {
        var d = Rolling(Progressing(DeploymentConditions.ReplicaSetUpdatedReason, 4), updated: 2, available: 1, replicas: 3);
        d.Status.ReadyReplicas = 1;
        d.Status.UnavailableReplicas = 2;
        d.Status.Conditions.Add(DeploymentConditions.New(DeploymentConditions.Available, "False", DeploymentConditions.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", Old));

        var plan = Plan(d, MidRollout(newAvailable: 0));

        Assert.Null(Status(plan));
        Assert.Equal(TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(1), plan.RequeueAfter);
    }

    [Fact]
    public void NoProgress_PastTheDeadline_ProgressDeadlineExceeded()
    {
        var d = Rolling(Progressing(DeploymentConditions.ReplicaSetUpdatedReason, 11), updated: 2, available: 1, replicas: 3);

        var plan = Plan(d, MidRollout(newAvailable: 0));

        var c = Condition(plan, DeploymentConditions.Progressing)!;
        Assert.Equal(("False", DeploymentConditions.TimedOutReason, "ReplicaSet \"web-new\" has timed out progressing."), (c.Status, c.Reason, c.Message));
        Assert.Equal(Now.UtcDateTime, c.LastTransitionTime);
    }

    [Fact]
    public void NoDeadline_NoProgressingCondition()
    {
        var d = Rolling(Progressing(DeploymentConditions.ReplicaSetUpdatedReason, 11), updated: 2, available: 1, replicas: 3);
        d.Spec.ProgressDeadlineSeconds = int.MaxValue;

        var plan = Plan(d, MidRollout(newAvailable: 0));

        Assert.Null(Condition(plan, DeploymentConditions.Progressing));
        Assert.NotNull(Condition(plan, DeploymentConditions.Available));
    }

    [Fact]
    public void Resumed_AfterPause_DeploymentResumed_NeverTimedOutByThePause()
    {
        var d = Rolling(Progressing(DeploymentConditions.PausedReason, 60, status: "Unknown"), updated: 2, available: 1, replicas: 3);

        var plan = Plan(d, MidRollout(newAvailable: 0));

        var c = Condition(plan, DeploymentConditions.Progressing)!;
        Assert.Equal(("Unknown", DeploymentConditions.ResumedReason, Now.UtcDateTime), (c.Status, c.Reason, c.LastUpdateTime));
    }

    [Fact]
    public void ReplicaFailure_CopiedFromTheNewReplicaSet()
    {
        var replicaSets = MidRollout(newAvailable: 0);
        replicaSets[1].Status.Conditions = [new V1ReplicaSetCondition { Type = "ReplicaFailure", Status = "True", Reason = "FailedCreate", Message = "quota", LastTransitionTime = Old }];

        var plan = Plan(Rolling(Progressing(DeploymentConditions.ReplicaSetUpdatedReason, 1), updated: 2, available: 1, replicas: 3), replicaSets);

        Assert.Equal(("FailedCreate", "quota"), (Condition(plan, "ReplicaFailure")!.Reason, Condition(plan, "ReplicaFailure")!.Message));
    }

    [Fact]
    public void Status_CountsFromTheReplicaSets_ZeroesLeftOut()
    {
        var plan = Plan(Rolling(null, 0, 0, 0), MidRollout(newAvailable: 0));

        var status = Status(plan)!;
        Assert.Equal((1L, 3, 2, 1, 1, 2), (status.ObservedGeneration!.Value, status.Replicas!.Value, status.UpdatedReplicas!.Value, status.ReadyReplicas!.Value, status.AvailableReplicas!.Value, status.UnavailableReplicas!.Value));
        Assert.Null(Plan(Deployment(0, "1", "0"), ReplicaSet("web-new", 0, "v2", revision: 1, desired: 0, max: 0)).Actions.OfType<WriteDeploymentStatus>().Single().Status.Replicas);
    }

    [Fact]
    public void SteadyState_StatusWritten_ThenNothingMoreToDo()
    {
        var d = Deployment(2, "1", "0");
        d.Metadata.Annotations = new Dictionary<string, string> { [Revisions.Revision] = "2" };
        var rs = ReplicaSet("web-new", 2, "v2", available: 2, revision: 2, desired: 2, max: 3);

        var first = Plan(d, rs);
        d.Status = Assert.Single(first.Actions.OfType<WriteDeploymentStatus>()).Status;
        var second = Plan(d, rs);

        Assert.Single(first.Actions);
        Assert.Empty(second.Actions);
        Assert.Null(second.RequeueAfter);
    }

    [Fact]
    public void CreateFailed_ProgressingFalseWithTheError_OnlyWithADeadline()
    {
        var status = DeploymentPlanner.CreateFailedStatus(Deployment(2), "web-abc", "exceeded quota", Now)!;

        var c = DeploymentConditions.Get(status, DeploymentConditions.Progressing)!;
        Assert.Equal(("False", DeploymentConditions.FailedRSCreateReason, "Failed to create new replica set \"web-abc\": exceeded quota"), (c.Status, c.Reason, c.Message));
        Assert.Null(DeploymentPlanner.CreateFailedStatus(Deployment(2, deadline: null), "web-abc", "exceeded quota", Now));
    }
}
