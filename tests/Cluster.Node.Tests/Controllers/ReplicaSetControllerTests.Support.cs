using System.Text;
using System.Text.Json.Nodes;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;

namespace Cluster.Node.Tests.Controllers;

/// <summary>Writes, reads and waits of the replica controller tests; every wait polls until a deadline.</summary>
public sealed partial class ReplicaSetControllerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private Task CreateAsync(ResourceKind kind, string json) =>
        Registry.CreateAsync(kind, Ns, JsonNode.Parse(json)!.AsObject(), WriteOptions.Default, CancellationToken.None);

    private Task CreateSetAsync(string name, int replicas, int minReadySeconds = 0)
    {
        var template = JsonNode.Parse("""{"spec":{"containers":[{"name":"app","image":"nginx"}]}}""")!.AsObject();
        template["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name, ["tier"] = "front" } };
        var set = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["minReadySeconds"] = minReadySeconds,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["template"] = template,
            },
        };
        return Registry.CreateAsync(BuiltInKinds.ReplicaSet, Ns, set, WriteOptions.Default, CancellationToken.None);
    }

    private Task ScaleAsync(ResourceKind kind, string name, int replicas) =>
        Registry.PatchAsync(kind, Ns, name, PatchType.Merge, new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }, null, WriteOptions.Default, CancellationToken.None);

    /// <summary>What a kubelet would report: Running, and Ready (or not) since <paramref name="since"/>.</summary>
    private Task SetReadyAsync(string pod, bool ready, DateTimeOffset? since = null)
    {
        var status = new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Ready",
                ["status"] = ready ? "True" : "False",
                ["lastTransitionTime"] = ObjectMeta.Timestamp(since ?? DateTimeOffset.UtcNow),
            }),
        };
        return Registry.PatchAsync(BuiltInKinds.Pod, Ns, pod, PatchType.Merge, new JsonObject { ["status"] = status }, "status", WriteOptions.Default, CancellationToken.None);
    }

    /// <summary>The live (not terminating) pods labelled app=<paramref name="app"/>, by name.</summary>
    private List<V1Pod> Pods(string app) =>
        [.. Registry.Cache(BuiltInKinds.Pod).List(Ns).Items
            .Where(p => p.Labels.TryGetValue("app", out var a) && a == app)
            .Select(Parse<V1Pod>)
            .Where(p => p.Metadata.DeletionTimestamp is null)
            .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)];

    private V1Pod? Pod(string name) => Registry.Cache(BuiltInKinds.Pod).Get(Ns, name) is { } cached ? Parse<V1Pod>(cached) : null;

    private async Task<V1ReplicaSetStatus> UntilStatusAsync(string name, Func<V1ReplicaSetStatus, bool> condition, ResourceKind? kind = null)
    {
        V1ReplicaSetStatus? last = null;
        await UntilAsync(
            () =>
            {
                last = Registry.Cache(kind ?? BuiltInKinds.ReplicaSet).Get(Ns, name) is { } cached && cached.ToJsonObject()["status"] is JsonObject status
                    ? KubernetesJson.Deserialize<V1ReplicaSetStatus>(status.ToJsonString())
                    : null;
                return last is not null && condition(last);
            },
            () => "status " + (last is null ? "none" : KubernetesJson.Serialize(last)));
        return last!;
    }

    /// <summary>The Events of <paramref name="reason"/>, once there are at least <paramref name="count"/>.</summary>
    private async Task<List<Corev1Event>> UntilEventsAsync(string reason, int count)
    {
        List<Corev1Event> found = [];
        await UntilAsync(
            () =>
            {
                found = [.. Registry.Cache(BuiltInKinds.Event).List(Ns).Items.Select(Parse<Corev1Event>).Where(e => e.Reason == reason)];
                return found.Count >= count;
            },
            () => $"{found.Count} {reason} events");
        return found;
    }

    private Task UntilAsync(Func<bool> condition, string what) => UntilAsync(condition, () => what);

    private async Task UntilAsync(Func<bool> condition, Func<string> what)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException(
                    $"never reached: {what()}; controllers: {string.Join(", ", _loops.Select(l => l.Stats))}; last failure: {_log.Last}; " +
                    $"pods: {string.Join(", ", Registry.Cache(BuiltInKinds.Pod).List(Ns).Items.Select(p => p.Key))}");
            }

            await Task.Delay(25);
        }
    }

    private static T Parse<T>(CachedObject obj) => KubernetesJson.Deserialize<T>(Encoding.UTF8.GetString(obj.Json));

    /// <summary>
    /// The controller's writer, with pod creates refused (as a quota would) while <see cref="Switch.On"/>, or
    /// acknowledged at once and stored only <see cref="Switch.Lag"/> later: to the controller, an informer that lags.
    /// </summary>
    private sealed class FaultyWriter(IObjectWriter inner, FaultyWriter.Switch refuse) : IObjectWriter
    {
        public Task<JsonObject> CreateAsync(ResourceKind kind, string ns, JsonObject obj, CancellationToken ct)
        {
            if (kind != BuiltInKinds.Pod)
            {
                return inner.CreateAsync(kind, ns, obj, ct);
            }

            if (refuse.On)
            {
                Interlocked.Increment(ref refuse.RefusedCount);
                throw new ApiException(403, "Forbidden", "quota exceeded");
            }

            if (refuse.Lag is not { } lag)
            {
                return inner.CreateAsync(kind, ns, obj, ct);
            }

            var metadata = ObjectMeta.Metadata(obj);
            metadata["name"] = ObjectMeta.GetString(metadata, "generateName") + Guid.NewGuid().ToString("N")[..5];
            var late = (JsonObject)obj.DeepClone();
            refuse.Late.Add(Task.Run(async () =>
            {
                await Task.Delay(lag, CancellationToken.None);
                await inner.CreateAsync(kind, ns, late, CancellationToken.None);
            }, CancellationToken.None));
            return Task.FromResult(obj);
        }

        public Task UpdateAsync(ResourceKind kind, string ns, string name, JsonObject obj, CancellationToken ct) => inner.UpdateAsync(kind, ns, name, obj, ct);

        public Task<long> UpdateStatusAsync(ResourceKind kind, string ns, string name, JsonObject obj, CancellationToken ct) => inner.UpdateStatusAsync(kind, ns, name, obj, ct);

        public Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, CancellationToken ct) => inner.DeleteAsync(kind, ns, name, ct);

        public Task<bool> DeleteAsync(ResourceKind kind, string ns, string name, DeleteOptions options, CancellationToken ct) => inner.DeleteAsync(kind, ns, name, options, ct);

        public Task<JsonObject?> GetAsync(ResourceKind kind, string ns, string name, CancellationToken ct) => inner.GetAsync(kind, ns, name, ct);

        public sealed class Switch
        {
            public volatile bool On;
            public int RefusedCount;

            public int Refused => Volatile.Read(ref RefusedCount);

            /// <summary>How late acknowledged pod creates are stored (null: at once).</summary>
            public TimeSpan? Lag { get; set; }

            /// <summary>The late creates, to wait for.</summary>
            public System.Collections.Concurrent.ConcurrentBag<Task> Late { get; } = [];
        }
    }

    /// <summary>
    /// Follows the registry's pods through a watch, every change in order, and keeps the most live pods each app
    /// label had at once: a momentary extra pod is seen even when it is deleted again at once.
    /// </summary>
    private sealed class PodCountMonitor : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Lock _lock = new();
        private readonly Dictionary<string, string> _live = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _max = new(StringComparer.Ordinal);
        private Task _running = Task.CompletedTask;

        public async Task StartAsync(ResourceRegistry registry)
        {
            var (watcher, _) = await registry.WatchAsync(BuiltInKinds.Pod, Ns, new ListOptions(ResourceVersion: ""), CancellationToken.None);
            foreach (var e in watcher.Initial)
            {
                Apply(e);
            }

            _running = Task.Run(async () =>
            {
                using (watcher)
                {
                    await foreach (var e in watcher.Live.ReadAllAsync(_stop.Token))
                    {
                        Apply(e);
                    }
                }
            });
        }

        public int Max(string app)
        {
            lock (_lock)
            {
                return _max.GetValueOrDefault(app);
            }
        }

        /// <summary>Counts the most from now on.</summary>
        public void Restart(string app)
        {
            lock (_lock)
            {
                _max[app] = _live.Values.Count(a => a == app);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running.ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }

        private void Apply(WatchEvent e)
        {
            lock (_lock)
            {
                var terminating = ObjectMeta.DeletionTimestamp(e.Object.ToJsonObject()) is not null;
                if (e.Type == Core.Registry.Cache.WatchEventType.Deleted || terminating || !e.Object.Labels.TryGetValue("app", out var app))
                {
                    _live.Remove(e.Object.Key);
                    return;
                }

                _live[e.Object.Key] = app;
                _max[app] = Math.Max(_max.GetValueOrDefault(app), _live.Values.Count(a => a == app));
            }
        }
    }
}
