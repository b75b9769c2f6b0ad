using System.Text.Json.Nodes;
using Cluster.Core.Registry.Admission.PodSecurity;

namespace Cluster.Core.Tests.Registry.Admission;

/// <summary>Each Pod Security Standards check on a pod that violates it (upstream's reason and detail) and on one that complies.</summary>
public sealed class PodSecurityChecksSpec
{
    private static readonly Dictionary<string, Func<PodView, Violation?>> Checks = new(StringComparer.Ordinal)
    {
        ["appArmorProfile"] = BaselineChecks.AppArmorProfile,
        ["capabilities_baseline"] = BaselineChecks.CapabilitiesBaseline,
        ["hostNamespaces"] = BaselineChecks.HostNamespaces,
        ["hostPathVolumes"] = BaselineChecks.HostPathVolumes,
        ["hostPorts"] = BaselineChecks.HostPorts,
        ["privileged"] = BaselineChecks.Privileged,
        ["procMount"] = BaselineChecks.ProcMount,
        ["seLinuxOptions"] = BaselineChecks.SeLinuxOptions,
        ["seccompProfile_baseline"] = BaselineChecks.SeccompProfileBaseline,
        ["sysctls"] = BaselineChecks.Sysctls,
        ["windowsHostProcess"] = BaselineChecks.WindowsHostProcess,
        ["allowPrivilegeEscalation"] = RestrictedChecks.AllowPrivilegeEscalation,
        ["capabilities_restricted"] = RestrictedChecks.CapabilitiesRestricted,
        ["restrictedVolumes"] = RestrictedChecks.RestrictedVolumes,
        ["runAsNonRoot"] = RestrictedChecks.RunAsNonRoot,
        ["runAsUser"] = RestrictedChecks.RunAsUser,
        ["seccompProfile_restricted"] = RestrictedChecks.SeccompProfileRestricted,
    };

    /// <summary>A pod's metadata and spec from JSON text.</summary>
    internal static PodView Pod(string spec, string metadata = "{}") =>
        new(JsonNode.Parse(metadata)!.AsObject(), JsonNode.Parse(spec)!.AsObject());

    private static string? Run(string check, string spec, string metadata = "{}") =>
        Checks[check](Pod(spec, metadata)) is { } violation ? violation.Reason + " (" + violation.Detail + ")" : null;

    [Theory]
    [InlineData("windowsHostProcess",
        """{"securityContext":{"windowsOptions":{"hostProcess":true}},"containers":[{"name":"a","securityContext":{"windowsOptions":{"hostProcess":true}}}]}""",
        """hostProcess (pod and container "a" must not set securityContext.windowsOptions.hostProcess=true)""")]
    [InlineData("hostNamespaces", """{"hostPID":true,"hostNetwork":true,"containers":[{"name":"a"}]}""", "host namespaces (hostNetwork, hostPID)")]
    [InlineData("privileged",
        """{"containers":[{"name":"a","securityContext":{"privileged":true}}],"initContainers":[{"name":"i","securityContext":{"privileged":true}}]}""",
        """privileged (containers "i", "a" must not set securityContext.privileged=true)""")]
    [InlineData("capabilities_baseline",
        """{"containers":[{"name":"a","securityContext":{"capabilities":{"add":["SYS_ADMIN","CHOWN","NET_RAW"]}}}]}""",
        """non-default capabilities (container "a" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add)""")]
    [InlineData("hostPathVolumes", """{"volumes":[{"name":"h1","hostPath":{"path":"/"}},{"name":"e","emptyDir":{}},{"name":"h2","hostPath":{"path":"/x"}}]}""",
        """hostPath volumes (volumes "h1", "h2")""")]
    [InlineData("hostPorts",
        """{"containers":[{"name":"a","ports":[{"containerPort":1,"hostPort":8080},{"containerPort":2,"hostPort":80}]},{"name":"b","ports":[{"containerPort":3,"hostPort":0}]}]}""",
        """hostPort (container "a" uses hostPorts 80, 8080)""")]
    [InlineData("appArmorProfile",
        """{"securityContext":{"appArmorProfile":{"type":"Unconfined"}},"containers":[{"name":"a","securityContext":{"appArmorProfile":{"type":"Unconfined"}}}]}""",
        """forbidden AppArmor profiles (pod and container "a" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/a="unconfined"")""",
        """{"annotations":{"container.apparmor.security.beta.kubernetes.io/a":"unconfined"}}""")]
    [InlineData("seLinuxOptions", """{"containers":[{"name":"a","securityContext":{"seLinuxOptions":{"type":"spc_t","user":"u"}}}]}""",
        """seLinuxOptions (container "a" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set)""")]
    [InlineData("seLinuxOptions", """{"securityContext":{"seLinuxOptions":{"role":"r"}},"containers":[{"name":"a"}]}""",
        """seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: role may not be set)""")]
    [InlineData("procMount", """{"containers":[{"name":"a","securityContext":{"procMount":"Unmasked"}}]}""",
        """procMount (container "a" must not set securityContext.procMount to "Unmasked")""")]
    [InlineData("seccompProfile_baseline",
        """{"securityContext":{"seccompProfile":{"type":"Unconfined"}},"containers":[{"name":"a"}]}""",
        """seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")""")]
    [InlineData("sysctls", """{"securityContext":{"sysctls":[{"name":"kernel.msgmax","value":"1"},{"name":"net.ipv4.tcp_syncookies","value":"1"}]}}""",
        "forbidden sysctls (kernel.msgmax)")]
    [InlineData("restrictedVolumes", """{"volumes":[{"name":"h","hostPath":{"path":"/"}},{"name":"c","configMap":{"name":"x"}},{"name":"n","nfs":{"server":"s","path":"/"}}]}""",
        """restricted volume types (volumes "h", "n" use restricted volume types "hostPath", "nfs")""")]
    [InlineData("allowPrivilegeEscalation", """{"containers":[{"name":"a"},{"name":"b","securityContext":{"allowPrivilegeEscalation":true}}]}""",
        """allowPrivilegeEscalation != false (containers "a", "b" must set securityContext.allowPrivilegeEscalation=false)""")]
    [InlineData("runAsNonRoot", """{"containers":[{"name":"a"}]}""",
        """runAsNonRoot != true (pod or container "a" must set securityContext.runAsNonRoot=true)""")]
    [InlineData("runAsNonRoot", """{"securityContext":{"runAsNonRoot":true},"containers":[{"name":"a","securityContext":{"runAsNonRoot":false}}]}""",
        """runAsNonRoot != true (container "a" must not set securityContext.runAsNonRoot=false)""")]
    [InlineData("runAsUser", """{"securityContext":{"runAsUser":0},"containers":[{"name":"a","securityContext":{"runAsUser":0}}]}""",
        """runAsUser=0 (pod and container "a" must not set runAsUser=0)""")]
    [InlineData("seccompProfile_restricted", """{"containers":[{"name":"a"}]}""",
        """seccompProfile (pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")""")]
    [InlineData("seccompProfile_restricted", """{"containers":[{"name":"a","securityContext":{"seccompProfile":{"type":"Unconfined"}}}]}""",
        """seccompProfile (container "a" must not set securityContext.seccompProfile.type to "Unconfined")""")]
    [InlineData("capabilities_restricted", """{"containers":[{"name":"a","securityContext":{"capabilities":{"add":["SYS_ADMIN","NET_BIND_SERVICE"]}}}]}""",
        """unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"]; container "a" must not include "SYS_ADMIN" in securityContext.capabilities.add)""")]
    public void Check_ViolatingPod_UpstreamReasonAndDetail(string check, string spec, string expected, string metadata = "{}")
    {
        Assert.Equal(expected, Run(check, spec, metadata));
    }

    [Theory]
    [InlineData("windowsHostProcess", """{"securityContext":{"windowsOptions":{"hostProcess":false}},"containers":[{"name":"a"}]}""")]
    [InlineData("hostNamespaces", """{"hostNetwork":false,"hostPID":false,"hostIPC":false,"containers":[{"name":"a"}]}""")]
    [InlineData("privileged", """{"containers":[{"name":"a","securityContext":{"privileged":false}}]}""")]
    [InlineData("capabilities_baseline", """{"containers":[{"name":"a","securityContext":{"capabilities":{"add":["CHOWN","NET_BIND_SERVICE","KILL"]}}}]}""")]
    [InlineData("hostPathVolumes", """{"volumes":[{"name":"e","emptyDir":{}},{"name":"h","hostPath":null}]}""")]
    [InlineData("hostPorts", """{"containers":[{"name":"a","ports":[{"containerPort":80},{"containerPort":81,"hostPort":0}]}]}""")]
    [InlineData("appArmorProfile", """{"securityContext":{"appArmorProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"a","securityContext":{"appArmorProfile":{"type":"Localhost","localhostProfile":"p"}}}]}""")]
    [InlineData("seLinuxOptions", """{"securityContext":{"seLinuxOptions":{"level":"s0:c1"}},"containers":[{"name":"a","securityContext":{"seLinuxOptions":{"type":"container_engine_t"}}}]}""")]
    [InlineData("procMount", """{"containers":[{"name":"a","securityContext":{"procMount":"Default"}}]}""")]
    [InlineData("seccompProfile_baseline", """{"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"a","securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"p"}}}]}""")]
    [InlineData("sysctls", """{"securityContext":{"sysctls":[{"name":"net.ipv4.ip_local_port_range","value":"1 2"},{"name":"net.ipv4.tcp_rmem","value":"1"}]}}""")]
    [InlineData("restrictedVolumes", """{"volumes":[{"name":"a","configMap":{}},{"name":"b","csi":{"driver":"d"}},{"name":"c","downwardAPI":{}},{"name":"d","emptyDir":{}},{"name":"e","ephemeral":{}},{"name":"f","persistentVolumeClaim":{"claimName":"x"}},{"name":"g","projected":{}},{"name":"h","secret":{}}]}""")]
    [InlineData("allowPrivilegeEscalation", """{"containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":false}}]}""")]
    [InlineData("allowPrivilegeEscalation", """{"os":{"name":"windows"},"containers":[{"name":"a"}]}""")]
    [InlineData("runAsNonRoot", """{"securityContext":{"runAsNonRoot":true},"containers":[{"name":"a"}]}""")]
    [InlineData("runAsNonRoot", """{"containers":[{"name":"a","securityContext":{"runAsNonRoot":true}}]}""")]
    [InlineData("runAsUser", """{"securityContext":{"runAsUser":1000},"containers":[{"name":"a"}]}""")]
    [InlineData("seccompProfile_restricted", """{"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"a"}]}""")]
    [InlineData("seccompProfile_restricted", """{"containers":[{"name":"a","securityContext":{"seccompProfile":{"type":"Localhost","localhostProfile":"p"}}}]}""")]
    [InlineData("capabilities_restricted", """{"containers":[{"name":"a","securityContext":{"capabilities":{"drop":["ALL"],"add":["NET_BIND_SERVICE"]}}}]}""")]
    public void Check_CompliantPod_Allowed(string check, string spec)
    {
        Assert.Null(Run(check, spec));
    }

    [Fact]
    public void Check_EphemeralContainer_NamedLikeTheOthers()
    {
        var detail = Run("privileged", """{"containers":[{"name":"a"}],"ephemeralContainers":[{"name":"debug","securityContext":{"privileged":true}}]}""");

        Assert.Equal("""privileged (container "debug" must not set securityContext.privileged=true)""", detail);
    }

    [Fact]
    public void Evaluate_Restricted_IncludesBaselineChecksAndReplacesThreeOfThem()
    {
        // hostNetwork is a baseline check that restricted keeps; hostPath is reported by restricted's volume check instead.
        var pod = Pod("""
            {"hostNetwork":true,"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},
             "volumes":[{"name":"h","hostPath":{"path":"/"}}],
             "containers":[{"name":"a","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}]}
            """);

        var baseline = PodSecurityEvaluator.Evaluate(PodSecurityLevel.Baseline, pod);
        var restricted = PodSecurityEvaluator.Evaluate(PodSecurityLevel.Restricted, pod);

        Assert.Equal("host namespaces, hostPath volumes", baseline.ForbiddenReason);
        Assert.Equal("host namespaces, restricted volume types", restricted.ForbiddenReason);
        Assert.True(PodSecurityEvaluator.Evaluate(PodSecurityLevel.Privileged, pod).Allowed);
    }

    [Fact]
    public void Evaluate_Baseline_LeavesRestrictedOnlyFieldsAlone()
    {
        var result = PodSecurityEvaluator.Evaluate(PodSecurityLevel.Baseline, Pod("""{"containers":[{"name":"a","securityContext":{"runAsUser":0}}]}"""));

        Assert.True(result.Allowed);
    }
}
