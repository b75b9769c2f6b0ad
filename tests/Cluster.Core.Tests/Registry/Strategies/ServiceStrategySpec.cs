using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Tests.Registry.Strategies.StrategyAssert;

namespace Cluster.Core.Tests.Registry.Strategies;

public sealed class ServiceStrategySpec
{
    private static readonly IResourceStrategy Services = StrategyCatalog.For(BuiltInKinds.Service);

    private static JsonObject Service(string spec = """ "ports":[{"port":80}],"selector":{"app":"web"} """) =>
        Json("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{ @S }}""".Replace("@S", spec, StringComparison.Ordinal));

    private static JsonObject Created(JsonObject svc)
    {
        Services.PrepareForCreate(svc);
        return svc;
    }

    [Fact]
    public void PrepareForCreate_MinimalService_FillsDefaults()
    {
        var svc = Created(Service());
        Assert.Equal("ClusterIP", Str(svc, "spec.type"));
        Assert.Equal("None", Str(svc, "spec.sessionAffinity"));
        Assert.Equal("Cluster", Str(svc, "spec.internalTrafficPolicy"));
        Assert.Equal("TCP", Str(svc, "spec.ports.0.protocol"));
        Assert.Equal("80", Str(svc, "spec.ports.0.targetPort"));
        Assert.Null(At(svc, "spec.externalTrafficPolicy"));
        Assert.Equal("""{"loadBalancer":{}}""", svc["status"]!.ToJsonString());
        NoCauses(Services.Validate(svc));
    }

    [Fact]
    public void PrepareForCreate_LoadBalancer_DefaultsExternalPolicyAndNodePorts()
    {
        var svc = Created(Service(""" "type":"LoadBalancer","ports":[{"port":443,"targetPort":"https"}] """));
        Assert.Equal("Cluster", Str(svc, "spec.externalTrafficPolicy"));
        Assert.Equal("True", Str(svc, "spec.allocateLoadBalancerNodePorts"));
        Assert.Equal("https", Str(svc, "spec.ports.0.targetPort"));
    }

    [Fact]
    public void PrepareForCreate_ClientIPAffinity_DefaultsTimeout()
    {
        var svc = Created(Service(""" "ports":[{"port":80}],"sessionAffinity":"ClientIP" """));
        Assert.Equal("10800", Str(svc, "spec.sessionAffinityConfig.clientIP.timeoutSeconds"));
    }

    [Fact]
    public void PrepareForCreate_ClusterIPOnly_FillsClusterIPs()
    {
        var svc = Created(Service(""" "ports":[{"port":80}],"clusterIP":"10.96.0.10" """));
        Assert.Equal("""["10.96.0.10"]""", At(svc, "spec.clusterIPs")!.ToJsonString());
        NoCauses(Services.Validate(svc));
    }

    [Fact]
    public void Validate_NoPorts_RequiresPortsUnlessHeadlessOrExternalName()
    {
        HasCause(Services.Validate(Created(Service(""" "selector":{"app":"web"} """))), "spec.ports", "Required value");
        NoCauseOn(Services.Validate(Created(Service(""" "clusterIP":"None" """))), "spec.ports");
        NoCauses(Services.Validate(Created(Service(""" "type":"ExternalName","externalName":"db.example.com" """))));
    }

    [Fact]
    public void Validate_ExternalNameWithoutName_IsRequired() =>
        HasCause(Services.Validate(Created(Service(""" "type":"ExternalName" """))), "spec.externalName", "Required value");

    [Fact]
    public void Validate_PortOutOfRange_IsInvalid() =>
        HasCause(Services.Validate(Created(Service(""" "ports":[{"port":70000,"targetPort":80}] """))),
            "spec.ports[0].port", "Invalid value: 70000: must be between 1 and 65535, inclusive");

    [Fact]
    public void Validate_TwoPortsWithoutNames_RequireNames()
    {
        var causes = Services.Validate(Created(Service(""" "ports":[{"port":80},{"port":443}] """)));
        HasCause(causes, "spec.ports[0].name", "Required value");
        HasCause(causes, "spec.ports[1].name", "Required value");
    }

    [Fact]
    public void Validate_DuplicatePortNames_AreDuplicate() =>
        HasCause(Services.Validate(Created(Service(""" "ports":[{"name":"web","port":80},{"name":"web","port":81}] """))),
            "spec.ports[1].name", "Duplicate value: \"web\"");

    [Fact]
    public void Validate_NodePortOnClusterIP_IsForbidden() =>
        HasCause(Services.Validate(Created(Service(""" "ports":[{"port":80,"nodePort":30080}] """))),
            "spec.ports[0].nodePort", "may not be used when `type` is 'ClusterIP'");

    [Fact]
    public void Validate_UnknownType_IsNotSupported() =>
        HasCause(Services.Validate(Created(Service(""" "type":"Magic","ports":[{"port":80}] """))), "spec.type", "Unsupported value: \"Magic\"");

    [Fact]
    public void ValidateUpdate_ChangedClusterIP_MayNotChange()
    {
        var old = Created(Service(""" "ports":[{"port":80}],"clusterIP":"10.96.0.10" """));
        var patched = (JsonObject)old.DeepClone();
        patched["spec"]!["clusterIP"] = "10.96.0.11";
        Services.PrepareForUpdate(patched, old);
        HasCause(Services.ValidateUpdate(patched, old), "spec.clusterIPs[0]", "Invalid value: [\"10.96.0.11\"]: may not change once set");

        var replaced = Service(""" "ports":[{"port":80}],"clusterIP":"10.96.0.11" """);
        Services.PrepareForUpdate(replaced, old);
        HasCause(Services.ValidateUpdate(replaced, old), "spec.clusterIPs[0]", "primary clusterIP can not be unset");
    }

    [Fact]
    public void PrepareForUpdate_OmittedAllocations_KeepsClusterIPAndNodePorts()
    {
        var old = Created(Service(""" "type":"NodePort","ports":[{"name":"http","port":80,"nodePort":30080}],"clusterIP":"10.96.0.10" """));
        var updated = Service(""" "type":"NodePort","ports":[{"name":"http","port":80}] """);
        Services.PrepareForUpdate(updated, old);
        Assert.Equal("10.96.0.10", Str(updated, "spec.clusterIP"));
        Assert.Equal("""["10.96.0.10"]""", At(updated, "spec.clusterIPs")!.ToJsonString());
        Assert.Equal("30080", Str(updated, "spec.ports.0.nodePort"));
        NoCauses(Services.ValidateUpdate(updated, old));
    }

    [Fact]
    public void PrepareForUpdate_NodePortToClusterIP_ReleasesNodePorts()
    {
        var old = Created(Service(""" "type":"NodePort","ports":[{"port":80,"nodePort":30080}],"clusterIP":"10.96.0.10" """));
        var updated = (JsonObject)old.DeepClone();
        updated["spec"]!["type"] = "ClusterIP";
        Services.PrepareForUpdate(updated, old);
        Assert.Null(At(updated, "spec.ports.0.nodePort"));
        Assert.Null(At(updated, "spec.externalTrafficPolicy"));
        NoCauses(Services.ValidateUpdate(updated, old));
    }

    [Fact]
    public void SelectableField_Service_ReadsTypeAndClusterIP()
    {
        var svc = Created(Service(""" "ports":[{"port":80}],"clusterIP":"10.96.0.10" """));
        Assert.Equal("ClusterIP", Services.SelectableField(svc, "spec.type"));
        Assert.Equal("10.96.0.10", Services.SelectableField(svc, "spec.clusterIP"));
    }
}
