using System.Diagnostics;
using System.Text.Json.Nodes;
using Cluster.Api.Protobuf;

namespace Cluster.Bench.Protobuf;

/// <summary>
/// Decoding protobuf request bodies into the JSON the API takes: a 2 KB Deployment (two containers with env, ports,
/// resources, probes and a ConfigMap volume), µs per body and bytes allocated per body, on one thread. Prints figures;
/// asserts nothing (it does check that the body decodes back to the JSON it was made from).
/// </summary>
public static class ProtobufBenchmark
{
    public const string Usage = "protobuf [--iterations N]";

    public static int Run(string[] args)
    {
        var iterations = int.Parse(CommandLine.Option(args, "--iterations") ?? "200000", System.Globalization.CultureInfo.InvariantCulture);
        var deployment = Deployment();
        var body = JsonToProtobuf.Body(deployment);
        var decoded = ProtobufBodyDecoder.Decode(body, 64);
        if (!JsonNode.DeepEquals(decoded, deployment))
        {
            Console.Error.WriteLine("the body does not decode to the JSON it was made from:\n" + deployment.ToJsonString() + "\n" + decoded.ToJsonString());
            return 1;
        }

        Console.WriteLine($"# protobuf body decoding: a Deployment of {body.Length:N0} bytes ({deployment.ToJsonString().Length:N0} bytes as JSON), {iterations:N0} decodes after as many warm-up decodes, one thread");
        for (var i = 0; i < iterations; i++)
        {
            ProtobufBodyDecoder.Decode(body, 64);
        }

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            ProtobufBodyDecoder.Decode(body, 64);
        }

        clock.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var json = System.Text.Encoding.UTF8.GetBytes(deployment.ToJsonString());
        var jsonClock = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++)
        {
            JsonNode.Parse(json);
        }

        jsonClock.Stop();
        Console.WriteLine($" decode protobuf to JSON tree: {clock.Elapsed.TotalMicroseconds / iterations:0.00} µs per body, {allocated / (double)iterations:N0} bytes allocated per body (target: at most 20 µs)");
        Console.WriteLine($" for comparison, parse the same object from JSON into a tree: {jsonClock.Elapsed.TotalMicroseconds / iterations:0.00} µs per body");
        return 0;
    }

    private static JsonObject Deployment()
    {
        static JsonArray Env(string prefix, int count) =>
            new(Enumerable.Range(1, count).Select(i => (JsonNode)new JsonObject { ["name"] = $"{prefix}_SETTING_{i}", ["value"] = $"value-{i}-for-{prefix.ToLowerInvariant()}" }).ToArray());

        static JsonObject Container(string name, string image, int port) => new()
        {
            ["name"] = name,
            ["image"] = image,
            ["command"] = new JsonArray("/bin/server", "--listen", $":{port}"),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = port, ["protocol"] = "TCP" }),
            ["env"] = Env(name.ToUpperInvariant(), 14),
            ["resources"] = new JsonObject
            {
                ["limits"] = new JsonObject { ["cpu"] = "500m", ["memory"] = "256Mi" },
                ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" },
            },
            ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "config", ["mountPath"] = "/etc/app" }),
            ["livenessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = "http" }, ["periodSeconds"] = 10 },
            ["readinessProbe"] = new JsonObject { ["httpGet"] = new JsonObject { ["path"] = "/ready", ["port"] = port }, ["initialDelaySeconds"] = 2 },
            ["imagePullPolicy"] = "IfNotPresent",
        };

        var labels = new JsonObject { ["app"] = "web", ["tier"] = "frontend", ["team"] = "shop", ["env"] = "production", ["version"] = "v1.4.2", ["track"] = "stable" };
        return new JsonObject
        {
            ["kind"] = "Deployment",
            ["apiVersion"] = "apps/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = "web",
                ["namespace"] = "shop",
                ["labels"] = labels.DeepClone(),
                ["annotations"] = new JsonObject { ["owner"] = "team-shop@example.invalid", ["description"] = "the storefront web tier" },
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = 3,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web", ["tier"] = "frontend" } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = labels.DeepClone() },
                    ["spec"] = new JsonObject
                    {
                        ["containers"] = new JsonArray(Container("web", "registry.example.invalid/shop/web:1.4.2", 8080), Container("sidecar", "registry.example.invalid/shop/proxy:2.0", 9090)),
                        ["volumes"] = new JsonArray(new JsonObject { ["name"] = "config", ["configMap"] = new JsonObject { ["name"] = "web-config" } }),
                        ["serviceAccountName"] = "web",
                        ["terminationGracePeriodSeconds"] = 30,
                    },
                },
            },
        };
    }
}
