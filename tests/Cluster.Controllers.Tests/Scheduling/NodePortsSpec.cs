using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling;

public sealed class NodePortsSpec
{
    [Theory]
    [InlineData("0.0.0.0", "TCP", 8080, "0.0.0.0", "TCP", 8080, false)]
    [InlineData("10.0.0.1", "TCP", 8080, "0.0.0.0", "TCP", 8080, false)]
    [InlineData("10.0.0.1", "TCP", 8080, "10.0.0.2", "TCP", 8080, true)]
    [InlineData("0.0.0.0", "UDP", 8080, "0.0.0.0", "TCP", 8080, true)]
    [InlineData("0.0.0.0", "TCP", 8081, "0.0.0.0", "TCP", 8080, true)]
    public void Filter_HostPortTakenOnTheNode_RefusedOnConflict(string usedIp, string usedProtocol, int usedPort, string ip, string protocol, int port, bool fits)
    {
        var bound = Pod("bound");
        bound.Spec.Containers[0].Ports = [new k8s.Models.V1ContainerPort { ContainerPort = usedPort, HostPort = usedPort, HostIP = usedIp, Protocol = usedProtocol }];
        var incoming = Pod("p");
        incoming.Spec.Containers[0].Ports = [new k8s.Models.V1ContainerPort { ContainerPort = port, HostPort = port, HostIP = ip, Protocol = protocol }];

        var result = new NodePorts().Filter(new CycleState(), PodInfo.From(incoming), NodeInfo(Node("n1"), bound));

        Assert.Equal(fits, result.IsSuccess);
        if (!fits)
        {
            Assert.Equal([NodePorts.Reason], result.Reasons);
            Assert.Equal(FilterCode.Unschedulable, result.Code);
        }
    }

    [Fact]
    public void Filter_PortFreedWhenItsPodLeaves_Fits()
    {
        var node = NodeInfo(Node("n1"), Pod("bound", hostPort: 80));
        node.RemovePod("uid-bound");

        Assert.True(new NodePorts().Filter(new CycleState(), PodInfo.From(Pod("p", hostPort: 80)), node).IsSuccess);
    }
}
