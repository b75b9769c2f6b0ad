using Cluster.Controllers.Scheduling.Framework;
using Cluster.Controllers.Volumes;
using k8s.Models;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>
/// Upstream's VolumeBinding filter for the claims a pod mounts. A claim must exist and not be going away; a bound
/// claim's volume must exist and its node affinity hold on the node (a local volume lives on one node: its pod must
/// go there, or it would find an empty directory); an unbound claim of an Immediate class waits for the volume
/// controller first; an unbound claim of a WaitForFirstConsumer class needs, on the node, an available volume when
/// its class provisions nothing (<c>kubernetes.io/no-provisioner</c>, the local static volumes), or one of the
/// class's allowed topologies. The node the pod is bound to then becomes the claim's selected node.
/// </summary>
public sealed class VolumeBinding(IVolumeLookup volumes) : IPreFilterPlugin, IFilterPlugin
{
    public const string UnboundImmediate = "pod has unbound immediate PersistentVolumeClaims";
    public const string NodeConflict = "node(s) had volume node affinity conflict";
    public const string BindConflict = "node(s) didn't find available persistent volumes to bind";
    public const string VolumeMissing = "pvc(s) bound to non-existent pv(s)";

    /// <summary>The provisioner of classes whose volumes an administrator creates beforehand (upstream's NotSupportedProvisioner).</summary>
    public const string NoProvisioner = "kubernetes.io/no-provisioner";

    private const string StateKey = "PreFilter" + nameof(VolumeBinding);

    public string Name => nameof(VolumeBinding);

    public FilterResult PreFilter(CycleState state, PodInfo pod, IClusterSnapshot snapshot)
    {
        if (!pod.HasClaims)
        {
            return FilterResult.Fits;
        }

        List<NodeAffinityMatch.NodeSelectorTerm[]>? bound = null;
        List<NodeAffinityMatch.NodeSelectorTerm[]?[]>? delayed = null;
        foreach (var volume in pod.Pod.Spec?.Volumes ?? [])
        {
            if (volume.PersistentVolumeClaim?.ClaimName is not { Length: > 0 } name)
            {
                continue;
            }

            var claim = volumes.Claim(pod.Namespace, name);
            if (claim is null)
            {
                return FilterResult.Unresolvable($"persistentvolumeclaim \"{name}\" not found");
            }

            if (claim.Metadata.DeletionTimestamp is not null)
            {
                return FilterResult.Unresolvable($"persistentvolumeclaim \"{name}\" is being deleted");
            }

            if (claim.Spec?.VolumeName is { Length: > 0 } volumeName)
            {
                if (volumes.Volume(volumeName) is not { } pv)
                {
                    return FilterResult.Unresolvable(VolumeMissing);
                }

                if (NodeAffinityMatch.VolumeTerms(pv) is { } terms)
                {
                    (bound ??= []).Add(terms);
                }
            }
            else if (!ClaimPlanner.DelaysBinding(claim, volumes.StorageClass))
            {
                return FilterResult.Unresolvable(UnboundImmediate);
            }
            else if (Candidates(claim) is { } candidates)
            {
                (delayed ??= []).Add(candidates);
            }
        }

        if (bound is not null || delayed is not null)
        {
            state.Write(StateKey, new Claims(bound ?? [], delayed ?? []));
        }

        return FilterResult.Fits;
    }

    public FilterResult Filter(CycleState state, PodInfo pod, NodeInfo node)
    {
        // Most pods mount no claim: nothing to look up for each of thousands of nodes.
        if (!pod.HasClaims || state.Read<Claims>(StateKey) is not { } claims)
        {
            return FilterResult.Fits;
        }

        foreach (var terms in claims.Bound)
        {
            if (!NodeAffinityMatch.AnyHolds(terms, node.Name, node.Labels))
            {
                return FilterResult.Unresolvable(NodeConflict);
            }
        }

        foreach (var candidates in claims.Delayed)
        {
            if (!AnyHolds(candidates, node))
            {
                return FilterResult.Unresolvable(BindConflict);
            }
        }

        return FilterResult.Fits;
    }

    /// <summary>
    /// Where a delayed claim could be served, as node affinities (one entry each; a null entry fits every node); null
    /// when anywhere will do (a provisioner with no allowed topologies).
    /// </summary>
    private NodeAffinityMatch.NodeSelectorTerm[]?[]? Candidates(V1PersistentVolumeClaim claim)
    {
        var storageClass = volumes.StorageClass(VolumeMatcher.ClassOf(claim));
        if (storageClass?.Provisioner == NoProvisioner)
        {
            // Each available volume that would serve the claim, with where it can be used from.
            return [.. volumes.Volumes()
                .Where(v => v.Metadata.DeletionTimestamp is null && VolumeMatcher.FindBestMatch(claim, [v], delayBinding: false) is not null)
                .Select(NodeAffinityMatch.VolumeTerms)];
        }

        if (storageClass?.AllowedTopologies is { Count: > 0 } topologies)
        {
            // A topology term's label expressions read as a node selector term's (key In values).
            var terms = topologies.Select(t => NodeAffinityMatch.NodeSelectorTerm.Parse(new V1NodeSelectorTerm
            {
                MatchExpressions = [.. (t.MatchLabelExpressions ?? []).Select(e => new V1NodeSelectorRequirement { Key = e.Key, OperatorProperty = "In", Values = e.Values })],
            }));
            return [[.. terms]];
        }

        return null;
    }

    private static bool AnyHolds(NodeAffinityMatch.NodeSelectorTerm[]?[] candidates, NodeInfo node)
    {
        foreach (var terms in candidates)
        {
            if (NodeAffinityMatch.AnyHolds(terms, node.Name, node.Labels))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Claims(List<NodeAffinityMatch.NodeSelectorTerm[]> Bound, List<NodeAffinityMatch.NodeSelectorTerm[]?[]> Delayed);
}
