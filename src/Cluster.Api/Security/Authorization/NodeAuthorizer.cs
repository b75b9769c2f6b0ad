using Cluster.Api.Security.Authentication;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Rbac;
using k8s;
using k8s.Models;

namespace Cluster.Api.Security.Authorization;

/// <summary>
/// api.authorization.mode "Node,RBAC": upstream's Node authorizer in front of RBAC. A node agent (system:node:NAME in
/// system:nodes) may read its own Node, list and watch only the pods bound to it, read one at a time the secrets, config
/// maps, claims and volumes those pods use, request tokens for their service accounts, and use its own Lease in
/// kube-node-lease. Its other requests are held to the system:node role's rules, and the NodeRestriction admission
/// keeps those writes to its own Node and pods. Where the Node authorizer has no opinion RBAC decides, as upstream's
/// union of authorizers; anyone who is not a node is RBAC's alone.
/// </summary>
public sealed class NodeAuthorizer : IRequestAuthorizer
{
    private const string LeaseNamespace = "kube-node-lease";

    private static readonly Lazy<V1PolicyRule[]> NodeRules = new(() =>
        [.. BootstrapPolicy.NodeAgentRules().Select(rule => KubernetesJson.Deserialize<V1PolicyRule>(rule.ToJsonString()))]);

    private static readonly AuthorizationDecision Allowed = new(true, "");

    private readonly RbacAuthorizer _rbac;
    private readonly NodeGraph _graph;

    public NodeAuthorizer(RbacAuthorizer rbac, ResourceRegistry registry)
    {
        _rbac = rbac;
        _graph = new NodeGraph(registry);
    }

    /// <summary>The RBAC authorizer behind this one (its rules answer SelfSubjectRulesReview).</summary>
    public RbacAuthorizer Rbac => _rbac;

    public AuthorizationDecision Authorize(UserInfo user, RequestInfo request)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(request);
        if (!NodeIdentity.TryGetNode(user, out var node))
        {
            return _rbac.Authorize(user, request);
        }

        var reason = node.Length == 0 ? $"unknown node for user \"{user.Name}\"" : AuthorizeNode(node, request);
        if (reason is null)
        {
            return Allowed;
        }

        // No opinion: RBAC may still allow it (an administrator's own binding for the node); the reasons add up as upstream's.
        var rbac = _rbac.Authorize(user, request);
        return rbac.Allowed || reason.Length == 0 ? rbac : new AuthorizationDecision(false, rbac.Reason.Length == 0 ? reason : reason + ", " + rbac.Reason);
    }

    /// <summary>Null when allowed; otherwise why the Node authorizer has no opinion (empty when nothing in particular).</summary>
    private string? AuthorizeNode(string node, RequestInfo request)
    {
        if (request.IsResourceRequest && request.ApiGroup.Length == 0)
        {
            switch (request.Resource)
            {
                case "secrets" or "configmaps":
                    return ReadOneUsed(node, request, "get", "list", "watch");
                case "persistentvolumeclaims" when request.Subresource == "status":
                    return ReadOneUsed(node, request, "get", "update", "patch");
                case "persistentvolumeclaims" or "persistentvolumes":
                    return ReadOneUsed(node, request, "get");
                case "serviceaccounts" when request.Subresource == "token":
                    return request.Verb != "create" ? "can only create tokens for individual service accounts"
                        : Used(node, request) ? null : NoRelationship(node, request);
                case "pods" when request.Subresource.Length == 0 && request.Verb is "get" or "list" or "watch":
                    return AuthorizePodRead(node, request);

                // Beyond upstream, which reads the status with the pod: kubectl patch --subresource=status reads it first.
                case "pods" when request.Subresource == "status" && request.Verb == "get":
                    return AuthorizePodRead(node, request);
                case "nodes" when request.Subresource.Length == 0 && request.Verb is "get" or "list" or "watch":
                    return request.Name == node || request.SelectsExactly("metadata.name", node) ? null : "node '" + node + "' can only read its own Node";
            }
        }
        else if (request.IsResourceRequest && request.ApiGroup == "coordination.k8s.io" && request.Resource == "leases")
        {
            return AuthorizeLease(node, request);
        }

        // Nothing else is divided by node: the role's rules decide, and NodeRestriction limits the writes they allow.
        return NodeRules.Value.Any(rule => PolicyRuleMatching.Allows(rule, request)) ? null : "";
    }

    private string? AuthorizePodRead(string node, RequestInfo request)
    {
        if (request.Verb == "get")
        {
            return _graph.HasPod(node, request.Namespace, request.Name) ? null : NoRelationship(node, request);
        }

        return request.SelectsExactly("spec.nodeName", node) ? null : "can only list/watch pods with spec.nodeName field selector";
    }

    private string? ReadOneUsed(string node, RequestInfo request, params string[] verbs)
    {
        if (!verbs.Contains(request.Verb))
        {
            return "can only " + string.Join(", ", verbs) + " individual resources of this type";
        }

        if (request.Name.Length == 0)
        {
            return "can only read resources of this type by name";
        }

        return Used(node, request) ? null : NoRelationship(node, request);
    }

    private bool Used(string node, RequestInfo request) => _graph.References(node, request.Resource, request.Namespace, request.Name);

    private static string? AuthorizeLease(string node, RequestInfo request)
    {
        if (request.Verb is not ("get" or "create" or "update" or "patch" or "delete"))
        {
            return "can only get, create, update, patch, or delete a node lease";
        }

        if (request.Namespace != LeaseNamespace)
        {
            return "can only access leases in the " + LeaseNamespace + " namespace";
        }

        // A create names its Lease in the body, which NodeRestriction checks.
        return request.Verb != "create" && request.Name != node ? "can only access node lease with the same name as the requesting node" : null;
    }

    private static string NoRelationship(string node, RequestInfo request) =>
        $"no relationship found between node '{node}' and this object";
}
