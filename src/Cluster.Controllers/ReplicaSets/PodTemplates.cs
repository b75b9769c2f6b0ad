using k8s.Models;

namespace Cluster.Controllers.ReplicaSets;

/// <summary>A new replica from a set's template (upstream's GetPodFromTemplate). Pure.</summary>
public static class PodTemplates
{
    /// <summary>
    /// The pod to create: a name generated from the set's, the template's labels, annotations, finalizers and spec,
    /// the set as its controller. Throws when the template has no labels: the pod could never be counted.
    /// </summary>
    public static V1Pod PodFor(ReplicaSetView set)
    {
        var template = set.Template;
        if (template.Metadata?.Labels is not { Count: > 0 } labels)
        {
            throw new InvalidOperationException("unable to create pods, no labels");
        }

        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                GenerateName = set.Name + "-",
                NamespaceProperty = set.Namespace,
                Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
                Annotations = template.Metadata.Annotations is { Count: > 0 } annotations ? new Dictionary<string, string>(annotations, StringComparer.Ordinal) : null,
                Finalizers = template.Metadata.Finalizers is { Count: > 0 } finalizers ? [.. finalizers] : null,
                OwnerReferences = [set.Kind.ControllerRef(set)],
            },
            Spec = template.Spec,
        };
    }
}
