using System.Text;
using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The kubelet's part in the DaemonSet and StatefulSet controller tests: pods reported Running and Ready, and reading what the controllers wrote.</summary>
internal static class SetsKubelet
{
    public static async Task RunReadyAsync(ResourceRegistry registry, string name)
    {
        var status = new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["lastTransitionTime"] = DateTime.UtcNow.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) }),
        };
        try
        {
            await registry.PatchAsync(BuiltInKinds.Pod, "default", name, PatchType.Merge, new JsonObject { ["status"] = status }, "status", WriteOptions.Default, CancellationToken.None);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            // deleted meanwhile
        }
    }

    /// <summary>Reports every pod not yet ready as Running and Ready.</summary>
    public static async Task RunAllReadyAsync(ResourceRegistry registry)
    {
        foreach (var pod in Pods(registry).Where(p => p.Metadata.DeletionTimestamp is null && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") != true))
        {
            await RunReadyAsync(registry, pod.Metadata.Name);
        }
    }

    public static List<V1Pod> Pods(ResourceRegistry registry) => [.. registry.Cache(BuiltInKinds.Pod).List("default").Items.Select(c => Parse<V1Pod>(c.Json))];

    public static List<T> List<T>(ResourceRegistry registry, ResourceKind kind) => [.. registry.Cache(kind).List("default").Items.Select(c => Parse<T>(c.Json))];

    public static T? Get<T>(ResourceRegistry registry, ResourceKind kind, string name)
        where T : class => registry.Cache(kind).Get("default", name) is { } c ? Parse<T>(c.Json) : null;

    public static T Parse<T>(byte[] json) => KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(json));

    /// <summary>Waits for <paramref name="probe"/> to answer, calling <paramref name="step"/> (the kubelet's turn) between looks.</summary>
    public static async Task<T> UntilAsync<T>(Func<T?> probe, string what, Func<Task>? step = null)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (probe() is { } found)
            {
                return found;
            }

            if (step is not null)
            {
                await step();
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("Timed out waiting for " + what);
    }
}
