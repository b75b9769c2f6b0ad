using System.Text.Json.Nodes;
using Cluster.Core.Registry;

namespace Cluster.Api.Discovery;

/// <summary>
/// The discovery documents kubectl resolves resource names with: aggregated discovery v2 for
/// <c>/api</c> and <c>/apis</c> (one round trip, everything kubectl needs, including scale
/// subresources and short names), and the legacy lists for older clients.
/// </summary>
public sealed class DiscoveryDocuments(KindCatalog kinds)
{
    /// <summary>The Content-Type that makes kubectl parse a response as aggregated discovery.</summary>
    public const string AggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    private static readonly string[] Verbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    /// <summary>Whether the Accept header asks for aggregated discovery.</summary>
    public static bool WantsAggregated(string accept) => accept.Contains("as=APIGroupDiscoveryList", StringComparison.Ordinal);

    /// <summary>The aggregated document of the core group (<paramref name="core"/>) or of the named groups.</summary>
    public JsonObject Aggregated(bool core)
    {
        var items = new JsonArray();
        foreach (var group in kinds.Groups().Where(g => (g.Key.Length == 0) == core))
        {
            var versions = new JsonArray();
            foreach (var version in KindCatalog.Versions(group))
            {
                var resources = new JsonArray();
                foreach (var kind in group.Where(k => k.Version == version).OrderBy(k => k.Plural, StringComparer.Ordinal))
                {
                    resources.Add(AggregatedResource(kind));
                }

                versions.Add(new JsonObject { ["version"] = version, ["resources"] = resources, ["freshness"] = "Current" });
            }

            items.Add(new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = group.Key, ["creationTimestamp"] = null },
                ["versions"] = versions,
            });
        }

        return new JsonObject { ["kind"] = "APIGroupDiscoveryList", ["apiVersion"] = "apidiscovery.k8s.io/v2", ["metadata"] = new JsonObject(), ["items"] = items };
    }

    /// <summary>GET /api (legacy): the core versions.</summary>
    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    /// <summary>GET /apis (legacy): the named groups.</summary>
    public JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(kinds.Groups().Where(g => g.Key.Length > 0).Select(g => (JsonNode)Group(g.Key, KindCatalog.Versions(g))).ToArray()),
    };

    /// <summary>GET /apis/{group}: one group, or null when it is not served.</summary>
    public JsonObject? Group(string name) =>
        kinds.Groups().FirstOrDefault(g => g.Key == name && name.Length > 0) is { } group ? Group(name, KindCatalog.Versions(group)) : null;

    /// <summary>GET /api/v1 or /apis/{group}/{version}: the resources, subresources as "plural/sub"; null when not served.</summary>
    public JsonObject? ResourceList(string group, string version)
    {
        var served = kinds.Served.Where(k => k.Group == group && k.Version == version).OrderBy(k => k.Plural, StringComparer.Ordinal).ToArray();
        if (served.Length == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var kind in served)
        {
            var resource = new JsonObject
            {
                ["name"] = kind.Plural,
                ["singularName"] = kind.Singular,
                ["namespaced"] = kind.Namespaced,
                ["kind"] = kind.Kind,
                ["verbs"] = new JsonArray(Verbs.Select(v => (JsonNode)v).ToArray()),
            };
            AddNames(resource, kind);
            resources.Add(resource);
            foreach (var sub in kind.Subresources)
            {
                var (subGroup, subVersion, subKind, verbs) = Subresource(kind, sub);
                var entry = new JsonObject { ["name"] = kind.Plural + "/" + sub, ["singularName"] = "", ["namespaced"] = kind.Namespaced };
                if (subGroup != kind.Group)
                {
                    entry["group"] = subGroup;
                    entry["version"] = subVersion;
                }

                entry["kind"] = subKind;
                entry["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray());
                resources.Add(entry);
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : group + "/" + version,
            ["resources"] = resources,
        };
    }

    private static JsonObject AggregatedResource(ResourceKind kind)
    {
        var resource = new JsonObject
        {
            ["resource"] = kind.Plural,
            ["responseKind"] = new JsonObject { ["group"] = kind.Group, ["version"] = kind.Version, ["kind"] = kind.Kind },
            ["scope"] = kind.Namespaced ? "Namespaced" : "Cluster",
            ["singularResource"] = kind.Singular,
            ["verbs"] = new JsonArray(Verbs.Select(v => (JsonNode)v).ToArray()),
        };
        AddNames(resource, kind);
        if (kind.Subresources.Count > 0)
        {
            resource["subresources"] = new JsonArray(kind.Subresources.Select(sub =>
            {
                var (group, version, subKind, verbs) = Subresource(kind, sub);
                return (JsonNode)new JsonObject
                {
                    ["subresource"] = sub,
                    ["responseKind"] = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = subKind },
                    ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode)v).ToArray()),
                };
            }).ToArray());
        }

        return resource;
    }

    private static void AddNames(JsonObject resource, ResourceKind kind)
    {
        if (kind.ShortNames.Count > 0)
        {
            resource["shortNames"] = new JsonArray(kind.ShortNames.Select(s => (JsonNode)s).ToArray());
        }

        if (kind.Categories.Count > 0)
        {
            resource["categories"] = new JsonArray(kind.Categories.Select(s => (JsonNode)s).ToArray());
        }
    }

    private static (string Group, string Version, string Kind, string[] Verbs) Subresource(ResourceKind kind, string sub) => sub switch
    {
        "scale" => ("autoscaling", "v1", "Scale", ["get", "patch", "update"]),
        "binding" => ("", "v1", "Binding", ["create"]),
        "eviction" => ("policy", "v1", "Eviction", ["create"]),
        "token" => ("authentication.k8s.io", "v1", "TokenRequest", ["create"]),
        "log" => ("", "v1", "Pod", ["get"]),
        "exec" => ("", "v1", "PodExecOptions", ["create", "get"]),
        "attach" => ("", "v1", "PodAttachOptions", ["create", "get"]),
        "portforward" => ("", "v1", "PodPortForwardOptions", ["create", "get"]),
        "finalize" => (kind.Group, kind.Version, kind.Kind, ["update"]),
        _ => (kind.Group, kind.Version, kind.Kind, ["get", "patch", "update"]),
    };

    /// <summary>An APIGroup: its versions, the preferred one first.</summary>
    private static JsonObject Group(string name, IReadOnlyList<string> versions)
    {
        JsonObject GroupVersion(string version) => new() { ["groupVersion"] = name + "/" + version, ["version"] = version };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = name,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)GroupVersion(v)).ToArray()),
            ["preferredVersion"] = GroupVersion(versions[0]),
        };
    }
}
