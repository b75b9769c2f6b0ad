using Cluster.Controllers.Scheduling;
using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Scheduling.Plugins;
using k8s.Models;
using static Cluster.Controllers.Tests.Scheduling.SchedulingTestCluster;

namespace Cluster.Controllers.Tests.Scheduling;

public sealed class VolumeBindingSpec
{
    private readonly Lookup _store = new();

    public VolumeBindingSpec()
    {
        _store.Classes.Add(Class("fast", "cluster.local/local-path", "Immediate"));
        _store.Classes.Add(Class("later", "cluster.local/local-path", "WaitForFirstConsumer"));
        _store.Classes.Add(Class("local", VolumeBinding.NoProvisioner, "WaitForFirstConsumer"));
    }

    [Fact]
    public void PreFilter_PodWithoutClaims_FitsEverywhere()
    {
        var (pre, n1, _) = Run(Pod("p"));

        Assert.Equal((FilterCode.Success, FilterCode.Success), (pre.Code, n1.Code));
    }

    public static TheoryData<string, string?, string> Refusals => new()
    {
        { "missing", null, "persistentvolumeclaim \"data\" not found" },
        { "deleting", "fast", "persistentvolumeclaim \"data\" is being deleted" },
        { "unbound immediate", "fast", VolumeBinding.UnboundImmediate },
        { "bound to a missing volume", "fast", VolumeBinding.VolumeMissing },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void PreFilter_ClaimThatCannotServe_PodRefusedOutright(string situation, string? className, string reason)
    {
        if (className is not null)
        {
            var claim = Claim(className, volumeName: situation == "bound to a missing volume" ? "pv-gone" : null);
            claim.Metadata.DeletionTimestamp = situation == "deleting" ? DateTime.UtcNow : null;
            _store.Claims.Add(claim);
        }

        var (pre, _, _) = Run(PodWithClaim());

        Assert.Equal(FilterCode.UnschedulableAndUnresolvable, pre.Code);
        Assert.Equal([reason], pre.Reasons);
    }

    [Fact]
    public void Filter_ClaimBoundToAVolumeOnN2_FitsOnlyN2()
    {
        _store.Claims.Add(Claim("later", volumeName: "pv-1"));
        _store.Volumes.Add(Volume("pv-1", "later", node: "n2"));

        var (pre, n1, n2) = Run(PodWithClaim());

        Assert.Equal(FilterCode.Success, pre.Code);
        Assert.Equal((FilterCode.UnschedulableAndUnresolvable, FilterCode.Success), (n1.Code, n2.Code));
        Assert.Equal([VolumeBinding.NodeConflict], n1.Reasons);
    }

    [Fact]
    public void Filter_ClaimBoundToAVolumeWithoutAffinity_FitsEverywhere()
    {
        _store.Claims.Add(Claim("fast", volumeName: "pv-1"));
        _store.Volumes.Add(Volume("pv-1", "fast", node: null));

        var (_, n1, n2) = Run(PodWithClaim());

        Assert.Equal((FilterCode.Success, FilterCode.Success), (n1.Code, n2.Code));
    }

    [Fact]
    public void Filter_UnboundClaimOfAProvisioningWaitClass_FitsEverywhere()
    {
        _store.Claims.Add(Claim("later"));

        var (pre, n1, n2) = Run(PodWithClaim());

        Assert.Equal((FilterCode.Success, FilterCode.Success, FilterCode.Success), (pre.Code, n1.Code, n2.Code));
    }

    [Fact]
    public void Filter_UnboundClaimOfALocalClass_FitsWhereAnAvailableVolumeIs()
    {
        _store.Claims.Add(Claim("local"));
        _store.Volumes.Add(Volume("pv-small", "local", node: "n1", size: "100Mi"));
        _store.Volumes.Add(Volume("pv-taken", "local", node: "n1", claimRef: "other"));
        _store.Volumes.Add(Volume("pv-ok", "local", node: "n2"));

        var (_, n1, n2) = Run(PodWithClaim());

        // n1's volumes are too small or bound to another claim.
        Assert.Equal((FilterCode.UnschedulableAndUnresolvable, FilterCode.Success), (n1.Code, n2.Code));
        Assert.Equal([VolumeBinding.BindConflict], n1.Reasons);
    }

    private (FilterResult Pre, FilterResult N1, FilterResult N2) Run(V1Pod pod)
    {
        var plugin = new VolumeBinding(_store);
        var state = new CycleState();
        var info = PodInfo.From(pod);
        var pre = plugin.PreFilter(state, info, Cache());
        return pre.IsSuccess
            ? (pre, plugin.Filter(state, info, NodeInfo(Labelled("n1"))), plugin.Filter(state, info, NodeInfo(Labelled("n2"))))
            : (pre, pre, pre);
    }

    private static V1Node Labelled(string name) => Node(name, labels: new Dictionary<string, string> { ["kubernetes.io/hostname"] = name });

    private static V1Pod PodWithClaim()
    {
        var pod = Pod("p");
        pod.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = "data" } }];
        return pod;
    }

    private static V1StorageClass Class(string name, string provisioner, string binding) =>
        new() { Metadata = new V1ObjectMeta { Name = name }, Provisioner = provisioner, VolumeBindingMode = binding };

    private static V1PersistentVolumeClaim Claim(string className, string? volumeName = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "data", NamespaceProperty = "default", Uid = "uid-data" },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
            StorageClassName = className,
            VolumeName = volumeName,
        },
    };

    private static V1PersistentVolume Volume(string name, string className, string? node, string size = "1Gi", string? claimRef = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Uid = "uid-" + name },
        Spec = new V1PersistentVolumeSpec
        {
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) },
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = className,
            ClaimRef = claimRef is null ? null : new V1ObjectReference { Name = claimRef, NamespaceProperty = "default" },
            HostPath = new V1HostPathVolumeSource { Path = "/srv/" + name },
            NodeAffinity = node is null ? null : new V1VolumeNodeAffinity
            {
                Required = new V1NodeSelector { NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = [node] }] }] },
            },
        },
        Status = new V1PersistentVolumeStatus { Phase = "Available" },
    };

    private sealed class Lookup : IVolumeLookup
    {
        public List<V1PersistentVolumeClaim> Claims { get; } = [];

        public List<V1PersistentVolume> Volumes { get; } = [];

        public List<V1StorageClass> Classes { get; } = [];

        public V1PersistentVolumeClaim? Claim(string ns, string name) => Claims.FirstOrDefault(c => c.Metadata.NamespaceProperty == ns && c.Metadata.Name == name);

        public V1PersistentVolume? Volume(string name) => Volumes.FirstOrDefault(v => v.Metadata.Name == name);

        public V1StorageClass? StorageClass(string name) => Classes.FirstOrDefault(c => c.Metadata.Name == name);

        IEnumerable<V1PersistentVolume> IVolumeLookup.Volumes() => Volumes;
    }
}
