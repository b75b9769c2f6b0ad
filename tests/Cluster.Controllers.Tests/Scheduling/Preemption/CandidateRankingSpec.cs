using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Preemption;
using static Cluster.Controllers.Tests.Scheduling.Preemption.PreemptionTestPods;

namespace Cluster.Controllers.Tests.Scheduling.Preemption;

public sealed class CandidateRankingSpec
{
    /// <summary>A candidate from "priority@minute" victims, most important first as victim selection leaves them.</summary>
    private static Candidate On(string node, int violations, params string[] victims)
    {
        var pods = victims.Select((v, i) =>
        {
            var parts = v.Split('@');
            return Running(node + "-v" + i, "1", int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), node, int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }).ToList();
        pods.Sort(VictimSelection.CompareImportance);
        return new Candidate(node, new Victims(pods, violations));
    }

    public static TheoryData<string, Candidate[], string> Cases => new()
    {
        { "fewest budget violations first, whatever the victims", [On("a", 1, "1@0"), On("b", 0, "5@0", "5@0")], "b" },
        { "then the least important most important victim", [On("a", 0, "7@0"), On("b", 0, "3@0", "3@0", "3@0")], "b" },
        { "then the smallest sum of priorities", [On("a", 0, "3@0", "3@0"), On("b", 0, "3@0", "2@0")], "b" },
        { "each priority offset in the sum, so fewer victims weigh less", [On("a", 0, "3@0", "3@0"), On("b", 0, "3@0", "1@0", "1@0")], "a" },
        { "negative priorities sum as counts would", [On("a", 0, "-5@0", "-5@0"), On("b", 0, "-5@0")], "b" },
        { "then the fewest victims (the lowest priority offsets to zero)", [On("a", 0, "2@0"), On("b", 0, "2@0", "-2147483648@0")], "a" },
        { "then the latest start of the most important victims", [On("a", 0, "2@3", "1@9"), On("b", 0, "2@7", "1@0")], "b" },
        { "all tied: the first", [On("a", 0, "2@3"), On("b", 0, "2@3")], "a" },
        { "a node that needs no victim costs nothing", [On("a", 0, "1@0"), On("b", 0)], "b" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PickOne_Criteria_InUpstreamOrder(string because, Candidate[] candidates, string expected)
    {
        Assert.True(expected == CandidateRanking.PickOne(candidates)!.Node, because);
    }

    [Fact]
    public void PickOne_NoCandidates_Null() => Assert.Null(CandidateRanking.PickOne([]));

    [Fact]
    public void EarliestStartOfMostImportant_IgnoresLowerPriorityVictims()
    {
        IReadOnlyList<PodInfo> victims = [Running("hi-late", "1", 5, startedMinute: 8), Running("hi-early", "1", 5, startedMinute: 4), Running("lo", "1", 1, startedMinute: 0)];

        Assert.Equal(Epoch.AddMinutes(4), CandidateRanking.EarliestStartOfMostImportant(victims));
    }
}
