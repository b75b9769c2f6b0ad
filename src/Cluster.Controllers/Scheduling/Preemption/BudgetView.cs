using Cluster.Controllers.Deployments;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Core.Registry.Selectors;
using k8s.Models;

namespace Cluster.Controllers.Scheduling.Preemption;

/// <summary>What preemption reads of a PodDisruptionBudget: whose pods it guards and how many more may go.</summary>
public sealed record BudgetView(string Namespace, LabelSelector Selector, int DisruptionsAllowed, IReadOnlySet<string> DisruptedPods)
{
    public static BudgetView From(V1PodDisruptionBudget pdb) => new(
        pdb.Metadata?.NamespaceProperty ?? "default",
        pdb.Spec?.Selector is { } selector ? DeploymentPlanner.Selector(selector) : LabelSelector.Nothing,
        pdb.Status?.DisruptionsAllowed ?? 0,
        new HashSet<string>(pdb.Status?.DisruptedPods?.Keys ?? [], StringComparer.Ordinal));

    /// <summary>As upstream, a budget with an empty selector guards nothing here, and a pod without labels matches none.</summary>
    public bool Guards(PodInfo pod) =>
        pod.Namespace == Namespace && pod.Labels.Count > 0 && !Selector.IsEverything && !Selector.IsNothing && Selector.Matches(pod.Labels);
}
