using Cluster.Controllers.ReplicaSets;
using static Cluster.Controllers.Tests.ReplicaSets.ReplicaFixtures;

namespace Cluster.Controllers.Tests.ReplicaSets;

public sealed class PodClaimsSpec
{
    private static readonly k8s.Models.V1Pod[] Pods =
    [
        Pod("owned"), Pod("relabelled", app: "db"), Pod("orphan", owner: null), Pod("orphan-db", owner: null, app: "db"),
        Pod("others", owner: "other-uid"), Pod("orphan-going", owner: null, terminating: true),
    ];

    [Fact]
    public void Plan_MixedPods_KeepsOwnedMatching_AdoptsMatchingOrphans_ReleasesOwnedNotMatching_IgnoresTheRest()
    {
        var claim = PodClaims.Plan(Set(), Pods);

        Assert.Equal(["owned"], claim.Owned.Select(p => p.Metadata.Name));
        Assert.Equal(["orphan"], claim.Adopt.Select(p => p.Metadata.Name));
        Assert.Equal(["relabelled"], claim.Release.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Plan_SetBeingDeleted_NeitherAdoptsNorReleases_KeepsWhatItOwns()
    {
        var claim = PodClaims.Plan(Set(deleting: true), Pods);

        Assert.Equal(["owned"], claim.Owned.Select(p => p.Metadata.Name));
        Assert.Empty(claim.Adopt);
        Assert.Empty(claim.Release);
    }

    [Fact]
    public void Plan_MalformedSelector_ClaimsNothing()
    {
        var set = Set(selector: """{"matchExpressions":[{"key":"app","operator":"Near"}]}""");

        Assert.Null(set.Selector);
        var claim = PodClaims.Plan(set, Pods);
        Assert.Empty(claim.Owned.Concat(claim.Adopt).Concat(claim.Release));
    }

    [Fact]
    public void Plan_SetExpressionSelector_MatchesAsUpstream()
    {
        var set = Set(selector: """{"matchExpressions":[{"key":"app","operator":"In","values":["web","db"]}]}""");

        var claim = PodClaims.Plan(set, Pods);

        Assert.Equal(["owned", "relabelled"], claim.Owned.Select(p => p.Metadata.Name));
        Assert.Equal(["orphan", "orphan-db"], claim.Adopt.Select(p => p.Metadata.Name));
    }
}
