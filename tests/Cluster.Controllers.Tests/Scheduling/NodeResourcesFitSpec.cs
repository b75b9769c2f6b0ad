using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling;

public sealed class NodeResourcesFitSpec
{
    private readonly NodeResourcesFit _plugin = new();

    public static TheoryData<string?, string?, string[]> Cases => new()
    {
        // The node: 4 cpu, 8Gi, holding a pod of 3 cpu and 6Gi.
        { null, null, [] },
        { "1", "2Gi", [] },
        { "1500m", null, ["Insufficient cpu"] },
        { null, "3Gi", ["Insufficient memory"] },
        { "2", "4Gi", ["Insufficient cpu", "Insufficient memory"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Filter_RequestsAgainstWhatIsLeft_ReportsEachShortResource(string? cpu, string? memory, string[] reasons)
    {
        var node = NodeInfo(Node("n1"), Pod("big", cpu: "3", memory: "6Gi"));

        var result = _plugin.Filter(new CycleState(), PodInfo.From(Pod("p", cpu, memory)), node);

        Assert.Equal(reasons, result.Reasons);
        Assert.Equal(reasons.Length == 0 ? FilterCode.Success : FilterCode.Unschedulable, result.Code);
    }

    [Fact]
    public void Filter_NodeFullOfPods_TooManyPods()
    {
        var node = NodeInfo(Node("n1", pods: 2), Pod("a"), Pod("b"));

        var result = _plugin.Filter(new CycleState(), PodInfo.From(Pod("p")), node);

        Assert.Equal(["Too many pods"], result.Reasons);
    }

    [Fact]
    public void Filter_ExtendedResourceTheNodeLacks_InsufficientByName()
    {
        var pod = Pod("p");
        pod.Spec.Containers[0].Resources = new k8s.Models.V1ResourceRequirements { Limits = new Dictionary<string, k8s.Models.ResourceQuantity> { ["example.com/gpu"] = new("1") } };

        var result = _plugin.Filter(new CycleState(), PodInfo.From(pod), NodeInfo(Node("n1")));

        Assert.Equal(["Insufficient example.com/gpu"], result.Reasons);
    }

    [Fact]
    public void Filter_InitContainerLargerThanTheApp_CountsTheLargest()
    {
        var pod = Pod("p", cpu: "1");
        pod.Spec.InitContainers = [new k8s.Models.V1Container { Name = "init", Resources = new k8s.Models.V1ResourceRequirements { Requests = new Dictionary<string, k8s.Models.ResourceQuantity> { ["cpu"] = new("5") } } }];

        var info = PodInfo.From(pod);

        Assert.Equal(5000, info.Requests.MilliCpu);
        Assert.Equal(["Insufficient cpu"], _plugin.Filter(new CycleState(), info, NodeInfo(Node("n1"))).Reasons);
    }

    [Fact]
    public void Requests_SidecarInitContainer_AddsToTheApp()
    {
        var pod = Pod("p", cpu: "1");
        pod.Spec.InitContainers =
        [
            new k8s.Models.V1Container { Name = "sidecar", RestartPolicy = "Always", Resources = new k8s.Models.V1ResourceRequirements { Requests = new Dictionary<string, k8s.Models.ResourceQuantity> { ["cpu"] = new("500m") } } },
            new k8s.Models.V1Container { Name = "init", Resources = new k8s.Models.V1ResourceRequirements { Requests = new Dictionary<string, k8s.Models.ResourceQuantity> { ["cpu"] = new("1200m") } } },
        ];

        // App 1 + sidecar 0.5 = 1.5; the init container runs beside the sidecar: 1.2 + 0.5 = 1.7.
        Assert.Equal(1700, PodInfo.From(pod).Requests.MilliCpu);
    }

    [Theory]
    [InlineData(null, null, null, null, 97)]      // nothing stated anywhere: the incoming pod counts at 100m and 200Mi
    [InlineData("2", "4Gi", "1", "2Gi", 25)]     // cpu (4-3)/4, memory (8-6)/8
    [InlineData("1", "6Gi", "1", "1Gi", 31)]     // cpu 50, memory 12 (12.5 rounded down), averaged down
    [InlineData("4", "8Gi", "1", "1Gi", 0)]      // over capacity scores 0
    public void Score_LeastAllocated_AveragesTheFreeShareOfCpuAndMemory(string? boundCpu, string? boundMemory, string? cpu, string? memory, long expected)
    {
        var bound = boundCpu is null ? [] : new[] { Pod("used", cpu: boundCpu, memory: boundMemory) };
        var node = NodeInfo(Node("n1", cpu: "4", memory: "8Gi"), bound);

        var score = _plugin.Score(new CycleState(), PodInfo.From(Pod("p", cpu, memory)), node);

        Assert.Equal(expected, score);
    }
}
