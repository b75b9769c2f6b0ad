using Cluster.Controllers.Volumes;
using k8s.Models;
using static Cluster.Controllers.Tests.Volumes.VolumeFixtures;

namespace Cluster.Controllers.Tests.Volumes;

public sealed class VolumeMatcherSpec
{
    public static TheoryData<string, V1PersistentVolumeClaim, V1PersistentVolume[], string?> Matches => new()
    {
        { "smallest that fits", Claim(size: "2Gi"), [Volume("big", "10Gi"), Volume("small", "1Gi"), Volume("fits", "3Gi"), Volume("exact", "2Gi")], "exact" },
        { "none big enough", Claim(size: "5Gi"), [Volume("a", "1Gi"), Volume("b", "4Gi")], null },
        { "units compared by value", Claim(size: "1G"), [Volume("gi", "1Gi"), Volume("mi", "1000Mi"), Volume("m", "900M")], "mi" },
        { "access modes must be offered", Claim(modes: "ReadWriteMany"), [Volume("rwo", "1Gi", "ReadWriteOnce"), Volume("rwx", "5Gi", "ReadWriteMany,ReadOnlyMany")], "rwx" },
        { "fewest extra modes first, even if larger", Claim(modes: "ReadWriteOnce"), [Volume("many", "1Gi", "ReadWriteOnce,ReadOnlyMany"), Volume("one", "8Gi", "ReadWriteOnce")], "one" },
        { "class must be equal", Claim(className: "fast"), [Volume("none", "1Gi"), Volume("slow", "1Gi", className: "slow"), Volume("fast", "9Gi", className: "fast")], "fast" },
        { "no class wants no class", Claim(className: ""), [Volume("fast", "1Gi", className: "fast"), Volume("plain", "9Gi")], "plain" },
        { "not Available skipped", Claim(), [Volume("pending", "1Gi", phase: VolumePhases.Pending), Volume("released", "1Gi", phase: VolumePhases.Released)], null },
        { "claimed by another skipped", Claim(), [Volume("taken", "1Gi", claimRef: RefTo("other"))], null },
        { "volume mode must be equal", Claim(mode: "Block"), [Volume("fs", "1Gi"), Volume("block", "5Gi", mode: "Block")], "block" },
        { "selector filters labels", Claim(selector: new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["tier"] = "gold" } }), [Volume("plain", "1Gi"), Volume("gold", "5Gi", labels: new() { ["tier"] = "gold" })], "gold" },
        { "pre-bound volume wins over smaller", Claim(), [Volume("a-small", "1Gi"), Volume("mine", "9Gi", claimRef: RefTo("data", withUid: false), phase: VolumePhases.Pending)], "mine" },
        { "pre-bound ignores class and selector", Claim(className: "x"), [Volume("mine", "1Gi", className: "y", claimRef: RefTo("data"))], "mine" },
        { "pre-bound still needs capacity", Claim(size: "2Gi"), [Volume("mine", "1Gi", claimRef: RefTo("data"))], null },
        { "claimRef with another uid is another claim", Claim(), [Volume("old", "1Gi", claimRef: new V1ObjectReference { NamespaceProperty = "default", Name = "data", Uid = "gone" })], null },
        { "equal sizes: first by name", Claim(), [Volume("b", "1Gi"), Volume("a", "1Gi")], "a" },
    };

    [Theory]
    [MemberData(nameof(Matches))]
    public void FindBestMatch_Table_ExpectedVolume(string why, V1PersistentVolumeClaim claim, V1PersistentVolume[] volumes, string? expected)
    {
        Assert.True(expected == VolumeMatcher.FindBestMatch(claim, volumes, delayBinding: false)?.Metadata.Name, why);
    }

    [Fact]
    public void FindBestMatch_DelayedBinding_OnlyPreBoundVolume()
    {
        Assert.Null(VolumeMatcher.FindBestMatch(Claim(), [Volume("free")], delayBinding: true));
        Assert.Equal("mine", VolumeMatcher.FindBestMatch(Claim(), [Volume("free"), Volume("mine", claimRef: RefTo("data"))], delayBinding: true)?.Metadata.Name);
    }

    [Fact]
    public void FindBestMatch_VolumeBeingDeleted_Skipped()
    {
        var deleting = Volume("deleting");
        deleting.Metadata.DeletionTimestamp = DateTime.UtcNow;

        Assert.Null(VolumeMatcher.FindBestMatch(Claim(), [deleting], delayBinding: false));
    }

    [Theory]
    [InlineData("1Gi", null, "ReadWriteOnce", "Filesystem", null)]
    [InlineData("512Mi", null, "ReadWriteOnce", "Filesystem", "requested PV is too small")]
    [InlineData("1Gi", "fast", "ReadWriteOnce", "Filesystem", "storageClassName does not match")]
    [InlineData("1Gi", null, "ReadWriteOnce", "Block", "incompatible volumeMode")]
    [InlineData("1Gi", null, "ReadOnlyMany", "Filesystem", "incompatible accessMode")]
    public void Unsatisfied_NamedVolume_Reason(string size, string? className, string modes, string mode, string? reason)
    {
        Assert.Equal(reason, VolumeMatcher.Unsatisfied(Volume("pv", size, modes, className: className, mode: mode), Claim()));
    }

    [Fact]
    public void ClassOf_BetaAnnotation_WinsOverField()
    {
        var claim = Claim(className: "new", annotations: new() { [VolumeAnnotations.BetaStorageClass] = "old" });

        Assert.Equal("old", VolumeMatcher.ClassOf(claim));
        Assert.Equal("", VolumeMatcher.ClassOf(Claim()));
    }
}
