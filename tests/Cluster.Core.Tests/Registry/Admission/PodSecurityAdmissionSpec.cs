using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using Cluster.Core.Registry.Admission.PodSecurity;

namespace Cluster.Core.Tests.Registry.Admission;

/// <summary>The PodSecurity plugin's decisions: what enforce refuses, what warn and audit note, and what workloads get.</summary>
public sealed class PodSecurityAdmissionSpec
{
    private const string Privileged = """{"name":"app","image":"nginx","securityContext":{"privileged":true}}""";

    private const string RestrictedContext =
        """{"allowPrivilegeEscalation":false,"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"},"capabilities":{"drop":["ALL"]}}""";

    private const string Compliant = """{"name":"app","image":"nginx","securityContext":""" + RestrictedContext + "}";

    internal static JsonObject Pod(string name, string containers, string podSpecExtra = "") =>
        Parse("""{"metadata":{"name":""" + JsonValue.Create(name).ToJsonString() + ""","namespace":"team"},"spec":{""" + podSpecExtra + "\"containers\":[" + containers + "]}}");

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    internal static Dictionary<string, string> Labels(params (string Key, string Value)[] labels) =>
        labels.ToDictionary(l => NamespacePolicy.Prefix + l.Key, l => l.Value, StringComparer.Ordinal);

    private static JsonObject Deployment(string containers) =>
        Parse("""{"metadata":{"name":"web","namespace":"team"},"spec":{"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[""" + containers + "]}}}}");

    [Fact]
    public void Validate_PrivilegedPodUnderRestrictedEnforce_ForbiddenWithEveryViolationInCheckOrder()
    {
        var error = Assert.Throws<ApiException>(() =>
            PodSecurityAdmission.Validate(BuiltInKinds.Pod, Pod("priv", Privileged), null, Labels(("enforce", "restricted")), new AdmissionNotes()));

        Assert.Equal(403, error.Code);
        Assert.Equal(
            "pods \"priv\" is forbidden: violates PodSecurity \"restricted:latest\": "
            + "privileged (container \"app\" must not set securityContext.privileged=true), "
            + "allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), "
            + "unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]), "
            + "runAsNonRoot != true (pod or container \"app\" must set securityContext.runAsNonRoot=true), "
            + "seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            error.Message);
    }

    [Fact]
    public void Validate_CompliantPodUnderRestrictedEnforce_AdmittedWithoutWarnings()
    {
        var notes = new AdmissionNotes();

        PodSecurityAdmission.Validate(BuiltInKinds.Pod, Pod("ok", Compliant), null, Labels(("enforce", "restricted")), notes);

        Assert.Empty(notes.Warnings);
        Assert.Contains(new KeyValuePair<string, string>(PodSecurityAdmission.EnforcePolicyAnnotation, "restricted:latest"), notes.AuditAnnotations);
    }

    [Fact]
    public void Validate_HostNetworkPodUnderRestrictedEnforce_RefusedByTheInheritedBaselineCheck()
    {
        var pod = Pod("net", Compliant, "\"hostNetwork\":true,");

        var error = Assert.Throws<ApiException>(() => PodSecurityAdmission.Validate(BuiltInKinds.Pod, pod, null, Labels(("enforce", "restricted")), null));

        Assert.EndsWith("violates PodSecurity \"restricted:latest\": host namespaces (hostNetwork)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WarnBaseline_HostNetworkPodAdmittedWithAWarning()
    {
        var notes = new AdmissionNotes();

        PodSecurityAdmission.Validate(BuiltInKinds.Pod, Pod("net", """{"name":"app","image":"nginx"}""", "\"hostNetwork\":true,"), null, Labels(("warn", "baseline")), notes);

        Assert.Equal(["would violate PodSecurity \"baseline:latest\": host namespaces (hostNetwork)"], notes.Warnings);
    }

    [Fact]
    public void Validate_AuditRestricted_ViolationsCollectedAsAnAuditAnnotation()
    {
        var notes = new AdmissionNotes();

        PodSecurityAdmission.Validate(BuiltInKinds.Pod, Pod("net", """{"name":"app","image":"nginx"}""", "\"hostNetwork\":true,"), null, Labels(("audit", "baseline"), ("audit-version", "v1.30")), notes);

        Assert.Empty(notes.Warnings);
        Assert.Equal(
            [
                new(PodSecurityAdmission.EnforcePolicyAnnotation, "privileged:latest"),
                new(PodSecurityAdmission.AuditViolationsAnnotation, "would violate PodSecurity \"baseline:v1.30\": host namespaces (hostNetwork)"),
            ],
            notes.AuditAnnotations);
    }

    [Fact]
    public void Validate_EnforceRefusal_AuditedButNotWarned()
    {
        var notes = new AdmissionNotes();

        Assert.Throws<ApiException>(() =>
            PodSecurityAdmission.Validate(BuiltInKinds.Pod, Pod("priv", Privileged), null, Labels(("enforce", "baseline"), ("warn", "restricted"), ("audit", "baseline")), notes));

        Assert.Empty(notes.Warnings);
        Assert.Contains(notes.AuditAnnotations, a => a.Key == PodSecurityAdmission.AuditViolationsAnnotation);
    }

    [Fact]
    public void Validate_DeploymentUnderRestrictedEnforce_WarnedNotRefused()
    {
        var notes = new AdmissionNotes();

        PodSecurityAdmission.Validate(BuiltInKinds.Deployment, Deployment(Privileged), null, Labels(("enforce", "restricted")), notes);

        var warning = Assert.Single(notes.Warnings);
        Assert.StartsWith("would violate PodSecurity \"restricted:latest\": privileged (container \"app\" must not set securityContext.privileged=true), allowPrivilegeEscalation != false", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CronJobTemplate_Evaluated()
    {
        var cronJob = Parse("""{"metadata":{"name":"c"},"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[""" + Privileged + "]}}}}}}");
        var notes = new AdmissionNotes();

        PodSecurityAdmission.Validate(BuiltInKinds.CronJob, cronJob, null, Labels(("warn", "baseline")), notes);

        Assert.Equal(["would violate PodSecurity \"baseline:latest\": privileged (container \"app\" must not set securityContext.privileged=true)"], notes.Warnings);
    }

    [Fact]
    public void Validate_WorkloadUnderOnlyAnExplicitPrivilegedWarn_NotEvaluated()
    {
        var notes = new AdmissionNotes();

        PodSecurityAdmission.Validate(BuiltInKinds.Deployment, Deployment(Privileged), null, Labels(("enforce", "restricted"), ("warn", "privileged")), notes);

        Assert.Empty(notes.Warnings);
    }

    [Fact]
    public void Validate_InvalidEnforceLevel_EnforcesRestrictedAndRecordsTheError()
    {
        var notes = new AdmissionNotes();

        Assert.Throws<ApiException>(() => PodSecurityAdmission.Validate(BuiltInKinds.Pod, Pod("p", """{"name":"app","image":"nginx"}"""), null, Labels(("enforce", "strict")), notes));

        Assert.Contains(
            new KeyValuePair<string, string>(
                PodSecurityAdmission.ErrorAnnotation,
                "Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted"),
            notes.AuditAnnotations);
    }

    [Fact]
    public void Validate_PodUpdateKeepingImages_AdmittedWithoutLooking()
    {
        var old = Pod("priv", Privileged);
        var updated = Pod("priv", Privileged);
        updated["metadata"]!["labels"] = new JsonObject { ["tier"] = "x" };

        PodSecurityAdmission.Validate(BuiltInKinds.Pod, updated, old, Labels(("enforce", "restricted")), null);
    }

    [Fact]
    public void Validate_PodUpdateChangingAnImage_Evaluated()
    {
        var updated = Pod("priv", Privileged.Replace("nginx", "nginx:2", StringComparison.Ordinal));

        Assert.Throws<ApiException>(() => PodSecurityAdmission.Validate(BuiltInKinds.Pod, updated, Pod("priv", Privileged), Labels(("enforce", "baseline")), null));
    }

    [Fact]
    public void IsSignificantPodUpdate_EphemeralContainerAdded_True()
    {
        var updated = Pod("p", """{"name":"app","image":"nginx"}""", """ "ephemeralContainers":[{"name":"debug","image":"busybox"}], """);

        Assert.True(PodSecurityAdmission.IsSignificantPodUpdate(updated, Pod("p", """{"name":"app","image":"nginx"}""")));
    }
}
