using Cluster.Controllers.Scheduling;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using Cluster.Core.Registry.Selectors;
using k8s.Models;
using static Cluster.Controllers.Tests.Scheduling.Select;

namespace Cluster.Controllers.Tests.Scheduling;

/// <summary>
/// The nodes' kept counts of matching pods (<see cref="NodeInfo.CountMatching"/>), which spreading reads instead of
/// walking every pod each cycle: after seeded random sequences of bindings, relabels, terminations, assumptions,
/// forgets and removals, every count, and every spreading verdict and score, equals one computed from scratch.
/// </summary>
public sealed class SpreadCountsSpec
{
    private const string Hostname = "kubernetes.io/hostname";
    private const string Zone = "topology.kubernetes.io/zone";

    private static readonly string[] NodeNames = ["n0", "n1", "n2", "n3", "n4", "n5"];

    private static readonly PodSelection[] Selections =
    [
        new("a", LabelSelector.Parse("app=web")),
        new("b", LabelSelector.Parse("app=web")),
        new("a", LabelSelector.Parse("app in (web,db),tier")),
        new("a", LabelSelector.Parse("!tier")),
        new("a", LabelSelector.Nothing),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CountMatching_AfterRandomCacheChanges_EqualsCountFromScratch(int seed)
    {
        var script = new Script(seed);
        var random = new Random(seed * 7919);
        for (var step = 0; step < 3000; step++)
        {
            script.Step();

            // Not after every step: a count kept from several changes ago must have been dropped too.
            if (random.Next(3) == 0)
            {
                foreach (var node in NodeNames)
                {
                    foreach (var selection in Selections)
                    {
                        Assert.True(
                            script.FromScratch(node, selection) == script.Cache.Node(node)!.CountMatching(selection),
                            $"step {step}: node {node}, selection {selection.Key}");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void SpreadingVerdictsAndScores_AfterRandomCacheChanges_EqualFreshCluster(int seed)
    {
        var script = new Script(seed);
        var plugin = new PodTopologySpread(_ => LabelSelector.Parse("app=web"));
        TestPod[] incoming =
        [
            // The system defaults (hostname and zone, ScheduleAnyway) over the controllers' selector.
            TestPod.Make("in-default", "a").Label("app=web"),
            TestPod.Make("in-own", "a").Label("app=web", "tier=x")
                .Spread(1, Zone, "DoNotSchedule", In("app", "web", "db"))
                .Spread(2, Hostname, "ScheduleAnyway", Exists("tier")),
        ];
        for (var step = 0; step < 600; step++)
        {
            script.Step();
            if (step % 5 != 0)
            {
                continue;
            }

            var fresh = script.FreshCluster();
            foreach (var pod in incoming)
            {
                Assert.Equal(Scores(plugin, fresh, fresh.Nodes, pod), Scores(plugin, script.Cache, script.Cache.Nodes, pod));
                Assert.Equal(Verdicts(plugin, fresh, pod), Verdicts(plugin, script.Cache, pod));
            }
        }
    }

    private static Dictionary<string, long> Scores(PodTopologySpread plugin, IClusterSnapshot snapshot, IReadOnlyList<NodeInfo> feasible, TestPod pod)
    {
        var state = new CycleState();
        var info = pod.Info();
        plugin.PreScore(state, info, feasible, snapshot);
        var scores = feasible.Select(n => plugin.Score(state, info, n)).ToArray();
        plugin.Normalize(state, info, scores);
        return feasible.Select((n, i) => (n.Name, Score: scores[i])).ToDictionary(p => p.Name, p => p.Score);
    }

    private static Dictionary<string, string> Verdicts(PodTopologySpread plugin, IClusterSnapshot snapshot, TestPod pod)
    {
        var state = new CycleState();
        var info = pod.Info();
        Assert.True(plugin.PreFilter(state, info, snapshot).IsSuccess);
        return snapshot.Nodes.ToDictionary(n => n.Name, n => SpreadTestCluster.Verdict(plugin.Filter(state, info, n)));
    }

    /// <summary>Seeded random changes to a scheduler cache, mirrored in a plain model of where each pod is counted.</summary>
    private sealed class Script
    {
        private readonly Random _random;
        private readonly Dictionary<string, (V1Pod Pod, bool Assumed)> _placed = [];
        private int _next;

        public Script(int seed)
        {
            _random = new Random(seed);
            foreach (var (name, i) in NodeNames.Select((n, i) => (n, i)))
            {
                // n5 has no zone: it is in the zone constraint's "" domain for the defaults, and in none for own constraints.
                var labels = new Dictionary<string, string> { [Hostname] = name };
                if (name != "n5")
                {
                    labels[Zone] = "z" + (i % 2);
                }

                Cache.SetNode(new V1Node { Metadata = new V1ObjectMeta { Name = name, Labels = labels } });
            }
        }

        public SchedulerCache Cache { get; } = new();

        public void Step()
        {
            var uids = _placed.Keys.ToList();
            var op = uids.Count == 0 ? 0 : _random.Next(7);
            var uid = uids.Count == 0 ? "" : uids[_random.Next(uids.Count)];
            switch (op)
            {
                case 0 or 1:
                    // The informer sees a pod bound (new, or an assumed one whose binding landed).
                    Bind(op == 0 || !_placed[uid].Assumed ? NewPod() : _placed[uid].Pod);
                    break;
                case 2:
                    var assumed = NewPod();
                    var node = NodeNames[_random.Next(NodeNames.Length)];
                    Cache.Assume(PodInfo.From(assumed).AssumedOn(node));
                    assumed.Spec.NodeName = node;
                    _placed[assumed.Metadata.Uid] = (assumed, true);
                    break;
                case 3:
                    Cache.Forget(uid);
                    if (_placed[uid].Assumed)
                    {
                        _placed.Remove(uid);
                    }

                    break;
                case 4:
                    Cache.RemovePod(uid);
                    _placed.Remove(uid);
                    break;
                case 5 when !_placed[uid].Assumed:
                    // A bound pod's labels change, or it starts terminating, or it finishes (and frees its node).
                    var changed = Copy(_placed[uid].Pod);
                    switch (_random.Next(3))
                    {
                        case 0:
                            changed.Metadata.Labels = RandomLabels();
                            break;
                        case 1:
                            changed.Metadata.DeletionTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
                            break;
                        default:
                            changed.Status = new V1PodStatus { Phase = "Succeeded" };
                            break;
                    }

                    Bind(changed);
                    break;
                default:
                    Bind(NewPod());
                    break;
            }
        }

        public int FromScratch(string node, PodSelection selection) =>
            _placed.Values.Count(p => p.Pod.Spec.NodeName == node && selection.Counts(PodInfo.From(p.Pod)));

        /// <summary>The same nodes and pods in a snapshot built now, with nothing kept from earlier counts.</summary>
        public SpreadTestCluster FreshCluster()
        {
            var fresh = new SpreadTestCluster();
            foreach (var node in Cache.Nodes)
            {
                fresh.WithNode(node.Name, [.. node.Labels.Select(l => l.Key + "=" + l.Value)]);
            }

            foreach (var (pod, _) in _placed.Values)
            {
                fresh.Node(pod.Spec.NodeName)!.AddPod(PodInfo.From(pod));
            }

            return fresh;
        }

        private void Bind(V1Pod pod)
        {
            if (pod.Spec.NodeName is null)
            {
                pod.Spec.NodeName = NodeNames[_random.Next(NodeNames.Length)];
            }

            Cache.SetBoundPod(PodInfo.From(pod));
            if (pod.Status?.Phase == "Succeeded")
            {
                _placed.Remove(pod.Metadata.Uid);
            }
            else
            {
                _placed[pod.Metadata.Uid] = (pod, false);
            }
        }

        private V1Pod NewPod()
        {
            var name = "p" + _next++;
            var ns = _random.Next(4) == 0 ? "b" : "a";
            return new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = "uid-" + name, Labels = RandomLabels() },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "app" }] },
            };
        }

        private Dictionary<string, string> RandomLabels()
        {
            var labels = new Dictionary<string, string> { ["app"] = (_random.Next(3) switch { 0 => "web", 1 => "db", _ => "cache" }) };
            if (_random.Next(2) == 0)
            {
                labels["tier"] = "t" + _random.Next(2);
            }

            return labels;
        }

        private static V1Pod Copy(V1Pod pod) => new()
        {
            Metadata = new V1ObjectMeta
            {
                Name = pod.Metadata.Name,
                NamespaceProperty = pod.Metadata.NamespaceProperty,
                Uid = pod.Metadata.Uid,
                Labels = new Dictionary<string, string>(pod.Metadata.Labels),
                DeletionTimestamp = pod.Metadata.DeletionTimestamp,
            },
            Spec = new V1PodSpec { NodeName = pod.Spec.NodeName, Containers = pod.Spec.Containers },
            Status = pod.Status,
        };
    }
}
