using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;

namespace Cluster.Core.Registry.Admission;

/// <summary>A LimitRange's min, max and maxLimitRequestRatio checks (upstream limitranger's constraint functions and messages).</summary>
internal static class LimitRangeRules
{
    private const long MaxMilliValue = long.MaxValue / 1000;

    /// <summary>Every violation of the range's Container items (by each container) and Pod items (by the pod's totals).</summary>
    public static List<string> ValidatePod(JsonObject range, JsonObject pod)
    {
        var errors = new List<string>();
        var spec = JsonFields.Obj(pod, "spec");
        foreach (var item in Items(range))
        {
            switch (JsonFields.Str(item, "type"))
            {
                case "Container":
                    foreach (var list in (ReadOnlySpan<string>)["containers", "initContainers"])
                    {
                        foreach (var (_, container) in JsonFields.Items(JsonFields.Arr(spec, list)))
                        {
                            var resources = JsonFields.Obj(container, "resources");
                            Check(item, "Container", ResourceLists.Read(JsonFields.Obj(resources, "requests")), ResourceLists.Read(JsonFields.Obj(resources, "limits")), errors);
                        }
                    }

                    break;
                case "Pod":
                    Check(item, "Pod", PodQuota.Aggregate(spec, "requests"), PodQuota.Aggregate(spec, "limits"), errors);
                    break;
            }
        }

        return errors;
    }

    /// <summary>A claim's storage request against PersistentVolumeClaim min and max (its limits are not user input).</summary>
    public static List<string> ValidateClaim(JsonObject range, JsonObject claim)
    {
        var errors = new List<string>();
        var requests = ResourceLists.Read(JsonFields.Obj(JsonFields.Obj(JsonFields.Obj(claim, "spec"), "resources"), "requests"));
        foreach (var item in Items(range).Where(i => JsonFields.Str(i, "type") == "PersistentVolumeClaim"))
        {
            foreach (var (name, min) in Sorted(item, "min"))
            {
                Add(errors, Min("PersistentVolumeClaim", name, min, requests, []));
            }

            foreach (var (name, max) in Sorted(item, "max"))
            {
                var found = requests.TryGetValue(name, out var request);
                var (asked, _, enforced) = Comparable(request, Quantity.Zero, max);
                Add(errors, !found ? F($"maximum {name} usage per PersistentVolumeClaim is {max}.  No request is specified")
                    : asked > enforced ? F($"maximum {name} usage per PersistentVolumeClaim is {max}, but request is {request}")
                    : null);
            }
        }

        return errors;
    }

    private static void Check(JsonObject item, string type, Dictionary<string, Quantity> requests, Dictionary<string, Quantity> limits, List<string> errors)
    {
        foreach (var (name, min) in Sorted(item, "min"))
        {
            Add(errors, Min(type, name, min, requests, limits));
        }

        foreach (var (name, max) in Sorted(item, "max"))
        {
            Add(errors, Max(type, name, max, requests, limits));
        }

        foreach (var (name, ratio) in Sorted(item, "maxLimitRequestRatio"))
        {
            Add(errors, Ratio(type, name, ratio, requests, limits));
        }
    }

    private static string? Min(string type, string name, Quantity enforced, Dictionary<string, Quantity> requests, Dictionary<string, Quantity> limits)
    {
        var hasRequest = requests.TryGetValue(name, out var request);
        var hasLimit = limits.TryGetValue(name, out var limit);
        var (req, lim, min) = Comparable(request, limit, enforced);
        return !hasRequest ? F($"minimum {name} usage per {type} is {enforced}.  No request is specified")
            : req < min ? F($"minimum {name} usage per {type} is {enforced}, but request is {request}")
            : hasLimit && lim < min ? F($"minimum {name} usage per {type} is {enforced}, but limit is {limit}")
            : null;
    }

    private static string? Max(string type, string name, Quantity enforced, Dictionary<string, Quantity> requests, Dictionary<string, Quantity> limits)
    {
        var hasRequest = requests.TryGetValue(name, out var request);
        var hasLimit = limits.TryGetValue(name, out var limit);
        var (req, lim, max) = Comparable(request, limit, enforced);
        return !hasLimit ? F($"maximum {name} usage per {type} is {enforced}.  No limit is specified")
            : lim > max ? F($"maximum {name} usage per {type} is {enforced}, but limit is {limit}")
            : hasRequest && req > max ? F($"maximum {name} usage per {type} is {enforced}, but request is {request}")
            : null;
    }

    private static string? Ratio(string type, string name, Quantity enforced, Dictionary<string, Quantity> requests, Dictionary<string, Quantity> limits)
    {
        var hasRequest = requests.TryGetValue(name, out var request);
        var hasLimit = limits.TryGetValue(name, out var limit);
        var (req, lim, _) = Comparable(request, limit, enforced);
        if (!hasRequest || req == 0)
        {
            return F($"{name} max limit to request ratio per {type} is {enforced}, but no request is specified or request is 0");
        }

        if (!hasLimit || lim == 0)
        {
            return F($"{name} max limit to request ratio per {type} is {enforced}, but no limit is specified or limit is 0");
        }

        var observed = (double)lim / req;
        var display = observed;
        double allowed = enforced.Value;
        if (enforced.Value <= MaxMilliValue)
        {
            observed *= 1000;
            allowed = enforced.MilliValue;
        }

        return observed > allowed
            ? F($"{name} max limit to request ratio per {type} is {enforced}, but provided ratio is {display.ToString("F6", CultureInfo.InvariantCulture)}")
            : null;
    }

    /// <summary>Upstream's requestLimitEnforcedValues: milli-units when none of the three would overflow, else whole units.</summary>
    private static (long Request, long Limit, long Enforced) Comparable(Quantity request, Quantity limit, Quantity enforced) =>
        request.Value <= MaxMilliValue && limit.Value <= MaxMilliValue && enforced.Value <= MaxMilliValue
            ? (request.MilliValue, limit.MilliValue, enforced.MilliValue)
            : (request.Value, limit.Value, enforced.Value);

    private static IEnumerable<JsonObject> Items(JsonObject range) =>
        JsonFields.Items(JsonFields.Arr(JsonFields.Obj(range, "spec"), "limits")).Select(i => i.Item);

    private static IEnumerable<(string Name, Quantity Value)> Sorted(JsonObject item, string key) =>
        ResourceLists.Read(JsonFields.Obj(item, key)).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => (e.Key, e.Value));

    private static void Add(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    private static string F(FormattableString text) => LimitRangeAdmission.F(text);
}
