using Cluster.Controllers.Endpoints;
using k8s.Models;

namespace Cluster.Controllers.Tests.Endpoints;

public sealed class EndpointsPlannerSpec
{
    private static V1Service Service(IDictionary<string, string>? selector, params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop" },
        Spec = new V1ServiceSpec { Selector = selector, Ports = ports },
    };

    private static V1Pod Pod(string name, string? ip, bool ready = true, string app = "web", string? phase = "Running", bool terminating = false, params V1ContainerPort[] ports) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = "shop", Uid = "uid-" + name, Labels = new Dictionary<string, string> { ["app"] = app },
            DeletionTimestamp = terminating ? new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc) : null,
        },
        Spec = new V1PodSpec { NodeName = "node-1", Containers = [new V1Container { Name = "app", Ports = ports }] },
        Status = new V1PodStatus { PodIP = ip, Phase = phase, Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };

    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web" };

    [Fact]
    public void Subsets_NoSelector_NullTheEndpointsAreTheUsers()
    {
        Assert.Null(EndpointsPlanner.Subsets(Service(null, new V1ServicePort { Port = 80 }), [Pod("a", "10.0.0.1")]));
    }

    [Fact]
    public void Subsets_ReadyAndNotReadyPods_SplitSortedByIp_OthersLeftOut()
    {
        var service = Service(Web, new V1ServicePort { Name = "http", Port = 80, TargetPort = "8080" });
        var pods = new[]
        {
            Pod("b", "10.0.0.2"), Pod("a", "10.0.0.1"), Pod("slow", "10.0.0.3", ready: false),
            Pod("no-ip", null), Pod("other-app", "10.0.0.4", app: "db"), Pod("done", "10.0.0.5", phase: "Succeeded"), Pod("going", "10.0.0.6", terminating: true),
        };

        var subset = Assert.Single(EndpointsPlanner.Subsets(service, pods)!);

        Assert.Equal(["10.0.0.1", "10.0.0.2"], subset.Addresses.Select(a => a.Ip));
        Assert.Equal(["10.0.0.3"], subset.NotReadyAddresses.Select(a => a.Ip));
        Assert.Equal(("http", 8080, "TCP"), (subset.Ports[0].Name, subset.Ports[0].Port, subset.Ports[0].Protocol));
        var a = subset.Addresses[0];
        Assert.Equal(("Pod", "shop", "a", "uid-a", "node-1"), (a.TargetRef.Kind, a.TargetRef.NamespaceProperty, a.TargetRef.Name, a.TargetRef.Uid, a.NodeName));
    }

    [Fact]
    public void Subsets_NamedTargetPort_ResolvedPerPod_PodsWithDifferentNumbersInTheirOwnSubsets_PodsWithoutItLeftOut()
    {
        var service = Service(Web, new V1ServicePort { Name = "http", Port = 80, TargetPort = "web" });
        var pods = new[]
        {
            Pod("old", "10.0.0.1", ports: new V1ContainerPort { Name = "web", ContainerPort = 8080 }),
            Pod("new", "10.0.0.2", ports: new V1ContainerPort { Name = "web", ContainerPort = 9090 }),
            Pod("old-2", "10.0.0.3", ports: new V1ContainerPort { Name = "web", ContainerPort = 8080 }),
            Pod("udp-only", "10.0.0.4", ports: new V1ContainerPort { Name = "web", ContainerPort = 8080, Protocol = "UDP" }),
        };

        var subsets = EndpointsPlanner.Subsets(service, pods)!;

        Assert.Equal([(8080, "10.0.0.1,10.0.0.3"), (9090, "10.0.0.2")], subsets.Select(s => (s.Ports.Single().Port, string.Join(',', s.Addresses.Select(a => a.Ip)))));
    }

    [Fact]
    public void Subsets_PublishNotReadyAddresses_EveryPodReady_TerminatingIncluded()
    {
        var service = Service(Web, new V1ServicePort { Port = 53, Protocol = "UDP" });
        service.Spec.PublishNotReadyAddresses = true;

        var subset = Assert.Single(EndpointsPlanner.Subsets(service, [Pod("a", "10.0.0.1", ready: false), Pod("b", "10.0.0.2", terminating: true)])!);

        Assert.Equal(["10.0.0.1", "10.0.0.2"], subset.Addresses.Select(a => a.Ip));
        Assert.Null(subset.NotReadyAddresses);
        Assert.Equal((53, "UDP"), (subset.Ports.Single().Port, subset.Ports.Single().Protocol));
    }

    [Fact]
    public void Subsets_SameWorldInAnotherOrder_SamePlan()
    {
        var service = Service(Web, new V1ServicePort { Name = "b", Port = 81 }, new V1ServicePort { Name = "a", Port = 80 });
        var pods = new[] { Pod("x", "10.0.0.9"), Pod("y", "10.0.0.1"), Pod("z", "10.0.0.5", ready: false) };

        var one = k8s.KubernetesJson.Serialize(EndpointsPlanner.Subsets(service, pods));
        var other = k8s.KubernetesJson.Serialize(EndpointsPlanner.Subsets(service, pods.Reverse()));

        Assert.Equal(one, other);
        Assert.Contains("\"ports\":[{\"name\":\"a\",\"port\":80,\"protocol\":\"TCP\"},{\"name\":\"b\",\"port\":81,\"protocol\":\"TCP\"}]", one, StringComparison.Ordinal);
    }

    [Fact]
    public void Subsets_NoMatchingPods_Empty()
    {
        Assert.Empty(EndpointsPlanner.Subsets(Service(Web, new V1ServicePort { Port = 80 }), [Pod("db", "10.0.0.1", app: "db")])!);
    }
}
