using Cluster.Controllers.ReplicaSets;
using k8s.Models;
using static Cluster.Controllers.Tests.ReplicaSets.ReplicaFixtures;

namespace Cluster.Controllers.Tests.ReplicaSets;

public sealed class PodRankingSpec
{
    /// <summary>Pairs where "first" must be deleted before "second", whatever order they come in.</summary>
    public static TheoryData<string, V1Pod, V1Pod> Pairs => new()
    {
        { "unassigned before assigned", Pod("first", node: null), Pod("second") },
        { "unassigned before assigned, even when ready and running", Pod("first", node: null, ready: true), Pod("second", phase: "Pending", ready: false) },
        { "Pending before Running", Pod("first", phase: "Pending"), Pod("second") },
        { "Unknown before Running", Pod("first", phase: "Unknown"), Pod("second") },
        { "Pending before Unknown", Pod("first", phase: "Pending"), Pod("second", phase: "Unknown") },
        { "phase before readiness", Pod("first", phase: "Pending", ready: true), Pod("second", ready: false) },
        { "not ready before ready", Pod("first", ready: false), Pod("second") },
        { "lower deletion cost first", Pod("first", cost: -5), Pod("second") },
        { "deletion cost before readiness time", Pod("first", cost: 1, readySince: Now.AddDays(-3)), Pod("second", cost: 2, readySince: Now.AddMinutes(-1)) },
        { "ready for less time first", Pod("first", readySince: Now.AddMinutes(-1)), Pod("second", readySince: Now.AddHours(-5)) },
        { "ready times in one power-of-two bucket: by uid", Pod("first", readySince: Now.AddMinutes(-70)), Pod("second", readySince: Now.AddMinutes(-65)) },
        { "more restarts first", Pod("first", restarts: 3), Pod("second", restarts: 1) },
        { "newer first", Pod("first", created: Now.AddMinutes(-1)), Pod("second", created: Now.AddDays(-1)) },
        { "restarts before age", Pod("first", restarts: 1, created: Now.AddDays(-1)), Pod("second", created: Now.AddMinutes(-1)) },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void PodsToDelete_TwoPodsOneToGo_TheUpstreamRankingDecides(string rule, V1Pod first, V1Pod second)
    {
        Assert.True(ReferenceEquals(first, PodRanking.PodsToDelete([second, first], [], 1, Now).Single()), rule);
        Assert.True(ReferenceEquals(first, PodRanking.PodsToDelete([first, second], [], 1, Now).Single()), rule);
    }

    [Fact]
    public void PodsToDelete_RelatedPodsDoubledUpOnANode_ThatNodesPodGoesFirst()
    {
        var lone = Pod("lone", node: "node-1");
        var doubled = Pod("doubled", node: "node-2");
        var sibling = Pod("sibling", node: "node-2", owner: "other-rs");
        var finished = Pod("finished", node: "node-1", phase: "Succeeded", owner: "other-rs");
        var going = Pod("going", node: "node-1", terminating: true, owner: "other-rs");

        Assert.Same(doubled, PodRanking.PodsToDelete([lone, doubled], [lone, doubled, sibling], 1, Now).Single());

        // Only active related pods rank a node: node-1's finished and terminating ones do not outweigh node-2's two.
        Assert.Same(doubled, PodRanking.PodsToDelete([lone, doubled], [lone, finished, going, doubled, sibling], 1, Now).Single());
    }

    [Fact]
    public void PodsToDelete_CountCoversEveryPod_AllOfThem()
    {
        V1Pod[] pods = [Pod("a"), Pod("b")];

        Assert.Equal(pods, PodRanking.PodsToDelete(pods, [], 5, Now));
    }

    [Fact]
    public void PodsToDelete_SeveralToGo_TakenInRankOrder()
    {
        var pods = new[] { Pod("old-ready"), Pod("pending", phase: "Pending"), Pod("unassigned", node: null), Pod("not-ready", ready: false) };

        var doomed = PodRanking.PodsToDelete(pods, [], 3, Now);

        Assert.Equal(["unassigned", "pending", "not-ready"], doomed.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Compare_SamePod_Zero()
    {
        var pod = Pod("a");

        Assert.Equal(0, PodRanking.Compare(pod, 1, pod, 1, Now));
    }
}
