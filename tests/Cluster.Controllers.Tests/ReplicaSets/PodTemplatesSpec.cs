using System.Text.Json.Nodes;
using Cluster.Controllers.ReplicaSets;
using Cluster.Core.Registry.Cache;
using static Cluster.Controllers.Tests.ReplicaSets.ReplicaFixtures;

namespace Cluster.Controllers.Tests.ReplicaSets;

public sealed class PodTemplatesSpec
{
    [Fact]
    public void PodFor_ReplicaSet_GeneratedNameTemplateMetadataAndControllerReference()
    {
        var pod = PodTemplates.PodFor(Set());

        Assert.Equal(("web-", "shop", null), (pod.Metadata.GenerateName, pod.Metadata.NamespaceProperty, pod.Metadata.Name));
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" }, pod.Metadata.Labels);
        Assert.Equal("kept", pod.Metadata.Annotations["note"]);
        Assert.Null(pod.Metadata.Finalizers);
        var owner = Assert.Single(pod.Metadata.OwnerReferences);
        Assert.Equal(("apps/v1", "ReplicaSet", "web", "rs-uid", true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal("nginx", pod.Spec.Containers.Single().Image);
    }

    [Fact]
    public void PodFor_ReplicationController_OwnedAsV1ReplicationController_SelectedByItsLabelMap()
    {
        var rc = ReplicaKind.ReplicationController.Read(CachedObject.From(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"legacy","namespace":"shop","uid":"rc-uid"},
             "spec":{"replicas":2,"selector":{"app":"legacy"},"template":{"metadata":{"labels":{"app":"legacy","extra":"x"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}
            """)!.AsObject(), 3));

        var pod = PodTemplates.PodFor(rc);

        var owner = Assert.Single(pod.Metadata.OwnerReferences);
        Assert.Equal(("v1", "ReplicationController", "rc-uid"), (owner.ApiVersion, owner.Kind, owner.Uid));
        Assert.Equal("legacy-", pod.Metadata.GenerateName);
        Assert.Equal(2, rc.Replicas);
        Assert.True(rc.Selector!.Matches(new Dictionary<string, string> { ["app"] = "legacy" }));
        Assert.False(rc.Selector.Matches(new Dictionary<string, string> { ["app"] = "web" }));
    }

    [Fact]
    public void PodFor_TemplateWithoutLabels_Refused()
    {
        var set = Set();
        set.Template.Metadata.Labels = null;

        Assert.Throws<InvalidOperationException>(() => PodTemplates.PodFor(set));
    }
}
