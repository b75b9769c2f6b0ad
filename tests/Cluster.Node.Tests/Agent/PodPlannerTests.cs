using Cluster.Node.Agent;
using Cluster.Node.Agent.Runtime;
using k8s.Models;

namespace Cluster.Node.Tests.Agent;

/// <summary>The pod worker's decisions and status, without actors or Docker: pods and containers made up in memory.</summary>
public sealed class PodPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static V1Pod Pod(string restartPolicy = "Always", bool init = false, bool deleting = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "ns", Uid = "u1", DeletionTimestamp = deleting ? Now.UtcDateTime : null },
        Spec = new V1PodSpec
        {
            NodeName = "n1",
            RestartPolicy = restartPolicy,
            InitContainers = init ? [new V1Container { Name = "setup", Image = "i" }] : null,
            Containers = [new V1Container { Name = "app", Image = "i" }, new V1Container { Name = "log", Image = "i" }],
        },
    };

    private static RuntimeContainer Sandbox(ContainerRunState state = ContainerRunState.Running, int attempt = 0) =>
        new("sb" + attempt, "u1", "p", "ns", PodNaming.SandboxName, attempt, state, 0, false, null, Now, Now, null, "pause", "sha256:p", state == ContainerRunState.Running ? "172.17.0.9" : null);

    private static RuntimeContainer Container(string name, ContainerRunState state, int attempt = 0, long exit = 0, string sandbox = "sb0", DateTimeOffset? finished = null, bool oom = false) =>
        new(name + attempt, "u1", "p", "ns", name, attempt, state, exit, oom, null, Now.AddMinutes(-1), Now.AddMinutes(-1),
            state == ContainerRunState.Exited ? finished ?? Now.AddSeconds(-1) : null, "i", "sha256:i", null, sandbox);

    private static CrashLoopBackoff Backoff() => new(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10));

    [Fact]
    public void Next_NoContainers_CreatesTheFirstSandbox()
    {
        var (action, _) = PodPlanner.Next(Pod(), [], Backoff(), Now);

        var create = Assert.IsType<PodAction.CreateSandbox>(action);
        Assert.Equal(0, create.Attempt);
        Assert.Empty(create.StopFirst);
    }

    [Fact]
    public void Next_SandboxDied_NewAttemptAndTheOldContainersStopFirst()
    {
        var app = Container("app", ContainerRunState.Running);

        var (action, _) = PodPlanner.Next(Pod(), [Sandbox(ContainerRunState.Exited), app], Backoff(), Now);

        var create = Assert.IsType<PodAction.CreateSandbox>(action);
        Assert.Equal(1, create.Attempt);
        Assert.Equal([app], create.StopFirst);
    }

    [Fact]
    public void Next_SandboxRunning_StartsEveryAppContainerAtOnce()
    {
        var (action, _) = PodPlanner.Next(Pod(), [Sandbox()], Backoff(), Now);

        var start = Assert.IsType<PodAction.StartContainers>(action);
        Assert.Equal(["app", "log"], start.Containers.Select(c => c.Container.Name));
        Assert.All(start.Containers, c => Assert.Equal(0, c.RestartCount));
    }

    [Fact]
    public void Next_InitContainerRunning_AppContainersWait()
    {
        var (first, _) = PodPlanner.Next(Pod(init: true), [Sandbox()], Backoff(), Now);
        var (second, _) = PodPlanner.Next(Pod(init: true), [Sandbox(), Container("setup", ContainerRunState.Running)], Backoff(), Now);
        var (third, _) = PodPlanner.Next(Pod(init: true), [Sandbox(), Container("setup", ContainerRunState.Exited, exit: 0)], Backoff(), Now);

        Assert.Equal(["setup"], Assert.IsType<PodAction.StartContainers>(first).Containers.Select(c => c.Container.Name));
        Assert.IsType<PodAction.Wait>(second);
        Assert.Equal(["app", "log"], Assert.IsType<PodAction.StartContainers>(third).Containers.Select(c => c.Container.Name));
    }

    [Theory]
    [InlineData("Always", 0, true)]
    [InlineData("Always", 1, true)]
    [InlineData("OnFailure", 0, false)]
    [InlineData("OnFailure", 2, true)]
    [InlineData("Never", 2, false)]
    public void ShouldRestart_PolicyAndExitCode_AsTheKubelet(string policy, long exit, bool restart) =>
        Assert.Equal(restart, PodPlanner.ShouldRestart(policy, exit));

    [Fact]
    public void Next_ContainerCrashesRepeatedly_FirstRestartAtOnceThenBackOffDoubling()
    {
        var backoff = Backoff();
        var pod = Pod();
        var running = Container("log", ContainerRunState.Running);

        // First exit: restarted at once, with the next delay 10s.
        var (first, _) = PodPlanner.Next(pod, [Sandbox(), Container("app", ContainerRunState.Exited, 0, exit: 1), running], backoff, Now);
        Assert.Equal(1, Assert.IsType<PodAction.StartContainers>(first).Containers.Single().RestartCount);
        backoff.Restarted("app", Now.AddMinutes(-1), Now.AddSeconds(-1));

        // Second exit 3s ago: waits (back-off 10s).
        var (waitAction, waiting) = PodPlanner.Next(pod, [Sandbox(), Container("app", ContainerRunState.Exited, 1, exit: 1, finished: Now.AddSeconds(-3)), running], backoff, Now);
        Assert.IsType<PodAction.Wait>(waitAction);
        Assert.Equal(("CrashLoopBackOff", "back-off 10s restarting failed container=app pod=p_ns(u1)"), waiting["app"]);

        // After 10s it starts again and the next delay doubles.
        var (again, _) = PodPlanner.Next(pod, [Sandbox(), Container("app", ContainerRunState.Exited, 1, exit: 1, finished: Now.AddSeconds(-11)), running], backoff, Now);
        Assert.Equal(2, Assert.IsType<PodAction.StartContainers>(again).Containers.Single().RestartCount);
        backoff.Restarted("app", Now.AddSeconds(-12), Now.AddSeconds(-11));
        Assert.Equal(TimeSpan.FromSeconds(20), backoff.Current("app"));
    }

    [Fact]
    public void CrashLoopBackoff_CapAndReset()
    {
        var backoff = new CrashLoopBackoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10));
        for (var i = 0; i < 5; i++)
        {
            backoff.Restarted("app", Now, Now.AddSeconds(1));
        }

        Assert.Equal(TimeSpan.FromSeconds(30), backoff.Current("app"));
        backoff.Restarted("app", Now, Now.AddMinutes(11));
        Assert.Equal(TimeSpan.FromSeconds(10), backoff.Current("app"));
    }

    [Fact]
    public void Next_Deleting_StopsAppsBeforeTheSandboxThenFinishes()
    {
        var app = Container("app", ContainerRunState.Running);
        var sandbox = Sandbox();

        var (stop, _) = PodPlanner.Next(Pod(deleting: true), [sandbox, app], Backoff(), Now);
        var (finish, _) = PodPlanner.Next(Pod(deleting: true), [Sandbox(ContainerRunState.Exited), Container("app", ContainerRunState.Exited)], Backoff(), Now);

        Assert.Equal([app, sandbox], Assert.IsType<PodAction.Stop>(stop).Running);
        Assert.Equal(2, Assert.IsType<PodAction.Finish>(finish).Remove.Count);
    }

    [Fact]
    public void Build_AllRunning_RunningReadyWithThePodIp()
    {
        var status = PodStatusBuilder.Build(Pod(), [Sandbox(), Container("app", ContainerRunState.Running), Container("log", ContainerRunState.Running)], new Dictionary<string, (string, string)>(), "10.0.0.1", Now, Now);

        Assert.Equal("Running", status.Phase);
        Assert.Equal("172.17.0.9", status.PodIP);
        Assert.Equal("10.0.0.1", status.HostIP);
        Assert.Equal("True", status.Conditions.Single(c => c.Type == "Ready").Status);
        Assert.All(status.ContainerStatuses, s => Assert.NotNull(s.State.Running));
    }

    [Fact]
    public void Build_OneContainerOomKilledUnderNever_FailedWithTheReason()
    {
        var status = PodStatusBuilder.Build(
            Pod("Never"),
            [Sandbox(), Container("app", ContainerRunState.Exited, exit: 137, oom: true), Container("log", ContainerRunState.Exited, exit: 0)],
            new Dictionary<string, (string, string)>(), "10.0.0.1", Now, Now);

        Assert.Equal("Failed", status.Phase);
        Assert.Equal(("OOMKilled", 137), (status.ContainerStatuses[0].State.Terminated.Reason, status.ContainerStatuses[0].State.Terminated.ExitCode));
        Assert.Equal("Completed", status.ContainerStatuses[1].State.Terminated.Reason);
        Assert.Equal("False", status.Conditions.Single(c => c.Type == "ContainersReady").Status);
    }

    [Fact]
    public void Build_WaitingToRestart_WaitingStateAndTheLastTermination()
    {
        var waiting = new Dictionary<string, (string, string)> { ["app"] = ("CrashLoopBackOff", "back-off 10s restarting failed container=app pod=p_ns(u1)") };

        var status = PodStatusBuilder.Build(Pod(), [Sandbox(), Container("app", ContainerRunState.Exited, 2, exit: 1), Container("log", ContainerRunState.Running)], waiting, "10.0.0.1", Now, Now);

        var app = status.ContainerStatuses[0];
        Assert.Equal("Running", status.Phase);
        Assert.Equal(2, app.RestartCount);
        Assert.Equal("CrashLoopBackOff", app.State.Waiting.Reason);
        Assert.Equal(("Error", 1), (app.LastState.Terminated.Reason, app.LastState.Terminated.ExitCode));
    }

    [Fact]
    public void Build_NothingStartedYet_PendingContainerCreating()
    {
        var status = PodStatusBuilder.Build(Pod(), [Sandbox()], new Dictionary<string, (string, string)>(), "10.0.0.1", Now, Now);

        Assert.Equal("Pending", status.Phase);
        Assert.All(status.ContainerStatuses, s => Assert.Equal("ContainerCreating", s.State.Waiting.Reason));
    }

    [Theory]
    [InlineData("echo $(A)-$(B)", "echo 1-$(B)")]
    [InlineData("cost $$(A)", "cost $(A)")]
    [InlineData("$(A)$(A)", "11")]
    public void Expand_Variables_AsTheKubelet(string text, string expected) =>
        Assert.Equal(expected, EnvResolver.Expand(text, new Dictionary<string, string> { ["A"] = "1" }));

    [Theory]
    [InlineData("2026-12-06T14:43:14.969659123Z", "2026-12-06T14:43:14.9696591+00:00")]
    [InlineData("0001-01-01T00:00:00Z", null)]
    [InlineData("", null)]
    public void DockerTime_NanosecondsAndZero(string text, string? expected) =>
        Assert.Equal(expected, DockerRuntime.Time(text)?.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", System.Globalization.CultureInfo.InvariantCulture));
}
