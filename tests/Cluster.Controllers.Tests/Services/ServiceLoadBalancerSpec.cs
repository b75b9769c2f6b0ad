using Cluster.Controllers.Services;
using k8s.Models;

namespace Cluster.Controllers.Tests.Services;

public sealed class ServiceLoadBalancerSpec
{
    private static V1Node Node(string ip, bool ready = true, bool unschedulable = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = "n-" + ip },
        Spec = new V1NodeSpec { Unschedulable = unschedulable },
        Status = new V1NodeStatus
        {
            Addresses = [new V1NodeAddress { Type = "Hostname", Address = "n-" + ip }, new V1NodeAddress { Type = "InternalIP", Address = ip }],
            Conditions = [new V1NodeCondition { Type = "Ready", Status = ready ? "True" : "Unknown" }],
        },
    };

    [Fact]
    public void Ingress_ReadySchedulableNodes_TheirInternalIpsSorted()
    {
        var ingress = ServiceLoadBalancerController.Ingress([Node("10.0.0.9"), Node("10.0.0.2"), Node("10.0.0.5", ready: false), Node("10.0.0.7", unschedulable: true), Node("10.0.0.2")]);

        Assert.Equal(["10.0.0.2", "10.0.0.9"], ingress);
    }

    [Fact]
    public void Ingress_NoReadyNode_Empty()
    {
        Assert.Empty(ServiceLoadBalancerController.Ingress([Node("10.0.0.1", ready: false)]));
    }
}
