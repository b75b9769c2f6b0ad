using k8s.Models;

namespace Cluster.Controllers.Jobs;

/// <summary>What a failed pod means to its job under spec.podFailurePolicy (upstream's matchPodFailurePolicy).</summary>
/// <param name="FailJobMessage">Set when a FailJob rule matched: the job fails at once with this message.</param>
/// <param name="CountsFailure">False when an Ignore rule matched: the failure does not count against backoffLimit.</param>
public sealed record PodFailureVerdict(string? FailJobMessage, bool CountsFailure);

/// <summary>
/// Upstream's pod failure policy (GA in 1.31): the first rule whose exit codes or pod conditions match a failed pod
/// decides. FailJob fails the job (reason PodFailurePolicy), Ignore keeps the failure from counting, Count counts it
/// (as no rule matching does). FailIndex belongs to backoffLimitPerIndex, which this controller does not run: it counts.
/// </summary>
public static class PodFailurePolicy
{
    public const string Reason = "PodFailurePolicy";

    private static readonly PodFailureVerdict Counted = new(null, true);

    public static PodFailureVerdict Judge(V1Job job, V1Pod failed)
    {
        var rules = job.Spec.PodFailurePolicy?.Rules;
        if (rules is null)
        {
            return Counted;
        }

        for (var index = 0; index < rules.Count; index++)
        {
            var rule = rules[index];
            string? matched = null;
            if (rule.OnExitCodes is { } codes)
            {
                if (MatchingContainer(failed.Status, codes) is { } container)
                {
                    matched = $"Container {container.Name} for pod {failed.Metadata.NamespaceProperty}/{failed.Metadata.Name} failed with exit code {container.State.Terminated.ExitCode} matching {rule.Action} rule at index {index}";
                }
            }
            else if (rule.OnPodConditions is { } patterns && MatchingCondition(failed.Status, patterns) is { } condition)
            {
                matched = $"Pod {failed.Metadata.NamespaceProperty}/{failed.Metadata.Name} has condition {condition.Type} matching {rule.Action} rule at index {index}";
            }

            if (matched is null)
            {
                continue;
            }

            return rule.Action switch
            {
                "Ignore" => new PodFailureVerdict(null, false),
                "FailJob" => new PodFailureVerdict(matched, true),
                _ => Counted,
            };
        }

        return Counted;
    }

    /// <summary>Upstream's matchOnExitCodes: app containers first, then init containers; a zero exit code never matches.</summary>
    private static V1ContainerStatus? MatchingContainer(V1PodStatus? status, V1PodFailurePolicyOnExitCodesRequirement codes) =>
        (status?.ContainerStatuses ?? []).Concat(status?.InitContainerStatuses ?? [])
            .FirstOrDefault(c => c.State?.Terminated is { ExitCode: not 0 } terminated
                && (codes.ContainerName is null || codes.ContainerName == c.Name)
                && (codes.OperatorProperty == "In") == codes.Values.Contains(terminated.ExitCode));

    private static V1PodCondition? MatchingCondition(V1PodStatus? status, IList<V1PodFailurePolicyOnPodConditionsPattern> patterns) =>
        (status?.Conditions ?? []).FirstOrDefault(c => patterns.Any(p => p.Type == c.Type && (p.Status ?? "True") == c.Status));
}
