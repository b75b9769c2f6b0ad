using Cluster.Core.Registry;
using static Cluster.Api.Tests.Tables.TableFixtures;

namespace Cluster.Api.Tests.Tables;

public sealed class CorePrinterTests
{
    [Fact]
    public void Service_ClusterIp_MatchesUpstream()
    {
        var json = $$$"""
            {"metadata":{"name":"web","creationTimestamp":"{{{Ago(TimeSpan.FromSeconds(42))}}}"},
             "spec":{"type":"ClusterIP","clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"selector":{"app":"web","tier":"fe"},
                     "ports":[{"port":80,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]}}
            """;
        Assert.Equal(["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "[Selector]"], Headers(BuiltInKinds.Service));
        Assert.Equal(["web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "42s", "app=web,tier=fe"], Cells(BuiltInKinds.Service, json));
    }

    [Fact]
    public void IPAddress_ServiceParent_MatchesUpstream()
    {
        var json = $$$$"""
            {"metadata":{"name":"10.96.0.10","creationTimestamp":"{{{{Ago(TimeSpan.FromSeconds(42))}}}}"},
             "spec":{"parentRef":{"group":"","resource":"services","namespace":"default","name":"web"}}}
            """;

        Assert.Equal(["Name", "ParentRef", "Age"], Headers(BuiltInKinds.IPAddress));
        Assert.Equal(["10.96.0.10", "services/default/web", "42s"], Cells(BuiltInKinds.IPAddress, json));
    }

    [Fact]
    public void Service_NodePort_ShowsNodePortInPorts()
    {
        var cells = Cells(BuiltInKinds.Service, """{"metadata":{"name":"s"},"spec":{"type":"NodePort","clusterIP":"10.96.1.1","externalIPs":["1.2.3.4"],"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}]}}""");
        Assert.Equal(["s", "NodePort", "10.96.1.1", "1.2.3.4", "80:30080/TCP"], cells[..5]);
    }

    [Theory]
    [InlineData("{}", "<pending>")]
    [InlineData("""{"loadBalancer":{"ingress":[{"ip":"5.6.7.8"},{"hostname":"lb.example.com"},{"ip":"1.2.3.4"}]}}""", "1.2.3.4,5.6.7.8,lb.example.com")]
    public void Service_LoadBalancer_ShowsIngressOrPending(string status, string expected)
    {
        var cells = Cells(BuiltInKinds.Service, $$"""{"metadata":{"name":"s"},"spec":{"type":"LoadBalancer","clusterIPs":["10.0.0.1"],"ports":[{"port":443,"nodePort":31443,"protocol":"TCP"}]},"status":{{status}}}""");
        Assert.Equal(expected, cells[3]);
    }

    [Fact]
    public void Service_ExternalNameWithoutPortsOrSelector_ShowsNames()
    {
        var cells = Cells(BuiltInKinds.Service, """{"metadata":{"name":"ext"},"spec":{"type":"ExternalName","externalName":"db.example.com"}}""");
        Assert.Equal(["ext", "ExternalName", "<none>", "db.example.com", "<none>", "<unknown>", "<none>"], cells);
    }

    [Fact]
    public void Service_NoTypeOrProtocol_PrintsServerDefaults() =>
        Assert.Equal(["s", "ClusterIP", "None", "<none>", "8080/TCP"],
            Cells(BuiltInKinds.Service, """{"metadata":{"name":"s"},"spec":{"clusterIP":"None","ports":[{"port":8080}]}}""")[..5]);

    [Fact]
    public void Endpoints_FewAddresses_ListsHostPorts()
    {
        const string json = """{"metadata":{"name":"web"},"subsets":[{"addresses":[{"ip":"10.1.0.1"},{"ip":"fd00::1"}],"ports":[{"port":8080}]}]}""";
        Assert.Equal(["web", "10.1.0.1:8080,[fd00::1]:8080", "<unknown>"], Cells(BuiltInKinds.Endpoints, json));
    }

    [Fact]
    public void Endpoints_MoreThanThree_SaysHowManyMore()
    {
        const string json = """
            {"metadata":{"name":"web"},"subsets":[
              {"addresses":[{"ip":"10.1.0.1"},{"ip":"10.1.0.2"}],"ports":[{"name":"http","port":80},{"name":"https","port":443}]},
              {"addresses":[{"ip":"10.1.0.3"}]}]}
            """;
        Assert.Equal("10.1.0.1:80,10.1.0.2:80,10.1.0.1:443 + 2 more...", Cells(BuiltInKinds.Endpoints, json)[1]);
    }

    [Fact]
    public void Endpoints_NoSubsets_ShowsNone() =>
        Assert.Equal("<none>", Cells(BuiltInKinds.Endpoints, """{"metadata":{"name":"web"}}""")[1]);

    [Fact]
    public void Namespace_Cells_ShowPhase()
    {
        Assert.Equal(["Name", "Status", "Age"], Headers(BuiltInKinds.Namespace));
        Assert.Equal(["ns", "Terminating", "<unknown>"], Cells(BuiltInKinds.Namespace, """{"metadata":{"name":"ns"},"status":{"phase":"Terminating"}}"""));
        Assert.Equal("Active", Cells(BuiltInKinds.Namespace, """{"metadata":{"name":"ns"}}""")[1]);
    }

    [Fact]
    public void Node_ReadyControlPlane_MatchesUpstream()
    {
        var json = $$$$"""
            {"metadata":{"name":"node-1","creationTimestamp":"{{{{Ago(TimeSpan.FromDays(12))}}}}",
               "labels":{"node-role.kubernetes.io/control-plane":"","node-role.kubernetes.io/":"","kubernetes.io/role":"etcd","kubernetes.io/os":"linux"}},
             "spec":{},
             "status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
               "addresses":[{"type":"Hostname","address":"node-1"},{"type":"InternalIP","address":"192.168.1.10"}],
               "nodeInfo":{"kubeletVersion":"v1.32.0","osImage":"Ubuntu 24.04","kernelVersion":"6.8.0","containerRuntimeVersion":"containerd://1.7.0"}}}
            """;
        Assert.Equal(["Name", "Status", "Roles", "Age", "Version", "[Internal-IP]", "[External-IP]", "[OS-Image]", "[Kernel-Version]", "[Container-Runtime]"], Headers(BuiltInKinds.Node));
        Assert.Equal(["node-1", "Ready", "control-plane,etcd", "12d", "v1.32.0", "192.168.1.10", "<none>", "Ubuntu 24.04", "6.8.0", "containerd://1.7.0"], Cells(BuiltInKinds.Node, json));
    }

    [Theory]
    [InlineData("""[{"type":"Ready","status":"True"}]""", true, "Ready,SchedulingDisabled")]
    [InlineData("""[{"type":"Ready","status":"Unknown"}]""", false, "NotReady")]
    [InlineData("[]", false, "Unknown")]
    [InlineData("[]", true, "Unknown,SchedulingDisabled")]
    public void Node_Status_CombinesReadyAndCordon(string conditions, bool unschedulable, string expected)
    {
        var cells = Cells(BuiltInKinds.Node, $$$"""{"metadata":{"name":"n"},"spec":{"unschedulable":{{{(unschedulable ? "true" : "false")}}}},"status":{"conditions":{{{conditions}}}}}""");
        Assert.Equal([expected, "<none>"], cells[1..3]);
        Assert.Equal(["<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"], cells[5..]);
    }

    [Fact]
    public void ConfigMap_Data_CountsDataAndBinaryData() =>
        Assert.Equal(["cm", 3L, "<unknown>"], Cells(BuiltInKinds.ConfigMap, """{"metadata":{"name":"cm"},"data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}}"""));

    [Fact]
    public void Secret_Cells_ShowTypeAndDataCount()
    {
        Assert.Equal(["Name", "Type", "Data", "Age"], Headers(BuiltInKinds.Secret));
        Assert.Equal(["tls", "kubernetes.io/tls", 2L, "<unknown>"], Cells(BuiltInKinds.Secret, """{"metadata":{"name":"tls"},"type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""}}"""));
        Assert.Equal(["s", "Opaque", 0L, "<unknown>"], Cells(BuiltInKinds.Secret, """{"metadata":{"name":"s"}}"""));
    }

    [Fact]
    public void ServiceAccount_Cells_CountSecrets() =>
        Assert.Equal(["default", 1L, "<unknown>"], Cells(BuiltInKinds.ServiceAccount, """{"metadata":{"name":"default"},"secrets":[{"name":"t"}]}"""));

    [Fact]
    public void ResourceQuota_Cells_SplitRequestsAndLimits()
    {
        const string json = """
            {"metadata":{"name":"q"},"status":{
              "hard":{"pods":"10","requests.cpu":"2","limits.memory":"2Gi","limits.cpu":"4","requests.memory":"1Gi"},
              "used":{"pods":"3","requests.cpu":"500m","limits.cpu":"1"}}}
            """;
        Assert.Equal(["Name", "Request", "Limit", "Age"], Headers(BuiltInKinds.ResourceQuota));
        Assert.Equal(["q", "pods: 3/10, requests.cpu: 500m/2, requests.memory: 0/1Gi", "limits.cpu: 1/4, limits.memory: 0/2Gi", "<unknown>"],
            Cells(BuiltInKinds.ResourceQuota, json));
    }

    [Fact]
    public void Lease_Cells_ShowHolder()
    {
        Assert.Equal(["Name", "Holder", "Age"], Headers(BuiltInKinds.Lease));
        Assert.Equal(["node-1", "node-1", "<unknown>"], Cells(BuiltInKinds.Lease, """{"metadata":{"name":"node-1"},"spec":{"holderIdentity":"node-1"}}"""));
        Assert.Equal(["l", "", "<unknown>"], Cells(BuiltInKinds.Lease, """{"metadata":{"name":"l"},"spec":{}}"""));
    }

    [Fact]
    public void UnknownKind_DefaultTable_NameAndCreatedAt()
    {
        var kind = new ResourceKind("example.com", "v1", "Widget", "widgets", Namespaced: true);
        Assert.Equal(["Name", "Created At"], Headers(kind));
        Assert.Equal("date", Cluster.Api.Tables.TableConverters.For(kind).Columns[1].Type);
        Assert.Equal(["w", "2024-05-01T08:30:00Z"], Cells(kind, """{"metadata":{"name":"w","creationTimestamp":"2024-05-01T08:30:00Z"}}"""));
        Assert.Equal(["w", "0001-01-01T00:00:00Z"], Cells(kind, """{"metadata":{"name":"w"}}"""));
    }
}
