using System.Text.Json.Nodes;

namespace Cluster.Core.Tests.Registry.Admission;

/// <summary>Pods, quotas and limit ranges written as the JSON the registry holds.</summary>
internal static class QuotaFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    /// <summary>A pod with one container per (name, requests, limits); each list is JSON like <c>{"cpu":"1"}</c> or null.</summary>
    public static JsonObject Pod(string name, params (string Name, string? Requests, string? Limits)[] containers)
    {
        var list = new JsonArray();
        foreach (var (container, requests, limits) in containers)
        {
            var resources = new JsonObject();
            if (requests is not null)
            {
                resources["requests"] = JsonNode.Parse(requests);
            }

            if (limits is not null)
            {
                resources["limits"] = JsonNode.Parse(limits);
            }

            list.Add(new JsonObject { ["name"] = container, ["image"] = "x", ["resources"] = resources });
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "team" },
            ["spec"] = new JsonObject { ["containers"] = list },
        };
    }

    /// <summary>A quota whose status the controller has computed: hard as given, used as given.</summary>
    public static JsonObject Quota(string name, string hard, string? used, string? spec = null)
    {
        var quota = Obj($$$"""{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"{{{name}}}","namespace":"team","resourceVersion":"7"},"spec":{"hard":{{{hard}}}}}""");
        if (spec is not null)
        {
            foreach (var (key, value) in Obj(spec))
            {
                quota["spec"]![key] = value?.DeepClone();
            }
        }

        quota["status"] = used is null ? new JsonObject { ["hard"] = JsonNode.Parse(hard) } : new JsonObject { ["hard"] = JsonNode.Parse(hard), ["used"] = JsonNode.Parse(used) };
        return quota;
    }
}
