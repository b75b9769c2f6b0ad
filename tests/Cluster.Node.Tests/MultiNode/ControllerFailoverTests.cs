using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace Cluster.Node.Tests.MultiNode;

/// <summary>
/// The controller manager and the scheduler are cluster singletons: SIGKILL the member hosting them and they resume on
/// a survivor (once the member is downed and the SQL lease is free), and no ReplicaSet ever has more pods than it
/// asks for, because the new controller manager starts from a fresh list and the lease keeps two from acting at once.
/// </summary>
[Collection(MultiNodeCollection.Name)]
public sealed class ControllerFailoverTests(ITestOutputHelper output)
{
    private const string Namespace = "failover";

    [PostgresFact]
    public async Task KillTheSingletonsMember_WhileScalingUp_ControllersResumeOnASurvivor_AndNoReplicaSetEverHasTooManyPods()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3, ["--runtime=simulated"]);
        var hostAddress = await SingletonMemberAsync(cluster.Members[0], "/cluster/controllers", except: null);
        var host = cluster.Members.Single(m => m.Address == hostAddress);
        var survivor = cluster.Members.First(m => m != host);
        output.WriteLine($"controller manager on {host.Name}; scheduler on {await SingletonMemberAsync(survivor, "/cluster/scheduler", except: null)}");

        using var client = survivor.Client();
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } });
        var set = await client.AppsV1.CreateNamespacedReplicaSetAsync(ReplicaSet("web", 6), Namespace);
        using var census = new PodCensus(client);
        await census.StartAsync(Namespace);
        await WaitUntilAsync(() => census.Live(set.Metadata.Uid) == 6, TimeSpan.FromSeconds(60), census.Describe);

        // Scale up and kill the controller manager's member while it is creating the new pods.
        await ScaleAsync(client, "web", 12);
        await WaitUntilAsync(() => census.Live(set.Metadata.Uid) > 6, TimeSpan.FromSeconds(30), census.Describe);
        host.Kill();
        var killedAt = DateTime.UtcNow;

        string newHost;
        try
        {
            newHost = await SingletonMemberAsync(survivor, "/cluster/controllers", except: host.Address);
        }
        catch (TimeoutException)
        {
            foreach (var member in cluster.Members.Where(m => m.IsRunning))
            {
                output.WriteLine($"--- {member.Name}:");
                output.WriteLine(string.Join('\n', member.Output.Split('\n').Where(l => l.Contains("ingleton", StringComparison.Ordinal) || l.Contains("ease", StringComparison.Ordinal) || l.Contains("own", StringComparison.Ordinal) || l.Contains("Controller manager", StringComparison.Ordinal)).TakeLast(60)));
            }

            throw;
        }

        output.WriteLine($"controller manager resumed on {newHost} {(DateTime.UtcNow - killedAt).TotalSeconds:0.0} s after the kill");
        Assert.NotEqual(host.Address, newHost);
        Assert.NotEqual(host.Address, await SingletonMemberAsync(survivor, "/cluster/scheduler", except: host.Address));
        await WaitUntilAsync(() => census.Live(set.Metadata.Uid) == 12, TimeSpan.FromSeconds(90), census.Describe);
        var table = await MultiNodeTests.CliAsync("controllers", "--server", survivor.ApiBase.ToString(), "--kubeconfig", survivor.Kubeconfig);
        output.WriteLine(table);
        Assert.Contains("controller manager on " + newHost, table, StringComparison.Ordinal);
        Assert.Contains("replicaset", table, StringComparison.Ordinal);

        // The new controller manager acts: pods deleted by hand are replaced, then a scale-down is honoured.
        foreach (var name in census.LiveNames(set.Metadata.Uid).Take(2))
        {
            await client.CoreV1.DeleteNamespacedPodAsync(name, Namespace, new V1DeleteOptions { GracePeriodSeconds = 0 });
        }

        await WaitUntilAsync(() => census.Live(set.Metadata.Uid) == 12 && census.Deleted >= 2, TimeSpan.FromSeconds(60), census.Describe);
        await ScaleAsync(client, "web", 4);
        await WaitUntilAsync(() => census.Live(set.Metadata.Uid) == 4, TimeSpan.FromSeconds(60), census.Describe);
        var status = await client.AppsV1.ReadNamespacedReplicaSetAsync("web", Namespace);
        await WaitUntilAsync(() => client.AppsV1.ReadNamespacedReplicaSet("web", Namespace).Status?.Replicas == 4, TimeSpan.FromSeconds(30), () => "status.replicas never reached 4");

        Assert.Null(census.Error);
        output.WriteLine($"most live pods ever seen: {census.MostLive(set.Metadata.Uid)}; {census.Events} watch events");
        Assert.True(census.MostLive(set.Metadata.Uid) <= 12, $"the ReplicaSet had {census.MostLive(set.Metadata.Uid)} pods at once, more than the 12 it ever asked for");
        Assert.Equal(4, status.Spec.Replicas);
    }

    private static V1ReplicaSet ReplicaSet(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1ReplicaSetSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "local/busybox:1" }] },
            },
        },
    };

    private static Task ScaleAsync(Kubernetes client, string name, int replicas) =>
        client.AppsV1.PatchNamespacedReplicaSetScaleAsync(new V1Patch($"{{\"spec\":{{\"replicas\":{replicas}}}}}", V1Patch.PatchType.MergePatch), name, Namespace);

    /// <summary>The address of the member a singleton answers from, once it has started there (and is not <paramref name="except"/>).</summary>
    private static async Task<string> SingletonMemberAsync(MultiNodeCluster.Member member, string path, string? except)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await member.Http.GetAsync(new Uri(path, UriKind.Relative));
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && JsonNode.Parse(last) is JsonObject body
                    && body["started"]?.GetValue<bool>() == true && body["member"]?.GetValue<string>() is { } at && at != except)
                {
                    return at;
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"{path} on {member.Name} never named a started singleton other than {except}: {last}");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out: " + describe());
            }

            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Follows a namespace's pods by watch and keeps, per owning ReplicaSet, how many live pods (not deleted, not being
    /// deleted, not finished) it had at once at most.
    /// </summary>
    private sealed class PodCensus(Kubernetes client) : IDisposable
    {
        private readonly ConcurrentDictionary<string, V1Pod> _pods = new();
        private readonly ConcurrentDictionary<string, int> _most = new();
        private readonly CancellationTokenSource _stop = new();
        private Task? _loop;

        public Exception? Error { get; private set; }

        public int Events { get; private set; }

        public int Deleted { get; private set; }

        public int Live(string owner) => LiveNames(owner).Count();

        public IEnumerable<string> LiveNames(string owner) =>
            _pods.Values.Where(p => IsLive(p) && p.Metadata.OwnerReferences?.Any(o => o.Uid == owner) == true).Select(p => p.Metadata.Name).Order(StringComparer.Ordinal);

        public int MostLive(string owner) => _most.GetValueOrDefault(owner);

        public string Describe() => $"{_pods.Count(p => IsLive(p.Value))} live pods of {_pods.Count}: {string.Join(", ", _pods.Values.Select(p => $"{p.Metadata.Name}@{p.Spec.NodeName}/{p.Status?.Phase}"))}";

        public async Task StartAsync(string ns)
        {
            var list = await client.CoreV1.ListNamespacedPodAsync(ns);
            foreach (var pod in list.Items)
            {
                Observe(WatchEventType.Added, pod);
            }

            var version = list.Metadata.ResourceVersion;
            _loop = Task.Run(async () =>
            {
                try
                {
                    await foreach (var (type, pod) in client.CoreV1.WatchListNamespacedPodAsync(ns, resourceVersion: version, onError: e => Error ??= e, cancellationToken: _stop.Token))
                    {
                        Observe(type, pod);
                    }
                }
                catch (OperationCanceledException)
                {
                }
                catch (Exception e)
                {
                    Error ??= e;
                }
            });
        }

        private static bool IsLive(V1Pod pod) => pod.Metadata.DeletionTimestamp is null && pod.Status?.Phase is not ("Succeeded" or "Failed");

        private void Observe(WatchEventType type, V1Pod pod)
        {
            Events++;
            if (type == WatchEventType.Deleted)
            {
                Deleted++;
                _pods.TryRemove(pod.Metadata.Name, out _);
                return;
            }

            if (type is not (WatchEventType.Added or WatchEventType.Modified))
            {
                return;
            }

            _pods[pod.Metadata.Name] = pod;
            foreach (var owner in pod.Metadata.OwnerReferences ?? [])
            {
                _most.AddOrUpdate(owner.Uid, _ => Live(owner.Uid), (_, most) => Math.Max(most, Live(owner.Uid)));
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                _loop?.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }

            _stop.Dispose();
        }
    }
}
