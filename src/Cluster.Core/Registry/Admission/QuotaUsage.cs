using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Admission;

/// <summary>
/// What an object costs against a ResourceQuota (upstream's quota evaluators, pkg/quota/v1/evaluator/core and the
/// generic object-count evaluator): pods (<see cref="PodQuota"/>), Services, PersistentVolumeClaims and, for every
/// other kind, <c>count/&lt;resource&gt;.&lt;group&gt;</c>. The admission plugin and the resourcequota controller
/// share it, so a create is charged exactly what the controller later recounts.
/// </summary>
public static class QuotaUsage
{
    /// <summary>The suffix of per-StorageClass quota names ("gold.storageclass.storage.k8s.io/requests.storage").</summary>
    public const string StorageClassSuffix = ".storageclass.storage.k8s.io/";

    private static readonly string[] ServiceResources = ["count/services", "services", "services.nodeports", "services.loadbalancers"];
    private static readonly string[] ClaimResources = ["count/persistentvolumeclaims", "persistentvolumeclaims", "requests.storage"];

    // Kinds counted before count/<resource> existed keep their bare names as aliases.
    private static readonly HashSet<string> LegacyCountAliases = new(StringComparer.Ordinal) { "configmaps", "secrets", "replicationcontrollers", "resourcequotas" };

    /// <summary>The object-count quota name of a kind: "count/pods", "count/deployments.apps".</summary>
    public static string CountName(ResourceKind kind) => "count/" + kind.QualifiedResource;

    /// <summary>Of <paramref name="names"/>, those the kind's usage can charge (upstream MatchingResources).</summary>
    public static List<string> MatchingResources(ResourceKind kind, IEnumerable<string> names) =>
        [.. names.Where(name => Tracks(kind, name))];

    /// <summary>Whether a usage of the kind can charge <paramref name="name"/>.</summary>
    public static bool Tracks(ResourceKind kind, string name)
    {
        if (kind == BuiltInKinds.Pod)
        {
            return PodQuota.Tracks(name);
        }

        if (kind == BuiltInKinds.Service)
        {
            return ServiceResources.Contains(name, StringComparer.Ordinal);
        }

        if (kind == BuiltInKinds.PersistentVolumeClaim)
        {
            return ClaimResources.Contains(name, StringComparer.Ordinal)
                || (name.Contains(StorageClassSuffix, StringComparison.Ordinal)
                    && (name.EndsWith("/requests.storage", StringComparison.Ordinal) || name.EndsWith("/persistentvolumeclaims", StringComparison.Ordinal)));
        }

        return name == CountName(kind) || (kind.Group.Length == 0 && LegacyCountAliases.Contains(kind.Plural) && name == kind.Plural);
    }

    /// <summary>The kind a quota name is about, for names that name a kind ("count/deployments.apps", "secrets", "cpu" is pods).</summary>
    public static ResourceKind? KindOf(string name, KindCatalog kinds)
    {
        foreach (var kind in (ResourceKind[])[BuiltInKinds.Pod, BuiltInKinds.Service, BuiltInKinds.PersistentVolumeClaim])
        {
            if (Tracks(kind, name))
            {
                return kind;
            }
        }

        var resource = name.StartsWith("count/", StringComparison.Ordinal) ? name["count/".Length..] : name;
        var dot = resource.IndexOf('.', StringComparison.Ordinal);
        var (plural, group) = dot < 0 ? (resource, "") : (resource[..dot], resource[(dot + 1)..]);
        return kinds.Kinds.FirstOrDefault(k => k.Plural == plural && k.Group == group && k.Namespaced && Tracks(k, name));
    }

    /// <summary>What the object costs (upstream Usage).</summary>
    public static Dictionary<string, Quantity> Of(ResourceKind kind, JsonObject obj, DateTimeOffset now)
    {
        if (kind == BuiltInKinds.Pod)
        {
            return PodQuota.Usage(obj, now);
        }

        var one = Quantity.FromDecimal(1);
        var usage = new Dictionary<string, Quantity>(StringComparer.Ordinal) { [CountName(kind)] = one };
        if (kind.Group.Length == 0 && LegacyCountAliases.Contains(kind.Plural))
        {
            usage[kind.Plural] = one;
        }

        if (kind == BuiltInKinds.Service)
        {
            ServiceUsage(obj, usage);
        }
        else if (kind == BuiltInKinds.PersistentVolumeClaim)
        {
            ClaimUsage(obj, usage);
        }

        return usage;
    }

    /// <summary>
    /// Whether the quota applies to the object (upstream generic.Matches): it limits something the kind uses (by its
    /// status.hard, which the controller copies from spec) and the object is in every one of its scopes.
    /// </summary>
    public static bool Matches(JsonObject quota, ResourceKind kind, JsonObject obj) =>
        MatchingResources(kind, ResourceLists.Read(JsonFields.Obj(JsonFields.Obj(quota, "status"), "hard")).Keys).Count > 0
        && QuotaScopes.Of(quota).All(selector => QuotaScopes.Matches(selector, kind, obj));

    private static void ServiceUsage(JsonObject service, Dictionary<string, Quantity> usage)
    {
        var spec = JsonFields.Obj(service, "spec");
        usage["services"] = Quantity.FromDecimal(1);
        var ports = JsonFields.Arr(spec, "ports")?.Count ?? 0;
        switch (JsonFields.Str(spec, "type"))
        {
            case "NodePort":
                usage["services.nodeports"] = Quantity.FromDecimal(ports);
                break;
            case "LoadBalancer":
                // With node ports suppressed only the ports that name one explicitly take one.
                var nodePorts = JsonFields.Bool(spec, "allocateLoadBalancerNodePorts") == false
                    ? JsonFields.Items(JsonFields.Arr(spec, "ports")).Count(p => (JsonFields.Int(p.Item, "nodePort") ?? 0) != 0)
                    : ports;
                usage["services.nodeports"] = Quantity.FromDecimal(nodePorts);
                usage["services.loadbalancers"] = Quantity.FromDecimal(1);
                break;
        }
    }

    private static void ClaimUsage(JsonObject claim, Dictionary<string, Quantity> usage)
    {
        var one = Quantity.FromDecimal(1);
        usage["persistentvolumeclaims"] = one;
        var spec = JsonFields.Obj(claim, "spec");
        var storageClass = JsonFields.Str(spec, "storageClassName")
            ?? JsonFields.Str(JsonFields.Obj(JsonFields.Obj(claim, "metadata"), "annotations"), "volume.beta.kubernetes.io/storage-class");
        if (!string.IsNullOrEmpty(storageClass))
        {
            usage[storageClass + StorageClassSuffix + "persistentvolumeclaims"] = one;
        }

        // A claim being resized is charged the larger of what it asks and what it was given.
        var requested = ResourceLists.Read(JsonFields.Obj(JsonFields.Obj(spec, "resources"), "requests"));
        var allocated = ResourceLists.Read(JsonFields.Obj(JsonFields.Obj(claim, "status"), "allocatedResources"));
        Quantity? storage = requested.TryGetValue("storage", out var asked) ? asked : null;
        if (allocated.TryGetValue("storage", out var given) && (storage is null || given > storage.Value))
        {
            storage = given;
        }

        if (storage is { } charged)
        {
            usage["requests.storage"] = charged;
            if (!string.IsNullOrEmpty(storageClass))
            {
                usage[storageClass + StorageClassSuffix + "requests.storage"] = charged;
            }
        }
    }
}
