using k8s.Models;

namespace Cluster.Controllers.Autoscaling;

/// <summary>
/// The metrics' proposal bounded as the autoscaler may apply it, with the AbleToScale reason and the ScalingLimited
/// condition it gives.
/// </summary>
public sealed record Normalization(int Replicas, string AbleReason, string AbleMessage, bool Limited, string LimitReason, string LimitMessage);

/// <summary>
/// Upstream's normalizeDesiredReplicas (no behavior: the highest recommendation of the downscale stabilization
/// window, at most max(2 × current, 4)) and normalizeDesiredReplicasWithBehaviors (each direction's stabilization
/// window, then its policies: Pods or Percent per period, the largest change or with selectPolicy Min the smallest,
/// or none with Disabled), then minReplicas and maxReplicas. Times come from the caller's clock.
/// </summary>
public static class ScaleNormalizer
{
    private const string ReadyForNewScale = "recommended size matches current size";
    private const string WithinRange = "the desired count is within the acceptable range";

    /// <summary>The first sync's recommendation is the current count: a new autoscaler does not scale down at once.</summary>
    public static void RecordInitial(ScaleHistory history, int current, DateTimeOffset now)
    {
        if (history.Recommendations.Count == 0)
        {
            history.Recommendations.Add(new(current, now));
        }
    }

    public static Normalization WithoutBehavior(ScaleHistory history, int current, int desired, int min, int max, TimeSpan downscaleWindow, DateTimeOffset now)
    {
        var stabilized = desired;
        var oldest = -1;
        var cutoff = now - downscaleWindow;
        for (var i = 0; i < history.Recommendations.Count; i++)
        {
            var r = history.Recommendations[i];
            if (r.At < cutoff)
            {
                oldest = i;
            }
            else
            {
                stabilized = Math.Max(stabilized, r.Replicas);
            }
        }

        Remember(history.Recommendations, oldest, new(desired, now));
        var (ableReason, ableMessage) = stabilized != desired
            ? ("ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation")
            : ("ReadyForNewScale", ReadyForNewScale);

        var scaleUpLimit = Math.Max(2 * current, 4);
        var (ceiling, reason, message) = max > scaleUpLimit
            ? (scaleUpLimit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
            : (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
        var replicas = stabilized;
        if (stabilized < min)
        {
            (replicas, reason, message) = (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
        }
        else if (stabilized > ceiling)
        {
            replicas = ceiling;
        }
        else
        {
            (reason, message) = ("DesiredWithinRange", WithinRange);
        }

        return new Normalization(replicas, ableReason, ableMessage, replicas != stabilized, reason, message);
    }

    /// <param name="behavior">Completed by <see cref="Complete"/>: every rule has its window, select policy and policies.</param>
    public static Normalization WithBehavior(ScaleHistory history, V2HorizontalPodAutoscalerBehavior behavior, int current, int desired, int min, int max, DateTimeOffset now)
    {
        var (stabilized, ableReason, ableMessage) = Stabilize(history, behavior, current, desired, now);
        if (stabilized == desired)
        {
            (ableReason, ableMessage) = ("ReadyForNewScale", ReadyForNewScale);
        }

        var (replicas, reason, message) = (stabilized, "DesiredWithinRange", WithinRange);
        if (stabilized > current)
        {
            var limit = Math.Max(ScaleUpLimit(current, history.ScaleUps, behavior.ScaleUp, now), current);
            var (ceiling, why, text) = max > limit
                ? (limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
                : (max, "TooManyReplicas", "the desired replica count is more than the maximum replica count");
            if (stabilized > ceiling)
            {
                (replicas, reason, message) = (ceiling, why, text);
            }
        }
        else if (stabilized < current)
        {
            var limit = Math.Min(ScaleDownLimit(current, history.ScaleDowns, behavior.ScaleDown, now), current);
            var (floor, why, text) = min < limit
                ? (limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
                : (min, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
            if (stabilized < floor)
            {
                (replicas, reason, message) = (floor, why, text);
            }
        }

        return new Normalization(replicas, ableReason, ableMessage, replicas != stabilized, reason, message);
    }

    /// <summary>
    /// A behavior with every gap filled as the API's defaulting and upstream's maybeInitScaleDownStabilizationWindow do:
    /// scale-up window 0 with 4 pods or 100% per 15 s, scale-down window <paramref name="downscaleWindow"/> with 100% per 15 s.
    /// </summary>
    public static V2HorizontalPodAutoscalerBehavior Complete(V2HorizontalPodAutoscalerBehavior behavior, TimeSpan downscaleWindow) => new()
    {
        ScaleUp = CompleteRules(behavior.ScaleUp, 0, () => [Policy("Pods", 4), Policy("Percent", 100)]),
        ScaleDown = CompleteRules(behavior.ScaleDown, (int)downscaleWindow.TotalSeconds, () => [Policy("Percent", 100)]),
    };

    /// <summary>Upstream's storeScaleEvent: remembered only with a behavior, whose policies alone read them.</summary>
    public static void RecordScale(ScaleHistory history, V2HorizontalPodAutoscalerBehavior? behavior, int previous, int next, DateTimeOffset now)
    {
        if (behavior is null || previous == next)
        {
            return;
        }

        var (events, rules) = next > previous ? (history.ScaleUps, behavior.ScaleUp) : (history.ScaleDowns, behavior.ScaleDown);
        var cutoff = now - TimeSpan.FromSeconds(rules.Policies?.Select(p => p.PeriodSeconds).DefaultIfEmpty(0).Max() ?? 0);
        var reuse = -1;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Outdated || events[i].At < cutoff)
            {
                events[i] = events[i] with { Outdated = true };
                reuse = i;
            }
        }

        var added = new ScaleHistory.ScaleEvent(Math.Abs(next - previous), now, false);
        if (reuse >= 0)
        {
            events[reuse] = added;
        }
        else
        {
            events.Add(added);
        }
    }

    /// <summary>
    /// Upstream's stabilizeRecommendationWithBehaviors: a scale-up takes the lowest recommendation of its window, a
    /// scale-down the highest of its, so a short spike or dip does not move the count.
    /// </summary>
    private static (int Replicas, string Reason, string Message) Stabilize(ScaleHistory history, V2HorizontalPodAutoscalerBehavior behavior, int current, int desired, DateTimeOffset now)
    {
        var up = desired >= current;
        var window = up ? behavior.ScaleUp.StabilizationWindowSeconds ?? 0 : behavior.ScaleDown.StabilizationWindowSeconds ?? 0;
        var longest = Math.Max(behavior.ScaleUp.StabilizationWindowSeconds ?? 0, behavior.ScaleDown.StabilizationWindowSeconds ?? 0);
        var cutoff = now - TimeSpan.FromSeconds(window);
        var obsolete = now - TimeSpan.FromSeconds(longest);
        var recommendation = desired;
        var oldest = -1;
        for (var i = 0; i < history.Recommendations.Count; i++)
        {
            var r = history.Recommendations[i];
            if (r.At > cutoff)
            {
                recommendation = up ? Math.Min(recommendation, r.Replicas) : Math.Max(recommendation, r.Replicas);
            }

            if (r.At < obsolete)
            {
                oldest = i;
            }
        }

        Remember(history.Recommendations, oldest, new(desired, now));
        return up
            ? (recommendation, "ScaleUpStabilized", "recent recommendations were lower than current one, applying the lowest recent recommendation")
            : (recommendation, "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");
    }

    /// <summary>Upstream's calculateScaleUpLimitWithScalingRules: each policy allows a growth from the count at the start of its period.</summary>
    private static int ScaleUpLimit(int current, List<ScaleHistory.ScaleEvent> events, V2HPAScalingRules rules, DateTimeOffset now)
    {
        if (rules.SelectPolicy == "Disabled")
        {
            return current;
        }

        var minChange = rules.SelectPolicy == "Min";
        var result = minChange ? int.MaxValue : int.MinValue;
        foreach (var policy in rules.Policies ?? [])
        {
            var periodStart = current - ChangeInPeriod(events, policy.PeriodSeconds, now);
            var proposed = policy.Type == "Pods" ? periodStart + policy.Value : (int)Math.Ceiling(periodStart * (1 + policy.Value / 100.0));
            result = minChange ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }

        return result;
    }

    /// <summary>Upstream's calculateScaleDownLimitWithBehaviors: each policy allows a shrink from the count at the start of its period.</summary>
    private static int ScaleDownLimit(int current, List<ScaleHistory.ScaleEvent> events, V2HPAScalingRules rules, DateTimeOffset now)
    {
        if (rules.SelectPolicy == "Disabled")
        {
            return current;
        }

        var minChange = rules.SelectPolicy == "Min";
        var result = minChange ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies ?? [])
        {
            var periodStart = current + ChangeInPeriod(events, policy.PeriodSeconds, now);
            var proposed = policy.Type == "Pods" ? periodStart - policy.Value : (int)(periodStart * (1 - policy.Value / 100.0));
            result = minChange ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }

        return result;
    }

    private static int ChangeInPeriod(List<ScaleHistory.ScaleEvent> events, int periodSeconds, DateTimeOffset now)
    {
        var cutoff = now - TimeSpan.FromSeconds(periodSeconds);
        return events.Where(e => e.At > cutoff).Sum(e => e.Change);
    }

    /// <summary>A new recommendation takes the slot of an obsolete one, so the list stays as long as the window needs.</summary>
    private static void Remember(List<ScaleHistory.Recommendation> recommendations, int obsolete, ScaleHistory.Recommendation added)
    {
        if (obsolete >= 0)
        {
            recommendations[obsolete] = added;
        }
        else
        {
            recommendations.Add(added);
        }
    }

    private static V2HPAScalingRules CompleteRules(V2HPAScalingRules? rules, int window, Func<List<V2HPAScalingPolicy>> policies) => new()
    {
        StabilizationWindowSeconds = rules?.StabilizationWindowSeconds ?? window,
        SelectPolicy = rules?.SelectPolicy ?? "Max",
        Policies = rules?.Policies is { Count: > 0 } given ? given : policies(),
    };

    private static V2HPAScalingPolicy Policy(string type, int value) => new() { Type = type, Value = value, PeriodSeconds = 15 };
}
