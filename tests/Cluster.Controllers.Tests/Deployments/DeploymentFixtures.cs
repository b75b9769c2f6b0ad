using Cluster.Controllers.Deployments;
using k8s.Models;

namespace Cluster.Controllers.Tests.Deployments;

/// <summary>Deployments and ReplicaSets for the planner specs (as upstream's newDeployment and rs test helpers).</summary>
internal static class DeploymentFixtures
{
    public const string Uid = "uid-web";
    public static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);
    public static readonly DateTime Old = new(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc);

    public static V1Deployment Deployment(int replicas, string? maxSurge = "0", string? maxUnavailable = "0", string image = "v2", string strategy = "RollingUpdate", int? deadline = 600, int? historyLimit = 10) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop", Uid = Uid, Generation = 1 },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            Strategy = strategy == Fenceposts.Recreate
                ? new V1DeploymentStrategy { Type = strategy }
                : new V1DeploymentStrategy { Type = strategy, RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = maxSurge, MaxUnavailable = maxUnavailable } },
            Template = Template(image),
            ProgressDeadlineSeconds = deadline,
            RevisionHistoryLimit = historyLimit,
        },
        Status = new V1DeploymentStatus { ObservedGeneration = 1 },
    };

    public static V1PodTemplateSpec Template(string image) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = image }] },
    };

    /// <summary>A ReplicaSet the deployment controls, for the template with <paramref name="image"/>, created <paramref name="age"/> days after <see cref="Old"/>.</summary>
    public static V1ReplicaSet ReplicaSet(string name, int replicas, string image, int available = 0, int age = 0, long? revision = null, int? desired = null, int? max = null, int? actual = null)
    {
        var template = Template(image);
        template.Metadata.Labels[PodTemplateHash.Label] = name;
        var annotations = new Dictionary<string, string>();
        if (revision is { } r)
        {
            annotations[Revisions.Revision] = r.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (desired is { } d)
        {
            annotations[Revisions.DesiredReplicas] = d.ToString(System.Globalization.CultureInfo.InvariantCulture);
            annotations[Revisions.MaxReplicas] = (max ?? d).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new V1ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new V1ObjectMeta
            {
                Name = name, NamespaceProperty = "shop", Uid = "uid-" + name, Generation = 1, CreationTimestamp = Old.AddDays(age),
                Labels = new Dictionary<string, string>(template.Metadata.Labels), Annotations = annotations.Count > 0 ? annotations : null,
                OwnerReferences = [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "web", Uid = Uid, Controller = true }],
            },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(template.Metadata.Labels) },
                Template = template,
            },
            Status = new V1ReplicaSetStatus { Replicas = actual ?? replicas, AvailableReplicas = available, ReadyReplicas = available, ObservedGeneration = 1 },
        };
    }

    public static DeploymentPlan Plan(V1Deployment d, params V1ReplicaSet[] rss) => DeploymentPlanner.Plan(d, rss, [], Now);

    /// <summary>The size each ReplicaSet is written with, by name.</summary>
    public static Dictionary<string, int> Sizes(DeploymentPlan plan) =>
        plan.Actions.Select(a => a switch { UpdateReplicaSet u => u.ReplicaSet, CreateReplicaSet c => c.ReplicaSet, _ => null })
            .OfType<V1ReplicaSet>()
            .ToDictionary(rs => rs.Metadata.Name, rs => rs.Spec.Replicas ?? 0);

    public static V1DeploymentStatus? Status(DeploymentPlan plan) => plan.Actions.OfType<WriteDeploymentStatus>().LastOrDefault()?.Status;

    public static V1DeploymentCondition? Condition(DeploymentPlan plan, string type) => DeploymentConditions.Get(Status(plan), type);

    public static IEnumerable<string> EventMessages(DeploymentPlan plan) =>
        plan.Actions.SelectMany(a => a switch
        {
            UpdateReplicaSet u => u.Events,
            CreateReplicaSet c => c.Events,
            RecordEvent e => [e.Event],
            _ => [],
        }).Select(e => e.Message);
}
