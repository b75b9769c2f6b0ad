using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Core.Configuration;
using YamlDotNet.Core;

namespace Cluster.Api.Security.Audit;

/// <summary>Reads an audit.k8s.io/v1 Policy (YAML or JSON) from api.audit.policy-file; anything malformed names that key.</summary>
public static class AuditPolicyFile
{
    private const string Key = "api.audit.policy-file";

    public static AuditPolicy Load(string path) => Parse(File.ReadAllText(path), path);

    public static AuditPolicy Parse(string text, string source)
    {
        JsonNode? root;
        try
        {
            root = YamlToJson.Parse(text);
        }
        catch (YamlException e)
        {
            throw SettingsException.Invalid(Key, source, "is not valid YAML: " + e.Message);
        }

        if (root is not JsonObject policy)
        {
            throw SettingsException.Invalid(Key, source, "must hold a Policy object");
        }

        Require(Text(policy, "kind", source) == "Policy", source, "kind must be Policy");
        Require(Text(policy, "apiVersion", source) is "audit.k8s.io/v1" or "audit.k8s.io/v1beta1", source, "apiVersion must be audit.k8s.io/v1");
        var rules = policy["rules"] is JsonArray array ? array : throw SettingsException.Invalid(Key, source, "rules must be a non-empty list");
        Require(array.Count > 0, source, "rules must be a non-empty list");
        return new AuditPolicy(
            [.. rules.Select((rule, i) => Rule(rule as JsonObject ?? throw SettingsException.Invalid(Key, source, $"rules[{i}] must be an object"), source, i))],
            Stages(policy, source, "omitStages"),
            Bool(policy, "omitManagedFields", source) ?? false);
    }

    private static AuditPolicyRule Rule(JsonObject rule, string source, int index)
    {
        var where = $"rules[{index}].";
        var level = Text(rule, "level", source);
        Require(Enum.TryParse<AuditLevel>(level, out var parsed) && Enum.IsDefined(parsed) && level == parsed.ToString(), source, where + "level must be None, Metadata, Request or RequestResponse");
        var result = new AuditPolicyRule(parsed)
        {
            Users = Strings(rule, "users", source, where),
            UserGroups = Strings(rule, "userGroups", source, where),
            Verbs = Strings(rule, "verbs", source, where),
            Namespaces = Strings(rule, "namespaces", source, where),
            NonResourceUrls = Strings(rule, "nonResourceURLs", source, where),
            Resources = rule["resources"] is JsonArray groups
                ? [.. groups.Select(g => g is JsonObject o
                    ? new AuditGroupResources(Text(o, "group", source) ?? "", Strings(o, "resources", source, where), Strings(o, "resourceNames", source, where))
                    : throw SettingsException.Invalid(Key, source, where + "resources must be a list of objects"))]
                : [],
            OmitStages = Stages(rule, source, where + "omitStages"),
            OmitManagedFields = Bool(rule, "omitManagedFields", source),
        };
        Require(result.NonResourceUrls.Count == 0 || (result.Resources.Count == 0 && result.Namespaces.Count == 0), source, where + "nonResourceURLs cannot be combined with resources or namespaces");
        return result;
    }

    private static AuditStages Stages(JsonObject node, string source, string path)
    {
        var stages = AuditStages.None;
        foreach (var name in Strings(node, "omitStages", source, path[..^"omitStages".Length]))
        {
            Require(Enum.TryParse<AuditStages>(name, out var stage) && stage != AuditStages.None && name == stage.ToString(), source, $"{path}: unknown stage {name}");
            stages |= stage;
        }

        return stages;
    }

    private static string? Text(JsonObject node, string name, string source) => node[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw SettingsException.Invalid(Key, source, name + " must be a string"),
    };

    private static bool? Bool(JsonObject node, string name, string source) => node[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw SettingsException.Invalid(Key, source, name + " must be true or false"),
    };

    private static string[] Strings(JsonObject node, string name, string source, string where) => node[name] switch
    {
        null => [],
        JsonArray a => [.. a.Select(i => i is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw SettingsException.Invalid(Key, source, where + name + " must be a list of strings"))],
        _ => throw SettingsException.Invalid(Key, source, where + name + " must be a list"),
    };

    private static void Require(bool condition, string source, string rule) => SettingsException.Require(condition, Key, source, rule);
}
