using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Rbac;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Rbac;

/// <summary>
/// Upstream's clusterrole-aggregation controller: an aggregated ClusterRole (admin, edit, view, or any with an
/// aggregationRule) gets as its rules the union of the rules of the ClusterRoles its selectors match, written only when
/// that changes. The union is <see cref="ClusterRoleAggregation"/>'s, the one the bootstrap policy pre-fills, so a fresh
/// cluster's defaults are already what this computes and it writes nothing on its first pass.
/// </summary>
public sealed partial class ClusterRoleAggregationController : IReconciler
{
    public const string Component = "clusterrole-aggregation-controller";

    private readonly SharedInformer _roles;
    private readonly IObjectWriter _writer;
    private readonly ILogger _logger;

    public ClusterRoleAggregationController(InformerFactory informers, IObjectWriter writer, ILogger logger)
    {
        _roles = informers.For(BuiltInKinds.ClusterRole);
        _writer = writer;
        _logger = logger;
    }

    public string Name => "clusterrole-aggregation";

    /// <summary>
    /// Any ClusterRole's change (its labels, its rules, its going) may change what an aggregated role gathers, so every
    /// aggregated role is looked at again, as upstream enqueues them all.
    /// </summary>
    public void Watch(ReconcileLoop loop) =>
        _roles.AddHandler(new EnqueueHandler(loop, (_, _) => _roles.List().Where(IsAggregated).Select(r => r.Key)));

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        var name = key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..];
        if (_roles.Get("", name) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var role = cached.ToJsonObject();
        if (RulesToWrite(role, _roles.List()) is { } rules)
        {
            role["rules"] = rules;

            // A replace at the version read: a role changed meanwhile fails with 409 and is reconciled again.
            await _writer.UpdateAsync(BuiltInKinds.ClusterRole, "", name, role, ct).ConfigureAwait(false);
            LogAggregated(_logger, name, rules.Count);
        }

        return ReconcileResult.Done;
    }

    /// <summary>The rules <paramref name="role"/> should have when they differ from its own; null when they do not.</summary>
    public static JsonArray? RulesToWrite(JsonObject role, IReadOnlyList<CachedObject> clusterRoles)
    {
        var selectors = ClusterRoleAggregation.Selectors(role);
        if (selectors is null)
        {
            return null;
        }

        // Only the roles some selector matches are parsed; their labels are at hand without a parse.
        var candidates = clusterRoles.Where(r => selectors.Any(s => s.Matches(r.Labels))).Select(r => r.ToJsonObject());
        var rules = ClusterRoleAggregation.Union(role, candidates);
        return ClusterRoleAggregation.SameRules(rules, role["rules"] as JsonArray) ? null : rules;
    }

    /// <summary>Whether the role has an aggregationRule; read from the bytes first, since most roles have none.</summary>
    private static bool IsAggregated(CachedObject role) =>
        role.Json.AsSpan().IndexOf("\"aggregationRule\""u8) >= 0 && ClusterRoleAggregation.Selectors(role.ToJsonObject()) is not null;

    [LoggerMessage(EventId = 9130, Level = LogLevel.Information, Message = "ClusterRole {Name} aggregated: {Rules} rules")]
    private static partial void LogAggregated(ILogger logger, string name, int rules);
}
