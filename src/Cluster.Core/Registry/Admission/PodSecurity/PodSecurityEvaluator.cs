using System.Text;

namespace Cluster.Core.Registry.Admission.PodSecurity;

/// <summary>
/// Runs a level's checks on a pod as upstream's check registry does: baseline checks in the order of their ids, then
/// the restricted ones, where restricted replaces three baseline checks with stricter ones of its own (volume types
/// for hostPath, capabilities, seccomp). Privileged has no checks.
/// </summary>
internal static class PodSecurityEvaluator
{
    private sealed record Check(string Id, Func<PodView, Violation?> Run);

    private static readonly Check[] Baseline =
    [
        new("appArmorProfile", BaselineChecks.AppArmorProfile),
        new("capabilities_baseline", BaselineChecks.CapabilitiesBaseline),
        new("hostNamespaces", BaselineChecks.HostNamespaces),
        new("hostPathVolumes", BaselineChecks.HostPathVolumes),
        new("hostPorts", BaselineChecks.HostPorts),
        new("privileged", BaselineChecks.Privileged),
        new("procMount", BaselineChecks.ProcMount),
        new("seLinuxOptions", BaselineChecks.SeLinuxOptions),
        new("seccompProfile_baseline", BaselineChecks.SeccompProfileBaseline),
        new("sysctls", BaselineChecks.Sysctls),
        new("windowsHostProcess", BaselineChecks.WindowsHostProcess),
    ];

    private static readonly HashSet<string> OverriddenByRestricted = new(StringComparer.Ordinal) { "capabilities_baseline", "hostPathVolumes", "seccompProfile_baseline" };

    private static readonly Check[] Restricted =
    [
        .. Baseline.Where(c => !OverriddenByRestricted.Contains(c.Id)),
        new("allowPrivilegeEscalation", RestrictedChecks.AllowPrivilegeEscalation),
        new("capabilities_restricted", RestrictedChecks.CapabilitiesRestricted),
        new("restrictedVolumes", RestrictedChecks.RestrictedVolumes),
        new("runAsNonRoot", RestrictedChecks.RunAsNonRoot),
        new("runAsUser", RestrictedChecks.RunAsUser),
        new("seccompProfile_restricted", RestrictedChecks.SeccompProfileRestricted),
    ];

    public static PodSecurityResult Evaluate(PodSecurityLevel level, PodView pod)
    {
        var checks = level switch
        {
            PodSecurityLevel.Baseline => Baseline,
            PodSecurityLevel.Restricted => Restricted,
            _ => [],
        };
        return new([.. checks.Select(c => c.Run(pod)).OfType<Violation>()]);
    }
}

/// <summary>Upstream's AggregateCheckResult: the failed checks in check order.</summary>
internal sealed record PodSecurityResult(IReadOnlyList<Violation> Violations)
{
    public bool Allowed => Violations.Count == 0;

    /// <summary>The reasons alone, "a, b" (what a namespace's existing pods are summed up by).</summary>
    public string ForbiddenReason => string.Join(", ", Violations.Select(v => v.Reason));

    /// <summary>"reason (detail), reason (detail)": what a refusal and a warning say.</summary>
    public string ForbiddenDetail
    {
        get
        {
            var text = new StringBuilder();
            foreach (var violation in Violations)
            {
                if (text.Length > 0)
                {
                    text.Append(", ");
                }

                text.Append(violation.Reason);
                if (violation.Detail.Length > 0)
                {
                    text.Append(" (").Append(violation.Detail).Append(')');
                }
            }

            return text.ToString();
        }
    }
}
