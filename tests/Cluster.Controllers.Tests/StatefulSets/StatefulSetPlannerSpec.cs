using Cluster.Controllers.StatefulSets;
using k8s.Models;

namespace Cluster.Controllers.Tests.StatefulSets;

public sealed class StatefulSetPlannerSpec
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly RevisionTemplate Current = new("web-old", Template("nginx:1"));
    private static readonly RevisionTemplate Update = new("web-new", Template("nginx:2"));

    private static V1PodTemplateSpec Template(string image) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = image }], Volumes = [new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() }, new V1Volume { Name = "cfg", EmptyDir = new V1EmptyDirVolumeSource() }] },
    };

    private static V1StatefulSet Set(int replicas, string policy = "OrderedReady", string strategy = "RollingUpdate", int? partition = 0, bool claims = false, int currentReplicas = 0)
    {
        var set = new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "sts-uid", Generation = 3 },
            Spec = new V1StatefulSetSpec
            {
                Replicas = replicas,
                ServiceName = "web-svc",
                PodManagementPolicy = policy,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = Update.Template,
                UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = strategy, RollingUpdate = strategy == "RollingUpdate" && partition is { } p ? new V1RollingUpdateStatefulSetStrategy { Partition = p } : null },
            },
            Status = new V1StatefulSetStatus { CurrentReplicas = currentReplicas },
        };
        if (claims)
        {
            set.Spec.VolumeClaimTemplates = [new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = "data", Labels = new Dictionary<string, string> { ["tier"] = "db" } }, Spec = new V1PersistentVolumeClaimSpec { AccessModes = ["ReadWriteOnce"] } }];
        }

        return set;
    }

    private static V1Pod Pod(int ordinal, string revision = "web-new", bool ready = true, string phase = "Running", bool deleting = false)
    {
        var pod = StatefulPods.PodFor(Set(1), revision == Current.Name ? Current.Template : Update.Template, ordinal, revision);
        pod.Metadata.DeletionTimestamp = deleting ? Now.UtcDateTime : null;
        pod.Status = new V1PodStatus { Phase = phase, Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = Now.UtcDateTime.AddMinutes(-1) }] };
        return pod;
    }

    private static StatefulPlan Plan(V1StatefulSet set, params V1Pod[] pods) => StatefulSetPlanner.Plan(set, Current, Update, null, pods, new HashSet<string>(), Now);

    private static string Describe(StatefulPlan plan) => string.Join(" ", plan.Steps.Select(s => s switch
    {
        CreateStatefulPod c => "create:" + c.Pod.Metadata.Name,
        DeleteStatefulPod d => "delete:" + d.Pod.Metadata.Name,
        CreateMissingClaims m => "claims:" + m.Pod,
        _ => "?",
    }));

    public static TheoryData<string, V1StatefulSet, V1Pod[], string> Cases => new()
    {
        { "OrderedReady, none yet: only the first", Set(3), [], "create:web-0" },
        { "OrderedReady, first not ready: waits", Set(3), [Pod(0, ready: false)], "" },
        { "OrderedReady, first pending: waits", Set(3), [Pod(0, phase: "Pending", ready: false)], "" },
        { "OrderedReady, first ready: the second", Set(3), [Pod(0)], "create:web-1" },
        { "OrderedReady, a gap: fills it first", Set(3), [Pod(0), Pod(2)], "create:web-1" },
        { "Parallel: all missing at once", Set(3, "Parallel"), [Pod(0, ready: false)], "create:web-1 create:web-2" },
        { "scale down OrderedReady: highest first, one at a time", Set(1), [Pod(0), Pod(1), Pod(2)], "delete:web-2" },
        { "scale down waits for the terminating one", Set(1), [Pod(0), Pod(1), Pod(2, deleting: true)], "" },
        { "scale down blocked by an unhealthy replica", Set(1), [Pod(0, ready: false), Pod(1), Pod(2)], "" },
        { "scale down Parallel: all condemned at once", Set(1, "Parallel"), [Pod(0), Pod(1), Pod(2)], "delete:web-2 delete:web-1" },
        { "a failed pod is deleted, made again once gone", Set(2), [Pod(0, phase: "Failed", ready: false), Pod(1)], "delete:web-0" },
        { "rolling update: the highest old pod goes", Set(3), [Pod(0, Current.Name), Pod(1, Current.Name), Pod(2, Current.Name)], "delete:web-2" },
        { "rolling update: waits for the new one to be healthy", Set(3), [Pod(0, Current.Name), Pod(1, Current.Name), Pod(2, ready: false)], "" },
        { "rolling update: next one down once healthy", Set(3), [Pod(0, Current.Name), Pod(1, Current.Name), Pod(2)], "delete:web-1" },
        { "rolling update with partition 2: ordinals below keep the old revision", Set(3, partition: 2), [Pod(0, Current.Name), Pod(1, Current.Name), Pod(2)], "" },
        { "OnDelete: old pods stay", Set(3, strategy: "OnDelete", partition: null), [Pod(0, Current.Name), Pod(1, Current.Name), Pod(2, Current.Name)], "" },
        { "scaling takes precedence over updating", Set(2), [Pod(0, Current.Name), Pod(1, Current.Name), Pod(2, Current.Name)], "delete:web-2" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plan_Pods_Steps(string name, V1StatefulSet set, V1Pod[] pods, string steps)
    {
        Assert.True(steps == Describe(Plan(set, pods)), name + ": " + Describe(Plan(set, pods)));
    }

    [Theory]
    [InlineData(2, 1, "web-old")]
    [InlineData(2, 2, "web-new")]
    [InlineData(0, 0, "web-new")]
    public void Plan_MissingPodBelowPartition_MadeFromTheCurrentRevision(int partition, int ordinal, string revision)
    {
        var pods = Enumerable.Range(0, ordinal).Select(o => Pod(o, o < partition ? Current.Name : Update.Name)).ToArray();

        var create = Assert.IsType<CreateStatefulPod>(Assert.Single(Plan(Set(3, partition: partition), pods).Steps));

        Assert.Equal(revision, StatefulPods.Revision(create.Pod));
        Assert.Equal(revision == "web-old" ? "nginx:1" : "nginx:2", create.Pod.Spec.Containers[0].Image);
    }

    [Fact]
    public void Plan_VolumeClaimTemplates_ClaimsMadeBeforeThePodAndMounted()
    {
        var set = Set(2, claims: true);

        var create = Assert.IsType<CreateStatefulPod>(Assert.Single(StatefulSetPlanner.Plan(set, Current, Update, null, [], new HashSet<string> { "other" }, Now).Steps));

        var claim = Assert.Single(create.Claims);
        Assert.Equal("data-web-0", claim.Metadata.Name);
        Assert.Equal(("db", "web"), (claim.Metadata.Labels["tier"], claim.Metadata.Labels["app"]));
        Assert.Null(claim.Metadata.OwnerReferences);
        Assert.Equal(["data", "cfg"], create.Pod.Spec.Volumes.Select(v => v.Name));
        Assert.Equal("data-web-0", create.Pod.Spec.Volumes[0].PersistentVolumeClaim.ClaimName);
    }

    [Fact]
    public void Plan_ClaimsExist_NoneMade_MissingOnesMadeForPodsAlreadyThere()
    {
        var set = Set(2, claims: true);

        var plan = StatefulSetPlanner.Plan(set, Current, Update, null, [Pod(0)], new HashSet<string> { "data-web-1" }, Now);

        Assert.Equal("claims:web-0 create:web-1", Describe(plan));
        Assert.Empty(((CreateStatefulPod)plan.Steps[1]).Claims);
    }

    [Fact]
    public void Plan_WhenDeletedDelete_ClaimsOwnedByTheSet()
    {
        var set = Set(1, claims: true);
        set.Spec.PersistentVolumeClaimRetentionPolicy = new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = "Delete", WhenScaled = "Retain" };

        var claim = StatefulPods.Claims(set, 0)["data"];

        Assert.Equal(("StatefulSet", "web", false), (claim.Metadata.OwnerReferences[0].Kind, claim.Metadata.OwnerReferences[0].Name, claim.Metadata.OwnerReferences[0].Controller == true));
    }

    [Fact]
    public void PodFor_Ordinal_StableIdentity()
    {
        var pod = StatefulPods.PodFor(Set(3), Update.Template, 2, "web-new");

        Assert.Equal(("web-2", "web-2", "web-svc"), (pod.Metadata.Name, pod.Spec.Hostname, pod.Spec.Subdomain));
        Assert.Equal(("web-2", "2", "web-new"), (pod.Metadata.Labels[StatefulPods.PodNameLabel], pod.Metadata.Labels[StatefulPods.PodIndexLabel], pod.Metadata.Labels[StatefulPods.RevisionLabel]));
        Assert.Equal(("StatefulSet", true), (pod.Metadata.OwnerReferences[0].Kind, pod.Metadata.OwnerReferences[0].Controller == true));
    }

    [Theory]
    [InlineData("web-0", "web", 0)]
    [InlineData("my-web-12", "my-web", 12)]
    [InlineData("web", "", -1)]
    [InlineData("web-", "", -1)]
    [InlineData("web-1a", "", -1)]
    [InlineData("web--1", "web-", 1)]
    public void ParentAndOrdinal_Name_AsUpstream(string name, string parent, int ordinal)
    {
        Assert.Equal((parent, ordinal), StatefulPods.ParentAndOrdinal(name));
    }

    [Fact]
    public void Status_Counts_AndCreationsCountedAhead()
    {
        var plan = Plan(Set(3), Pod(0, Current.Name), Pod(1, ready: false));

        Assert.Equal((2, 1, 1, 1, 1, "web-old", "web-new", 3L), (plan.Status.Replicas, plan.Status.ReadyReplicas, plan.Status.AvailableReplicas ?? 0, plan.Status.CurrentReplicas ?? 0, plan.Status.UpdatedReplicas ?? 0, plan.Status.CurrentRevision, plan.Status.UpdateRevision, plan.Status.ObservedGeneration ?? 0));
    }

    [Fact]
    public void Status_AllUpdatedAndReady_UpdateRevisionBecomesCurrent()
    {
        var plan = Plan(Set(2), Pod(0), Pod(1));

        Assert.Equal(("web-new", 2), (plan.Status.CurrentRevision, plan.Status.CurrentReplicas ?? 0));
        Assert.Empty(plan.Steps);
    }

    [Fact]
    public void Plan_Deleting_OnlyStatus()
    {
        var set = Set(3);
        set.Metadata.DeletionTimestamp = Now.UtcDateTime;

        Assert.Empty(Plan(set).Steps);
    }
}
