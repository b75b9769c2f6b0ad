using System.Text;
using Cluster.Controllers.Informers;
using k8s;
using k8s.Models;

namespace Cluster.Controllers.Tests.Informers;

public sealed class TypedJsonSpec
{
    private static readonly byte[] Pod = Encoding.UTF8.GetBytes("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","uid":"u1","labels":{"app":"web"},
         "managedFields":[{"manager":"kube-controller-manager","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1",
           "fieldsV1":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"app\"}":{".":{},"f:image":{}}}}}}],
         "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"rs1","controller":true}]},
         "spec":{"nodeName":"n1","containers":[{"name":"app","image":"nginx","resources":{"requests":{"cpu":"100m","memory":"500Mi"}}}]},
         "status":{"phase":"Running","startTime":"2026-12-07T09:00:00Z"}}
        """);

    [Fact]
    public void Read_PodWithManagedFields_EverythingButManagedFieldsRead()
    {
        var pod = TypedJson.Read<V1Pod>(Pod);

        Assert.Null(pod.Metadata.ManagedFields);
        Assert.Equal(("web-1", "shop", "u1", "web"), (pod.Metadata.Name, pod.Metadata.NamespaceProperty, pod.Metadata.Uid, pod.Metadata.Labels["app"]));
        Assert.Equal("rs1", Assert.Single(pod.Metadata.OwnerReferences).Uid);
        Assert.Equal(("n1", "100m", "Running"), (pod.Spec.NodeName, pod.Spec.Containers[0].Resources.Requests["cpu"].ToString(), pod.Status.Phase));
        Assert.Equal(new DateTime(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc), pod.Status.StartTime);
    }

    [Fact]
    public void Read_ThenWrittenByKubernetesJson_NoManagedFieldsKey()
    {
        // Written back (a controller's update), the object carries no managedFields: the API keeps the stored entries.
        var json = KubernetesJson.Serialize(TypedJson.Read<V1Pod>(Pod));

        Assert.DoesNotContain("managedFields", json, StringComparison.Ordinal);
        Assert.Contains("\"ownerReferences\"", json, StringComparison.Ordinal);
    }
}
