using Cluster.Controllers.Deployments;
using k8s.Models;
using static Cluster.Controllers.Tests.Deployments.DeploymentFixtures;

namespace Cluster.Controllers.Tests.Deployments;

/// <summary>Upstream's deployment_util_test.go (fenceposts, revisions) and controller_utils_test.go (ComputeHash).</summary>
public sealed class DeploymentUtilSpec
{
    [Theory]
    [InlineData("0%", "0%", 0, 0, 1)] // both zero: one may be unavailable
    [InlineData("39%", "39%", 10, 4, 3)] // surge rounds up, unavailable down
    [InlineData("25%", "25%", 4, 1, 1)]
    [InlineData("25%", "25%", 1, 1, 0)]
    [InlineData("2", "0", 10, 2, 0)]
    [InlineData(null, "1", 10, 0, 1)]
    public void ResolveFenceposts(string? maxSurge, string? maxUnavailable, int desired, int surge, int unavailable)
    {
        Assert.Equal((surge, unavailable), Fenceposts.Resolve(maxSurge, maxUnavailable, desired));
    }

    [Theory]
    [InlineData("oops", "1")]
    [InlineData("55%", "urg")]
    [InlineData("x%", "1")]
    public void ResolveFenceposts_NeitherCountNorPercent_Refused(string maxSurge, string maxUnavailable)
    {
        Assert.Throws<FormatException>(() => Fenceposts.Resolve(maxSurge, maxUnavailable, 10));
    }

    [Theory]
    [InlineData(10, "5", 5)] // less than replicas
    [InlineData(10, "10", 10)] // equal
    [InlineData(5, "10", 5)] // more than replicas: capped
    [InlineData(10, "50%", 5)]
    [InlineData(0, "10", 0)] // no replicas
    public void MaxUnavailable(int replicas, string maxUnavailable, int expected)
    {
        Assert.Equal(expected, Fenceposts.MaxUnavailable(Deployment(replicas, "1", maxUnavailable)));
    }

    [Fact]
    public void MaxUnavailableAndSurge_Recreate_Zero()
    {
        var d = Deployment(10, strategy: Fenceposts.Recreate);
        Assert.Equal((0, 0), (Fenceposts.MaxUnavailable(d), Fenceposts.MaxSurge(d)));
    }

    [Fact]
    public void Hash_SameTemplateHoweverSpelled_SameValue_FromTheSafeAlphabet()
    {
        var a = Template("nginx:1.27");
        var b = k8s.KubernetesJson.Deserialize<V1PodTemplateSpec>("""{"spec":{"containers":[{"image":"nginx:1.27","name":"app","ports":[]}]},"metadata":{"annotations":{},"labels":{"app":"web"}}}""");

        var hash = PodTemplateHash.Compute(a, null);

        Assert.Equal(hash, PodTemplateHash.Compute(b, null));
        Assert.Equal(hash, PodTemplateHash.Compute(Template("nginx:1.27"), null));
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$", hash);
        Assert.NotEqual(hash, PodTemplateHash.Compute(Template("nginx:1.28"), null));
        Assert.NotEqual(hash, PodTemplateHash.Compute(a, 1));
        Assert.NotEqual(PodTemplateHash.Compute(a, 1), PodTemplateHash.Compute(a, 2));
    }

    [Fact]
    public void Hash_KnownValue_StaysTheSameAcrossBuilds()
    {
        // Pinned: a change here renames every deployment's ReplicaSets and rolls every pod.
        Assert.Equal("{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"image\":\"nginx:1.27\",\"name\":\"app\"}]}}", PodTemplateHash.Canonical(Template("nginx:1.27")));
        Assert.Equal("66764b56c4", PodTemplateHash.Compute(Template("nginx:1.27"), null));
        Assert.Equal("fbf75495f", PodTemplateHash.Compute(Template("nginx:1.27"), 1));
    }

    [Fact]
    public void EqualIgnoreHash_OnlyTheHashLabelIgnored()
    {
        var withHash = Template("v1");
        withHash.Metadata.Labels[PodTemplateHash.Label] = "abc";

        Assert.True(PodTemplateHash.EqualIgnoreHash(withHash, Template("v1")));
        withHash.Metadata.Labels["other"] = "x";
        Assert.False(PodTemplateHash.EqualIgnoreHash(withHash, Template("v1")));
    }

    [Fact]
    public void RevisionHistory_KeptUnderTheLimit_OldestDropped()
    {
        var rs = ReplicaSet("web-a", 1, "v1", revision: 5);
        rs.Metadata.Annotations[Revisions.RevisionHistory] = string.Join(',', Enumerable.Range(1, 600).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.True(Revisions.SetNewReplicaSetAnnotations(Deployment(1), rs, 700, exists: true));

        var history = rs.Metadata.Annotations[Revisions.RevisionHistory];
        Assert.Equal("700", rs.Metadata.Annotations[Revisions.Revision]);
        Assert.True(history.Length <= Revisions.MaxHistoryChars);
        Assert.EndsWith(",600,5", history, StringComparison.Ordinal);
        Assert.False(history.StartsWith("1,", StringComparison.Ordinal));
    }
}
