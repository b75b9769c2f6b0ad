using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using Cluster.Core.Registry.Admission.PodSecurity;
using static Cluster.Core.Tests.Registry.Admission.PodSecurityAdmissionSpec;

namespace Cluster.Core.Tests.Registry.Admission;

/// <summary>The namespace labels' policy and the plugin on namespace writes.</summary>
public sealed class PodSecurityNamespaceSpec
{
    private const string PrivilegedContainer = """{"name":"app","image":"nginx","securityContext":{"privileged":true}}""";

    private static JsonObject Namespace(params (string Key, string Value)[] labels)
    {
        var map = new JsonObject();
        foreach (var (key, value) in Labels(labels))
        {
            map[key] = value;
        }

        return new JsonObject { ["metadata"] = new JsonObject { ["name"] = "team", ["labels"] = map } };
    }

    private static JsonObject Owned(JsonObject pod, string controllerUid)
    {
        pod["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject { ["uid"] = controllerUid, ["controller"] = true });
        return pod;
    }

    [Fact]
    public void FromLabels_EnforceOnly_WarnFollowsEnforceWithItsVersion()
    {
        var (policy, errors) = NamespacePolicy.FromLabels(Labels(("enforce", "baseline"), ("enforce-version", "v1.29")));

        Assert.Empty(errors);
        Assert.Equal(new LevelVersion(PodSecurityLevel.Baseline, "v1.29"), policy.Warn);
        Assert.Equal(LevelVersion.PrivilegedLatest, policy.Audit);
    }

    [Fact]
    public void FromLabels_WarnStatedLower_KeepsItsOwn()
    {
        var (policy, _) = NamespacePolicy.FromLabels(Labels(("enforce", "restricted"), ("warn", "baseline")));

        Assert.Equal(new LevelVersion(PodSecurityLevel.Baseline, "latest"), policy.Warn);
    }

    [Fact]
    public void FromLabels_BadValues_UpstreamFallbacksAndErrors()
    {
        var (policy, errors) = NamespacePolicy.FromLabels(Labels(("enforce", "strict"), ("audit", "loud"), ("warn-version", "1.25")));

        Assert.Equal(PodSecurityLevel.Restricted, policy.Enforce.Level);
        Assert.Equal(PodSecurityLevel.Privileged, policy.Audit.Level);
        // An enforce level that does not parse is not copied to warn.
        Assert.Equal(PodSecurityLevel.Privileged, policy.Warn.Level);
        Assert.Equal(
            [
                "metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted",
                "metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: \"loud\": must be one of privileged, baseline, restricted",
                "metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: \"1.25\": must be \"latest\" or \"v1.x\"",
            ],
            errors.Select(e => e.Field + ": " + e.Message));
    }

    [Theory]
    [InlineData("latest", true)]
    [InlineData("v1.0", true)]
    [InlineData("v1.32", true)]
    [InlineData("v1.99", true)]
    [InlineData("v1.025", false)]
    [InlineData("v2.1", false)]
    [InlineData("v1.", false)]
    [InlineData("v1.99999999999", false)]
    [InlineData("Latest", false)]
    public void IsVersion_UpstreamPattern(string text, bool valid)
    {
        Assert.Equal(valid, NamespacePolicy.IsVersion(text));
    }

    [Fact]
    public void ValidateNamespace_CreateWithABadLevel_InvalidAsUpstream()
    {
        var error = Assert.Throws<ApiException>(() => PodSecurityAdmission.ValidateNamespace(Namespace(("enforce", "strict")), null, () => [], null));

        Assert.Equal(422, error.Code);
        Assert.Equal("Namespace \"team\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted", error.Message);
    }

    [Fact]
    public void ValidateNamespace_UpdateKeepingTheSameBadLabel_Admitted()
    {
        var old = Namespace(("enforce", "strict"));
        var updated = Namespace(("enforce", "strict"), ("warn", "baseline"));

        PodSecurityAdmission.ValidateNamespace(updated, old, () => [], new AdmissionNotes());
    }

    [Fact]
    public void ValidateNamespace_StricterEnforce_WarnsAboutExistingPodsGroupedByViolation()
    {
        var notes = new AdmissionNotes();
        IReadOnlyList<JsonObject> pods =
        [
            Pod("web-b", PrivilegedContainer), Pod("web-a", PrivilegedContainer), Pod("web-c", PrivilegedContainer),
            Pod("net", """{"name":"app","image":"nginx"}""", "\"hostNetwork\":true,"), Pod("fine", """{"name":"app","image":"nginx"}"""),
        ];

        PodSecurityAdmission.ValidateNamespace(Namespace(("enforce", "baseline")), Namespace(), () => pods, notes);

        Assert.Equal(
            [
                "existing pods in namespace \"team\" violate the new PodSecurity enforce level \"baseline:latest\"",
                "net: host namespaces",
                "web-a (and 2 other pods): privileged",
            ],
            notes.Warnings);
    }

    [Fact]
    public void ValidateNamespace_RelaxedEnforce_PodsNotListed()
    {
        var listed = false;

        PodSecurityAdmission.ValidateNamespace(Namespace(("enforce", "baseline")), Namespace(("enforce", "restricted")), () =>
        {
            listed = true;
            return [];
        }, new AdmissionNotes());

        Assert.False(listed);
    }

    [Fact]
    public void ExistingPodWarnings_OverTheBound_ReplicasCheckedLast()
    {
        var pods = Enumerable.Range(0, PodSecurityAdmission.MaxPodsToCheck)
            .Select(i => Owned(Pod("replica-" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture), PrivilegedContainer), "rs-1"))
            .Append(Pod("lone", """{"name":"app","image":"nginx"}""", "\"hostPID\":true,"))
            .ToList();

        var warnings = PodSecurityAdmission.ExistingPodWarnings("team", new LevelVersion(PodSecurityLevel.Baseline, "latest"), pods);

        Assert.Equal(
            [
                $"new PodSecurity enforce level only checked against the first {PodSecurityAdmission.MaxPodsToCheck} of {PodSecurityAdmission.MaxPodsToCheck + 1} existing pods",
                "existing pods in namespace \"team\" violate the new PodSecurity enforce level \"baseline:latest\"",
                "lone: host namespaces",
                $"replica-0000 (and {PodSecurityAdmission.MaxPodsToCheck - 2} other pods): privileged",
            ],
            warnings);
    }
}
