using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Cluster.Api.Security.Authentication;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Api.Security.Authorization;

/// <summary>
/// RBAC (api.authorization.mode RBAC) over the registry's watch caches of ClusterRoles, Roles, ClusterRoleBindings and
/// RoleBindings. It runs on every request, so it answers from an immutable <see cref="RbacSnapshot"/>, rebuilt only when
/// an object of one of the four kinds changed since the last build (<see cref="CacheDerived{T}"/>) and swapped in whole.
/// Like upstream's informer-fed authorizer it sees a change once the watch cache has it.
/// </summary>
public sealed partial class RbacAuthorizer : IRequestAuthorizer
{
    private static readonly ResourceKind[] Kinds = [BuiltInKinds.ClusterRole, BuiltInKinds.Role, BuiltInKinds.ClusterRoleBinding, BuiltInKinds.RoleBinding];

    private readonly ResourceRegistry _registry;
    private readonly ILogger _logger;
    private readonly CacheDerived<RbacSnapshot> _snapshot;

    /// <summary>Does no work: the registry's caches are read on the first request, when the registry has started.</summary>
    public RbacAuthorizer(ResourceRegistry registry, ILogger<RbacAuthorizer>? logger = null)
    {
        _registry = registry;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _snapshot = new CacheDerived<RbacSnapshot>(() => [.. Kinds.Select(_registry.Cache)], Build);
    }

    /// <summary>How many times the index was built: the tests' way to see that other kinds' writes do not rebuild it.</summary>
    internal int Builds => _snapshot.Builds;

    public AuthorizationDecision Authorize(UserInfo user, RequestInfo request) => _snapshot.Value.Authorize(user, request);

    /// <summary>The rules that apply to the user in the namespace (cluster-wide ones plus the namespace's), for SelfSubjectRulesReview.</summary>
    public (IReadOnlyList<V1ResourceRule> ResourceRules, IReadOnlyList<V1NonResourceRule> NonResourceRules) RulesFor(UserInfo user, string @namespace) =>
        _snapshot.Value.RulesFor(user, @namespace);

    private RbacSnapshot Build()
    {
        var started = Stopwatch.GetTimestamp();
        var caches = Kinds.Select(_registry.Cache).ToArray();
        var snapshot = RbacSnapshot.Build(Read<V1ClusterRole>(caches[0]), Read<V1Role>(caches[1]), Read<V1ClusterRoleBinding>(caches[2]), Read<V1RoleBinding>(caches[3]));
        LogSnapshotBuilt(_logger, caches[2].Count + caches[3].Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return snapshot;
    }

    private List<T> Read<T>(KindCache cache)
    {
        var items = cache.List(null).Items;
        var typed = new List<T>(items.Count);
        foreach (var item in items)
        {
            try
            {
                typed.Add(KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(item.Json)));
            }
            catch (JsonException e)
            {
                // The strategies validated it, so this is a model mismatch: without the object the rest still works.
                LogUnreadable(_logger, e, cache.Kind.Kind, item.Namespace, item.Name);
            }
        }

        return typed;
    }

    [LoggerMessage(EventId = 9120, Level = LogLevel.Debug, Message = "RBAC index rebuilt: {Bindings} bindings in {Milliseconds:0.0} ms")]
    private static partial void LogSnapshotBuilt(ILogger logger, int bindings, double milliseconds);

    [LoggerMessage(EventId = 9121, Level = LogLevel.Warning, Message = "RBAC skips {Kind} {Namespace}/{Name}: its JSON does not read as the typed model")]
    private static partial void LogUnreadable(ILogger logger, Exception exception, string kind, string @namespace, string name);
}
