using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Preemption;

/// <summary>The pods to evict from one node so a preemptor fits there, most important first, and how many of them a budget forbids.</summary>
public sealed record Victims(IReadOnlyList<PodInfo> Pods, int PdbViolations);

/// <summary>
/// Upstream's selectVictimsOnNode: every pod of lower priority than the preemptor leaves the node; if the preemptor
/// fits then, they come back one by one, most important first — first those whose eviction would break a budget,
/// then the others — and each that no longer lets the preemptor fit stays a victim.
/// </summary>
public static class VictimSelection
{
    /// <param name="node">A copy of the node, changed in place.</param>
    /// <param name="fits">Whether the preemptor fits on the node as it is now (pre-filters and filters).</param>
    /// <returns>Null when the node has no lower-priority pods or the preemptor does not fit even without them.</returns>
    public static Victims? SelectOnNode(PodInfo preemptor, NodeInfo node, Func<NodeInfo, bool> fits, IReadOnlyList<BudgetView> budgets)
    {
        var potential = node.Pods.Where(p => p.Priority < preemptor.Priority).ToList();
        if (potential.Count == 0)
        {
            return null;
        }

        foreach (var pod in potential)
        {
            node.RemovePod(pod.Uid);
        }

        if (!fits(node))
        {
            return null;
        }

        potential.Sort(CompareImportance);
        var (violating, nonViolating) = SplitByBudgetViolation(potential, budgets);
        var victims = new List<PodInfo>();
        var violations = 0;
        foreach (var pod in violating)
        {
            if (!Reprieve(pod))
            {
                violations++;
            }
        }

        foreach (var pod in nonViolating)
        {
            Reprieve(pod);
        }

        if (violating.Count > 0 && nonViolating.Count > 0)
        {
            victims.Sort(CompareImportance);
        }

        return new Victims(victims, violations);

        bool Reprieve(PodInfo pod)
        {
            node.AddPod(pod);
            if (fits(node))
            {
                return true;
            }

            node.RemovePod(pod.Uid);
            victims.Add(pod);
            return false;
        }
    }

    /// <summary>
    /// Upstream's filterPodsWithPDBViolation: each pod spends one disruption of every budget guarding it (unless the
    /// budget already counts it as disrupted); a pod that takes a budget below zero would violate it.
    /// </summary>
    public static (List<PodInfo> Violating, List<PodInfo> NonViolating) SplitByBudgetViolation(IEnumerable<PodInfo> pods, IReadOnlyList<BudgetView> budgets)
    {
        var allowed = budgets.Select(b => b.DisruptionsAllowed).ToArray();
        var violating = new List<PodInfo>();
        var nonViolating = new List<PodInfo>();
        foreach (var pod in pods)
        {
            var violates = false;
            for (var i = 0; i < budgets.Count; i++)
            {
                if (!budgets[i].Guards(pod) || budgets[i].DisruptedPods.Contains(pod.Name))
                {
                    continue;
                }

                if (--allowed[i] < 0)
                {
                    violates = true;
                }
            }

            (violates ? violating : nonViolating).Add(pod);
        }

        return (violating, nonViolating);
    }

    /// <summary>Upstream's MoreImportantPod as an order: higher priority first, then the one running longer.</summary>
    public static int CompareImportance(PodInfo a, PodInfo b)
    {
        var byPriority = b.Priority.CompareTo(a.Priority);
        return byPriority != 0 ? byPriority : StartTime(a).CompareTo(StartTime(b));
    }

    /// <summary>When the pod started; one not started yet counts as starting now, after all that did.</summary>
    public static DateTime StartTime(PodInfo pod) => pod.Pod.Status?.StartTime ?? DateTime.MaxValue;
}
