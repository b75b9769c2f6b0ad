using System.Text.Json.Nodes;
using Cluster.Controllers.Disruption;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Tests.Disruption;

public sealed class ControllerScalesSpec
{
    private readonly Dictionary<(string Kind, string Name), CachedObject> _objects = [];

    private void Put(ResourceKind kind, object obj, string name)
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();
        _objects[(kind.Kind, name)] = CachedObject.From(json, _objects.Count + 1);
    }

    private CachedObject? Get(ResourceKind kind, string ns, string name) => _objects.GetValueOrDefault((kind.Kind, name));

    private static V1OwnerReference Ref(string apiVersion, string kind, string name, string uid) => new() { ApiVersion = apiVersion, Kind = kind, Name = name, Uid = uid, Controller = true };

    [Fact]
    public void Find_ReplicaSetOfADeployment_TheDeploymentsScale()
    {
        Put(BuiltInKinds.Deployment, new V1Deployment { Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "default", Uid = "d1" }, Spec = new V1DeploymentSpec { Replicas = 3 } }, "web");
        Put(BuiltInKinds.ReplicaSet, new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta { Name = "web-abc", NamespaceProperty = "default", Uid = "r1", OwnerReferences = [Ref("apps/v1", "Deployment", "web", "d1")] },
            Spec = new V1ReplicaSetSpec { Replicas = 1 },
        }, "web-abc");

        Assert.Equal(new ControllerScale("d1", 3), ControllerScales.Find(Ref("apps/v1", "ReplicaSet", "web-abc", "r1"), "default", Get));
    }

    [Fact]
    public void Find_BareReplicaSet_ItsOwnScale_AndAStaleUidNothing()
    {
        Put(BuiltInKinds.ReplicaSet, new V1ReplicaSet { Metadata = new V1ObjectMeta { Name = "rs", NamespaceProperty = "default", Uid = "r1" }, Spec = new V1ReplicaSetSpec { Replicas = 7 } }, "rs");

        Assert.Equal(new ControllerScale("r1", 7), ControllerScales.Find(Ref("apps/v1", "ReplicaSet", "rs", "r1"), "default", Get));
        Assert.Null(ControllerScales.Find(Ref("apps/v1", "ReplicaSet", "rs", "other"), "default", Get));
    }

    [Fact]
    public void Find_StatefulSetAndReplicationController_TheirScales_UnknownKindNothing()
    {
        Put(BuiltInKinds.StatefulSet, new V1StatefulSet { Metadata = new V1ObjectMeta { Name = "db", Uid = "s1" }, Spec = new V1StatefulSetSpec { Replicas = 2 } }, "db");
        Put(BuiltInKinds.ReplicationController, new V1ReplicationController { Metadata = new V1ObjectMeta { Name = "old", Uid = "c1" }, Spec = new V1ReplicationControllerSpec { Replicas = 4 } }, "old");

        Assert.Equal(new ControllerScale("s1", 2), ControllerScales.Find(Ref("apps/v1", "StatefulSet", "db", "s1"), "default", Get));
        Assert.Equal(new ControllerScale("c1", 4), ControllerScales.Find(Ref("v1", "ReplicationController", "old", "c1"), "default", Get));
        Assert.Null(ControllerScales.Find(Ref("batch/v1", "Job", "j", "j1"), "default", Get));
    }
}
