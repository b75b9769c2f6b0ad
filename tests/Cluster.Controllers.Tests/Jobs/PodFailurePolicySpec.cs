using Cluster.Controllers.Jobs;
using k8s.Models;
using static Cluster.Controllers.Tests.Jobs.JobFixtures;

namespace Cluster.Controllers.Tests.Jobs;

public sealed class PodFailurePolicySpec
{
    [Theory]
    [InlineData("In", new[] { 42 }, 42, "FailJob")]
    [InlineData("In", new[] { 42 }, 1, null)]
    [InlineData("NotIn", new[] { 1, 2 }, 42, "FailJob")]
    [InlineData("NotIn", new[] { 1, 2 }, 2, null)]
    public void Judge_OnExitCodes_OperatorDecides(string op, int[] values, int exitCode, string? expected)
    {
        var job = WithPolicy(Rule("FailJob", codes: new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = op, Values = values }));
        var verdict = PodFailurePolicy.Judge(job, Failed("a", exitCode));
        Assert.Equal(expected is not null, verdict.FailJobMessage is not null);
        Assert.True(verdict.CountsFailure);
    }

    [Fact]
    public void Judge_FailJobByExitCode_UpstreamMessage() =>
        Assert.Equal(
            "Container pi for pod batch/a failed with exit code 42 matching FailJob rule at index 1",
            PodFailurePolicy.Judge(WithPolicy(
                Rule("Ignore", codes: new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [7] }),
                Rule("FailJob", codes: new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [42] })), Failed("a", 42)).FailJobMessage);

    [Fact]
    public void Judge_OtherContainerNamed_NoMatch() =>
        Assert.Null(PodFailurePolicy.Judge(WithPolicy(Rule("FailJob", codes: new V1PodFailurePolicyOnExitCodesRequirement { ContainerName = "sidecar", OperatorProperty = "In", Values = [42] })), Failed("a", 42)).FailJobMessage);

    [Fact]
    public void Judge_IgnoreByPodCondition_NotCounted()
    {
        var pod = Failed("a", 137);
        pod.Status.Conditions.Add(new V1PodCondition { Type = "DisruptionTarget", Status = "True" });
        var verdict = PodFailurePolicy.Judge(WithPolicy(Rule("Ignore", conditions: [new V1PodFailurePolicyOnPodConditionsPattern { Type = "DisruptionTarget", Status = "True" }])), pod);
        Assert.Equal(new PodFailureVerdict(null, false), verdict);
    }

    [Fact]
    public void Judge_FirstMatchingRuleWins_CountStopsTheSearch() =>
        Assert.Equal(new PodFailureVerdict(null, true), PodFailurePolicy.Judge(WithPolicy(
            Rule("Count", codes: new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [42] }),
            Rule("FailJob", codes: new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [42] })), Failed("a", 42)));

    [Fact]
    public void Plan_FailJobRuleMatches_FailureTargetWithPolicyReason_BeforeTheBackoffLimit()
    {
        var job = WithPolicy(Rule("FailJob", codes: new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [42] }));
        var plan = JobPlanner.Plan(job, [Failed("a", 42), Pod("b")], Start);

        var target = Condition(plan.Status, JobFacts.FailureTarget);
        Assert.Equal(("PodFailurePolicy", "Container pi for pod batch/a failed with exit code 42 matching FailJob rule at index 0"), (target?.Reason, target?.Message));
        Assert.Equal(["b"], plan.Delete.Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Plan_IgnoredFailures_DoNotCountAgainstBackoffLimit()
    {
        var job = WithPolicy(Rule("Ignore", codes: new V1PodFailurePolicyOnExitCodesRequirement { OperatorProperty = "In", Values = [137] }));
        job.Spec.BackoffLimit = 0;
        var plan = JobPlanner.Plan(job, [Failed("a", 137), Failed("b", 137)], Start.AddMinutes(10));

        Assert.Null(Condition(plan.Status, JobFacts.FailureTarget));
        Assert.Null(plan.Status.Failed);
        Assert.Single(plan.Create);

        var counted = JobPlanner.Plan(job, [Failed("a", 137), Failed("c", 1)], Start.AddMinutes(10));
        Assert.Equal("BackoffLimitExceeded", Condition(counted.Status, JobFacts.FailureTarget)?.Reason);
        Assert.Equal(["uid-c"], counted.Status.UncountedTerminatedPods.Failed);
        Assert.Equal(["a", "c"], counted.Release.Select(p => p.Metadata.Name).Order());
    }

    private static V1Job WithPolicy(params V1PodFailurePolicyRule[] rules)
    {
        var job = Job(completions: 1);
        job.Spec.PodFailurePolicy = new V1PodFailurePolicy { Rules = rules };
        return job;
    }

    private static V1PodFailurePolicyRule Rule(string action, V1PodFailurePolicyOnExitCodesRequirement? codes = null, List<V1PodFailurePolicyOnPodConditionsPattern>? conditions = null) =>
        new() { Action = action, OnExitCodes = codes, OnPodConditions = conditions };

    private static V1Pod Failed(string name, int exitCode)
    {
        var pod = Pod(name, "Failed", Start);
        pod.Status.ContainerStatuses[0].State.Terminated.ExitCode = exitCode;
        return pod;
    }
}
