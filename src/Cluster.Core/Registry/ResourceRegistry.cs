using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Objects;
using Cluster.Core.Registry.Strategies;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Registry;

/// <summary>
/// The generic store (Kubernetes' registry.Store) over object actors and the watch cache: writes
/// go to the object's actor through the Akka.Cluster.Sharding region "registry" (the actor lives
/// on whichever control-plane member owns its shard), reads and watches come from the cache
/// after it has caught up with every committed write. Kinds differ only by their strategy.
/// </summary>
public sealed partial class ResourceRegistry : IAsyncDisposable
{
    private const string GenerateNameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The shard region's type name.</summary>
    public const string RegionName = "registry";

    private readonly ActorSystem _system;
    private readonly RegistrySettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _loggers;
    private readonly StrategyCatalog _strategies;
    private readonly Random _random;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ResourceKind, ObjectRules> _rules = new();
    private IActorRef? _region;
    private RegistryFeed? _feed;
    private JournalStore? _store;
    private Akka.Cluster.Cluster? _cluster;
    private volatile bool _removed;
    private ILogger? _objectLogger;
    private readonly HashCodeMessageExtractor _extractor;

    // One deployment (the object mailbox) shared by every object actor's Props: each live actor
    // keeps its Props, and WithMailbox would give every one of them a Deploy of its own.
    private static readonly Deploy EntityDeploy = Deploy.Local.WithMailbox(ObjectMailbox.Id);

    public ResourceRegistry(ActorSystem system, KindCatalog kinds, StrategyCatalog strategies, RegistrySettings settings, TimeProvider clock, ILoggerFactory loggers, Random? random = null)
    {
        _system = system;
        _clock = clock;
        _loggers = loggers;
        Kinds = kinds;
        _strategies = strategies;
        _settings = settings;
        _extractor = HashCodeMessageExtractor.Create(settings.NumberOfShards, EntityIdOf, MessageOf);
        _random = random ?? new Random();
    }

    public KindCatalog Kinds { get; }

    /// <summary>The actor system is shutting down (or gone).</summary>
    public bool IsStopping => _system.WhenTerminated.IsCompleted || CoordinatedShutdown.Get(_system).ShutdownReason is not null;

    /// <summary>The namespaces every cluster has from its first start.</summary>
    public static IReadOnlyList<string> InitialNamespaces { get; } = ["default", "kube-system", "kube-public", "kube-node-lease"];

    private RegistryFeed Feed => _feed ?? throw new InvalidOperationException("The registry is not started.");

    /// <summary>Starts the object actors' region and the watch cache; completes when the cache is loaded and the initial namespaces exist.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var store = _store = JournalStores.Get(_system).For();
        await store.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_system is ExtendedActorSystem { Provider: Akka.Cluster.IClusterActorRefProvider })
        {
            // Objects live in the cluster's shards: serve only once this member is Up.
            var cluster = Akka.Cluster.Cluster.Get(_system);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            await up.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            cluster.RegisterOnMemberRemoved(() => _removed = true);
            _cluster = cluster;
            _system.ActorOf(CommitNoticeActor.Props(store.Journal.Notifier, _settings.CommitNoticeWindow), "registry-commit-notices");
        }

        _system.ActorOf(UndeliveredCommandResponder.Props(), "registry-undelivered-commands");

        _feed = new RegistryFeed(store.Journal, store.Serializer, Kinds, _strategies, _settings, _loggers.CreateLogger<RegistryFeed>(), _clock);
        _objectLogger = _loggers.CreateLogger<ObjectActor>();

        // However the actor system ends (host stop, a cancelled start, being downed), the feed
        // stops reading before the journal store closes its database at termination.
        CoordinatedShutdown.Get(_system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "stop-registry-feed", async () =>
        {
            await DisposeAsync().ConfigureAwait(false);
            return Akka.Done.Instance;
        });
        var sharding = ClusterSharding.Get(_system);
        var shardingSettings = ShardingSettings();
        _region = await sharding.StartAsync(
            RegionName,
            EntityProps,
            shardingSettings,
            _extractor,
            sharding.DefaultShardAllocationStrategy(shardingSettings),
            ObjectCommand.Stop.Instance).ConfigureAwait(false);
        _feed.Start();
        await _feed.Ready.WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var ns in InitialNamespaces)
        {
            var obj = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } };
            await EnsureExistsAsync(BuiltInKinds.Namespace, obj, cancellationToken).ConfigureAwait(false);
        }

        foreach (var priorityClass in Strategies.PriorityClassStrategy.SystemClasses())
        {
            await EnsureExistsAsync(BuiltInKinds.PriorityClass, priorityClass, cancellationToken).ConfigureAwait(false);
        }

        // The default RBAC policy: roles before the bindings that refer to them, each kind's objects at once (they are
        // independent; one after another took twice as long on SQLite, 45-90 ms against 25-35 ms).
        await Task.WhenAll(Rbac.BootstrapPolicy.ClusterRoles().Select(r => EnsureExistsAsync(BuiltInKinds.ClusterRole, r, cancellationToken))).ConfigureAwait(false);
        await Task.WhenAll(Rbac.BootstrapPolicy.ClusterRoleBindings().Select(b => EnsureExistsAsync(BuiltInKinds.ClusterRoleBinding, b, cancellationToken))).ConfigureAwait(false);

        await new Services.ServiceRepair(this, Allocator, _settings.ApiServerPort, 2 * _settings.RequestTimeout, _clock, _loggers.CreateLogger<Services.ServiceRepair>())
            .RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates a cluster-scoped object every cluster has from its first start, unless it exists. The first write of a
    /// new member waits for the cluster to form, the shard coordinator to take its lease and the first shard to start:
    /// on a starved machine that can outlast one request timeout, so it is tried again (as upstream's bootstrap
    /// controller keeps trying) before the start fails.
    /// </summary>
    private async Task EnsureExistsAsync(ResourceKind kind, JsonObject obj, CancellationToken cancellationToken)
    {
        const int attempts = 3;
        for (var attempt = 1; Feed.Cache(kind).Get("", ObjectMeta.Name(obj)) is null; attempt++)
        {
            try
            {
                await CreateAsync(kind, "", obj, WriteOptions.Default, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ApiException e) when (e.Reason == "AlreadyExists")
            {
                return;
            }
            catch (ApiException e) when (e.Code == 504 && attempt < attempts)
            {
                LogBootstrapSlow(_loggers.CreateLogger<ResourceRegistry>(), kind.Kind, ObjectMeta.Name(obj), attempt);
            }
        }
    }

    public KindCache Cache(ResourceKind kind) => Feed.Cache(kind);

    /// <summary>
    /// Waits until reads reflect every write committed so far (504 when the cache cannot catch up
    /// in time). With other members writing to the same journal, "so far" is asked of the journal
    /// itself (as Kubernetes' consistent reads from cache ask etcd for its current revision).
    /// </summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Until the initial load is done the journal's notifier may not know the highest ordering yet.
            await Feed.Ready.WaitAsync(_settings.RequestTimeout, cancellationToken).ConfigureAwait(false);
            if (_cluster is { State.Members.Count: > 1 } && _store is { } store)
            {
                store.Journal.Notifier.Observed(await store.Journal.HighestOrderingAsync(cancellationToken).ConfigureAwait(false));
            }

            await Feed.WaitForCommittedAsync(cancellationToken).WaitAsync(_settings.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ApiException(504, "Timeout", "Timeout: the watch cache did not catch up with the journal in time") { RetryAfterSeconds = 1 };
        }
    }

    /// <summary>A watch from a version the cache has not reached yet waits a moment for it (upstream: "Too large resource version").</summary>
    private async Task WaitForVersionAsync(long version, CancellationToken cancellationToken)
    {
        if (Feed.ProcessedOrdering >= version)
        {
            return;
        }

        try
        {
            await Feed.WaitForAsync(version, cancellationToken).WaitAsync(TimeSpan.FromSeconds(3), _clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ApiException(504, "Timeout", $"Too large resource version: {version}, current: {Feed.ProcessedOrdering}") { RetryAfterSeconds = 1 };
        }
    }

    public async Task<ObjectReply> CreateAsync(ResourceKind kind, string ns, JsonObject obj, WriteOptions options, CancellationToken cancellationToken)
    {
        var metadata = ObjectMeta.Metadata(obj);
        if (kind.Namespaced)
        {
            metadata["namespace"] = ns;
            await RequireNamespaceForCreateAsync(kind, ns, ObjectMeta.Name(obj), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            metadata.Remove("namespace");
        }

        var generate = ObjectMeta.Name(obj).Length == 0 ? ObjectMeta.GetString(metadata, "generateName") : null;
        for (var attempt = 1; ; attempt++)
        {
            if (generate is { Length: > 0 })
            {
                metadata["name"] = generate + RandomSuffix();
            }

            var name = ObjectMeta.Name(obj);
            if (name.Length == 0)
            {
                throw ApiException.Invalid(kind, "", [StatusCause.Required("metadata.name", "name or generateName is required")]);
            }

            if (attempt == 1)
            {
                // The namespace check above synced the cache, so the classes, ranges and quotas read here are current.
                // Once: a retry with another generated name must not charge the quota again.
                await AdmitCreateAsync(kind, ns, obj, options, cancellationToken).ConfigureAwait(false);
            }

            if (kind == BuiltInKinds.PersistentVolumeClaim)
            {
                Admission.DefaultStorageClassAdmission.Apply(obj, [.. Feed.Cache(BuiltInKinds.StorageClass).List(null).Items.Select(c => c.ToJsonObject())]);
            }

            Admission.StorageProtectionAdmission.Apply(kind, obj);

            try
            {
                return kind == BuiltInKinds.Service
                    ? await CreateServiceAsync(ns, name, obj, options, cancellationToken).ConfigureAwait(false)
                    : await SendAsync(kind, ns, name, new ObjectCommand.Create(obj, options), cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Reason == "AlreadyExists" && generate is { Length: > 0 } && attempt < 8)
            {
                // A generated name collided: draw another one, as the API server does.
            }
        }
    }

    public async Task<ObjectReply> UpdateAsync(ResourceKind kind, string ns, string name, JsonObject obj, string? subresource, WriteOptions options, CancellationToken cancellationToken)
    {
        await AdmitPodSecurityChangeAsync(kind, ns, name, subresource, _ => obj, options, cancellationToken).ConfigureAwait(false);
        await AdmitGrantsChangeAsync(kind, ns, name, subresource, _ => obj, options, cancellationToken).ConfigureAwait(false);
        return kind == BuiltInKinds.Service && subresource is null
            ? await ChangeServiceAsync(ns, name, (rules, current) => rules.Update(current, (JsonObject)obj.DeepClone(), null, options), o => new ObjectCommand.Update(obj, null, o), options, cancellationToken).ConfigureAwait(false)
            : await SendAsync(kind, ns, name, new ObjectCommand.Update(obj, subresource, options), cancellationToken).ConfigureAwait(false);
    }

    public Task<ObjectReply> PatchAsync(ResourceKind kind, string ns, string name, PatchType type, JsonNode patch, string? subresource, WriteOptions options, CancellationToken cancellationToken) =>
        PatchCoreAsync(kind, ns, name, type, patch, subresource, options, cancellationToken);

    public Task<ObjectReply> DeleteAsync(ResourceKind kind, string ns, string name, DeleteOptions options, CancellationToken cancellationToken) =>
        SendAsync(kind, ns, name, new ObjectCommand.Delete(options), cancellationToken);

    public Task<ObjectReply> BindAsync(string ns, string name, string nodeName, WriteOptions options, CancellationToken cancellationToken) =>
        SendAsync(BuiltInKinds.Pod, ns, name, new ObjectCommand.Bind(nodeName, options), cancellationToken);

    /// <summary>The object from the cache; with <paramref name="resourceVersion"/> "0" whatever the cache holds, otherwise after it caught up with every committed write.</summary>
    public async Task<CachedObject> GetAsync(ResourceKind kind, string ns, string name, string? resourceVersion, CancellationToken cancellationToken)
    {
        if (resourceVersion != "0")
        {
            await SyncAsync(cancellationToken).ConfigureAwait(false);
        }

        return Feed.Cache(kind).Get(kind.Namespaced ? ns : "", name) ?? throw ApiException.NotFound(kind, name);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_feed is not null)
        {
            await _feed.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The shard of the registry's region that holds the object (its lease is named after it).</summary>
    public string ShardIdOf(ResourceKind kind, string ns, string name) =>
        _extractor.ShardId(PersistenceIdOf(kind, kind.Namespaced ? ns : "", name), null);

    /// <summary>The persistence id (and entity id) of an object: "group/plural/namespace/name"; over-long names are hashed to fit the journal's 255 characters.</summary>
    public static string PersistenceIdOf(ResourceKind kind, string ns, string name)
    {
        var prefix = kind.Namespaced ? kind.StorageKey + "/" + ns + "/" : kind.StorageKey + "/";
        if (prefix.Length + name.Length <= 255)
        {
            return prefix + name;
        }

        return prefix + "~" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
    }

    private async Task<ObjectReply> PatchCoreAsync(ResourceKind kind, string ns, string name, PatchType type, JsonNode patch, string? subresource, WriteOptions options, CancellationToken cancellationToken)
    {
        if (type == PatchType.Apply && kind.Namespaced)
        {
            // Apply may create: the namespace must exist then, as for a create.
            if (Feed.Cache(kind).Get(ns, name) is null)
            {
                await RequireNamespaceForCreateAsync(kind, ns, name, cancellationToken).ConfigureAwait(false);
            }

            if (patch is JsonObject applied)
            {
                ObjectMeta.Metadata(applied)["namespace"] = ns;
            }
        }

        await AdmitPodSecurityChangeAsync(kind, ns, name, subresource, current => Patched(kind, current, type, patch, options), options, cancellationToken).ConfigureAwait(false);
        await AdmitGrantsChangeAsync(kind, ns, name, subresource, current => Patched(kind, current, type, patch, options), options, cancellationToken).ConfigureAwait(false);
        if (kind == BuiltInKinds.Service && subresource is null)
        {
            return await ChangeServiceAsync(ns, name, (rules, current) => rules.Patch(current, type, patch.DeepClone(), null, options), o => new ObjectCommand.Patch(type, patch, null, o), options, cancellationToken).ConfigureAwait(false);
        }

        return await SendAsync(kind, ns, name, new ObjectCommand.Patch(type, patch, subresource, options), cancellationToken).ConfigureAwait(false);
    }

    private async Task<ObjectReply> SendAsync(ResourceKind kind, string ns, string name, object command, CancellationToken cancellationToken)
    {
        if (name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('%', StringComparison.Ordinal))
        {
            throw ApiException.Invalid(kind, name, [StatusCause.Invalid("metadata.name", name, "may not be '.' or '..' and may not contain '/' or '%'")]);
        }

        var region = _region ?? throw ApiException.Unavailable("the registry is starting");
        if (_cluster is { } cluster && (_removed || cluster.IsTerminated || cluster.SelfMember.Status == Akka.Cluster.MemberStatus.Down))
        {
            // Downed (by the split brain resolver on the minority side of a partition) or gone:
            // its shards may already live elsewhere, so it must not write. (SelfMember is Akka's
            // asynchronously updated view: the removal callback is what says Removed for sure.)
            throw ApiException.Unavailable("this member is no longer part of the cluster (downed or removed); it serves no writes until it is restarted and rejoins");
        }

        var answer = await AskWithRetryAsync(region, PersistenceIdOf(kind, kind.Namespaced ? ns : "", name), command, cancellationToken).ConfigureAwait(false);
        switch (answer)
            {
                case ObjectReply reply:
                    if (_store is { } store && reply.ResourceVersion is > 0 and var version)
                    {
                        // The object's actor may live on another member: the write is committed
                        // through its version, so this member's reads must see it too (read your writes).
                        store.Journal.Notifier.Observed(version);
                    }

                    if (kind == BuiltInKinds.Service && reply.Removed && reply.ResourceVersion > 0)
                    {
                        await Allocator.ReleaseAllAsync(reply.ToJsonObject(), cancellationToken).ConfigureAwait(false);
                    }

                    return reply;
                case ObjectFailure failure:
                    throw failure.ToException();
                default:
                    throw ApiException.Internal($"unexpected answer {answer.GetType().Name} from the object actor");
        }
    }

    /// <summary>
    /// Asks the object's actor, repeating an attempt that goes unanswered for a third of the request timeout:
    /// sharding is at-most-once and drops messages caught in a shard's hand-off (a member leaving, a rebalance)
    /// without a dead letter. Every attempt carries the same request id, so an attempt that was only slow is
    /// answered once and its repeat gets the same answer (<see cref="ObjectActor"/>).
    /// </summary>
    private async Task<object> AskWithRetryAsync(IActorRef region, string entityId, object command, CancellationToken cancellationToken)
    {
        command = ObjectCommand.WithRequestId(command, Guid.NewGuid());
        // Akka's ask timeouts run on real time, whatever clock the registry is given.
        var started = Stopwatch.GetTimestamp();
        var attemptTimeout = _settings.RequestTimeout / 3;
        for (var attempt = 1; ; attempt++)
        {
            var left = _settings.RequestTimeout - Stopwatch.GetElapsedTime(started);
            try
            {
                return await region.Ask<object>(new ShardingEnvelope(entityId, command), left < attemptTimeout ? left : attemptTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (AskTimeoutException) when (_settings.RequestTimeout - Stopwatch.GetElapsedTime(started) > TimeSpan.FromMilliseconds(100))
            {
                LogAttemptUnanswered(_objectLogger ??= _loggers.CreateLogger<ObjectActor>(), entityId, attempt);
            }
            catch (AskTimeoutException)
            {
                throw new ApiException(504, "Timeout", $"Timeout: request did not complete within the allowed duration ({_settings.RequestTimeout.TotalSeconds:0}s)");
            }
        }
    }

    private async Task RequireNamespaceForCreateAsync(ResourceKind kind, string ns, string name, CancellationToken cancellationToken)
    {
        // A consistent read: a namespace deleted (or created) by a request that already returned
        // must be seen as such, so the cache first catches up with every committed write.
        await SyncAsync(cancellationToken).ConfigureAwait(false);
        var nsObject = Feed.Cache(BuiltInKinds.Namespace).Get("", ns) ?? throw ApiException.NamespaceNotFound(ns);

        if (ObjectMeta.DeletionTimestamp(nsObject.ToJsonObject()) is not null)
        {
            throw ApiException.NamespaceTerminating(kind, name, ns);
        }
    }

    private static string EntityIdOf(object message) => message is ShardingEnvelope envelope ? envelope.EntityId : null!;

    private static object MessageOf(object message) => message is ShardingEnvelope envelope ? envelope.Message : message;

    /// <summary>The cluster's sharding settings, with idle entities passivated after <c>registry.passivate-idle-after</c>.</summary>
    private ClusterShardingSettings ShardingSettings()
    {
        var idle = _settings.PassivateIdleAfter > TimeSpan.Zero ? $"{(long)_settings.PassivateIdleAfter.TotalMilliseconds}ms" : "off";
        var config = ConfigurationFactory.ParseString("passivate-idle-entity-after = " + idle)
            .WithFallback(_system.Settings.Config.GetConfig("akka.cluster.sharding"));
        var coordinator = _system.Settings.Config.GetConfig(config.GetString("coordinator-singleton", "akka.cluster.singleton"));
        return ClusterShardingSettings.Create(config, coordinator);
    }

    private Props EntityProps(string persistenceId)
    {
        var second = persistenceId.IndexOf('/', persistenceId.IndexOf('/', StringComparison.Ordinal) + 1);
        var storageKey = persistenceId[..second];
        var kind = Kinds.Kinds.First(k => k.StorageKey == storageKey);
        var name = persistenceId[(persistenceId.LastIndexOf('/') + 1)..];
        var rules = RulesFor(kind);
        return Props.CreateBy(new ObjectActorProducer(persistenceId, name, rules, _settings.SnapshotEvery, _objectLogger!)).WithDeploy(EntityDeploy);
    }

    private ObjectRules RulesFor(ResourceKind kind) =>
        _rules.GetOrAdd(kind, k => new ObjectRules(k, StrategyFor(k), _clock, () => Guid.NewGuid().ToString()));

    private IResourceStrategy StrategyFor(ResourceKind kind) =>
        _strategies.Find(kind) ?? throw new InvalidOperationException($"No strategy is registered for {kind.QualifiedResource}.");

    private string RandomSuffix()
    {
        Span<char> chars = stackalloc char[5];
        lock (_random)
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = GenerateNameAlphabet[_random.Next(GenerateNameAlphabet.Length)];
            }
        }

        return new string(chars);
    }

    [LoggerMessage(EventId = 3113, Level = LogLevel.Warning, Message = "Start-up: creating {Kind} {Name} timed out (attempt {Attempt}; the cluster or its shards still forming?); trying again")]
    private static partial void LogBootstrapSlow(ILogger logger, string kind, string name, int attempt);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "No answer from object {EntityId} to attempt {Attempt} (lost in a shard hand-off?); repeating it")]
    private static partial void LogAttemptUnanswered(ILogger logger, string entityId, int attempt);
}
