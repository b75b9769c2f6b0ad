using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class PodFailurePolicyRulesSpec
{
    private static readonly IResourceStrategy Jobs = StrategyCatalog.For(BuiltInKinds.Job);

    private static IReadOnlyList<StatusCause> Validate(string rules, string restartPolicy = "Never")
    {
        var job = Json("""{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"pi","namespace":"default","uid":"uid-1"},"spec":{"podFailurePolicy":{"rules":@RULES},"template":{"spec":{"restartPolicy":"@RESTART","initContainers":[{"name":"init","image":"busybox"}],"containers":[{"name":"main","image":"busybox"}]}}}}"""
            .Replace("@RULES", rules, StringComparison.Ordinal).Replace("@RESTART", restartPolicy, StringComparison.Ordinal));
        Jobs.PrepareForCreate(job);
        return Jobs.Validate(job);
    }

    [Fact]
    public void Validate_UpstreamExample_Accepted() =>
        NoCauses(Validate("""[{"action":"FailJob","onExitCodes":{"containerName":"main","operator":"In","values":[1,2,3]}},{"action":"Ignore","onPodConditions":[{"type":"DisruptionTarget"}]}]"""));

    [Fact]
    public void Validate_RestartPolicyOnFailure_OnlyNeverSupported() =>
        HasCause(Validate("""[{"action":"Count","onExitCodes":{"operator":"In","values":[1]}}]""", "OnFailure"), "spec.template.spec.restartPolicy", "only \"Never\" is supported when podFailurePolicy is specified");

    [Theory]
    [InlineData("""[{"action":"Retry","onExitCodes":{"operator":"In","values":[1]}}]""", "spec.podFailurePolicy.rules[0].action", "Unsupported value: \"Retry\"")]
    [InlineData("""[{"action":"Count"}]""", "spec.podFailurePolicy.rules[0]", "specifying one of OnExitCodes and OnPodConditions is required")]
    [InlineData("""[{"action":"Count","onExitCodes":{"operator":"In","values":[1]},"onPodConditions":[{"type":"X"}]}]""", "spec.podFailurePolicy.rules[0]", "specifying both OnExitCodes and OnPodConditions is not supported")]
    [InlineData("""[{"action":"Count","onExitCodes":{"operator":"Is","values":[1]}}]""", "spec.podFailurePolicy.rules[0].onExitCodes.operator", "Unsupported value: \"Is\"")]
    [InlineData("""[{"action":"Count","onExitCodes":{"operator":"In","values":[]}}]""", "spec.podFailurePolicy.rules[0].onExitCodes.values", "Required value")]
    [InlineData("""[{"action":"Count","onExitCodes":{"operator":"In","values":[0,1]}}]""", "spec.podFailurePolicy.rules[0].onExitCodes.values[0]", "must not be 0 for the In operator")]
    [InlineData("""[{"action":"Count","onExitCodes":{"operator":"NotIn","values":[2,1]}}]""", "spec.podFailurePolicy.rules[0].onExitCodes.values[1]", "must be ordered")]
    [InlineData("""[{"action":"Count","onExitCodes":{"operator":"NotIn","values":[1,1]}}]""", "spec.podFailurePolicy.rules[0].onExitCodes.values[1]", "Duplicate value")]
    [InlineData("""[{"action":"Count","onExitCodes":{"containerName":"other","operator":"In","values":[1]}}]""", "spec.podFailurePolicy.rules[0].onExitCodes.containerName", "must be one of the container or initContainer names in the pod template")]
    [InlineData("""[{"action":"Ignore","onPodConditions":[{"status":"True"}]}]""", "spec.podFailurePolicy.rules[0].onPodConditions[0].type", "Required value")]
    [InlineData("""[{"action":"Ignore","onPodConditions":[{"type":"DisruptionTarget","status":"Maybe"}]}]""", "spec.podFailurePolicy.rules[0].onPodConditions[0].status", "Unsupported value: \"Maybe\"")]
    public void Validate_BadRule_UpstreamCause(string rules, string field, string message) =>
        HasCause(Validate(rules), field, message);

    [Fact]
    public void Validate_TooManyRules_TooMany()
    {
        var rules = new JsonArray([.. Enumerable.Range(0, 21).Select(_ => JsonNode.Parse("""{"action":"Count","onExitCodes":{"operator":"In","values":[1]}}"""))]);
        HasCause(Validate(rules.ToJsonString()), "spec.podFailurePolicy.rules", "Too many: 21: must have at most 20 items");
    }

    [Fact]
    public void Validate_InitContainerNamed_Accepted() =>
        NoCauses(Validate("""[{"action":"FailJob","onExitCodes":{"containerName":"init","operator":"NotIn","values":[0]}}]"""));
}
