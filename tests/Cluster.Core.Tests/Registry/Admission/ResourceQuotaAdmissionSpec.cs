using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using static Cluster.Core.Tests.Registry.Admission.QuotaFixtures;

namespace Cluster.Core.Tests.Registry.Admission;

public sealed class ResourceQuotaAdmissionSpec
{
    private static readonly JsonObject Compute = Quota("compute", """{"requests.memory":"2Gi","limits.cpu":"2"}""", """{"requests.memory":"1Gi","limits.cpu":"0"}""");

    private static ApiException Refused(ResourceKind kind, JsonObject obj, params JsonObject[] quotas) =>
        Assert.Throws<ApiException>(() => ResourceQuotaAdmission.Check(kind, obj, quotas, Now));

    [Fact]
    public void Check_PodOverTheQuota_403WithUpstreamsMessage()
    {
        var pod = Pod("x", ("app", """{"memory":"2Gi"}""", """{"cpu":"1","memory":"2Gi"}"""));

        var refused = Refused(BuiltInKinds.Pod, pod, Compute);

        Assert.Equal(403, refused.Code);
        Assert.Equal("Forbidden", refused.Reason);
        Assert.Equal("pods \"x\" is forbidden: exceeded quota: compute, requested: requests.memory=2Gi, used: requests.memory=1Gi, limited: requests.memory=2Gi", refused.Message);
    }

    [Fact]
    public void Check_PodThatFits_QuotaCopyChargedAndOriginalUntouched()
    {
        var pod = Pod("x", ("app", """{"memory":"512Mi"}""", """{"cpu":"1","memory":"1Gi"}"""));

        var charged = Assert.Single(ResourceQuotaAdmission.Check(BuiltInKinds.Pod, pod, [Compute], Now));

        Assert.Equal("""{"limits.cpu":"1","requests.memory":"1536Mi"}""", charged["status"]!["used"]!.ToJsonString());
        Assert.Equal("7", charged["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("1Gi", Compute["status"]!["used"]!["requests.memory"]!.GetValue<string>());
    }

    [Fact]
    public void Check_ContainersNotStatingWhatTheQuotaLimits_FailedQuotaNamingThem()
    {
        var pod = Pod("x", ("app", null, null), ("side", """{"memory":"1Mi"}""", """{"cpu":"1"}"""));

        var refused = Refused(BuiltInKinds.Pod, pod, Compute);

        Assert.Equal("pods \"x\" is forbidden: failed quota: compute: must specify limits.cpu for: app; requests.memory for: app", refused.Message);
    }

    [Fact]
    public void Check_QuotaWithoutUsageForAResource_StatusUnknown()
    {
        var quota = Quota("counts", """{"pods":"5","count/pods":"5"}""", """{"pods":"1"}""");

        var refused = Refused(BuiltInKinds.Pod, Pod("x", ("app", null, null)), quota);

        Assert.Equal("pods \"x\" is forbidden: status unknown for quota: counts, resources: count/pods,pods", refused.Message);
    }

    [Fact]
    public void Check_QuotaTheControllerHasNotSeen_DoesNotApplyYet()
    {
        // Upstream reads hard limits from status, which the controller fills: until then the quota limits nothing.
        var quota = Obj("""{"metadata":{"name":"new","namespace":"team"},"spec":{"hard":{"pods":"0"}}}""");

        Assert.Empty(ResourceQuotaAdmission.Check(BuiltInKinds.Pod, Pod("x", ("app", null, null)), [quota], Now));
    }

    [Fact]
    public void Check_SeveralQuotas_EachChargedOnlyWhatItLimits()
    {
        var pods = Quota("pods", """{"pods":"2"}""", """{"pods":"1"}""");
        var maps = Quota("maps", """{"configmaps":"9"}""", """{"configmaps":"0"}""");

        var charged = ResourceQuotaAdmission.Check(BuiltInKinds.Pod, Pod("x", ("app", null, null)), [pods, maps], Now);

        Assert.Equal("""{"pods":"2"}""", Assert.Single(charged)["status"]!["used"]!.ToJsonString());
    }

    [Fact]
    public void Check_CountQuotaOfAnyKind_RefusedWhenFull()
    {
        var quota = Quota("apps", """{"count/deployments.apps":"1"}""", """{"count/deployments.apps":"1"}""");
        var deployment = Obj("""{"metadata":{"name":"web","namespace":"team"},"spec":{}}""");

        var refused = Refused(BuiltInKinds.Deployment, deployment, quota);

        Assert.Equal("deployments.apps \"web\" is forbidden: exceeded quota: apps, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1", refused.Message);
    }

    [Fact]
    public void Check_NodePortServiceOverTheNodePortQuota_Refused()
    {
        var quota = Quota("ports", """{"services":"10","services.nodeports":"2"}""", """{"services":"1","services.nodeports":"1"}""");
        var service = Obj("""{"metadata":{"name":"web","namespace":"team"},"spec":{"type":"NodePort","ports":[{"port":80},{"port":443}]}}""");

        var refused = Refused(BuiltInKinds.Service, service, quota);

        Assert.EndsWith("exceeded quota: ports, requested: services.nodeports=2, used: services.nodeports=1, limited: services.nodeports=2", refused.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, bool, bool> Scopes => new()
    {
        // scope spec, best-effort pod charged?, burstable pod with a deadline charged?
        { """{"scopes":["BestEffort"]}""", true, false },
        { """{"scopes":["NotBestEffort"]}""", false, true },
        { """{"scopes":["Terminating"]}""", false, true },
        { """{"scopes":["NotTerminating"]}""", true, false },
        { """{"scopeSelector":{"matchExpressions":[{"scopeName":"PriorityClass","operator":"In","values":["high"]}]}}""", false, true },
        { """{"scopeSelector":{"matchExpressions":[{"scopeName":"PriorityClass","operator":"NotIn","values":["high"]}]}}""", true, false },
        { """{"scopeSelector":{"matchExpressions":[{"scopeName":"PriorityClass","operator":"Exists"}]}}""", false, true },
        { """{"scopeSelector":{"matchExpressions":[{"scopeName":"PriorityClass","operator":"DoesNotExist"}]}}""", true, false },
    };

    [Theory]
    [MemberData(nameof(Scopes))]
    public void Check_ScopedQuota_ChargesOnlyPodsInScope(string scope, bool bestEffortCharged, bool burstableCharged)
    {
        var quota = Quota("scoped", """{"pods":"10"}""", """{"pods":"0"}""", scope);
        var bestEffort = Pod("be", ("app", null, null));
        var burstable = Pod("bu", ("app", """{"cpu":"100m"}""", null));
        burstable["spec"]!["activeDeadlineSeconds"] = 60;
        burstable["spec"]!["priorityClassName"] = "high";

        Assert.Equal(bestEffortCharged, ResourceQuotaAdmission.Check(BuiltInKinds.Pod, bestEffort, [quota], Now).Count == 1);
        Assert.Equal(burstableCharged, ResourceQuotaAdmission.Check(BuiltInKinds.Pod, burstable, [quota], Now).Count == 1);
    }

    [Fact]
    public void Check_ScopedQuota_NeverAppliesToOtherKinds()
    {
        var quota = Quota("scoped", """{"configmaps":"0"}""", """{"configmaps":"0"}""", """{"scopes":["NotTerminating"]}""");

        Assert.Empty(ResourceQuotaAdmission.Check(BuiltInKinds.ConfigMap, Obj("""{"metadata":{"name":"c"}}"""), [quota], Now));
    }

    [Fact]
    public void Check_NegativeRequest_Refused()
    {
        var quota = Quota("compute", """{"requests.cpu":"4"}""", """{"requests.cpu":"0"}""");

        var refused = Refused(BuiltInKinds.Pod, Pod("x", ("app", """{"cpu":"-1"}""", null)), quota);

        Assert.Equal("pods \"x\" is forbidden: quota usage is negative for resource(s): cpu,requests.cpu", refused.Message);
    }

    [Fact]
    public void Ignores_EventsAndClusterScopedKinds()
    {
        Assert.True(ResourceQuotaAdmission.Ignores(BuiltInKinds.Event));
        Assert.True(ResourceQuotaAdmission.Ignores(BuiltInKinds.Node));
        Assert.False(ResourceQuotaAdmission.Ignores(BuiltInKinds.Pod));
    }
}
