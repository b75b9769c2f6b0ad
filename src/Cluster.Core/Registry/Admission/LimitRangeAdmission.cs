using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Admission;

/// <summary>
/// Upstream's LimitRanger admission plugin on create: a pod's containers get the namespace's LimitRange defaults
/// (defaultRequest, default) where they state none, then Container and Pod min, max and maxLimitRequestRatio are
/// enforced, and a PersistentVolumeClaim's storage request must be within PersistentVolumeClaim min and max; a
/// violation is a 403 with upstream's messages. Runs before quota admission, so quota charges the defaulted pod.
/// </summary>
public static class LimitRangeAdmission
{
    /// <summary>The annotation telling which defaults were set.</summary>
    public const string Annotation = "kubernetes.io/limit-ranger";

    /// <summary>Defaults and checks the object against each LimitRange of its namespace; throws 403 at the first range it violates.</summary>
    public static void Apply(ResourceKind kind, JsonObject obj, IReadOnlyList<JsonObject> limitRanges)
    {
        if (limitRanges.Count == 0 || (kind != BuiltInKinds.Pod && kind != BuiltInKinds.PersistentVolumeClaim))
        {
            return;
        }

        if (kind == BuiltInKinds.Pod)
        {
            // Mutating admission sees the pod as decoded: its requests already default to its limits.
            PodDefaults.Pod(obj);
            foreach (var range in limitRanges)
            {
                SetDefaults(obj, range);
            }
        }

        foreach (var range in limitRanges)
        {
            var errors = kind == BuiltInKinds.Pod ? LimitRangeRules.ValidatePod(range, obj) : LimitRangeRules.ValidateClaim(range, obj);
            if (errors.Count > 0)
            {
                throw ResourceQuotaAdmission.Forbidden(kind, obj, Aggregate(errors));
            }
        }
    }

    /// <summary>
    /// A Container item's defaults as upstream's SetDefaults_LimitRangeItem: a missing default limit is the max, a
    /// missing default request is the default limit, else the min.
    /// </summary>
    public static void DefaultItem(JsonObject item)
    {
        if (JsonFields.Str(item, "type") != "Container")
        {
            return;
        }

        var defaults = JsonFields.Ensure(item, "default");
        var defaultRequest = JsonFields.Ensure(item, "defaultRequest");
        CopyMissing(JsonFields.Obj(item, "max"), defaults);
        CopyMissing(defaults, defaultRequest);
        CopyMissing(JsonFields.Obj(item, "min"), defaultRequest);
    }

    /// <summary>Container requests and limits from the range's Container defaults where unstated (upstream mergePodResourceRequirements).</summary>
    private static void SetDefaults(JsonObject pod, JsonObject range)
    {
        var requests = new JsonObject();
        var limits = new JsonObject();
        foreach (var (_, item) in JsonFields.Items(JsonFields.Arr(JsonFields.Obj(range, "spec"), "limits")))
        {
            if (JsonFields.Str(item, "type") == "Container")
            {
                Overwrite(JsonFields.Obj(item, "defaultRequest"), requests);
                Overwrite(JsonFields.Obj(item, "default"), limits);
            }
        }

        var notes = new List<string>();
        var spec = JsonFields.Obj(pod, "spec");
        foreach (var (list, prefix) in (ReadOnlySpan<(string, string)>)[("containers", "container"), ("initContainers", "init container")])
        {
            foreach (var (_, container) in JsonFields.Items(JsonFields.Arr(spec, list)))
            {
                var resources = JsonFields.Ensure(container, "resources");
                var setLimits = CopyMissing(limits, JsonFields.Ensure(resources, "limits"));
                var setRequests = CopyMissing(requests, JsonFields.Ensure(resources, "requests"));
                var name = JsonFields.Str(container, "name");
                if (setRequests.Count > 0)
                {
                    notes.Add(string.Join(", ", setRequests.Order(StringComparer.Ordinal)) + " request for " + prefix + " " + name);
                }

                if (setLimits.Count > 0)
                {
                    notes.Add(string.Join(", ", setLimits.Order(StringComparer.Ordinal)) + " limit for " + prefix + " " + name);
                }
            }
        }

        if (notes.Count > 0)
        {
            JsonFields.Ensure(ObjectMeta.Metadata(pod), "annotations")[Annotation] = "LimitRanger plugin set: " + string.Join("; ", notes);
        }
    }

    private static void Overwrite(JsonObject? from, JsonObject to)
    {
        foreach (var (name, value) in from ?? [])
        {
            to[name] = value?.DeepClone();
        }
    }

    /// <summary>Copies the entries <paramref name="to"/> lacks; returns their names.</summary>
    private static List<string> CopyMissing(JsonObject? from, JsonObject to)
    {
        var copied = new List<string>();
        foreach (var (name, value) in from ?? [])
        {
            if (!to.ContainsKey(name))
            {
                to[name] = value?.DeepClone();
                copied.Add(name);
            }
        }

        return copied;
    }

    /// <summary>Upstream's error aggregate: one message alone, several (distinct) as "[a, b]".</summary>
    private static string Aggregate(List<string> errors)
    {
        var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
    }

    internal static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
