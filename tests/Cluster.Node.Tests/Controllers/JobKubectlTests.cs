using Cluster.Node.Tests.Kubectl;

namespace Cluster.Node.Tests.Controllers;

/// <summary>Jobs and CronJobs driven by kubectl on simulated nodes with the whole control plane: containers that exit, Jobs that complete.</summary>
public sealed class JobKubectlTests(SchedulerKubectlTests.Cluster cluster) : IClassFixture<SchedulerKubectlTests.Cluster>
{
    private const string Ns = "batch";

    [Fact]
    public async Task CreateJob_ContainerExitsZero_RunsToCompleteAndWaitReturns()
    {
        await cluster.WaitForReadyNodesAsync();
        await cluster.RunAsync("create", "namespace", Ns);
        // The simulated runtime ends a container whose command is `sh -c "exit N"` at once with that code.
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "job", "once", "-n", Ns, "--image=simulated/batch", "--", "sh", "-c", "exit 0"));

        KubectlAssert.Succeeded(await cluster.RunAsync("wait", "--for=condition=complete", "job/once", "-n", Ns, "--timeout=60s"));

        var row = KubectlTable.Parse(await cluster.OutputAsync("get", "job", "once", "-n", Ns)).Rows.Single();
        Assert.Equal(("Complete", "1/1"), (row["STATUS"], row["COMPLETIONS"]));
        Assert.Equal("Succeeded", await cluster.JsonPathAsync("pods", Ns, "{.items[*].status.phase}"));
        Assert.Equal("once", await cluster.JsonPathAsync("pods", Ns, "{.items[*].metadata.labels.job-name}"));
        var events = await cluster.OutputAsync("get", "events", "-n", Ns, "--field-selector", "involvedObject.name=once", "-o", "jsonpath={.items[*].reason}");
        Assert.Contains("SuccessfulCreate", events, StringComparison.Ordinal);
        Assert.Contains("Completed", events, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateJob_ContainerExitsNonZero_BackoffLimitZero_FailedAndWaitReturns()
    {
        await cluster.WaitForReadyNodesAsync();
        await cluster.RunAsync("create", "namespace", Ns + "-f");
        KubectlAssert.Succeeded(await cluster.RunWithInputAsync($$"""
            apiVersion: batch/v1
            kind: Job
            metadata: {name: broken, namespace: {{Ns}}-f}
            spec:
              backoffLimit: 0
              template:
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: simulated/batch, command: [sh, -c, exit 3]}]
            """, "apply", "-f", "-"));

        KubectlAssert.Succeeded(await cluster.RunAsync("wait", "--for=condition=failed", "job/broken", "-n", Ns + "-f", "--timeout=60s"));

        Assert.Equal("BackoffLimitExceeded", await cluster.JsonPathAsync("job/broken", Ns + "-f", "{.status.conditions[?(@.type==\"Failed\")].reason}"));
        Assert.Equal("1", await cluster.JsonPathAsync("job/broken", Ns + "-f", "{.status.failed}"));
    }

    [Fact]
    public async Task CreateCronJob_ThenJobFromIt_TheJobRunsToComplete()
    {
        await cluster.WaitForReadyNodesAsync();
        await cluster.RunAsync("create", "namespace", Ns + "-cron");
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "cronjob", "nightly", "-n", Ns + "-cron", "--image=simulated/batch", "--schedule=0 3 * * *", "--", "sh", "-c", "exit 0"));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "job", "manual", "-n", Ns + "-cron", "--from=cronjob/nightly"));

        KubectlAssert.Succeeded(await cluster.RunAsync("wait", "--for=condition=complete", "job/manual", "-n", Ns + "-cron", "--timeout=60s"));

        Assert.Equal("CronJob/nightly", await cluster.JsonPathAsync("job/manual", Ns + "-cron", "{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}"));
        Assert.Equal("manual", await cluster.JsonPathAsync("job/manual", Ns + "-cron", "{.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}"));
        var row = KubectlTable.Parse(await cluster.OutputAsync("get", "cronjob", "nightly", "-n", Ns + "-cron")).Rows.Single();
        Assert.Equal(("0 3 * * *", "False", "0"), (row["SCHEDULE"], row["SUSPEND"], row["ACTIVE"]));
    }
}
