using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class StorageStrategySpec
{
    [Fact]
    public void Validate_PersistentVolumeWithoutModesStorageOrSource_IsInvalidEach()
    {
        var causes = StrategyCatalog.For(BuiltInKinds.PersistentVolume).Validate(Json("""{"metadata":{"name":"pv"},"spec":{"accessModes":["ReadWriteSometimes"]}}"""));

        HasCause(causes, "spec.accessModes", "Unsupported value: \"ReadWriteSometimes\"");
        HasCause(causes, "spec.capacity[storage]", "Required value");
        HasCause(causes, "spec", "must specify a volume type");
    }

    [Theory]
    [InlineData("""{"rbd":{"monitors":["10.0.0.1:6789"],"image":"disk"}}""", null)]
    [InlineData("""{"iscsi":{"targetPortal":"10.0.0.1:3260","iqn":"iqn.2001-04.com.example:storage","lun":0}}""", null)]
    [InlineData("""{"nfs":{"server":"nfs.example.invalid","path":"/x"},"cephfs":{"monitors":["10.0.0.1"]}}""", "may not specify more than 1 volume type")]
    public void Validate_PersistentVolumeInTreeSources_CountAsTheOneVolumeType(string source, string? error)
    {
        var spec = JsonNode.Parse(source)!.AsObject();
        spec["capacity"] = new JsonObject { ["storage"] = "1Gi" };
        spec["accessModes"] = new JsonArray("ReadWriteOnce");

        var causes = StrategyCatalog.For(BuiltInKinds.PersistentVolume).Validate(new JsonObject { ["metadata"] = new JsonObject { ["name"] = "pv" }, ["spec"] = spec });

        if (error is null)
        {
            NoCauses(causes);
        }
        else
        {
            HasCause(causes, "spec", error);
        }
    }

    [Fact]
    public void PrepareForCreate_PersistentVolumeAndClaim_DefaultAndStartPending()
    {
        var pv = Json("""{"metadata":{"name":"pv"},"spec":{"capacity":{"storage":"1Gi"},"accessModes":["ReadWriteOnce"],"hostPath":{"path":"/x"}}}""");
        var pvc = Json("""{"metadata":{"name":"c","namespace":"a"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}""");

        StrategyCatalog.For(BuiltInKinds.PersistentVolume).PrepareForCreate(pv);
        StrategyCatalog.For(BuiltInKinds.PersistentVolumeClaim).PrepareForCreate(pvc);

        Assert.Equal(("Retain", "Filesystem", "Pending"), (Str(pv, "spec.persistentVolumeReclaimPolicy"), Str(pv, "spec.volumeMode"), Str(pv, "status.phase")));
        Assert.Equal(("Filesystem", "Pending"), (Str(pvc, "spec.volumeMode"), Str(pvc, "status.phase")));
        NoCauses(StrategyCatalog.For(BuiltInKinds.PersistentVolume).Validate(pv));
        NoCauses(StrategyCatalog.For(BuiltInKinds.PersistentVolumeClaim).Validate(pvc));
    }

    [Fact]
    public void ValidateUpdate_PersistentVolumeClaim_OnlyRequestsMayChange()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.PersistentVolumeClaim);
        var old = Json("""{"metadata":{"name":"c","namespace":"a"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}""");

        NoCauses(strategy.ValidateUpdate(Json("""{"metadata":{"name":"c","namespace":"a"},"spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"2Gi"}}}}"""), old));
        HasCause(
            strategy.ValidateUpdate(Json("""{"metadata":{"name":"c","namespace":"a"},"spec":{"accessModes":["ReadWriteMany"],"resources":{"requests":{"storage":"1Gi"}}}}"""), old),
            "spec", "spec is immutable after creation");
    }

    [Fact]
    public void ValidateUpdate_StorageClassParameters_AreForbidden()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.StorageClass);

        HasCause(
            strategy.ValidateUpdate(Json("""{"metadata":{"name":"s"},"provisioner":"a.io/b","parameters":{"x":"2"}}"""), Json("""{"metadata":{"name":"s"},"provisioner":"a.io/b","parameters":{"x":"1"}}""")),
            "parameters", "updates to parameters are forbidden.");
    }

    [Fact]
    public void PrepareForCreate_ReplicationController_DefaultsSelectorAndLabelsFromTheTemplate()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.ReplicationController);
        var rc = Json("""{"metadata":{"name":"r","namespace":"a"},"spec":{"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}""");

        strategy.PrepareForCreate(rc);

        Assert.Equal(("x", "x", "1"), (Str(rc, "spec.selector.app"), Str(rc, "metadata.labels.app"), Str(rc, "spec.replicas")));
        NoCauses(strategy.Validate(rc));
        HasCause(
            strategy.Validate(Json("""{"metadata":{"name":"r","namespace":"a"},"spec":{"selector":{"app":"y"},"template":{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}""")),
            "spec.template.metadata.labels", "`selector` does not match template `labels`");
    }

    [Fact]
    public void Validate_LimitRangeMinAboveMax_IsInvalid()
    {
        var causes = StrategyCatalog.For(BuiltInKinds.LimitRange).Validate(Json(
            """{"metadata":{"name":"l","namespace":"a"},"spec":{"limits":[{"type":"Container","min":{"cpu":"2"},"max":{"cpu":"1"}},{"type":"Node"}]}}"""));

        HasCause(causes, "spec.limits[0].min[cpu]", "min value 2 is greater than max value 1");
        HasCause(causes, "spec.limits[1].type", "Unsupported value: \"Node\"");
    }

    [Fact]
    public void Validate_NetworkPolicyPeersPortsAndTypes_FollowUpstream()
    {
        var causes = StrategyCatalog.For(BuiltInKinds.NetworkPolicy).Validate(Json("""
            {"metadata":{"name":"n","namespace":"a"},"spec":{"podSelector":{},"policyTypes":["Sideways"],
              "ingress":[{"from":[{},{"ipBlock":{"cidr":"10.0.0.0/8"},"podSelector":{}}],"ports":[{"port":90,"endPort":80},{"endPort":5}]}]}}
            """));

        HasCause(causes, "spec.ingress[0].from[0]", "must specify a peer");
        HasCause(causes, "spec.ingress[0].from[1]", "may not specify both podSelector/namespaceSelector and ipBlock");
        HasCause(causes, "spec.ingress[0].ports[0].endPort", "must be greater than or equal to `port`");
        HasCause(causes, "spec.ingress[0].ports[1].port", "must be specified when endPort is specified");
        HasCause(causes, "spec.policyTypes[0]", "Unsupported value: \"Sideways\"");
    }

    [Fact]
    public void Validate_EndpointSliceAddressesOfTheWrongFamily_AreInvalid()
    {
        var causes = StrategyCatalog.For(BuiltInKinds.EndpointSlice).Validate(Json(
            """{"metadata":{"name":"e","namespace":"a"},"addressType":"IPv4","endpoints":[{"addresses":["2001:db8::1"]},{"addresses":[]},{"addresses":["10.1"]}],"ports":[{"name":"Bad_Name","port":80}]}"""));

        HasCause(causes, "endpoints[0].addresses[0]", "must be a valid IPv4 address");
        HasCause(causes, "endpoints[1].addresses", "must contain at least 1 address and no more than 100");
        HasCause(causes, "endpoints[2].addresses[0]", "must be a valid IPv4 address");
        HasCause(causes, "ports[0].name", "RFC 1123");
    }
}
