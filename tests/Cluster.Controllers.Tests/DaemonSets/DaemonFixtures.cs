using Cluster.Controllers.DaemonSets;
using k8s.Models;

namespace Cluster.Controllers.Tests.DaemonSets;

internal static class DaemonFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    public const string Hash = "newhash";

    public static V1DaemonSet Ds(string? maxUnavailable = "1", string? maxSurge = null, string strategy = "RollingUpdate", int minReadySeconds = 0, long generation = 2)
    {
        var ds = new V1DaemonSet
        {
            Metadata = new V1ObjectMeta { Name = "agent", NamespaceProperty = "default", Uid = "ds-uid", Generation = generation },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "agent" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "agent" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "a", Image = "agent:2" }] },
                },
                UpdateStrategy = new V1DaemonSetUpdateStrategy { Type = strategy },
                MinReadySeconds = minReadySeconds,
            },
        };
        if (strategy == "RollingUpdate")
        {
            ds.Spec.UpdateStrategy.RollingUpdate = new V1RollingUpdateDaemonSet
            {
                MaxUnavailable = maxUnavailable,
                MaxSurge = maxSurge,
            };
        }

        return ds;
    }

    public static V1Node Node(string name, Dictionary<string, string>? labels = null, params V1Taint[] taints) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels ?? new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } },
        Spec = new V1NodeSpec { Taints = taints },
    };

    public static V1Taint Taint(string key, string effect) => new() { Key = key, Effect = effect };

    /// <summary>A daemon pod on <paramref name="node"/>: new (current hash) or old, ready or not, bound or only pinned.</summary>
    public static V1Pod Pod(string name, string node, bool updated = true, bool ready = true, string phase = "Running", bool bound = true, int ageSeconds = 600, bool deleting = false)
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = "default",
                CreationTimestamp = Now.UtcDateTime.AddSeconds(-ageSeconds),
                DeletionTimestamp = deleting ? Now.UtcDateTime : null,
                Labels = new Dictionary<string, string> { ["app"] = "agent", [DaemonPods.HashLabel] = updated ? Hash : "oldhash", [DaemonPods.TemplateGenerationLabel] = updated ? "2" : "1" },
            },
            Spec = new V1PodSpec { NodeName = bound ? node : null, Affinity = DaemonPods.PinTo(null, node) },
            Status = new V1PodStatus
            {
                Phase = phase,
                Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = Now.UtcDateTime.AddSeconds(-ageSeconds / 2) }],
            },
        };
        return pod;
    }

    public static (List<DaemonNode> Nodes, List<V1Pod> Stray) Map(V1DaemonSet ds, IEnumerable<V1Node> nodes, params V1Pod[] pods) => DaemonSetPlanner.Nodes(ds, nodes, pods);
}
