using System.Globalization;
using k8s.Models;

namespace Cluster.Controllers.Disruption;

/// <summary>How many pods a budget expects and needs healthy, or why that cannot be told.</summary>
public sealed record ExpectedPods(int Expected, int DesiredHealthy, IReadOnlyList<string> Unmanaged, string? Error);

/// <summary>
/// The disruption controller's arithmetic (upstream's trySync): the expected and desired counts from minAvailable or
/// maxUnavailable (percentages scaled against the pods' controllers, rounded up), evictions still in flight
/// (disruptedPods, forgotten after <see cref="DeletionTimeout"/>), the healthy count, and the status with its
/// DisruptionAllowed condition — null when the stored one is already that.
/// </summary>
public static class DisruptionStatusPlanner
{
    /// <summary>How long an eviction the API recorded may take to show as a deleted pod before the budget stops counting it (upstream's DeletionTimeout).</summary>
    public static readonly TimeSpan DeletionTimeout = TimeSpan.FromMinutes(2);

    public const string DisruptionAllowedCondition = "DisruptionAllowed";
    public const string SufficientPods = "SufficientPods";
    public const string InsufficientPods = "InsufficientPods";
    public const string SyncFailed = "SyncFailed";

    /// <param name="scaleOf">The scale of a pod's controller (<see cref="ControllerScales.Find"/>), null when none is known.</param>
    public static ExpectedPods Expected(V1PodDisruptionBudget pdb, IReadOnlyList<V1Pod> pods, Func<V1OwnerReference, ControllerScale?> scaleOf)
    {
        var spec = pdb.Spec ?? new V1PodDisruptionBudgetSpec();
        if (spec.MaxUnavailable is { } maxUnavailable)
        {
            var (expected, unmanaged, error) = ExpectedScale(pods, scaleOf);
            if (error is not null)
            {
                return new ExpectedPods(0, 0, unmanaged, error);
            }

            if (!TryScale(maxUnavailable, expected, out var max, out error))
            {
                return new ExpectedPods(0, 0, unmanaged, error);
            }

            return new ExpectedPods(expected, Math.Max(0, expected - max), unmanaged, null);
        }

        if (spec.MinAvailable is { } minAvailable)
        {
            if (IsInt(minAvailable, out var count))
            {
                return new ExpectedPods(pods.Count, count, [], null);
            }

            var (expected, unmanaged, error) = ExpectedScale(pods, scaleOf);
            if (error is not null)
            {
                return new ExpectedPods(0, 0, unmanaged, error);
            }

            return TryScale(minAvailable, expected, out var min, out error) ? new ExpectedPods(expected, min, unmanaged, null) : new ExpectedPods(0, 0, unmanaged, error);
        }

        return new ExpectedPods(0, 0, [], null);
    }

    /// <summary>Upstream's getExpectedScale: the sum of the scales of the pods' controllers, each counted once.</summary>
    public static (int Expected, IReadOnlyList<string> Unmanaged, string? Error) ExpectedScale(IReadOnlyList<V1Pod> pods, Func<V1OwnerReference, ControllerScale?> scaleOf)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var scales = new Dictionary<string, int>(StringComparer.Ordinal);
        var unmanaged = new List<string>();
        foreach (var pod in pods)
        {
            if (pod.Metadata?.OwnerReferences?.FirstOrDefault(r => r.Controller == true) is not { } controllerRef)
            {
                unmanaged.Add(pod.Metadata?.Name ?? "");
                continue;
            }

            if (!seen.Add(controllerRef.Uid))
            {
                continue;
            }

            if (scaleOf(controllerRef) is not { } scale)
            {
                return (0, unmanaged, $"found no controllers for pod \"{pod.Metadata!.Name}\"");
            }

            scales[scale.Uid] = scale.Scale;
        }

        return (scales.Values.Sum(), unmanaged, null);
    }

    /// <summary>
    /// Upstream's buildDisruptedPodMap: the evictions still expected to show (a pod already being deleted has shown);
    /// those older than the timeout are dropped and named, and the earliest time one of the rest runs out is the recheck.
    /// </summary>
    public static (Dictionary<string, DateTime> Disrupted, DateTimeOffset? Recheck, IReadOnlyList<string> NotDeleted) DisruptedPods(V1PodDisruptionBudget pdb, IReadOnlyList<V1Pod> pods, DateTimeOffset now)
    {
        var result = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var notDeleted = new List<string>();
        DateTimeOffset? recheck = null;
        if (pdb.Status?.DisruptedPods is not { } recorded)
        {
            return (result, recheck, notDeleted);
        }

        foreach (var pod in pods)
        {
            if (pod.Metadata?.DeletionTimestamp is not null || !recorded.TryGetValue(pod.Metadata?.Name ?? "", out var recordedAt) || recordedAt is not { } disruptedAt)
            {
                continue;
            }

            var expectedDeletion = Utc(disruptedAt) + DeletionTimeout;
            if (expectedDeletion < now)
            {
                notDeleted.Add(pod.Metadata!.Name);
            }
            else
            {
                recheck = recheck is null || expectedDeletion < recheck ? expectedDeletion : recheck;
                result[pod.Metadata!.Name] = disruptedAt;
            }
        }

        return (result, recheck, notDeleted);
    }

    /// <summary>Upstream's countHealthyPods: Ready pods that are neither being deleted nor about to be.</summary>
    public static int CountHealthy(IReadOnlyList<V1Pod> pods, IReadOnlyDictionary<string, DateTime> disrupted, DateTimeOffset now) =>
        pods.Count(p => p.Metadata?.DeletionTimestamp is null
            && !(disrupted.TryGetValue(p.Metadata?.Name ?? "", out var at) && Utc(at) + DeletionTimeout > now)
            && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);

    /// <summary>Upstream's updatePdbStatus: the status to write, or null when the stored one says the same.</summary>
    public static V1PodDisruptionBudgetStatus? Status(V1PodDisruptionBudget pdb, int currentHealthy, int desiredHealthy, int expected, IReadOnlyDictionary<string, DateTime> disrupted, DateTimeOffset now)
    {
        var allowed = expected <= 0 || currentHealthy - desiredHealthy <= 0 ? 0 : currentHealthy - desiredHealthy;
        var generation = pdb.Metadata?.Generation ?? 0;
        var stored = pdb.Status;
        if (stored is not null && stored.CurrentHealthy == currentHealthy && stored.DesiredHealthy == desiredHealthy && stored.ExpectedPods == expected
            && stored.DisruptionsAllowed == allowed && SameDisrupted(stored.DisruptedPods, disrupted) && stored.ObservedGeneration == generation && ConditionUpToDate(pdb))
        {
            return null;
        }

        var status = new V1PodDisruptionBudgetStatus
        {
            CurrentHealthy = currentHealthy,
            DesiredHealthy = desiredHealthy,
            ExpectedPods = expected,
            DisruptionsAllowed = allowed,
            DisruptedPods = disrupted.Count > 0 ? disrupted.ToDictionary(p => p.Key, p => (DateTime?)p.Value, StringComparer.Ordinal) : null,
            ObservedGeneration = generation,
            Conditions = [.. stored?.Conditions ?? []],
        };
        SetCondition(status.Conditions, allowed > 0 ? "True" : "False", allowed > 0 ? SufficientPods : InsufficientPods, "", generation, now);
        return status;
    }

    /// <summary>Upstream's failSafe: when the counts cannot be told, no disruption is allowed, and the condition says why.</summary>
    public static V1PodDisruptionBudgetStatus FailSafe(V1PodDisruptionBudget pdb, string error, DateTimeOffset now)
    {
        var stored = pdb.Status ?? new V1PodDisruptionBudgetStatus();
        var generation = pdb.Metadata?.Generation ?? 0;
        var status = new V1PodDisruptionBudgetStatus
        {
            CurrentHealthy = stored.CurrentHealthy,
            DesiredHealthy = stored.DesiredHealthy,
            ExpectedPods = stored.ExpectedPods,
            DisruptedPods = stored.DisruptedPods,
            DisruptionsAllowed = 0,
            ObservedGeneration = generation,
            Conditions = [.. stored.Conditions ?? []],
        };
        SetCondition(status.Conditions, "False", SyncFailed, error, generation, now);
        return status;
    }

    /// <summary>Upstream's ConditionsAreUpToDate.</summary>
    public static bool ConditionUpToDate(V1PodDisruptionBudget pdb)
    {
        var status = pdb.Status;
        var condition = status?.Conditions?.FirstOrDefault(c => c.Type == DisruptionAllowedCondition);
        if (condition is null || status!.ObservedGeneration != (pdb.Metadata?.Generation ?? 0) || condition.ObservedGeneration != status.ObservedGeneration)
        {
            return false;
        }

        return status.DisruptionsAllowed > 0
            ? condition is { Status: "True", Reason: SufficientPods }
            : condition is { Status: "False", Reason: InsufficientPods };
    }

    /// <summary>An intstr: an int, or a string holding an int (the API keeps "2" apart from "2%", but both mean two).</summary>
    private static bool IsInt(IntOrString value, out int count)
    {
        count = 0;
        return value.Value is { } text && !text.EndsWith('%') && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out count);
    }

    /// <summary>intstr.GetScaledValueFromIntOrPercent with roundUp.</summary>
    private static bool TryScale(IntOrString value, int total, out int result, out string? error)
    {
        try
        {
            result = Deployments.Fenceposts.ScaledValue(value, total, roundUp: true);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            result = 0;
            error = e.Message;
            return false;
        }
    }

    private static void SetCondition(IList<V1Condition> conditions, string status, string reason, string message, long generation, DateTimeOffset now)
    {
        var existing = conditions.FirstOrDefault(c => c.Type == DisruptionAllowedCondition);
        if (existing is null)
        {
            conditions.Add(new V1Condition { Type = DisruptionAllowedCondition, Status = status, Reason = reason, Message = message, ObservedGeneration = generation, LastTransitionTime = now.UtcDateTime });
            return;
        }

        if (existing.Status != status)
        {
            existing.LastTransitionTime = now.UtcDateTime;
        }

        existing.Status = status;
        existing.Reason = reason;
        existing.Message = message;
        existing.ObservedGeneration = generation;
    }

    private static bool SameDisrupted(IDictionary<string, DateTime?>? stored, IReadOnlyDictionary<string, DateTime> now) =>
        (stored?.Count ?? 0) == now.Count && now.All(p => stored!.TryGetValue(p.Key, out var at) && at is { } time && Utc(time) == Utc(p.Value));

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time.ToUniversalTime(), DateTimeKind.Utc));
}
