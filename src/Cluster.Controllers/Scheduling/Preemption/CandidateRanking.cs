using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Preemption;

/// <summary>A node where preemption would make room, and at what cost.</summary>
public sealed record Candidate(string Node, Victims Victims);

/// <summary>
/// Upstream's pickOneNodeForPreemption: the node whose preemption does the least harm, by each criterion in turn
/// among the nodes tied on the ones before: fewest budget violations, least important most important victim,
/// smallest sum of victim priorities, fewest victims, the latest start among its most important victims; then the first.
/// </summary>
public static class CandidateRanking
{
    public static Candidate? PickOne(IReadOnlyList<Candidate> candidates)
    {
        if (candidates.Count == 0)
        {
            return null;
        }

        // A node that needs no victim at all (the room came free meanwhile) costs nothing.
        if (candidates.FirstOrDefault(c => c.Victims.Pods.Count == 0) is { } free)
        {
            return free;
        }

        IEnumerable<Candidate> tied = candidates;
        tied = KeepMin(tied, c => c.Victims.PdbViolations);
        tied = KeepMin(tied, c => c.Victims.Pods[0].Priority);
        // Offset as upstream so a sum of negative priorities still orders as the counts would.
        tied = KeepMin(tied, c => c.Victims.Pods.Sum(p => (long)p.Priority + int.MaxValue + 1));
        tied = KeepMin(tied, c => c.Victims.Pods.Count);
        tied = KeepMin(tied, c => -EarliestStartOfMostImportant(c.Victims.Pods).Ticks);
        return tied.First();
    }

    /// <summary>The earliest start time among the victims of the highest priority (upstream's GetEarliestPodStartTime).</summary>
    public static DateTime EarliestStartOfMostImportant(IReadOnlyList<PodInfo> victims)
    {
        var highest = victims.Max(p => p.Priority);
        return victims.Where(p => p.Priority == highest).Min(VictimSelection.StartTime);
    }

    private static List<Candidate> KeepMin(IEnumerable<Candidate> candidates, Func<Candidate, long> key)
    {
        var list = candidates.ToList();
        var min = list.Min(key);
        return [.. list.Where(c => key(c) == min)];
    }
}
