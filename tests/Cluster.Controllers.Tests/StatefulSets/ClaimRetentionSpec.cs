using Cluster.Controllers.StatefulSets;
using k8s.Models;

namespace Cluster.Controllers.Tests.StatefulSets;

public sealed class ClaimRetentionSpec
{
    /// <summary>Owners of data-web-0 (in range) and data-web-2 (beyond 2 replicas) after the plan: "set", "pod" or "" each.</summary>
    [Theory]
    [InlineData("Retain", "Retain", "", "")]
    [InlineData("Delete", "Retain", "set", "set")]
    [InlineData("Retain", "Delete", "", "pod")]
    [InlineData("Delete", "Delete", "set", "pod")]
    public void Plan_Policy_ClaimOwnersAsUpstream(string whenDeleted, string whenScaled, string inRange, string scaledDown)
    {
        var set = Set(whenDeleted, whenScaled);
        var claims = new Dictionary<string, V1PersistentVolumeClaim> { ["data-web-0"] = Claim("data-web-0"), ["data-web-2"] = Claim("data-web-2") };

        var changes = ClaimRetention.Plan(set, [Pod(0), Pod(2)], name => claims.GetValueOrDefault(name));
        foreach (var change in changes)
        {
            claims[change.Claim.Metadata.Name] = Claim(change.Claim.Metadata.Name, [.. change.Owners]);
        }

        Assert.Equal((inRange, scaledDown), (Owners(claims["data-web-0"]), Owners(claims["data-web-2"])));
        Assert.Empty(ClaimRetention.Plan(set, [Pod(0), Pod(2)], name => claims.GetValueOrDefault(name))); // settled
    }

    [Fact]
    public void Plan_PolicyBackToRetain_SetAndPodReferencesTakenOffOthersKept()
    {
        var other = new V1OwnerReference { ApiVersion = "example.com/v1", Kind = "Backup", Name = "nightly", Uid = "backup-uid" };
        var claim = Claim("data-web-2", [other, SetRef(), new V1OwnerReference { ApiVersion = "v1", Kind = "Pod", Name = "web-2", Uid = "uid-web-2" }]);

        var change = Assert.Single(ClaimRetention.Plan(Set("Retain", "Retain"), [Pod(2)], _ => claim));

        Assert.Equal(["nightly"], change.Owners.Select(o => o.Name));
    }

    [Fact]
    public void Plan_ClaimNotMadeYetOrNoTemplates_NothingToDo()
    {
        Assert.Empty(ClaimRetention.Plan(Set("Delete", "Delete"), [Pod(0)], _ => null));

        var noTemplates = Set("Delete", "Delete");
        noTemplates.Spec.VolumeClaimTemplates = null;
        Assert.Empty(ClaimRetention.Plan(noTemplates, [Pod(0)], _ => Claim("data-web-0")));
    }

    private static string Owners(V1PersistentVolumeClaim claim) =>
        string.Join(",", (claim.Metadata.OwnerReferences ?? []).Select(o => o.Kind == "StatefulSet" && o.Uid == "sts-uid" ? "set" : o.Kind == "Pod" && o.Uid == "uid-web-2" ? "pod" : "?"));

    private static V1OwnerReference SetRef() => new() { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = "web", Uid = "sts-uid" };

    private static V1StatefulSet Set(string whenDeleted, string whenScaled) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "sts-uid" },
        Spec = new V1StatefulSetSpec
        {
            Replicas = 2,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
            VolumeClaimTemplates = [new V1PersistentVolumeClaim { Metadata = new V1ObjectMeta { Name = "data" }, Spec = new V1PersistentVolumeClaimSpec { AccessModes = ["ReadWriteOnce"] } }],
            PersistentVolumeClaimRetentionPolicy = new V1StatefulSetPersistentVolumeClaimRetentionPolicy { WhenDeleted = whenDeleted, WhenScaled = whenScaled },
        },
    };

    private static V1Pod Pod(int ordinal) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web-" + ordinal, NamespaceProperty = "default", Uid = "uid-web-" + ordinal },
    };

    private static V1PersistentVolumeClaim Claim(string name, List<V1OwnerReference>? owners = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "uid-" + name, OwnerReferences = owners },
    };
}
