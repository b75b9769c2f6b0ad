using Cluster.Core.Registry;
using static Cluster.Api.Tests.Tables.TableFixtures;

namespace Cluster.Api.Tests.Tables;

public sealed class WorkloadPrinterTests
{
    private const string Template = """
        "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27"},{"name":"log","image":"busybox"}]}}
        """;

    [Fact]
    public void Deployment_Cells_MatchUpstream()
    {
        var json = $$$"""
            {"metadata":{"name":"web","creationTimestamp":"{{{Ago(TimeSpan.FromMinutes(30))}}}"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web","tier":"fe"}},{{{Template}}}},
             "status":{"replicas":3,"updatedReplicas":2,"readyReplicas":1,"availableReplicas":1}}
            """;
        Assert.Equal(["Name", "Ready", "Up-to-date", "Available", "Age", "[Containers]", "[Images]", "[Selector]"], Headers(BuiltInKinds.Deployment));
        Assert.Equal(["web", "1/3", 2L, 1L, "30m", "app,log", "nginx:1.27,busybox", "app=web,tier=fe"], Cells(BuiltInKinds.Deployment, json));
    }

    [Fact]
    public void Deployment_NoStatusNoReplicas_DefaultsToOneDesired() =>
        Assert.Equal(["web", "0/1", 0L, 0L, "<unknown>"], NarrowCells(BuiltInKinds.Deployment, """{"metadata":{"name":"web"},"spec":{}}"""));

    [Fact]
    public void ReplicaSet_Cells_MatchUpstream()
    {
        var json = $$$"""
            {"metadata":{"name":"web-5d8f","creationTimestamp":"{{{Ago(TimeSpan.FromHours(2))}}}"},
             "spec":{"replicas":5,"selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"env","operator":"In","values":["prod","dev"]}]},{{{Template}}}},
             "status":{"replicas":5,"readyReplicas":2}}
            """;
        Assert.Equal(["web-5d8f", 5L, 5L, 2L, "120m", "app,log", "nginx:1.27,busybox", "app=web,env in (dev,prod)"], Cells(BuiltInKinds.ReplicaSet, json));
    }

    [Fact]
    public void DaemonSet_Cells_MatchUpstream()
    {
        var json = $$$$"""
            {"metadata":{"name":"agent","creationTimestamp":"{{{{Ago(TimeSpan.FromDays(3))}}}}"},
             "spec":{"selector":{"matchLabels":{"app":"agent"}},
                     "template":{"spec":{"nodeSelector":{"zone":"a","kubernetes.io/os":"linux"},"containers":[{"name":"agent","image":"agent:2"}]}}},
             "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":3,"numberAvailable":2}}
            """;
        Assert.Equal(["Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "[Containers]", "[Images]", "[Selector]"], Headers(BuiltInKinds.DaemonSet));
        Assert.Equal(["agent", 3L, 3L, 2L, 3L, 2L, "kubernetes.io/os=linux,zone=a", "3d", "agent", "agent:2", "app=agent"], Cells(BuiltInKinds.DaemonSet, json));
    }

    [Fact]
    public void DaemonSet_NoNodeSelector_ShowsNone() =>
        Assert.Equal("<none>", Cells(BuiltInKinds.DaemonSet, """{"metadata":{"name":"a"},"spec":{"template":{"spec":{}}}}""")[6]);

    [Fact]
    public void StatefulSet_Cells_MatchUpstream()
    {
        var json = $$$"""
            {"metadata":{"name":"db","creationTimestamp":"{{{Ago(TimeSpan.FromHours(30))}}}"},"spec":{"replicas":3,{{{Template}}}},"status":{"readyReplicas":2}}
            """;
        Assert.Equal(["Name", "Ready", "Age", "[Containers]", "[Images]"], Headers(BuiltInKinds.StatefulSet));
        Assert.Equal(["db", "2/3", "30h", "app,log", "nginx:1.27,busybox"], Cells(BuiltInKinds.StatefulSet, json));
    }

    [Fact]
    public void Job_Complete_ShowsDurationFromStartToCompletion()
    {
        var json = $$$"""
            {"metadata":{"name":"pi","creationTimestamp":"{{{Ago(TimeSpan.FromMinutes(20))}}}"},
             "spec":{"completions":1,"parallelism":1,"selector":{"matchLabels":{"batch.kubernetes.io/controller-uid":"abc"}},{{{Template}}}},
             "status":{"succeeded":1,"startTime":"{{{Ago(TimeSpan.FromMinutes(20))}}}","completionTime":"{{{Ago(TimeSpan.FromMinutes(19) + TimeSpan.FromSeconds(20))}}}",
                       "conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}}
            """;
        Assert.Equal(["Name", "Status", "Completions", "Duration", "Age", "[Containers]", "[Images]", "[Selector]"], Headers(BuiltInKinds.Job));
        Assert.Equal(["pi", "Complete", "1/1", "40s", "20m", "app,log", "nginx:1.27,busybox", "batch.kubernetes.io/controller-uid=abc"], Cells(BuiltInKinds.Job, json));
    }

    [Fact]
    public void Job_Running_ShowsDurationUntilNow()
    {
        var json = $$$"""{"metadata":{"name":"pi"},"spec":{"completions":3},"status":{"succeeded":1,"startTime":"{{{Ago(TimeSpan.FromMinutes(4))}}}"}}""";
        Assert.Equal(["pi", "Running", "1/3", "4m"], Cells(BuiltInKinds.Job, json)[..4]);
    }

    [Theory]
    [InlineData("""{"parallelism":4}""", "0/1 of 4")]
    [InlineData("""{"parallelism":1}""", "0/1")]
    [InlineData("{}", "0/1")]
    public void Job_NoCompletions_ShowsParallelism(string spec, string expected) =>
        Assert.Equal(expected, Cells(BuiltInKinds.Job, $$"""{"metadata":{"name":"j"},"spec":{{spec}}}""")[2]);

    [Theory]
    [InlineData("""[{"type":"Failed","status":"True"}]""", "", "Failed")]
    [InlineData("""[{"type":"Suspended","status":"True"}]""", "", "Suspended")]
    [InlineData("""[{"type":"Suspended","status":"True"}]""", "2024-06-01T11:00:00Z", "Terminating")]
    [InlineData("""[{"type":"FailureTarget","status":"True"}]""", "", "FailureTarget")]
    [InlineData("""[{"type":"Complete","status":"False"}]""", "", "Running")]
    public void Job_Conditions_DecideStatus(string conditions, string deletionTimestamp, string expected)
    {
        var metadata = deletionTimestamp.Length == 0 ? """{"name":"j"}""" : $$"""{"name":"j","deletionTimestamp":"{{deletionTimestamp}}"}""";
        var cells = Cells(BuiltInKinds.Job, $$$"""{"metadata":{{{metadata}}},"spec":{},"status":{"conditions":{{{conditions}}}}}""");
        Assert.Equal(expected, cells[1]);
        Assert.Equal("", cells[3]);
    }

    [Fact]
    public void CronJob_Cells_MatchUpstream()
    {
        var json = $$$$"""
            {"metadata":{"name":"nightly","creationTimestamp":"{{{{Ago(TimeSpan.FromDays(10))}}}}"},
             "spec":{"schedule":"0 3 * * *","suspend":false,"jobTemplate":{"spec":{{{{{Template}}}}}}},
             "status":{"active":[{"name":"nightly-1"}],"lastScheduleTime":"{{{{Ago(TimeSpan.FromHours(9))}}}}"}}
            """;
        Assert.Equal(["Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "[Containers]", "[Images]", "[Selector]"], Headers(BuiltInKinds.CronJob));
        Assert.Equal(["nightly", "0 3 * * *", "<none>", "False", 1L, "9h", "10d", "app,log", "nginx:1.27,busybox", "<none>"], Cells(BuiltInKinds.CronJob, json));
    }

    [Fact]
    public void CronJob_SuspendedWithTimeZone_NeverScheduled()
    {
        var cells = Cells(BuiltInKinds.CronJob, """{"metadata":{"name":"c"},"spec":{"schedule":"@hourly","timeZone":"Europe/Paris","suspend":true}}""");
        Assert.Equal(["c", "@hourly", "Europe/Paris", "True", 0L, "<none>"], cells[..6]);
    }
}
