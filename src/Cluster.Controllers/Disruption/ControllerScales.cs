using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Controllers.Disruption;

/// <summary>A pod's controller and how many pods it wants; a Deployment's ReplicaSets all count as the Deployment.</summary>
public sealed record ControllerScale(string Uid, int Scale);

/// <summary>
/// Upstream's finders for getExpectedScale: from a pod's controller reference to the scale of what manages it — a
/// ReplicaSet (or the Deployment that owns it), a ReplicationController, a StatefulSet. Each checks the uid, so a
/// namesake created since does not count.
/// </summary>
public static class ControllerScales
{
    /// <param name="get">Reads an object of a kind by namespace and name from the informers' caches.</param>
    public static ControllerScale? Find(V1OwnerReference controllerRef, string ns, Func<ResourceKind, string, string, CachedObject?> get)
    {
        var group = controllerRef.ApiVersion?.Contains('/', StringComparison.Ordinal) == true ? controllerRef.ApiVersion[..controllerRef.ApiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        switch (controllerRef.Kind)
        {
            case "ReplicaSet" when group is "apps" or "extensions":
                if (get(BuiltInKinds.ReplicaSet, ns, controllerRef.Name) is not { } cachedSet || cachedSet.As<V1ReplicaSet>() is not { } set || set.Metadata?.Uid != controllerRef.Uid)
                {
                    return null;
                }

                if (set.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true) is { Kind: "Deployment" } deploymentRef)
                {
                    return get(BuiltInKinds.Deployment, ns, deploymentRef.Name)?.As<V1Deployment>() is { } deployment && deployment.Metadata?.Uid == deploymentRef.Uid
                        ? new ControllerScale(deployment.Metadata.Uid, deployment.Spec?.Replicas ?? 1)
                        : null;
                }

                return new ControllerScale(set.Metadata.Uid, set.Spec?.Replicas ?? 1);
            case "ReplicationController" when group == "":
                return get(BuiltInKinds.ReplicationController, ns, controllerRef.Name)?.As<V1ReplicationController>() is { } rc && rc.Metadata?.Uid == controllerRef.Uid
                    ? new ControllerScale(rc.Metadata.Uid, rc.Spec?.Replicas ?? 1)
                    : null;
            case "StatefulSet" when group == "apps":
                return get(BuiltInKinds.StatefulSet, ns, controllerRef.Name)?.As<V1StatefulSet>() is { } sts && sts.Metadata?.Uid == controllerRef.Uid
                    ? new ControllerScale(sts.Metadata.Uid, sts.Spec?.Replicas ?? 1)
                    : null;
            default:
                return null;
        }
    }
}
