using Cluster.Controllers.Scheduling.Framework;
using k8s.Models;

namespace Cluster.Controllers.Tests.Scheduling;

/// <summary>
/// A cluster snapshot for the spreading and affinity plugin tests, with the builders their tables need (upstream's
/// st.MakePod / st.MakeNode): labels are given as <c>key=value</c> (<c>key</c> alone for an empty value).
/// </summary>
internal sealed class SpreadTestCluster : IClusterSnapshot
{
    private readonly List<NodeInfo> _nodes = [];
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _namespaces = [];

    public IReadOnlyList<NodeInfo> Nodes => _nodes;

    public NodeInfo? Node(string name) => _nodes.Find(n => n.Name == name);

    public IReadOnlyDictionary<string, string>? NamespaceLabels(string ns) => _namespaces.GetValueOrDefault(ns);

    public SpreadTestCluster WithNode(string name, params string[] labels) => WithNode(name, [], labels);

    public SpreadTestCluster WithNode(string name, V1Taint[] taints, params string[] labels)
    {
        var node = new NodeInfo(name);
        node.SetNode(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = Labels(labels) },
            Spec = new V1NodeSpec { Taints = taints },
        });
        _nodes.Add(node);
        return this;
    }

    /// <summary>Places pods on the nodes they name.</summary>
    public SpreadTestCluster With(params TestPod[] pods)
    {
        foreach (var pod in pods)
        {
            var nodeName = pod.Pod.Spec.NodeName ?? throw new ArgumentException("an existing pod names its node", nameof(pods));
            (Node(nodeName) ?? throw new ArgumentException("no node " + nodeName, nameof(pods))).AddPod(pod.Info());
        }

        return this;
    }

    public SpreadTestCluster WithNamespace(string name, params string[] labels)
    {
        _namespaces[name] = Labels(labels);
        return this;
    }

    /// <summary>Pre-filters the pod, then filters every node; the verdicts by node name.</summary>
    public Dictionary<string, FilterResult> Filter<TPlugin>(TPlugin plugin, TestPod pod)
        where TPlugin : IPreFilterPlugin, IFilterPlugin
    {
        var state = new CycleState();
        var info = pod.Info();
        var pre = plugin.PreFilter(state, info, this);
        Assert.True(pre.IsSuccess, string.Join("; ", pre.Reasons));
        return _nodes.ToDictionary(n => n.Name, n => plugin.Filter(state, info, n));
    }

    /// <summary>Scores the pod on the feasible nodes (all when none are named) and normalizes; the scores by node name.</summary>
    public Dictionary<string, long> Score(IScorePlugin plugin, TestPod pod, params string[] feasibleNames)
    {
        var feasible = feasibleNames.Length == 0 ? _nodes : [.. feasibleNames.Select(n => Node(n)!)];
        var state = new CycleState();
        var info = pod.Info();
        plugin.PreScore(state, info, feasible, this);
        var scores = feasible.Select(n => plugin.Score(state, info, n)).ToArray();
        plugin.Normalize(state, info, scores);
        return feasible.Select((n, i) => (n.Name, Score: scores[i])).ToDictionary(p => p.Name, p => p.Score);
    }

    /// <summary>A verdict as text (<c>Unschedulable: reason</c>), so assertions compare code and reasons and show both.</summary>
    public static string Verdict(FilterResult result) => result.Code + ": " + string.Join("; ", result.Reasons);

    public static Dictionary<string, string> Labels(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
}

/// <summary>A pod under construction (upstream's st.MakePod()).</summary>
internal sealed class TestPod
{
    private TestPod(string name, string ns) =>
        Pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = ns + "/" + name, Labels = new Dictionary<string, string>() },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "app" }] },
        };

    public V1Pod Pod { get; }

    private V1Affinity Affinity => Pod.Spec.Affinity ??= new V1Affinity();

    public static TestPod Make(string name, string ns = "default") => new(name, ns);

    public PodInfo Info() => PodInfo.From(Pod);

    public TestPod On(string node)
    {
        Pod.Spec.NodeName = node;
        return this;
    }

    public TestPod Label(params string[] labels)
    {
        foreach (var (key, value) in SpreadTestCluster.Labels(labels))
        {
            Pod.Metadata.Labels[key] = value;
        }

        return this;
    }

    public TestPod Terminating()
    {
        Pod.Metadata.DeletionTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return this;
    }

    public TestPod NodeSelector(params string[] labels)
    {
        Pod.Spec.NodeSelector = SpreadTestCluster.Labels(labels);
        return this;
    }

    /// <summary>A required node affinity term: the node label <paramref name="key"/> in <paramref name="values"/>.</summary>
    public TestPod NodeAffinityIn(string key, params string[] values)
    {
        Affinity.NodeAffinity = new V1NodeAffinity
        {
            RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
            {
                NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = key, OperatorProperty = "In", Values = values }] }],
            },
        };
        return this;
    }

    public TestPod Tolerate(string key, string effect)
    {
        (Pod.Spec.Tolerations ??= []).Add(new V1Toleration { Key = key, OperatorProperty = "Exists", Effect = effect });
        return this;
    }

    public TestPod Spread(int maxSkew, string topologyKey, string whenUnsatisfiable, V1LabelSelector? selector, int? minDomains = null, string? nodeAffinityPolicy = null, string? nodeTaintsPolicy = null, string[]? matchLabelKeys = null)
    {
        (Pod.Spec.TopologySpreadConstraints ??= []).Add(new V1TopologySpreadConstraint
        {
            MaxSkew = maxSkew,
            TopologyKey = topologyKey,
            WhenUnsatisfiable = whenUnsatisfiable,
            LabelSelector = selector,
            MinDomains = minDomains,
            NodeAffinityPolicy = nodeAffinityPolicy,
            NodeTaintsPolicy = nodeTaintsPolicy,
            MatchLabelKeys = matchLabelKeys,
        });
        return this;
    }

    public TestPod RequiredAffinity(params V1PodAffinityTerm[] terms)
    {
        Affinity.PodAffinity ??= new V1PodAffinity();
        Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution = terms;
        return this;
    }

    public TestPod RequiredAntiAffinity(params V1PodAffinityTerm[] terms)
    {
        Affinity.PodAntiAffinity ??= new V1PodAntiAffinity();
        Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution = terms;
        return this;
    }

    public TestPod PreferredAffinity(int weight, V1PodAffinityTerm term)
    {
        Affinity.PodAffinity ??= new V1PodAffinity();
        (Affinity.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution ??= []).Add(new V1WeightedPodAffinityTerm { PodAffinityTerm = term, Weight = weight });
        return this;
    }

    public TestPod PreferredAntiAffinity(int weight, V1PodAffinityTerm term)
    {
        Affinity.PodAntiAffinity ??= new V1PodAntiAffinity();
        (Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution ??= []).Add(new V1WeightedPodAffinityTerm { PodAffinityTerm = term, Weight = weight });
        return this;
    }
}

/// <summary>Label selectors and affinity terms as upstream's tests write them.</summary>
internal static class Select
{
    public static V1LabelSelector Exists(string key) => Expression(key, "Exists");

    public static V1LabelSelector In(string key, params string[] values) => Expression(key, "In", values);

    public static V1LabelSelector NotIn(string key, params string[] values) => Expression(key, "NotIn", values);

    public static V1LabelSelector Everything() => new();

    public static V1LabelSelector Expression(string key, string op, params string[] values) =>
        new() { MatchExpressions = [new V1LabelSelectorRequirement { Key = key, OperatorProperty = op, Values = values.Length == 0 ? null : values }] };

    public static V1PodAffinityTerm Term(V1LabelSelector selector, string topologyKey, string[]? namespaces = null, V1LabelSelector? namespaceSelector = null) =>
        new() { LabelSelector = selector, TopologyKey = topologyKey, Namespaces = namespaces, NamespaceSelector = namespaceSelector };
}
