using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;

namespace Cluster.Core.Tests.Registry.Admission;

public sealed class PodPriorityAdmissionSpec
{
    private static JsonObject Class(string name, long value, bool globalDefault = false, string policy = "PreemptLowerPriority") =>
        new() { ["metadata"] = new JsonObject { ["name"] = name }, ["value"] = value, ["globalDefault"] = globalDefault, ["preemptionPolicy"] = policy };

    private static JsonObject Pod(string? className = null, long? priority = null)
    {
        var spec = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "x" }) };
        if (className is not null)
        {
            spec["priorityClassName"] = className;
        }

        if (priority is not null)
        {
            spec["priority"] = priority;
        }

        return new JsonObject { ["metadata"] = new JsonObject { ["name"] = "p" }, ["spec"] = spec };
    }

    [Fact]
    public void Apply_NamedClass_PriorityAndPolicyFromIt()
    {
        var pod = Pod("high");

        PodPriorityAdmission.Apply(pod, [Class("high", 1000, policy: "Never"), Class("low", 1)]);

        Assert.Equal(1000, (long)pod["spec"]!["priority"]!);
        Assert.Equal("Never", (string?)pod["spec"]!["preemptionPolicy"]);
    }

    [Fact]
    public void Apply_NoClass_HighestGlobalDefaultNamedAndUsed()
    {
        var pod = Pod();

        PodPriorityAdmission.Apply(pod, [Class("a", 5, globalDefault: true), Class("b", 50, globalDefault: true), Class("c", 500)]);

        Assert.Equal("b", (string?)pod["spec"]!["priorityClassName"]);
        Assert.Equal(50, (long)pod["spec"]!["priority"]!);
    }

    [Fact]
    public void Apply_NoClassNoDefault_PriorityZero()
    {
        var pod = Pod();

        PodPriorityAdmission.Apply(pod, [Class("c", 500)]);

        Assert.Equal(0, (long)pod["spec"]!["priority"]!);
        Assert.Null(pod["spec"]!["priorityClassName"]);
        Assert.Equal("PreemptLowerPriority", (string?)pod["spec"]!["preemptionPolicy"]);
    }

    [Fact]
    public void Apply_UnknownClass_ForbiddenAsUpstream()
    {
        var error = Assert.Throws<ApiException>(() => PodPriorityAdmission.Apply(Pod("missing"), []));

        Assert.Equal(403, error.Code);
        Assert.Equal("pods \"p\" is forbidden: no PriorityClass with name missing was found", error.Message);
    }

    [Theory]
    [InlineData(1000, true)]
    [InlineData(7, false)]
    public void Apply_StatedPriority_OnlyTheClassValueIsAccepted(long stated, bool accepted)
    {
        var pod = Pod("high", stated);

        var error = Record.Exception(() => PodPriorityAdmission.Apply(pod, [Class("high", 1000)]));

        Assert.Equal(accepted, error is null);
        if (!accepted)
        {
            Assert.Equal("pods \"p\" is forbidden: the integer value of priority (7) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name", error!.Message);
        }
    }
}
