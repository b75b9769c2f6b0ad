using Cluster.Controllers.EndpointSlices;
using k8s.Models;

namespace Cluster.Controllers.Tests.EndpointSlices;

public sealed class EndpointSlicePlannerSpec
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web" };

    private static V1Service Service(IDictionary<string, string>? selector, bool publishNotReady = false, params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "shop" },
        Spec = new V1ServiceSpec { Selector = selector, Ports = ports, PublishNotReadyAddresses = publishNotReady },
    };

    private static V1ServicePort Http => new() { Name = "http", Port = 80, TargetPort = "http" };

    private static V1Pod Pod(string name, string? ip, bool ready = true, string app = "web", bool terminating = false, int containerPort = 8080, string node = "node-1") => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name, NamespaceProperty = "shop", Uid = "uid-" + name, Labels = new Dictionary<string, string> { ["app"] = app },
            DeletionTimestamp = terminating ? new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc) : null,
        },
        Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "app", Ports = [new V1ContainerPort { Name = "http", ContainerPort = containerPort }] }] },
        Status = new V1PodStatus { PodIP = ip, Phase = "Running", Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };

    private static string? Zone(string node) => node == "node-1" ? "zone-a" : null;

    private static V1EndpointSlice Existing(string name, DesiredSlice content) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Endpoints = content.Endpoints,
        Ports = content.Ports,
    };

    [Fact]
    public void Desired_NoSelector_NullTheSlicesAreTheUsers() =>
        Assert.Null(EndpointSlicePlanner.Desired(Service(null, false, Http), [Pod("a", "10.0.0.1")], Zone));

    [Fact]
    public void Desired_NoMatchingPods_OnePlaceholderWithoutEndpointsOrPorts()
    {
        var slice = Assert.Single(EndpointSlicePlanner.Desired(Service(Web, false, Http), [Pod("db", "10.0.0.9", app: "db"), Pod("no-ip", null)], Zone)!);

        Assert.Empty(slice.Endpoints);
        Assert.Null(slice.Ports);
    }

    [Fact]
    public void Desired_ReadyNotReadyAndTerminatingPods_ConditionsNodeZoneAndTargetRef()
    {
        var pods = new[] { Pod("b", "10.0.0.2", ready: false, node: "node-2"), Pod("a", "10.0.0.1"), Pod("going", "10.0.0.3", terminating: true) };

        var slice = Assert.Single(EndpointSlicePlanner.Desired(Service(Web, false, Http), pods, Zone)!);

        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.3"], slice.Endpoints.Select(e => e.Addresses.Single()));
        Assert.Equal(
            [(true, true, false), (false, false, false), (false, true, true)],
            slice.Endpoints.Select(e => (e.Conditions.Ready!.Value, e.Conditions.Serving!.Value, e.Conditions.Terminating!.Value)));
        Assert.Equal(["zone-a", null, "zone-a"], slice.Endpoints.Select(e => e.Zone));
        Assert.Equal(("node-2", "Pod", "b", "uid-b"), (slice.Endpoints[1].NodeName, slice.Endpoints[1].TargetRef.Kind, slice.Endpoints[1].TargetRef.Name, slice.Endpoints[1].TargetRef.Uid));
        Assert.Equal(("http", 8080, "TCP"), (slice.Ports!.Single().Name, slice.Ports!.Single().Port!.Value, slice.Ports!.Single().Protocol));
    }

    [Fact]
    public void Desired_PublishNotReadyAddresses_EveryEndpointReady()
    {
        var slice = Assert.Single(EndpointSlicePlanner.Desired(Service(Web, true, Http), [Pod("slow", "10.0.0.1", ready: false), Pod("going", "10.0.0.2", terminating: true)], Zone)!);

        Assert.All(slice.Endpoints, e => Assert.True(e.Conditions.Ready));
    }

    [Fact]
    public void Desired_NamedPortResolvesDifferentlyPerPod_OneSlicePerPortSet()
    {
        var slices = EndpointSlicePlanner.Desired(Service(Web, false, Http), [Pod("a", "10.0.0.1"), Pod("b", "10.0.0.2", containerPort: 9090), Pod("c", "10.0.0.3")], Zone)!;

        Assert.Equal([(8080, 2), (9090, 1)], slices.Select(s => (s.Ports!.Single().Port!.Value, s.Endpoints.Count)));
    }

    [Theory]
    [InlineData(100, new[] { 100 })]
    [InlineData(101, new[] { 100, 1 })]
    [InlineData(250, new[] { 100, 100, 50 })]
    public void Desired_ManyPods_AtMostAHundredPerSlice(int pods, int[] sizes)
    {
        var all = Enumerable.Range(0, pods).Select(i => Pod("p" + i, $"10.0.{i / 250}.{(i % 250) + 1}"));

        Assert.Equal(sizes, EndpointSlicePlanner.Desired(Service(Web, false, Http), all, Zone)!.Select(s => s.Endpoints.Count));
    }

    [Fact]
    public void Plan_NothingExists_CreatesEverySlice()
    {
        var desired = EndpointSlicePlanner.Desired(Service(Web, false, Http), [Pod("a", "10.0.0.1")], Zone)!;

        var plan = EndpointSlicePlanner.Plan(desired, []);

        Assert.Equal(desired, plan.Create);
        Assert.Empty(plan.Update);
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void Plan_ExistingUpToDate_NothingWritten()
    {
        var desired = EndpointSlicePlanner.Desired(Service(Web, false, Http), [Pod("a", "10.0.0.1")], Zone)!;

        var plan = EndpointSlicePlanner.Plan(desired, [Existing("web-abcde", desired[0])]);

        Assert.Empty(plan.Create);
        Assert.Empty(plan.Update);
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void Plan_PortsChangedAndFewerSlices_RecyclesOneDeletesTheRest()
    {
        var before = EndpointSlicePlanner.Desired(Service(Web, false, Http), Enumerable.Range(0, 150).Select(i => Pod("p" + i, $"10.0.0.{i + 1}")), Zone)!;
        var after = EndpointSlicePlanner.Desired(Service(Web, false, Http), [Pod("moved", "10.0.1.1", containerPort: 9090)], Zone)!;

        var plan = EndpointSlicePlanner.Plan(after, [Existing("web-b", before[1]), Existing("web-a", before[0])]);

        Assert.Empty(plan.Create);
        var (slice, content) = Assert.Single(plan.Update);
        Assert.Equal(("web-a", 9090), (slice.Metadata.Name, content.Ports!.Single().Port!.Value));
        Assert.Equal(["web-b"], plan.Delete.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void Plan_SamePortsSliceExists_KeptForThoseEndpointsOthersCreated()
    {
        var desired = EndpointSlicePlanner.Desired(Service(Web, false, Http), [Pod("a", "10.0.0.1"), Pod("b", "10.0.0.2", containerPort: 9090)], Zone)!;

        var plan = EndpointSlicePlanner.Plan(desired, [Existing("web-x", desired[1])]);

        Assert.Equal([desired[0]], plan.Create);
        Assert.Empty(plan.Update);
        Assert.Empty(plan.Delete);
    }
}
