using Cluster.Controllers.Deployments;
using k8s.Models;
using static Cluster.Controllers.Tests.Deployments.DeploymentFixtures;

namespace Cluster.Controllers.Tests.Deployments;

/// <summary>Finding, creating, adopting and reusing ReplicaSets; revisions (upstream's sync.go getNewReplicaSet, ClaimReplicaSets).</summary>
public sealed class NewReplicaSetPlanSpec
{
    [Fact]
    public void NewDeployment_CreatesTheReplicaSet_NamedAndLabelledByTheHash_Revision1()
    {
        var d = Deployment(3, "25%", "25%");
        d.Metadata.Annotations = new Dictionary<string, string> { ["kubernetes.io/change-cause"] = "kubectl create", [Revisions.LastApplied] = "{}" };

        var plan = Plan(d);

        var rs = Assert.Single(plan.Actions.OfType<CreateReplicaSet>()).ReplicaSet;
        var hash = PodTemplateHash.Compute(d.Spec.Template, null);
        Assert.Equal("web-" + hash, rs.Metadata.Name);
        Assert.Equal(hash, rs.Metadata.Labels[PodTemplateHash.Label]);
        Assert.Equal(hash, rs.Spec.Template.Metadata.Labels[PodTemplateHash.Label]);
        Assert.Equal(hash, rs.Spec.Selector.MatchLabels[PodTemplateHash.Label]);
        Assert.Equal(3, rs.Spec.Replicas); // 0 + min(3 + 1 surge, 3)
        Assert.Equal(("1", "3", "4", "kubectl create"), (rs.Metadata.Annotations[Revisions.Revision], rs.Metadata.Annotations[Revisions.DesiredReplicas], rs.Metadata.Annotations[Revisions.MaxReplicas], rs.Metadata.Annotations["kubernetes.io/change-cause"]));
        Assert.False(rs.Metadata.Annotations.ContainsKey(Revisions.LastApplied));
        var owner = Assert.Single(rs.Metadata.OwnerReferences);
        Assert.Equal(("Deployment", "web", Uid, true, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal("1", Assert.Single(plan.Actions.OfType<SetDeploymentRevision>()).Revision);
        Assert.Equal([$"Scaled up replica set {rs.Metadata.Name} from 0 to 3"], EventMessages(plan));
        var progressing = Condition(plan, DeploymentConditions.Progressing)!;
        Assert.Equal(("True", DeploymentConditions.NewRSReason, $"Created new replica set \"{rs.Metadata.Name}\""), (progressing.Status, progressing.Reason, progressing.Message));
        Assert.Equal(DeploymentConditions.MinimumReplicasUnavailable, Condition(plan, DeploymentConditions.Available)!.Reason);
    }

    [Fact]
    public void TemplateChanged_NewReplicaSetTakesTheNextRevision()
    {
        var plan = Plan(Deployment(2, "1", "0"), ReplicaSet("web-a", 2, "v0", available: 2, revision: 4, desired: 2, max: 3), ReplicaSet("web-b", 0, "v1", revision: 7, desired: 2, max: 3));

        Assert.Equal("8", Assert.Single(plan.Actions.OfType<CreateReplicaSet>()).ReplicaSet.Metadata.Annotations[Revisions.Revision]);
        Assert.Equal("8", Assert.Single(plan.Actions.OfType<SetDeploymentRevision>()).Revision);
    }

    [Fact]
    public void Rollback_ToAnOldTemplate_ReusesItsReplicaSet_WithTheNextRevision_OldOneKeptInTheHistory()
    {
        var first = ReplicaSet("web-first", 0, "v2", revision: 1, desired: 2, max: 3);
        var second = ReplicaSet("web-second", 2, "v1", available: 2, revision: 2, age: 1, desired: 2, max: 3);

        var plan = Plan(Deployment(2, "1", "0"), first, second);

        Assert.Empty(plan.Actions.OfType<CreateReplicaSet>());
        var reused = plan.Actions.OfType<UpdateReplicaSet>().Select(u => u.ReplicaSet).Single(rs => rs.Metadata.Name == "web-first");
        Assert.Equal(("3", "1"), (reused.Metadata.Annotations[Revisions.Revision], reused.Metadata.Annotations[Revisions.RevisionHistory]));

        // The next sync, with the ReplicaSet updated: the deployment takes its revision.
        first.Metadata.Annotations = reused.Metadata.Annotations;
        first.Spec.Replicas = reused.Spec.Replicas;
        Assert.Equal("3", Assert.Single(Plan(Deployment(2, "1", "0"), first, second).Actions.OfType<SetDeploymentRevision>()).Revision);
    }

    [Fact]
    public void NameTakenByAnotherReplicaSet_CollisionCountRaised_NothingCreated()
    {
        var d = Deployment(2, "1", "0");
        var stranger = ReplicaSet("web-" + PodTemplateHash.Compute(d.Spec.Template, null), 1, "other");
        stranger.Metadata.OwnerReferences = null;
        stranger.Metadata.Labels = new Dictionary<string, string> { ["app"] = "db" };

        var plan = Plan(d, stranger);

        Assert.Empty(plan.Actions.OfType<CreateReplicaSet>());
        Assert.Equal(1, Status(plan)!.CollisionCount);

        d.Status.CollisionCount = 1;
        var created = Assert.Single(Plan(d, stranger).Actions.OfType<CreateReplicaSet>()).ReplicaSet;
        Assert.Equal("web-" + PodTemplateHash.Compute(d.Spec.Template, 1), created.Metadata.Name);
        Assert.NotEqual(stranger.Metadata.Name, created.Metadata.Name);
    }

    [Fact]
    public void MatchingOrphan_Adopted_OwnReplicaSetNoLongerMatching_Released_OthersLeftAlone()
    {
        var orphan = ReplicaSet("web-orphan", 2, "v2", available: 2);
        orphan.Metadata.OwnerReferences = null;
        var strayed = ReplicaSet("web-strayed", 1, "v1");
        strayed.Metadata.Labels = new Dictionary<string, string> { ["app"] = "elsewhere" };
        var othersChild = ReplicaSet("web-other", 1, "v2");
        othersChild.Metadata.OwnerReferences = [new V1OwnerReference { Kind = "Deployment", Name = "other", Uid = "uid-other", Controller = true }];

        var plan = Plan(Deployment(2, "1", "0"), orphan, strayed, othersChild);

        var writes = plan.Actions.OfType<UpdateReplicaSet>().Select(u => u.ReplicaSet).ToDictionary(rs => rs.Metadata.Name);
        Assert.Equal(Uid, Assert.Single(writes["web-orphan"].Metadata.OwnerReferences).Uid);
        Assert.Empty(writes["web-strayed"].Metadata.OwnerReferences);
        Assert.False(writes.ContainsKey("web-other"));
        Assert.Empty(plan.Actions.OfType<CreateReplicaSet>()); // the adopted orphan has the template
    }

    [Fact]
    public void EmptySelector_SelectingAllWarning_NothingElse()
    {
        var d = Deployment(2);
        d.Spec.Selector = new V1LabelSelector();
        d.Metadata.Generation = 2;

        var plan = Plan(d, ReplicaSet("web-a", 1, "v2"));

        Assert.Equal(["This deployment is selecting all pods. A non-empty selector is required."], EventMessages(plan));
        Assert.Equal(2, Status(plan)!.ObservedGeneration);
        Assert.Equal(2, plan.Actions.Count);
    }

    [Fact]
    public void Recreate_OldScaledToZeroFirst_NewCreatedOnlyOnceTheirPodsAreGone()
    {
        var d = Deployment(3, strategy: Fenceposts.Recreate);
        var old = ReplicaSet("web-old", 3, "v1", available: 3, revision: 1, desired: 3, max: 3);

        var plan = Plan(d, old);
        Assert.Equal(new Dictionary<string, int> { ["web-old"] = 0 }, Sizes(plan));

        old.Spec.Replicas = 0;
        var runningPod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "web-old-x", OwnerReferences = [new V1OwnerReference { Kind = "ReplicaSet", Name = "web-old", Uid = "uid-web-old", Controller = true }] },
            Status = new V1PodStatus { Phase = "Running" },
        };
        old.Status.Replicas = 0;
        Assert.Empty(Sizes(DeploymentPlanner.Plan(d, [old], [runningPod], Now)));

        runningPod.Status.Phase = "Succeeded";
        var created = Assert.Single(DeploymentPlanner.Plan(d, [old], [runningPod], Now).Actions.OfType<CreateReplicaSet>()).ReplicaSet;
        Assert.Equal(3, created.Spec.Replicas);
    }
}
