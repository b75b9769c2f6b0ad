using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class CoreStrategySpec
{
    [Fact]
    public void BuiltIn_EveryBuiltInKind_HasAStrategy()
    {
        foreach (var kind in BuiltInKinds.All.Concat(BuiltInKinds.Internal))
        {
            Assert.Same(kind, StrategyCatalog.For(kind).Kind);
        }

        Assert.Equal(BuiltInKinds.All.Count + BuiltInKinds.Internal.Count, StrategyCatalog.BuiltIn.Kinds.Count);
    }

    [Fact]
    public void For_UnknownKind_Throws() =>
        Assert.Throws<ArgumentException>(() => StrategyCatalog.For(new ResourceKind("example.com", "v1", "Widget", "widgets", true)));

    [Fact]
    public void PrepareForCreate_Namespace_SetsActiveFinalizerAndNameLabel()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.Namespace);
        var ns = Json("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"},"status":{"phase":"Terminating"}}""");
        strategy.PrepareForCreate(ns);
        Assert.Equal("""["kubernetes"]""", At(ns, "spec.finalizers")!.ToJsonString());
        Assert.Equal("Active", Str(ns, "status.phase"));
        Assert.Equal("team-a", ns["metadata"]!["labels"]!["kubernetes.io/metadata.name"]!.GetValue<string>());
        Assert.Equal("Active", strategy.SelectableField(ns, "status.phase"));
        NoCauses(strategy.Validate(ns));
    }

    [Fact]
    public void PrepareForUpdate_Namespace_KeepsFinalizersAndStatus()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.Namespace);
        var old = Json("""{"metadata":{"name":"a"}}""");
        strategy.PrepareForCreate(old);
        var updated = Json("""{"metadata":{"name":"a"},"spec":{"finalizers":[]},"status":{"phase":"Terminating"}}""");
        strategy.PrepareForUpdate(updated, old);
        Assert.Equal("""["kubernetes"]""", At(updated, "spec.finalizers")!.ToJsonString());
        Assert.Equal("Active", Str(updated, "status.phase"));
    }

    [Fact]
    public void Validate_NamespaceNameNotLabel_IsInvalid()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.Namespace);
        var ns = Json("""{"metadata":{"name":"a.b"}}""");
        strategy.PrepareForCreate(ns);
        HasCause(strategy.Validate(ns), "metadata.name", "a lowercase RFC 1123 label");
    }

    [Fact]
    public void PrepareForCreate_Node_KeepsStatusAndDefaultsAllocatable()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.Node);
        var node = Json("""{"metadata":{"name":"n1"},"spec":{"unschedulable":true},"status":{"capacity":{"cpu":"4","memory":"8192Mi"}}}""");
        strategy.PrepareForCreate(node);
        Assert.Equal("8Gi", Str(node, "status.allocatable.memory"));
        Assert.Equal("true", strategy.SelectableField(node, "spec.unschedulable"));
        NoCauses(strategy.Validate(node));
    }

    [Fact]
    public void Validate_NodeTaintBadEffect_IsNotSupported()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.Node);
        var node = Json("""{"metadata":{"name":"n1"},"spec":{"taints":[{"key":"k","effect":"Sometimes"}]}}""");
        HasCause(strategy.Validate(node), "spec.taints[0].effect", "Unsupported value: \"Sometimes\"");
    }

    [Fact]
    public void Validate_ConfigMapBadKey_IsInvalid()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.ConfigMap);
        var cm = Json("""{"metadata":{"name":"c"},"data":{"good.key":"1","bad key":"2"}}""");
        var causes = strategy.Validate(cm);
        HasCause(causes, "data[bad key]", "a valid config key must consist of alphanumeric characters");
        NoCauseOn(causes, "data[good.key]");
    }

    [Fact]
    public void ValidateUpdate_ImmutableConfigMap_ForbidsDataAndUnsetting()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.ConfigMap);
        var old = Json("""{"metadata":{"name":"c"},"data":{"a":"1"},"immutable":true}""");
        var changed = Json("""{"metadata":{"name":"c"},"data":{"a":"2"},"immutable":true}""");
        HasCause(strategy.ValidateUpdate(changed, old), "data", "Forbidden: field is immutable when `immutable` is set");
        var unset = Json("""{"metadata":{"name":"c"},"data":{"a":"1"},"immutable":false}""");
        HasCause(strategy.ValidateUpdate(unset, old), "immutable", "field is immutable when `immutable` is set");
        NoCauses(strategy.ValidateUpdate((JsonObject)old.DeepClone(), old));
    }

    [Fact]
    public void PrepareForCreate_Secret_DefaultsTypeAndFoldsStringData()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.Secret);
        var secret = Json("""{"metadata":{"name":"s"},"data":{"a":"eA=="},"stringData":{"b":"hello"}}""");
        strategy.PrepareForCreate(secret);
        Assert.Equal("Opaque", Str(secret, "type"));
        Assert.Equal("aGVsbG8=", Str(secret, "data.b"));
        Assert.Null(secret["stringData"]);
        Assert.Equal("Opaque", strategy.SelectableField(secret, "type"));
        NoCauses(strategy.Validate(secret));
    }

    [Fact]
    public void Validate_SecretNotBase64_IsInvalid() =>
        HasCause(StrategyCatalog.For(BuiltInKinds.Secret).Validate(Json("""{"metadata":{"name":"s"},"type":"Opaque","data":{"a":"not base64!"}}""")),
            "data[a]", "must be a base64-encoded string");

    [Fact]
    public void Validate_TlsSecretWithoutKeys_RequiresThem()
    {
        var causes = StrategyCatalog.For(BuiltInKinds.Secret).Validate(Json("""{"metadata":{"name":"s"},"type":"kubernetes.io/tls","data":{}}"""));
        HasCause(causes, "data[tls.key]", "Required value");
        HasCause(causes, "data[tls.crt]", "Required value");
    }

    [Fact]
    public void ValidateUpdate_SecretTypeChange_IsImmutable() =>
        HasCause(StrategyCatalog.For(BuiltInKinds.Secret).ValidateUpdate(
            Json("""{"metadata":{"name":"s"},"type":"kubernetes.io/basic-auth","data":{"username":"eA=="}}"""),
            Json("""{"metadata":{"name":"s"},"type":"Opaque","data":{"username":"eA=="}}""")), "type", "field is immutable");

    [Fact]
    public void Validate_EventNamespaceMismatch_IsInvalid()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.Event);
        var ev = Json("""{"metadata":{"name":"e","namespace":"a"},"involvedObject":{"kind":"Pod","name":"p","namespace":"b"},"reason":"Started"}""");
        HasCause(strategy.Validate(ev), "involvedObject.namespace", "does not match event.namespace");
        HasCause(strategy.Validate(Json("""{"metadata":{"name":"e","namespace":"a"}}""")), "involvedObject", "Required value");
    }

    [Fact]
    public void SelectableField_Event_ReadsInvolvedObjectAndSource()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.Event);
        var ev = Json("""{"metadata":{"name":"e","namespace":"a"},"involvedObject":{"kind":"Pod","name":"p","namespace":"a","uid":"u1"},"reason":"Started","type":"Normal","reportingComponent":"kubelet"}""");
        NoCauses(strategy.Validate(ev));
        Assert.Equal("Pod", strategy.SelectableField(ev, "involvedObject.kind"));
        Assert.Equal("u1", strategy.SelectableField(ev, "involvedObject.uid"));
        Assert.Equal("", strategy.SelectableField(ev, "involvedObject.fieldPath"));
        Assert.Equal("kubelet", strategy.SelectableField(ev, "source"));
        Assert.Equal("Normal", strategy.SelectableField(ev, "type"));
    }

    [Fact]
    public void Validate_QuotaHardLimits_ChecksNamesQuantitiesAndIntegers()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.ResourceQuota);
        var quota = Json("""{"metadata":{"name":"q"},"spec":{"hard":{"cpu":"2000m","pods":"1.5","bogus":"1","memory":"-1Gi","requests.memory":"x"}}}""");
        strategy.PrepareForCreate(quota);
        Assert.Equal("2", Str(quota, "spec.hard.cpu"));
        var causes = strategy.Validate(quota);
        HasCause(causes, "spec.hard[pods]", "must be an integer");
        HasCause(causes, "spec.hard[bogus]", "must be a standard resource for quota");
        HasCause(causes, "spec.hard[memory]", "must be greater than or equal to 0");
        HasCause(causes, "spec.hard[requests.memory]", "quantities must match");
        NoCauseOn(causes, "spec.hard[cpu]");
    }

    [Fact]
    public void Validate_LeaseZeroDuration_IsInvalid() =>
        HasCause(StrategyCatalog.For(BuiltInKinds.Lease).Validate(Json("""{"metadata":{"name":"l"},"spec":{"leaseDurationSeconds":0}}""")),
            "spec.leaseDurationSeconds", "must be greater than 0");

    [Fact]
    public void Validate_EndpointsBadAddressAndUnnamedPorts_AreInvalid()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.Endpoints);
        var ep = Json("""{"metadata":{"name":"e"},"subsets":[{"addresses":[{"ip":"10.0.0.300"}],"ports":[{"port":80},{"port":81}]}]}""");
        strategy.PrepareForCreate(ep);
        Assert.Equal("TCP", Str(ep, "subsets.0.ports.0.protocol"));
        var causes = strategy.Validate(ep);
        HasCause(causes, "subsets[0].addresses[0].ip", "must be a valid IP address");
        HasCause(causes, "subsets[0].ports[1].name", "Required value");
    }

    [Fact]
    public void PrepareForCreate_KindWithoutStatusSubresource_KeepsClientFields()
    {
        var strategy = StrategyCatalog.For(BuiltInKinds.ConfigMap);
        var cm = Json("""{"metadata":{"name":"c"},"data":{"a":"1"},"status":{"x":1}}""");
        strategy.PrepareForCreate(cm);
        Assert.Equal("1", Str(cm, "status.x"));
    }
}
