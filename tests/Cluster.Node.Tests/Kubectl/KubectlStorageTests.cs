namespace Cluster.Node.Tests.Kubectl;

/// <summary>The storage kinds and the older core kinds through kubectl: applied, printed with kubectl's columns, validated, kept across a restart.</summary>
public sealed class KubectlStorageTests(KubectlCluster cluster) : IClassFixture<KubectlCluster>
{
    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: vault}
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: fast, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
        provisioner: example.invalid/fast
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: pv1}
        spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce, ReadOnlyMany], hostPath: {path: /tmp/pv1}, storageClassName: fast, claimRef: {namespace: vault, name: data}}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: vault}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, storageClassName: fast}
        ---
        apiVersion: v1
        kind: LimitRange
        metadata: {name: lr, namespace: vault}
        spec: {limits: [{type: Container, min: {cpu: 100m}, max: {cpu: "1"}, default: {cpu: 500m}}]}
        ---
        apiVersion: v1
        kind: PodTemplate
        metadata: {name: pt, namespace: vault}
        template: {metadata: {labels: {app: pt}}, spec: {containers: [{name: c, image: busybox}]}}
        ---
        apiVersion: v1
        kind: ReplicationController
        metadata: {name: rc, namespace: vault}
        spec: {replicas: 2, template: {metadata: {labels: {app: rc}}, spec: {containers: [{name: c, image: busybox}]}}}
        ---
        apiVersion: apps/v1
        kind: ControllerRevision
        metadata: {name: cr-1, namespace: vault}
        data: {spec: {template: {}}}
        revision: 1
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web, namespace: vault}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}], ports: [{port: 80, endPort: 90}]}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-1, namespace: vault}
        addressType: IPv4
        endpoints: [{addresses: [10.0.0.1]}, {addresses: [10.0.0.2]}]
        ports: [{name: http, port: 80}]
        """;

    [Fact]
    public async Task Apply_StorageAndLegacyKinds_PrintValidateAndSurviveRestart()
    {
        KubectlAssert.StdOutLines(
            await cluster.RunAsync("apply", "-f", cluster.WriteFile("vault.yaml", Manifest)),
            "namespace/vault created", "storageclass.storage.k8s.io/fast created", "persistentvolume/pv1 created", "persistentvolumeclaim/data created",
            "limitrange/lr created", "podtemplate/pt created", "replicationcontroller/rc created", "controllerrevision.apps/cr-1 created",
            "networkpolicy.networking.k8s.io/web created", "endpointslice.discovery.k8s.io/web-1 created");
        KubectlAssert.FailedWith(
            await cluster.RunAsync("create", "-f", cluster.WriteFile("bad-netpol.yaml", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: vault}\nspec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: not-a-cidr}}]}]}\n")),
            "spec.ingress[0].from[0].ipBlock.cidr: Invalid value: \"not-a-cidr\"");
        KubectlAssert.StdOutLines(await cluster.RunAsync("scale", "rc", "rc", "-n", "vault", "--replicas=3"), "replicationcontroller/rc scaled");
        KubectlAssert.FailedWith(
            await cluster.RunAsync("patch", "pvc", "data", "-n", "vault", "--type=merge", "-p", """{"spec":{"storageClassName":"slow"}}"""),
            "spec: Forbidden: spec is immutable after creation");
        KubectlAssert.FailedWith(
            await cluster.RunAsync("create", "-f", cluster.WriteFile("bad-pvc.yaml", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: bad, namespace: vault}\nspec: {resources: {requests: {storage: 1Gi}}}\n")),
            "spec.accessModes: Required value: at least 1 access mode is required");

        await cluster.RestartAsync();

        var sc = KubectlTable.Parse(await cluster.OutputAsync("get", "storageclass")).Row("fast (default)");
        Assert.Equal(("example.invalid/fast", "Delete", "Immediate"), (sc["PROVISIONER"], sc["RECLAIMPOLICY"], sc["VOLUMEBINDINGMODE"]));
        var pv = KubectlTable.Parse(await cluster.OutputAsync("get", "pv")).Row("pv1");
        Assert.Equal(("1Gi", "RWO,ROX", "Retain", "vault/data"), (pv["CAPACITY"], pv["ACCESS MODES"], pv["RECLAIM POLICY"], pv["CLAIM"]));
        // The persistentvolume-binder binds the claim to the volume pre-bound to it.
        var claim = KubectlTable.Parse(await cluster.OutputAsync("get", "pvc", "-n", "vault")).Row("data");
        for (var i = 0; i < 100 && claim["STATUS"] != "Bound"; i++)
        {
            await Task.Delay(100);
            claim = KubectlTable.Parse(await cluster.OutputAsync("get", "pvc", "-n", "vault")).Row("data");
        }

        Assert.Equal(("Bound", "pv1"), (claim["STATUS"], claim["VOLUME"]));
        var rc = KubectlTable.Parse(await cluster.OutputAsync("get", "rc", "-n", "vault", "-o", "wide")).Row("rc");
        Assert.Equal(("3", "app=rc"), (rc["DESIRED"], rc["SELECTOR"]));
        // The selector and the controller's labels default from the template's labels.
        Assert.Equal("rc rc", await cluster.JsonPathAsync("rc/rc", "vault", "{.metadata.labels.app} {.spec.selector.app}"));
        Assert.Equal("app=pt", KubectlTable.Parse(await cluster.OutputAsync("get", "podtemplate", "-n", "vault")).Row("pt")["POD LABELS"]);
        Assert.Equal("1", KubectlTable.Parse(await cluster.OutputAsync("get", "controllerrevision", "-n", "vault")).Row("cr-1")["REVISION"]);
        Assert.Equal("500m", await cluster.JsonPathAsync("limitrange/lr", "vault", "{.spec.limits[0].default.cpu}"));
        Assert.Equal("app=web", KubectlTable.Parse(await cluster.OutputAsync("get", "netpol", "-n", "vault")).Row("web")["POD-SELECTOR"]);
        Assert.Equal("TCP Ingress", await cluster.JsonPathAsync("networkpolicy/web", "vault", "{.spec.ingress[0].ports[0].protocol} {.spec.policyTypes[0]}"));
        var slice = KubectlTable.Parse(await cluster.OutputAsync("get", "endpointslice", "-n", "vault")).Row("web-1");
        Assert.Equal(("IPv4", "80", "10.0.0.1,10.0.0.2"), (slice["ADDRESSTYPE"], slice["PORTS"], slice["ENDPOINTS"]));
    }
}
