using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// ValidatePodSpec and ValidatePodTemplateSpec (pkg/apis/core/validation) for the fields that
/// matter here: containers, volumes, policies, tolerations and scheduling hints. Paths are
/// upstream's, rooted wherever the spec sits (<c>spec</c>, <c>spec.template.spec</c>, ...).
/// </summary>
public static class PodSpecRules
{
    private static readonly string[] RestartPolicies = ["Always", "OnFailure", "Never"];
    private static readonly string[] DnsPolicies = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
    private static readonly string[] TaintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

    /// <summary>A pod template: labels of its metadata and its spec.</summary>
    /// <param name="claimVolumes">Volumes the template's controller adds to every pod (a StatefulSet's
    /// volumeClaimTemplates), which its containers may mount though the template does not list them.</param>
    public static void ValidateTemplate(JsonNode? template, string path, Causes causes, IEnumerable<string>? claimVolumes = null)
    {
        if (template is not JsonObject t)
        {
            causes.Required(path);
            return;
        }

        var metadata = JsonFields.Obj(t, "metadata");
        LabelRules.ValidateLabels(metadata?["labels"], path + ".metadata.labels", causes);
        LabelRules.ValidateAnnotationKeys(metadata?["annotations"], path + ".metadata.annotations", causes);
        Validate(t["spec"], path + ".spec", causes, claimVolumes);
    }

    public static void Validate(JsonNode? specNode, string path, Causes causes, IEnumerable<string>? claimVolumes = null)
    {
        if (specNode is not JsonObject spec)
        {
            causes.Required(path + ".containers");
            return;
        }

        var volumes = ValidateVolumes(spec, path + ".volumes", causes);
        volumes.UnionWith(claimVolumes ?? []);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var containers = JsonFields.Arr(spec, "containers");
        if (containers is null || containers.Count == 0)
        {
            causes.Required(path + ".containers");
        }

        ContainerRules.ValidateList(JsonFields.Arr(spec, "initContainers"), path + ".initContainers", init: true, volumes, names, causes);
        ContainerRules.ValidateList(containers, path + ".containers", init: false, volumes, names, causes);

        causes.OneOf(spec, "restartPolicy", path + ".restartPolicy", RestartPolicies);
        causes.OneOf(spec, "dnsPolicy", path + ".dnsPolicy", DnsPolicies);
        if (JsonFields.Int(spec, "activeDeadlineSeconds") is { } deadline && deadline is < 1 or > int.MaxValue)
        {
            causes.Invalid(path + ".activeDeadlineSeconds", deadline, "must be between 1 and 2147483647, inclusive");
        }

        causes.NonNegative(spec, "terminationGracePeriodSeconds", path + ".terminationGracePeriodSeconds");
        LabelRules.ValidateLabels(spec["nodeSelector"], path + ".nodeSelector", causes);
        ValidateName(spec, "serviceAccountName", path, NameRules.Dns1123Subdomain, causes);
        ValidateName(spec, "nodeName", path, NameRules.Dns1123Subdomain, causes);
        ValidateName(spec, "hostname", path, NameRules.Dns1123Label, causes);
        ValidateName(spec, "subdomain", path, NameRules.Dns1123Label, causes);
        ValidateTolerations(JsonFields.Arr(spec, "tolerations"), path + ".tolerations", causes);
    }

    public static void ValidateTolerations(JsonArray? tolerations, string path, Causes causes)
    {
        foreach (var (i, toleration) in JsonFields.Items(tolerations))
        {
            var at = JsonFields.Index(path, i);
            var key = JsonFields.Str(toleration, "key") ?? "";
            var op = JsonFields.Str(toleration, "operator") ?? "";
            var value = JsonFields.Str(toleration, "value") ?? "";
            var effect = JsonFields.Str(toleration, "effect") ?? "";
            if (key.Length > 0)
            {
                causes.InvalidEach(at + ".key", key, NameRules.QualifiedName(key));
            }
            else if (op != "Exists")
            {
                causes.Invalid(at + ".operator", op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
            }

            if (toleration["tolerationSeconds"] is not null && effect != "NoExecute")
            {
                causes.Invalid(at + ".effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set");
            }

            switch (op)
            {
                case "Equal" or "":
                    causes.InvalidEach(at + ".value", value, NameRules.LabelValue(value));
                    break;
                case "Exists":
                    if (value.Length > 0)
                    {
                        causes.Invalid(at + ".operator", toleration, "value must be empty when `operator` is 'Exists'");
                    }

                    break;
                default:
                    causes.NotSupported(at + ".operator", op, "Equal", "Exists");
                    break;
            }

            if (effect.Length > 0 && !TaintEffects.Contains(effect, StringComparer.Ordinal))
            {
                causes.NotSupported(at + ".effect", effect, TaintEffects);
            }
        }
    }

    /// <summary>Volume names (required, DNS labels, unique) and exactly one source; returns the names for mounts.</summary>
    private static HashSet<string> ValidateVolumes(JsonObject spec, string path, Causes causes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (i, volume) in JsonFields.Items(JsonFields.Arr(spec, "volumes")))
        {
            var at = JsonFields.Index(path, i);
            causes.Name(volume, at + ".name", NameRules.Dns1123Label, names, required: true);

            var sources = volume.Count(p => p.Key != "name" && p.Value is not null);
            if (sources == 0)
            {
                causes.Required(at, "must specify a volume type");
            }
            else if (sources > 1)
            {
                causes.Forbidden(at, "may not specify more than 1 volume type");
            }
        }

        return names;
    }

    private static void ValidateName(JsonObject spec, string key, string path, Func<string, IReadOnlyList<string>> rule, Causes causes)
    {
        if (JsonFields.Str(spec, key) is { Length: > 0 } value)
        {
            causes.InvalidEach(path + "." + key, value, rule(value));
        }
    }
}
