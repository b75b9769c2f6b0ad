using Cluster.Controllers.Autoscaling;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Controllers.Tests.Autoscaling;

public sealed class ScaleNormalizerSpec
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _clock = new(AutoscalingFixtures.Now);
    private readonly ScaleHistory _history = new();

    private static V2HorizontalPodAutoscalerBehavior Defaults => ScaleNormalizer.Complete(new V2HorizontalPodAutoscalerBehavior(), Window);

    public static TheoryData<int, int, int, int, int, bool, string> Legacy => new()
    {
        // current, desired, min, max, expected, limited, reason
        { 3, 10, 1, 20, 6, true, "ScaleUpLimit" },
        { 1, 10, 1, 20, 4, true, "ScaleUpLimit" },
        { 3, 10, 1, 5, 5, true, "TooManyReplicas" },
        { 3, 5, 1, 10, 5, false, "DesiredWithinRange" },
        { 3, 0, 2, 10, 3, false, "DesiredWithinRange" }, // the initial recommendation (3) holds a scale-down
    };

    [Theory]
    [MemberData(nameof(Legacy))]
    public void WithoutBehavior_Table_BoundsAsUpstream(int current, int desired, int min, int max, int expected, bool limited, string reason)
    {
        ScaleNormalizer.RecordInitial(_history, current, _clock.GetUtcNow());

        var n = ScaleNormalizer.WithoutBehavior(_history, current, desired, min, max, Window, _clock.GetUtcNow());

        Assert.Equal((expected, limited, reason), (n.Replicas, n.Limited, n.LimitReason));
    }

    [Fact]
    public void WithoutBehavior_ScaleDownWithinWindow_HeldAtHighestRecentRecommendation_ThenAppliedOnceItAges()
    {
        ScaleNormalizer.RecordInitial(_history, 5, _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromMinutes(1));

        var held = ScaleNormalizer.WithoutBehavior(_history, 5, 2, 1, 10, Window, _clock.GetUtcNow());
        Assert.Equal((5, "ScaleDownStabilized"), (held.Replicas, held.AbleReason));

        _clock.Advance(TimeSpan.FromMinutes(4.5)); // the 5 is now 5.5 minutes old, the first 2 only 4.5
        var applied = ScaleNormalizer.WithoutBehavior(_history, 5, 2, 1, 10, Window, _clock.GetUtcNow());
        Assert.Equal((2, "ReadyForNewScale"), (applied.Replicas, applied.AbleReason));
    }

    [Fact]
    public void WithoutBehavior_BelowMin_RaisedToMin()
    {
        _clock.Advance(TimeSpan.FromMinutes(10));

        var n = ScaleNormalizer.WithoutBehavior(_history, 3, 1, 2, 10, Window, _clock.GetUtcNow());

        Assert.Equal((2, true, "TooFewReplicas"), (n.Replicas, n.Limited, n.LimitReason));
    }

    [Fact]
    public void WithBehavior_DefaultScaleUp_FourPodsOrDoublePer15s_CountedFromThePeriodsStart()
    {
        var behavior = Defaults;
        ScaleNormalizer.RecordInitial(_history, 1, _clock.GetUtcNow());

        var first = ScaleNormalizer.WithBehavior(_history, behavior, 1, 20, 1, 100, _clock.GetUtcNow());
        Assert.Equal((5, true, "ScaleUpLimit"), (first.Replicas, first.Limited, first.LimitReason));
        ScaleNormalizer.RecordScale(_history, behavior, 1, 5, _clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromSeconds(10)); // same period: the 4 added count against it
        var same = ScaleNormalizer.WithBehavior(_history, behavior, 5, 20, 1, 100, _clock.GetUtcNow());
        Assert.Equal(5, same.Replicas);

        _clock.Advance(TimeSpan.FromSeconds(6)); // a new period: max(5 + 4, 5 × 2)
        var next = ScaleNormalizer.WithBehavior(_history, behavior, 5, 20, 1, 100, _clock.GetUtcNow());
        Assert.Equal((10, "ScaleUpLimit"), (next.Replicas, next.LimitReason));
    }

    [Theory]
    [InlineData("Max", 20)]
    [InlineData("Min", 14)]
    [InlineData("Disabled", 10)]
    public void WithBehavior_SelectPolicy_PicksLargestOrSmallestChangeOrNone(string select, int expected)
    {
        var behavior = ScaleNormalizer.Complete(new V2HorizontalPodAutoscalerBehavior { ScaleUp = new V2HPAScalingRules { SelectPolicy = select } }, Window);

        var n = ScaleNormalizer.WithBehavior(_history, behavior, 10, 30, 1, 100, _clock.GetUtcNow());

        Assert.Equal(expected, n.Replicas);
    }

    [Fact]
    public void WithBehavior_ScaleDownPodsPolicy_OnePodPerMinute()
    {
        var behavior = ScaleNormalizer.Complete(new V2HorizontalPodAutoscalerBehavior
        {
            ScaleDown = new V2HPAScalingRules { StabilizationWindowSeconds = 0, Policies = [new V2HPAScalingPolicy { Type = "Pods", Value = 1, PeriodSeconds = 60 }] },
        }, Window);

        var first = ScaleNormalizer.WithBehavior(_history, behavior, 5, 1, 1, 10, _clock.GetUtcNow());
        Assert.Equal((4, "ScaleDownLimit"), (first.Replicas, first.LimitReason));
        ScaleNormalizer.RecordScale(_history, behavior, 5, 4, _clock.GetUtcNow());

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(4, ScaleNormalizer.WithBehavior(_history, behavior, 4, 1, 1, 10, _clock.GetUtcNow()).Replicas);

        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(3, ScaleNormalizer.WithBehavior(_history, behavior, 4, 1, 1, 10, _clock.GetUtcNow()).Replicas);
    }

    [Fact]
    public void WithBehavior_ScaleDownDisabled_KeepsTheCount()
    {
        var behavior = ScaleNormalizer.Complete(new V2HorizontalPodAutoscalerBehavior { ScaleDown = new V2HPAScalingRules { StabilizationWindowSeconds = 0, SelectPolicy = "Disabled" } }, Window);

        var n = ScaleNormalizer.WithBehavior(_history, behavior, 10, 2, 1, 20, _clock.GetUtcNow());

        Assert.Equal((10, true, "ScaleDownLimit"), (n.Replicas, n.Limited, n.LimitReason));
    }

    [Fact]
    public void WithBehavior_ScaleDownWindow_DefaultsToTheSetting_HighestRecentRecommendationWins()
    {
        var behavior = Defaults;
        Assert.Equal(300, behavior.ScaleDown.StabilizationWindowSeconds);
        ScaleNormalizer.RecordInitial(_history, 8, _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(8, ScaleNormalizer.WithBehavior(_history, behavior, 8, 6, 1, 20, _clock.GetUtcNow()).Replicas);

        _clock.Advance(TimeSpan.FromMinutes(2));
        var held = ScaleNormalizer.WithBehavior(_history, behavior, 8, 2, 1, 20, _clock.GetUtcNow());
        Assert.Equal((8, "ScaleDownStabilized"), (held.Replicas, held.AbleReason));

        _clock.Advance(TimeSpan.FromMinutes(1.5)); // the 8 has aged out; the 6 of 3.5 minutes ago has not
        Assert.Equal(6, ScaleNormalizer.WithBehavior(_history, behavior, 8, 2, 1, 20, _clock.GetUtcNow()).Replicas);
    }

    [Fact]
    public void WithBehavior_ScaleUpWindow_LowestRecentRecommendationWins()
    {
        var behavior = ScaleNormalizer.Complete(new V2HorizontalPodAutoscalerBehavior { ScaleUp = new V2HPAScalingRules { StabilizationWindowSeconds = 60 } }, Window);
        ScaleNormalizer.RecordInitial(_history, 3, _clock.GetUtcNow());
        _clock.Advance(TimeSpan.FromSeconds(10));

        var held = ScaleNormalizer.WithBehavior(_history, behavior, 3, 6, 1, 20, _clock.GetUtcNow());
        Assert.Equal((3, "ScaleUpStabilized"), (held.Replicas, held.AbleReason));

        _clock.Advance(TimeSpan.FromSeconds(55)); // the 3 has aged out of the minute
        Assert.Equal(6, ScaleNormalizer.WithBehavior(_history, behavior, 3, 6, 1, 20, _clock.GetUtcNow()).Replicas);
    }

    [Fact]
    public void Complete_GivenRules_KeptAndGapsFilled()
    {
        var behavior = ScaleNormalizer.Complete(new V2HorizontalPodAutoscalerBehavior { ScaleDown = new V2HPAScalingRules { SelectPolicy = "Min" } }, TimeSpan.FromSeconds(120));

        Assert.Equal((0, "Max"), (behavior.ScaleUp.StabilizationWindowSeconds, behavior.ScaleUp.SelectPolicy));
        Assert.Equal([("Pods", 4, 15), ("Percent", 100, 15)], behavior.ScaleUp.Policies.Select(p => (p.Type, p.Value, p.PeriodSeconds)));
        Assert.Equal((120, "Min"), (behavior.ScaleDown.StabilizationWindowSeconds, behavior.ScaleDown.SelectPolicy));
        Assert.Equal([("Percent", 100, 15)], behavior.ScaleDown.Policies.Select(p => (p.Type, p.Value, p.PeriodSeconds)));
    }
}
