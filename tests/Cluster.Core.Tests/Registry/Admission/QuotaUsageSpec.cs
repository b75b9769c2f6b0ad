using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using static Cluster.Core.Tests.Registry.Admission.QuotaFixtures;

namespace Cluster.Core.Tests.Registry.Admission;

public sealed class QuotaUsageSpec
{
    private static string Usage(ResourceKind kind, JsonObject obj) => ResourceLists.Print(QuotaUsage.Of(kind, obj, Now));

    public static TheoryData<string, string> PodCases => new()
    {
        // requests and limits summed over containers; bare cpu/memory are requests
        {
            """{"spec":{"containers":[{"name":"a","resources":{"requests":{"cpu":"100m","memory":"1Gi"},"limits":{"cpu":"1","memory":"2Gi"}}},{"name":"b","resources":{"requests":{"cpu":"200m"}}}]}}""",
            "count/pods=1,cpu=300m,limits.cpu=1,limits.memory=2Gi,memory=1Gi,pods=1,requests.cpu=300m,requests.memory=1Gi"
        },
        // an init container asking more than the containers together sets the pod's figure
        {
            """{"spec":{"initContainers":[{"name":"i","resources":{"requests":{"cpu":"2"}}}],"containers":[{"name":"a","resources":{"requests":{"cpu":"1"}}}]}}""",
            "count/pods=1,cpu=2,pods=1,requests.cpu=2"
        },
        // a sidecar (init container restarting Always) runs alongside and adds up
        {
            """{"spec":{"initContainers":[{"name":"s","restartPolicy":"Always","resources":{"requests":{"cpu":"500m"}}}],"containers":[{"name":"a","resources":{"requests":{"cpu":"1"}}}]}}""",
            "count/pods=1,cpu=1500m,pods=1,requests.cpu=1500m"
        },
        // terminal pods only count as objects
        { """{"spec":{"containers":[{"name":"a","resources":{"requests":{"cpu":"1"}}}]},"status":{"phase":"Succeeded"}}""", "count/pods=1" },
        { """{"spec":{"containers":[{"name":"a","resources":{"requests":{"cpu":"1"}}}]},"status":{"phase":"Failed"}}""", "count/pods=1" },
        // stuck terminating past its grace period: not charged; still within it: charged
        { """{"metadata":{"deletionTimestamp":"2026-12-06T23:00:00Z","deletionGracePeriodSeconds":30},"spec":{"containers":[{"name":"a"}]}}""", "count/pods=1" },
        { """{"metadata":{"deletionTimestamp":"2026-12-06T23:59:50Z","deletionGracePeriodSeconds":30},"spec":{"containers":[{"name":"a"}]}}""", "count/pods=1,pods=1" },
        // hugepages and extended resources
        {
            """{"spec":{"containers":[{"name":"a","resources":{"requests":{"hugepages-2Mi":"4Mi","example.com/gpu":"1"}}}]}}""",
            "count/pods=1,hugepages-2Mi=4Mi,pods=1,requests.example.com/gpu=1,requests.hugepages-2Mi=4Mi"
        },
    };

    [Theory]
    [MemberData(nameof(PodCases))]
    public void Of_Pod_UsageAsUpstreamsPodEvaluator(string pod, string expected) =>
        Assert.Equal(expected, Usage(BuiltInKinds.Pod, Obj(pod)));

    public static TheoryData<string, string> ServiceCases => new()
    {
        { """{"spec":{"type":"ClusterIP","ports":[{"port":80}]}}""", "count/services=1,services=1" },
        { """{"spec":{"type":"NodePort","ports":[{"port":80},{"port":443}]}}""", "count/services=1,services=1,services.nodeports=2" },
        { """{"spec":{"type":"LoadBalancer","ports":[{"port":80}]}}""", "count/services=1,services=1,services.loadbalancers=1,services.nodeports=1" },
        { """{"spec":{"type":"LoadBalancer","allocateLoadBalancerNodePorts":false,"ports":[{"port":80},{"port":81,"nodePort":30001}]}}""", "count/services=1,services=1,services.loadbalancers=1,services.nodeports=1" },
    };

    [Theory]
    [MemberData(nameof(ServiceCases))]
    public void Of_Service_CountsNodePortsAndLoadBalancers(string service, string expected) =>
        Assert.Equal(expected, Usage(BuiltInKinds.Service, Obj(service)));

    [Fact]
    public void Of_ClaimWithStorageClass_ChargedToTheClassToo()
    {
        var claim = Obj("""{"spec":{"storageClassName":"gold","resources":{"requests":{"storage":"5Gi"}}}}""");

        Assert.Equal(
            "count/persistentvolumeclaims=1,gold.storageclass.storage.k8s.io/persistentvolumeclaims=1,gold.storageclass.storage.k8s.io/requests.storage=5Gi,persistentvolumeclaims=1,requests.storage=5Gi",
            Usage(BuiltInKinds.PersistentVolumeClaim, claim));
    }

    [Fact]
    public void Of_ClaimBeingResized_ChargedTheLargerOfAskedAndAllocated()
    {
        var claim = Obj("""{"spec":{"resources":{"requests":{"storage":"1Gi"}}},"status":{"allocatedResources":{"storage":"2Gi"}}}""");

        Assert.Equal("2Gi", QuotaUsage.Of(BuiltInKinds.PersistentVolumeClaim, claim, Now)["requests.storage"].ToString());
    }

    [Fact]
    public void Of_OtherKinds_ObjectCountAndLegacyAlias()
    {
        Assert.Equal("configmaps=1,count/configmaps=1", Usage(BuiltInKinds.ConfigMap, Obj("{}")));
        Assert.Equal("count/secrets=1,secrets=1", Usage(BuiltInKinds.Secret, Obj("{}")));
        Assert.Equal("count/deployments.apps=1", Usage(BuiltInKinds.Deployment, Obj("{}")));
    }

    [Theory]
    [InlineData("cpu", "pods")]
    [InlineData("limits.memory", "pods")]
    [InlineData("count/pods", "pods")]
    [InlineData("services.nodeports", "services")]
    [InlineData("gold.storageclass.storage.k8s.io/requests.storage", "persistentvolumeclaims")]
    [InlineData("requests.storage", "persistentvolumeclaims")]
    [InlineData("configmaps", "configmaps")]
    [InlineData("count/deployments.apps", "deployments")]
    [InlineData("count/jobs.batch", "jobs")]
    public void KindOf_QuotaName_TheKindItCounts(string name, string plural) =>
        Assert.Equal(plural, QuotaUsage.KindOf(name, KindCatalog.BuiltIn)?.Plural);

    [Theory]
    [InlineData("count/nothings.example.com")]
    [InlineData("count/deployments")]
    public void KindOf_UnknownKind_Null(string name) => Assert.Null(QuotaUsage.KindOf(name, KindCatalog.BuiltIn));
}
