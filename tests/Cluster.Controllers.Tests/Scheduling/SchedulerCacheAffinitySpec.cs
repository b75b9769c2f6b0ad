using Cluster.Controllers.Scheduling;
using Cluster.Controllers.Scheduling.Framework;
using k8s.Models;

namespace Cluster.Controllers.Tests.Scheduling;

/// <summary>
/// The cache's lists of nodes holding pods with inter-pod terms, which the InterPodAffinity plugin walks instead of every
/// node: after seeded random bindings, assumptions, forgets, removals and node removals and returns, each list holds
/// exactly the nodes (with a Node) whose pods state such terms.
/// </summary>
public sealed class SchedulerCacheAffinitySpec
{
    private static readonly string[] NodeNames = ["n0", "n1", "n2", "n3", "n4"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AffinityNodeLists_AfterRandomCacheChanges_HoldExactlyTheNodesWithSuchPods(int seed)
    {
        var random = new Random(seed);
        var cache = new SchedulerCache();
        foreach (var name in NodeNames)
        {
            cache.SetNode(Node(name));
        }

        var placed = new List<string>();
        for (var step = 0; step < 2000; step++)
        {
            var node = NodeNames[random.Next(NodeNames.Length)];
            switch (placed.Count == 0 ? 0 : random.Next(6))
            {
                case 0 or 1:
                    var pod = Pod("p" + step, random.Next(3));
                    pod.Spec.NodeName = node;
                    cache.SetBoundPod(PodInfo.From(pod));
                    placed.Add(pod.Metadata.Uid);
                    break;
                case 2:
                    var assumed = PodInfo.From(Pod("a" + step, random.Next(3))).AssumedOn(node);
                    cache.Assume(assumed);
                    placed.Add(assumed.Uid);
                    break;
                case 3:
                    var uid = placed[random.Next(placed.Count)];
                    cache.Forget(uid);
                    cache.RemovePod(uid);
                    placed.Remove(uid);
                    break;
                case 4:
                    cache.RemoveNode(node);
                    break;
                default:
                    cache.SetNode(Node(node));
                    break;
            }

            Assert.Equal(Expected(cache, n => n.PodsWithAffinity.Count > 0), Names(cache.NodesWithAffinityPods));
            Assert.Equal(Expected(cache, n => n.PodsWithRequiredAntiAffinity.Count > 0), Names(cache.NodesWithRequiredAntiAffinityPods));
        }
    }

    private static string[] Expected(SchedulerCache cache, Func<NodeInfo, bool> holds) =>
        [.. cache.Nodes.Where(n => n.Node is not null && holds(n)).Select(n => n.Name).Order(StringComparer.Ordinal)];

    private static string[] Names(IReadOnlyList<NodeInfo> nodes) => [.. nodes.Select(n => n.Name).Order(StringComparer.Ordinal)];

    private static V1Node Node(string name) =>
        new() { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } } };

    /// <summary>A pod with no terms (0), a preferred affinity term (1) or a required anti-affinity term (2).</summary>
    private static V1Pod Pod(string name, int terms)
    {
        var term = new V1PodAffinityTerm { TopologyKey = "kubernetes.io/hostname", LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } } };
        return new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "a", Uid = "uid-" + name, Labels = new Dictionary<string, string> { ["app"] = "web" } },
            Spec = new V1PodSpec
            {
                Containers = [new V1Container { Name = "app" }],
                Affinity = terms switch
                {
                    1 => new V1Affinity { PodAffinity = new V1PodAffinity { PreferredDuringSchedulingIgnoredDuringExecution = [new V1WeightedPodAffinityTerm { Weight = 1, PodAffinityTerm = term }] } },
                    2 => new V1Affinity { PodAntiAffinity = new V1PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = [term] } },
                    _ => null,
                },
            },
        };
    }
}
