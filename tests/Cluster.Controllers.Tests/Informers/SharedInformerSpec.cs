using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Controllers.Tests.Informers;

public sealed class SharedInformerSpec
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new();
    private readonly KindCache _pods = new(BuiltInKinds.Pod, 100);
    private readonly ScriptedSource _source;
    private long _version;

    public SharedInformerSpec() => _source = new ScriptedSource(_pods);

    [Fact]
    public async Task Start_ObjectsStoredBefore_ListedAsAdds_ThenChangesWithTheVersionBefore()
    {
        Put("a", "p1", node: "n1");
        Put("b", "p2", node: null);
        await using var informer = new SharedInformer(_source, BuiltInKinds.Pod, _clock, NullLogger.Instance);
        var events = new Recorder();
        informer.AddHandler(events);
        informer.Start();
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Wait);
        Assert.Equal(["add a/p1@1", "add b/p2@2"], events.Take(2).Order());

        Put("b", "p2", node: "n1");
        Delete("a", "p1");
        Put("a", "p3", node: "n2");

        Assert.Equal(["update b/p2@2>3", "delete a/p1@1", "add a/p3@5"], await events.NextAsync(3));
        Assert.Equal(5, informer.ResourceVersion);
        Assert.Equal("b/p2", Assert.Single(informer.ByIndex(Indexers.Namespace, "b")).Key);
    }

    [Fact]
    public async Task ByIndex_OwnerAndNode_FollowEveryChange()
    {
        await using var informer = new SharedInformer(_source, BuiltInKinds.Pod, _clock, NullLogger.Instance);
        informer.AddIndexer(Indexers.OwnerUid, Indexers.ByOwnerUid);
        informer.AddIndexer(Indexers.NodeName, Indexers.ByNodeName);
        var events = new Recorder();
        informer.AddHandler(events);
        informer.Start();
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Wait);

        Put("a", "p1", node: null, owner: "rs-1");
        Put("a", "p2", node: "n1", owner: "rs-1");
        Put("a", "p1", node: "n1", owner: "rs-1");
        Put("a", "p2", node: "n1", owner: "rs-2");
        await events.NextAsync(4);

        Assert.Equal(["a/p1"], informer.ByIndex(Indexers.OwnerUid, "rs-1").Select(o => o.Key));
        Assert.Equal(["a/p2"], informer.ByIndex(Indexers.OwnerUid, "rs-2").Select(o => o.Key));
        Assert.Equal(["a/p1", "a/p2"], informer.ByIndex(Indexers.NodeName, "n1").Select(o => o.Key).Order());
        Assert.Empty(informer.ByIndex(Indexers.NodeName, "n2"));
        Assert.Throws<ArgumentException>(() => informer.ByIndex("no-such-index", "x"));
    }

    [Fact]
    public async Task WatchBroken_HistoryGone_ListedAgain_WhatVanishedMeanwhileIsDeleted()
    {
        Put("a", "stays", node: null);
        Put("a", "goes", node: null);
        await using var informer = new SharedInformer(_source, BuiltInKinds.Pod, _clock, NullLogger.Instance);
        var events = new Recorder();
        informer.AddHandler(events);
        informer.Start();
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Wait);
        await events.NextAsync(2);

        // While the informer is cut off, one pod goes, one comes and one changes; then its resume gets 410 Expired.
        _source.ExpireNextResume();
        _source.Break();
        Delete("a", "goes");
        Put("a", "comes", node: null);
        Put("a", "stays", node: "n1");
        _source.Reconnect();

        Assert.Equal(["add a/comes@4", "delete a/goes@2", "update a/stays@1>5"], (await events.NextAsync(3)).Order());
        Assert.Equal(["a/comes", "a/stays"], informer.List().Select(o => o.Key).Order());
        Assert.Equal(2, _source.Lists);
    }

    [Fact]
    public async Task WatchBroken_HistoryKept_ResumedWithoutAList_NothingMissed()
    {
        await using var informer = new SharedInformer(_source, BuiltInKinds.Pod, _clock, NullLogger.Instance);
        var events = new Recorder();
        informer.AddHandler(events);
        informer.Start();
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Wait);
        Put("a", "p0", node: null);
        await events.NextAsync(1);

        _source.Break();
        Put("a", "p1", node: null);
        Delete("a", "p1");
        _source.Reconnect();

        Assert.Equal(["add a/p1@2", "delete a/p1@2"], await events.NextAsync(2));
        Assert.Equal(1, _source.Lists);
    }

    [Fact]
    public async Task Resync_PeriodPasses_EveryObjectHandedToTheHandlersAgain_AndALateHandlerGetsAdds()
    {
        Put("a", "p1", node: null);
        Put("a", "p2", node: null);
        await using var informer = new SharedInformer(_source, BuiltInKinds.Pod, _clock, NullLogger.Instance, resync: TimeSpan.FromMinutes(10));
        var events = new Recorder();
        informer.AddHandler(events);
        informer.Start();
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(Wait);
        await events.NextAsync(2);

        _clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(["update a/p1@1>1", "update a/p2@2>2"], (await events.NextAsync(2)).Order());

        var late = new Recorder();
        informer.AddHandler(late);
        Assert.Equal(["add a/p1@1", "add a/p2@2"], late.Take(2).Order());
    }

    private void Put(string ns, string name, string? node, string? owner = null)
    {
        var version = ++_version;
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns, ["uid"] = "uid-" + name, ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) };
        if (owner is not null)
        {
            metadata["ownerReferences"] = new JsonArray(new JsonObject { ["kind"] = "ReplicaSet", ["name"] = owner, ["uid"] = owner, ["controller"] = true });
        }

        var pod = new JsonObject { ["metadata"] = metadata, ["spec"] = node is null ? new JsonObject() : new JsonObject { ["nodeName"] = node } };
        _pods.Apply(CachedObject.From(pod, version, Cluster.Core.Registry.Strategies.StrategyCatalog.BuiltIn.Find(BuiltInKinds.Pod), ["spec.nodeName"]), removed: false, live: true);
    }

    private void Delete(string ns, string name)
    {
        var last = _pods.Get(ns, name)!;
        var version = ++_version;
        _pods.Apply(CachedObject.From(last.ToJsonObject(), version), removed: true, live: true);
    }

    /// <summary>The cache as the informer's source, with a watch that can be cut and a resume that can be refused with 410.</summary>
    private sealed class ScriptedSource(KindCache cache) : IObjectSource
    {
        private Watcher? _current;
        private TaskCompletionSource _gate = Open();
        private bool _expire;
        private int _lists;

        public int Lists => Volatile.Read(ref _lists);

        public async Task<Watcher> WatchAsync(ResourceKind kind, long? from, CancellationToken ct)
        {
            await _gate.Task.WaitAsync(ct);
            if (from is not null && _expire)
            {
                _expire = false;
                throw ApiException.Expired("too old resource version");
            }

            if (from is null)
            {
                Interlocked.Increment(ref _lists);
            }

            return _current = cache.Watch(null, null, from, 100);
        }

        public void ExpireNextResume() => _expire = true;

        /// <summary>Closes the watch and holds the informer's next one back until <see cref="Reconnect"/>.</summary>
        public void Break()
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _current!.Close();
        }

        public void Reconnect() => _gate.TrySetResult();

        private static TaskCompletionSource Open()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }
    }

    /// <summary>What the handlers were told, as "add ns/name@version", "update ns/name@old>new", "delete ns/name@last".</summary>
    private sealed class Recorder : IInformerHandler
    {
        private readonly BlockingCollection<string> _events = [];

        public void OnAdd(CachedObject obj) => _events.Add($"add {obj.Key}@{obj.ResourceVersion}");

        public void OnUpdate(CachedObject old, CachedObject now) => _events.Add($"update {now.Key}@{old.ResourceVersion}>{now.ResourceVersion}");

        public void OnDelete(CachedObject last) => _events.Add($"delete {last.Key}@{last.ResourceVersion}");

        public List<string> Take(int count) => [.. Enumerable.Range(0, count).Select(_ => _events.TryTake(out var e, Wait) ? e : "nothing")];

        public Task<List<string>> NextAsync(int count) => Task.Run(() => Take(count));
    }
}
