using Cluster.Controllers.Scheduling.Plugins;
using k8s.Models;

namespace Cluster.Controllers.Tests.Scheduling;

/// <summary>Cases ported from upstream's core/v1 toleration_test.go (TestTolerationToleratesTaint) and taint helper tests.</summary>
public sealed class TaintMatchSpec
{
    [Theory]
    [InlineData("foo", "Exists", null, "NoSchedule", "foo", null, "NoSchedule", true)] // same key and effect, Exists, taint without value
    [InlineData("foo", "Exists", null, "NoSchedule", "foo", "bar", "NoSchedule", true)] // same key and effect, Exists, taint with a value
    [InlineData("", "Exists", null, "NoSchedule", "foo", "bar", "NoSchedule", true)] // empty key with Exists tolerates every key
    [InlineData("", "Exists", null, "", "foo", "bar", "NoExecute", true)] // empty key and effect with Exists tolerates everything
    [InlineData("foo", "Equal", "bar", "NoSchedule", "foo", "bar", "NoSchedule", true)] // Equal with the same value
    [InlineData("foo", "Equal", "value1", "NoSchedule", "foo", "value2", "NoSchedule", false)] // Equal with another value
    [InlineData("foo", null, "bar", "NoSchedule", "foo", "bar", "NoSchedule", true)] // unstated operator means Equal
    [InlineData("foo", "", "baz", "NoSchedule", "foo", "bar", "NoSchedule", false)] // empty operator means Equal: values differ
    [InlineData("foo", "Exists", null, "NoExecute", "foo", "bar", "NoSchedule", false)] // same key, different effect
    [InlineData("foo", "Exists", null, "", "foo", "bar", "PreferNoSchedule", true)] // empty effect matches every effect
    [InlineData("foo", "Exists", null, "NoSchedule", "bar", null, "NoSchedule", false)] // different keys
    [InlineData("foo", "Gt", "1", "NoSchedule", "foo", "2", "NoSchedule", false)] // an unknown operator tolerates nothing
    public void ToleratesTaint_UpstreamCase_GivesUpstreamAnswer(string key, string? op, string? value, string effect, string taintKey, string? taintValue, string taintEffect, bool want)
    {
        var toleration = new V1Toleration { Key = key, OperatorProperty = op, Value = value, Effect = effect };
        var taint = new V1Taint { Key = taintKey, Value = taintValue, Effect = taintEffect };

        Assert.Equal(want, TaintMatch.ToleratesTaint(toleration, taint));
    }

    [Fact]
    public void Tolerates_NoTolerations_False()
    {
        var taint = new V1Taint { Key = "foo", Effect = "NoSchedule" };

        Assert.False(TaintMatch.Tolerates(null, taint));
        Assert.False(TaintMatch.Tolerates([], taint));
    }

    [Fact]
    public void Tolerates_OneOfSeveralTolerationsMatches_True()
    {
        var tolerations = new List<V1Toleration>
        {
            new() { Key = "other", OperatorProperty = "Exists" },
            new() { Key = "foo", OperatorProperty = "Equal", Value = "bar", Effect = "NoSchedule" },
        };

        Assert.True(TaintMatch.Tolerates(tolerations, new V1Taint { Key = "foo", Value = "bar", Effect = "NoSchedule" }));
        Assert.False(TaintMatch.Tolerates(tolerations, new V1Taint { Key = "foo", Value = "baz", Effect = "NoSchedule" }));
    }

    [Theory]
    [InlineData("PreferNoSchedule", true)]
    [InlineData("NoSchedule", false)]
    [InlineData("NoExecute", false)]
    public void ToleratesDoNotScheduleTaints_UntoleratedTaint_OnlyNoScheduleAndNoExecuteExclude(string effect, bool want)
    {
        var taints = new List<V1Taint> { new() { Key = "tolerated", Effect = "NoSchedule" }, new() { Key = "untolerated", Effect = effect } };
        var tolerations = new List<V1Toleration> { new() { Key = "tolerated", OperatorProperty = "Exists" } };

        Assert.Equal(want, TaintMatch.ToleratesDoNotScheduleTaints(tolerations, taints));
    }
}
