using Cluster.Core.Registry;
using static Cluster.Api.Tests.Tables.TableFixtures;

namespace Cluster.Api.Tests.Tables;

public sealed class PodPrinterTests
{
    private static readonly ResourceKind Pod = BuiltInKinds.Pod;

    private static string PodJson(string status, string spec = """{"containers":[{"name":"a"},{"name":"b"}]}""", string metadata = """{"name":"web"}""") =>
        $$"""{"metadata":{{metadata}},"spec":{{spec}},"status":{{status}}}""";

    private static object? Status(string status, string? spec = null, string? metadata = null) =>
        Cells(Pod, spec is null ? PodJson(status, metadata: metadata ?? """{"name":"web"}""") : PodJson(status, spec, metadata ?? """{"name":"web"}"""))[2];

    [Fact]
    public void Columns_MatchUpstreamHeaders() =>
        Assert.Equal(["Name", "Ready", "Status", "Restarts", "Age", "[IP]", "[Node]", "[Nominated Node]", "[Readiness Gates]"], Headers(Pod));

    [Fact]
    public void Cells_RunningPod_PrintsAllColumns()
    {
        var json = $$$$"""
            {"metadata":{"name":"web","creationTimestamp":"{{{{Ago(TimeSpan.FromMinutes(5))}}}}"},
             "spec":{"nodeName":"node-1","containers":[{"name":"app"}]},
             "status":{"phase":"Running","podIP":"10.0.0.5","podIPs":[{"ip":"10.0.0.5"}],
               "conditions":[{"type":"Ready","status":"True"}],
               "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2024-06-01T11:55:00Z"}}}]}}
            """;
        Assert.Equal(["web", "1/1", "Running", "0", "5m", "10.0.0.5", "node-1", "<none>", "<none>"], Cells(Pod, json));
    }

    [Fact]
    public void Cells_UnscheduledPod_WideColumnsShowNone()
    {
        var cells = Cells(Pod, """{"metadata":{"name":"p"},"spec":{"containers":[{"name":"a"}]},"status":{"phase":"Pending"}}""");
        Assert.Equal(["p", "0/1", "Pending", "0", "<unknown>", "<none>", "<none>", "<none>", "<none>"], cells);
    }

    // The cases below are upstream's TestPrintPod.
    [Fact]
    public void Cells_OneOfTwoRunningAndReady_CountsOneReadyAndSumsRestarts()
    {
        var cells = Cells(Pod, PodJson("""{"phase":"podPhase","containerStatuses":[{"ready":true,"restartCount":3,"state":{"running":{}}},{"restartCount":3}]}"""));
        Assert.Equal(["web", "1/2", "podPhase", "6"], cells[..4]);
    }

    [Fact]
    public void Cells_ContainerWaitingReason_OverridesPhase()
    {
        var cells = Cells(Pod, PodJson("""{"phase":"podPhase","containerStatuses":[{"ready":true,"restartCount":3,"state":{"running":{}}},{"restartCount":3,"state":{"waiting":{"reason":"ContainerWaitingReason"}}}]}"""));
        Assert.Equal(["web", "1/2", "ContainerWaitingReason", "6"], cells[..4]);
    }

    [Fact]
    public void Cells_WaitingAndTerminated_FirstContainerWins()
    {
        var cells = Cells(Pod, PodJson("""{"phase":"podPhase","containerStatuses":[{"restartCount":3,"state":{"waiting":{"reason":"ContainerWaitingReason"}}},{"restartCount":3,"state":{"terminated":{"reason":"ContainerTerminatedReason"}}}]}"""));
        Assert.Equal(["web", "0/2", "ContainerWaitingReason", "6"], cells[..4]);
    }

    [Fact]
    public void Cells_ReadyWithoutRunningState_IsNotCountedReady()
    {
        var cells = Cells(Pod, PodJson("""{"phase":"podPhase","containerStatuses":[{"ready":true,"restartCount":3},{"ready":true,"restartCount":3}]}"""));
        Assert.Equal(["web", "0/2", "podPhase", "6"], cells[..4]);
    }

    [Fact]
    public void Cells_PodReason_OverridesPhase() =>
        Assert.Equal("podReason", Status("""{"phase":"podPhase","reason":"podReason"}"""));

    [Theory]
    [InlineData("""[{"type":"Ready","status":"True"}]""", "Running")]
    [InlineData("[]", "NotReady")]
    public void Cells_OneCompletedOneRunning_IsRunningOnlyWithReadyCondition(string conditions, string expected)
    {
        var status = $$$$"""
            {"phase":"Running","conditions":{{{{conditions}}}},"containerStatuses":[
              {"ready":true,"restartCount":3,"state":{"terminated":{"reason":"Completed","exitCode":0}}},
              {"ready":true,"restartCount":3,"state":{"running":{}}}]}
            """;
        var cells = Cells(Pod, PodJson(status));
        Assert.Equal(["web", "1/2", expected, "6"], cells[..4]);
    }

    [Fact]
    public void Cells_AllContainersCompleted_IsCompleted() =>
        Assert.Equal("Completed", Status("""{"phase":"Succeeded","containerStatuses":[{"state":{"terminated":{"reason":"Completed","exitCode":0}}}]}"""));

    [Theory]
    [InlineData("""{"exitCode":137,"signal":9}""", "Signal:9")]
    [InlineData("""{"exitCode":2}""", "ExitCode:2")]
    [InlineData("""{"exitCode":1,"reason":"Error"}""", "Error")]
    public void Cells_TerminatedContainer_ShowsReasonSignalOrExitCode(string terminated, string expected) =>
        Assert.Equal(expected, Status($$$"""{"phase":"Failed","containerStatuses":[{"state":{"terminated":{{{terminated}}}}}]}"""));

    [Fact]
    public void Cells_InitContainerRunning_ShowsInitProgress()
    {
        const string spec = """{"initContainers":[{"name":"i1"},{"name":"i2"}],"containers":[{"name":"app"}]}""";
        const string status = """
            {"phase":"Pending","initContainerStatuses":[
              {"name":"i1","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
              {"name":"i2","state":{"running":{}}}],
             "containerStatuses":[{"name":"app","state":{"waiting":{"reason":"PodInitializing"}}}]}
            """;
        Assert.Equal("Init:1/2", Status(status, spec));
    }

    [Theory]
    [InlineData("""{"waiting":{"reason":"CrashLoopBackOff"}}""", "Init:CrashLoopBackOff")]
    [InlineData("""{"waiting":{"reason":"PodInitializing"}}""", "Init:0/1")]
    [InlineData("""{"terminated":{"exitCode":1}}""", "Init:ExitCode:1")]
    [InlineData("""{"terminated":{"exitCode":1,"signal":9}}""", "Init:Signal:9")]
    [InlineData("""{"terminated":{"exitCode":1,"reason":"Error"}}""", "Init:Error")]
    public void Cells_InitContainerState_ShowsInitReason(string state, string expected)
    {
        const string spec = """{"initContainers":[{"name":"i1"}],"containers":[{"name":"app"}]}""";
        Assert.Equal(expected, Status($$"""{"phase":"Pending","initContainerStatuses":[{"name":"i1","restartCount":2,"state":{{state}}}]}""", spec));
    }

    [Fact]
    public void Cells_InitContainerFailing_CountsInitRestarts()
    {
        const string spec = """{"initContainers":[{"name":"i1"}],"containers":[{"name":"app"}]}""";
        var cells = Cells(Pod, PodJson("""{"phase":"Pending","initContainerStatuses":[{"name":"i1","restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}],"containerStatuses":[{"name":"app","restartCount":0}]}""", spec));
        Assert.Equal(["web", "0/1", "Init:CrashLoopBackOff", "4"], cells[..4]);
    }

    [Fact]
    public void Cells_StartedSidecarInitContainer_CountsAsContainer()
    {
        const string spec = """{"initContainers":[{"name":"proxy","restartPolicy":"Always"}],"containers":[{"name":"app"}]}""";
        const string status = """
            {"phase":"Running","conditions":[{"type":"Initialized","status":"True"}],
             "initContainerStatuses":[{"name":"proxy","started":true,"ready":true,"restartCount":1,"state":{"running":{}}}],
             "containerStatuses":[{"name":"app","ready":true,"restartCount":2,"state":{"running":{}}}]}
            """;
        var cells = Cells(Pod, PodJson(status, spec));
        Assert.Equal(["web", "2/2", "Running", "3"], cells[..4]);
    }

    [Fact]
    public void Cells_DeletionTimestampOnRunningPod_IsTerminating()
    {
        const string metadata = """{"name":"web","deletionTimestamp":"2024-06-01T11:59:00Z"}""";
        Assert.Equal("Terminating", Status("""{"phase":"Running","containerStatuses":[{"ready":true,"state":{"running":{}}}]}""", metadata: metadata));
    }

    [Fact]
    public void Cells_DeletionTimestampOnSucceededPod_KeepsCompleted()
    {
        const string metadata = """{"name":"web","deletionTimestamp":"2024-06-01T11:59:00Z"}""";
        Assert.Equal("Completed", Status("""{"phase":"Succeeded","containerStatuses":[{"state":{"terminated":{"reason":"Completed"}}}]}""", metadata: metadata));
    }

    [Fact]
    public void Cells_NodeLostWithDeletionTimestamp_IsUnknown()
    {
        const string metadata = """{"name":"web","deletionTimestamp":"2024-06-01T11:59:00Z"}""";
        Assert.Equal("Unknown", Status("""{"phase":"Running","reason":"NodeLost"}""", metadata: metadata));
    }

    [Fact]
    public void Cells_NodeLostWithoutDeletion_ShowsNodeLost() =>
        Assert.Equal("NodeLost", Status("""{"phase":"Running","reason":"NodeLost"}"""));

    [Fact]
    public void Cells_SchedulingGatedCondition_IsSchedulingGated() =>
        Assert.Equal("SchedulingGated", Status("""{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}"""));

    [Fact]
    public void Cells_RestartWithFinishedAt_ShowsTimeOfLastRestart()
    {
        var status = $$$$"""
            {"phase":"Running","containerStatuses":[
              {"ready":true,"restartCount":3,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"{{{{Ago(TimeSpan.FromMinutes(10))}}}}"}}},
              {"ready":true,"restartCount":2,"state":{"running":{}},"lastState":{"terminated":{"finishedAt":"{{{{Ago(TimeSpan.FromMinutes(5))}}}}"}}}]}
            """;
        Assert.Equal("5 (5m ago)", Cells(Pod, PodJson(status))[3]);
    }

    [Fact]
    public void Cells_ReadinessGates_CountTrueConditions()
    {
        const string spec = """{"containers":[{"name":"a"}],"readinessGates":[{"conditionType":"c1"},{"conditionType":"c2"}]}""";
        var cells = Cells(Pod, PodJson("""{"conditions":[{"type":"c1","status":"True"},{"type":"c2","status":"False"}]}""", spec));
        Assert.Equal("1/2", cells[8]);
    }

    [Fact]
    public void Cells_NominatedNode_ShownInWideColumn() =>
        Assert.Equal("node-2", Cells(Pod, PodJson("""{"phase":"Pending","nominatedNodeName":"node-2"}"""))[7]);
}
