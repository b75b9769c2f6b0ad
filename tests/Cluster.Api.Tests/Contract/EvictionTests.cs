using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Cluster.Api.Tests.Contract;

/// <summary>pods/eviction: a pod is deleted unless the PodDisruptionBudget that selects it allows no disruption (429).</summary>
public sealed class EvictionTests(ITestOutputHelper output)
{
    private const string Pods = "/api/v1/namespaces/default/pods";
    private const string Budgets = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";

    private static string Eviction(string name) =>
        new JsonObject { ["apiVersion"] = "policy/v1", ["kind"] = "Eviction", ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" } }.ToJsonString();

    [Fact]
    public async Task Evict_PendingPod_IsDeletedWithoutAskingTheBudget()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        await host.PostAsync(Pods, RegistryContractTests.Pod("p"));
        await host.PostAsync(Budgets, """{"metadata":{"name":"b"},"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"web"}}}}""");

        var (status, body) = await host.PostAsync(Pods + "/p/eviction", Eviction("p"));

        Assert.Equal(201, status);
        Assert.Equal("Success", body!["status"]!.GetValue<string>());
        Assert.Equal(404, (await host.GetAsync(Pods + "/p")).Status);
    }

    [Fact]
    public async Task Evict_RunningPod_FollowsTheBudget_UnprocessedThenExhaustedThenSpent()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        await host.PostAsync(Pods, RegistryContractTests.Pod("p"));
        Assert.Equal(200, (await host.SendAsync(HttpMethod.Patch, Pods + "/p/status", """{"status":{"phase":"Running"}}""", "application/merge-patch+json")).Status);
        await host.PostAsync(Budgets, """{"metadata":{"name":"b"},"spec":{"minAvailable":1,"selector":{"matchLabels":{"app":"web"}}}}""");

        var (unprocessed, why) = await host.PostAsync(Pods + "/p/eviction", Eviction("p"));
        Assert.Equal(429, unprocessed);
        Assert.Equal("Cannot evict pod as it would violate the pod's disruption budget.", why!["message"]!.GetValue<string>());
        Assert.Equal("The disruption budget b is still being processed by the server.", why["details"]!["causes"]![0]!["message"]!.GetValue<string>());

        await SetBudgetStatusAsync(host, allowed: 0);
        var (exhausted, because) = await host.PostAsync(Pods + "/p/eviction", Eviction("p"));
        Assert.Equal(429, exhausted);
        Assert.Equal("DisruptionBudget", because!["details"]!["causes"]![0]!["reason"]!.GetValue<string>());
        Assert.Equal("The disruption budget b needs 1 healthy pods and has 1 currently", because["details"]!["causes"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(200, (await host.GetAsync(Pods + "/p")).Status);

        await SetBudgetStatusAsync(host, allowed: 1);
        Assert.Equal(201, (await host.PostAsync(Pods + "/p/eviction", Eviction("p"))).Status);

        var budget = (await host.GetAsync(Budgets + "/b")).Body!;
        Assert.Equal(0, budget["status"]!["disruptionsAllowed"]!.GetValue<int>());
        Assert.NotNull(budget["status"]!["disruptedPods"]!["p"]);
        var pod = await host.GetAsync(Pods + "/p");
        Assert.True(pod.Status == 404 || pod.Body!["metadata"]!["deletionTimestamp"] is not null, pod.Body?.ToJsonString());
    }

    [Fact]
    public async Task Evict_NameThatDisagreesWithTheUrl_IsBadRequest()
    {
        await using var host = await ApiTestHost.StartAsync("memory", output);
        await host.PostAsync(Pods, RegistryContractTests.Pod("p"));

        var (status, _) = await host.PostAsync(Pods + "/p/eviction", Eviction("q"));

        Assert.Equal(400, status);
        Assert.Equal(200, (await host.GetAsync(Pods + "/p")).Status);
    }

    private static async Task SetBudgetStatusAsync(ApiTestHost host, int allowed)
    {
        var patch = new JsonObject
        {
            ["status"] = new JsonObject { ["observedGeneration"] = 1, ["disruptionsAllowed"] = allowed, ["desiredHealthy"] = 1, ["currentHealthy"] = 1, ["expectedPods"] = 1 },
        };
        Assert.Equal(200, (await host.SendAsync(HttpMethod.Patch, Budgets + "/b/status", patch.ToJsonString(), "application/merge-patch+json")).Status);
    }
}
