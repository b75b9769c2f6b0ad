using System.Collections.Concurrent;
using System.Globalization;
using Cluster.Node.Tests.Kubectl;
using k8s;

namespace Cluster.Node.Tests.MultiNode;

/// <summary>What a watch delivered: (name, resourceVersion) in arrival order.</summary>
public interface IWatchRecord
{
    IReadOnlyList<(string Name, long ResourceVersion)> Events { get; }
}

/// <summary><c>kubectl get configmaps -w</c> against one member, printing name and resourceVersion per event.</summary>
public sealed class KubectlWatch : IWatchRecord, IDisposable
{
    private readonly KubectlProcess _process;

    public KubectlWatch(MultiNodeCluster.Member member, string ns, string workDir)
    {
        var environment = new Dictionary<string, string>
        {
            ["KUBECONFIG"] = member.Kubeconfig,
            ["HOME"] = Path.Combine(workDir, "home-" + Guid.NewGuid().ToString("N")),
        };
        Directory.CreateDirectory(environment["HOME"]);
        _process = KubectlProcess.Start(environment, workDir,
            ["get", "configmaps", "-n", ns, "-w", "-o", "jsonpath={.metadata.name} {.metadata.resourceVersion}{\"\\n\"}"]);
    }

    public IReadOnlyList<(string Name, long ResourceVersion)> Events =>
        _process.StdOutLines
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length == 2)
            .Select(parts => (parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture)))
            .ToList();

    public string Diagnostics => "kubectl get -w printed:\n" + string.Join("\n", _process.StdOutLines);

    public void Dispose() => _process.Dispose();
}

/// <summary>A watch through the official typed C# client (KubernetesClient), from a list's version.</summary>
public sealed class TypedWatch : IWatchRecord, IDisposable
{
    private readonly ConcurrentQueue<(string, long)> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Kubernetes _client;
    private Task? _loop;

    public TypedWatch(MultiNodeCluster.Member member)
    {
        _client = member.Client();
    }

    public IReadOnlyList<(string Name, long ResourceVersion)> Events => [.. _events];

    public Exception? Error { get; private set; }

    /// <summary>Lists, records the items, then watches from the list's version.</summary>
    public async Task StartAsync(string ns)
    {
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync(ns);
        foreach (var item in list.Items)
        {
            _events.Enqueue((item.Metadata.Name, long.Parse(item.Metadata.ResourceVersion, CultureInfo.InvariantCulture)));
        }

        var version = list.Metadata.ResourceVersion;
        _loop = Task.Run(async () =>
        {
            try
            {
                await foreach (var (type, item) in _client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: version, onError: e => Error ??= e, cancellationToken: _stop.Token))
                {
                    if (type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted)
                    {
                        _events.Enqueue((item.Metadata.Name, long.Parse(item.Metadata.ResourceVersion, CultureInfo.InvariantCulture)));
                    }
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

        _client.Dispose();
        _stop.Dispose();
    }
}

/// <summary>Checks a watch stream against the acknowledged writes.</summary>
public static class WatchAssert
{
    /// <summary>Every acknowledged version appears, no version twice, and each object's versions only grow.</summary>
    public static void SawEveryWriteOnceInOrder(string label, IWatchRecord watch, IEnumerable<ConfigMapLoad.Acknowledged> acknowledged)
    {
        var events = watch.Events;
        var duplicates = events.GroupBy(e => e).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"{label}: delivered twice: {string.Join(", ", duplicates.Take(10))}");
        foreach (var perObject in events.GroupBy(e => e.Name))
        {
            var versions = perObject.Select(e => e.ResourceVersion).ToList();
            Assert.True(versions.SequenceEqual(versions.Order()), $"{label}: {perObject.Key} went back: {string.Join(",", versions)}");
        }

        var seen = events.ToHashSet();
        var missed = acknowledged.Where(a => !seen.Contains((a.Name, a.ResourceVersion))).ToList();
        Assert.True(missed.Count == 0, $"{label}: missed {missed.Count} acknowledged writes, e.g. {string.Join(", ", missed.Take(10))}");
    }
}
