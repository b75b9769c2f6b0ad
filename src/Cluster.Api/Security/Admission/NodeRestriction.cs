using System.Text.Json.Nodes;
using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using k8s;
using k8s.Models;

namespace Cluster.Api.Security.Admission;

/// <summary>
/// Upstream's NodeRestriction admission: the writes the system:node role allows a node agent are held to its own
/// objects. It creates only mirror pods bound to itself and changes no pod spec; it updates the status of, deletes and
/// evicts only pods bound to it; it writes only its own Node (not its taints, nor the labels kept from nodes) and its
/// own Lease; it asks tokens only for pods bound to it.
/// </summary>
public sealed class NodeRestriction : IRequesterAdmission
{
    private const string MirrorAnnotation = "kubernetes.io/config.mirror";
    private const string RestrictedLabelDomain = "node-restriction.kubernetes.io";

    /// <summary>Labels a node may set on itself in the kubernetes.io and k8s.io domains (upstream's kubelet label allow-list).</summary>
    private static readonly string[] AllowedLabels =
    [
        "kubernetes.io/hostname", "kubernetes.io/arch", "kubernetes.io/os", "beta.kubernetes.io/arch", "beta.kubernetes.io/os",
        "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type", "topology.kubernetes.io/region",
        "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region", "failure-domain.beta.kubernetes.io/zone",
    ];

    private static readonly string[] AllowedLabelDomains = ["kubelet.kubernetes.io", "node.kubernetes.io"];

    private readonly string _node;

    private NodeRestriction(string node) => _node = node;

    /// <summary>The restriction for a node agent; null for any other user.</summary>
    public static NodeRestriction? For(UserInfo user) =>
        NodeIdentity.TryGetNode(user, out var node) && node.Length > 0 ? new NodeRestriction(node) : null;

    public bool Concerns(ResourceKind kind) =>
        kind == BuiltInKinds.Pod || kind == BuiltInKinds.Node || kind == BuiltInKinds.Lease;

    public void Admit(ResourceKind kind, string ns, string? subresource, JsonObject? current, JsonObject next)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(next);
        if (kind == BuiltInKinds.Pod)
        {
            AdmitPod(subresource, current, next);
        }
        else if (kind == BuiltInKinds.Node)
        {
            AdmitNode(current, next);
        }
        else if (kind == BuiltInKinds.Lease && ObjectMeta.Name(next) != _node)
        {
            throw Forbidden("can only access node lease with the same name as the requesting node");
        }
    }

    /// <summary>A delete: of a pod bound to this node, or of this node's own Node.</summary>
    public void AdmitDelete(ResourceKind kind, string name, JsonObject? current)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (kind == BuiltInKinds.Pod && current is not null && NodeNameOf(current) != _node)
        {
            throw Forbidden($"node \"{_node}\" can only delete pods with spec.nodeName set to itself");
        }

        if (kind == BuiltInKinds.Node && name != _node)
        {
            throw Forbidden($"node \"{_node}\" is not allowed to delete node \"{name}\"");
        }
    }

    /// <summary>An eviction: of a pod bound to this node.</summary>
    public void AdmitEviction(JsonObject pod)
    {
        if (NodeNameOf(pod) != _node)
        {
            throw Forbidden($"node \"{_node}\" can only evict pods with spec.nodeName set to itself");
        }
    }

    /// <summary>A TokenRequest: bound to a pod, and that pod bound to this node (<paramref name="pod"/> reads it as stored, null when there is none).</summary>
    public void AdmitTokenRequest(JsonObject request, Func<string, JsonObject?> pod)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(pod);
        var bound = request["spec"]?["boundObjectRef"];
        if (ObjectMeta.GetString(bound, "kind") != "Pod" || ObjectMeta.GetString(bound, "name") is not { Length: > 0 } name)
        {
            throw Forbidden($"node \"{_node}\" can only create tokens bound to a pod");
        }

        if (pod(name) is not { } stored || NodeNameOf(stored) != _node)
        {
            throw Forbidden($"node \"{_node}\" can only create tokens for pods with spec.nodeName set to itself");
        }

        if (ObjectMeta.GetString(bound, "uid") is { Length: > 0 } uid && ObjectMeta.Uid(stored) != uid)
        {
            throw Forbidden("the token's pod UID does not match the pod bound to the node");
        }
    }

    private void AdmitPod(string? subresource, JsonObject? current, JsonObject next)
    {
        switch (subresource)
        {
            case null when current is null:
                if (!ObjectMeta.Annotations(next).ContainsKey(MirrorAnnotation))
                {
                    throw Forbidden($"pod does not have \"{MirrorAnnotation}\" annotation, node \"{_node}\" can only create mirror pods");
                }

                if (NodeNameOf(next) != _node)
                {
                    throw Forbidden($"node \"{_node}\" can only create pods with spec.nodeName set to itself");
                }

                break;
            case null:
                throw Forbidden($"node \"{_node}\" can only create and delete mirror pods, not update them");
            case "status" when current is null || NodeNameOf(current) != _node:
                throw Forbidden($"node \"{_node}\" can only update pod status for pods with spec.nodeName set to itself");
            case "status":
                break;
            default:
                throw Forbidden($"node \"{_node}\" is not allowed to write pods/{subresource}");
        }
    }

    private void AdmitNode(JsonObject? current, JsonObject next)
    {
        var name = ObjectMeta.Name(next);
        if (name != _node)
        {
            throw Forbidden($"node \"{_node}\" is not allowed to modify node \"{name}\"");
        }

        var before = current is null ? null : KubernetesJson.Deserialize<V1Node>(current.ToJsonString());
        var after = KubernetesJson.Deserialize<V1Node>(next.ToJsonString());
        if (before is not null && !SameTaints(before.Spec?.Taints, after.Spec?.Taints))
        {
            throw Forbidden($"node \"{_node}\" is not allowed to modify taints");
        }

        var oldLabels = before?.Labels() ?? new Dictionary<string, string>();
        var changed = (after.Labels() ?? new Dictionary<string, string>())
            .Where(label => !oldLabels.TryGetValue(label.Key, out var was) || was != label.Value).Select(label => label.Key)
            .Concat(oldLabels.Keys.Where(key => after.Labels()?.ContainsKey(key) != true));
        var forbidden = changed.Where(IsForbiddenLabel).Order(StringComparer.Ordinal).ToList();
        if (forbidden.Count > 0)
        {
            throw Forbidden($"is not allowed to modify labels: {string.Join(", ", forbidden)}");
        }
    }

    private static bool SameTaints(IList<V1Taint>? before, IList<V1Taint>? after) =>
        (before ?? []).Select(Key).Order(StringComparer.Ordinal).SequenceEqual((after ?? []).Select(Key).Order(StringComparer.Ordinal));

    private static string Key(V1Taint taint) => taint.Key + "=" + taint.Value + ":" + taint.Effect;

    /// <summary>Nodes may not label themselves into node-restriction.kubernetes.io, nor in kubernetes.io or k8s.io beyond the allow-list.</summary>
    private static bool IsForbiddenLabel(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return false;
        }

        var domain = key[..slash];
        if (InDomain(domain, RestrictedLabelDomain))
        {
            return true;
        }

        return (InDomain(domain, "kubernetes.io") || InDomain(domain, "k8s.io"))
            && !AllowedLabels.Contains(key) && !AllowedLabelDomains.Any(allowed => InDomain(domain, allowed));
    }

    private static bool InDomain(string domain, string parent) =>
        domain == parent || domain.EndsWith("." + parent, StringComparison.Ordinal);

    private static string NodeNameOf(JsonObject pod) => pod["spec"]?["nodeName"] is JsonValue value && value.TryGetValue<string>(out var name) ? name : "";

    private static ApiException Forbidden(string message) => new(403, "Forbidden", message);
}
