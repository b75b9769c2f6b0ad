using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Cache;
using Cluster.Core.Registry.Objects;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Namespaces;

/// <summary>
/// Finishes namespace deletion (upstream's namespace controller): a terminating namespace's objects of every
/// namespaced kind are deleted, in discovery order; its status reports the deletion conditions; once nothing is
/// left its "kubernetes" finalizer is removed through the finalize subresource and the registry removes it.
/// <code>
///   Active ──delete──▶ Terminating: delete content ──content left──▶ again after a change or a second
///                            │ nothing left, nothing failed
///                            ▼
///                        finalize ──▶ (gone)
/// </code>
/// Keys are namespace names. Refusing creates in a terminating namespace is the registry's own admission.
/// </summary>
public sealed partial class NamespaceController : IReconciler
{
    /// <summary>How soon a namespace whose content is not all gone is looked at again (besides the content's own deletions).</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    private readonly SharedInformer _namespaces;
    private readonly (ResourceKind Kind, SharedInformer Informer)[] _content;
    private readonly IObjectWriter _writer;
    private readonly INamespaceFinalizer _finalizer;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, bool> _terminating = new(StringComparer.Ordinal);

    public NamespaceController(KindCatalog kinds, InformerFactory informers, IObjectWriter writer, INamespaceFinalizer finalizer, TimeProvider clock, ILogger logger)
    {
        _namespaces = informers.For(BuiltInKinds.Namespace);
        _content = [.. kinds.Kinds.Where(k => k.Namespaced).Select(k => (k, informers.For(k)))];
        _writer = writer;
        _finalizer = finalizer;
        _clock = clock;
        _logger = logger;
    }

    public string Name => "namespace";

    public void Watch(ReconcileLoop loop)
    {
        _namespaces.AddHandler(new EnqueueHandler(loop, (old, now) => Track(old, now)));

        // The last objects going is what lets a namespace go: their deletions look at it again at once.
        var content = new EnqueueHandler(loop, (old, now) => now is null && old is not null && _terminating.ContainsKey(old.Namespace) ? [old.Namespace] : []);
        foreach (var (_, informer) in _content)
        {
            informer.AddHandler(content);
        }
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        if (_namespaces.Get("", key) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var ns = cached.As<V1Namespace>();
        if (!NamespaceDeletionPlanner.NeedsDeletion(ns))
        {
            return ReconcileResult.Done;
        }

        var remaining = Content(key);
        var failures = new List<string>();
        foreach (var item in NamespaceDeletionPlanner.ToDelete(remaining))
        {
            try
            {
                await _writer.DeleteAsync(item.Kind, key, item.Name, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Code != 409)
            {
                failures.Add(e.Message);
            }
        }

        var conditions = NamespaceDeletionPlanner.Conditions(remaining, failures, ns.Status?.Conditions, _clock.GetUtcNow().UtcDateTime);
        if (!Same(conditions, ns.Status?.Conditions))
        {
            ns.Status ??= new V1NamespaceStatus();
            ns.Status.Conditions = conditions;
            await _writer.UpdateStatusAsync(BuiltInKinds.Namespace, "", key, Json(ns), ct).ConfigureAwait(false);
        }

        if (!NamespaceDeletionPlanner.CanFinalize(remaining, failures))
        {
            return new ReconcileResult(Recheck);
        }

        // Unconditional (no resourceVersion): the status was just written, and finalize only sets spec.finalizers.
        ns.Spec.Finalizers = NamespaceDeletionPlanner.FinalizersAfter(ns);
        ns.Metadata.ResourceVersion = null;
        await _finalizer.FinalizeAsync(key, Json(ns), ct).ConfigureAwait(false);
        LogFinalized(_logger, key);
        return ReconcileResult.Done;
    }

    /// <summary>What the informers hold in the namespace, kind by kind in discovery order.</summary>
    private List<NamespaceContent> Content(string ns)
    {
        var content = new List<NamespaceContent>();
        foreach (var (kind, informer) in _content)
        {
            foreach (var item in informer.ByIndex(Indexers.Namespace, ns))
            {
                var metadata = ObjectMeta.Metadata(item.ToJsonObject());
                var finalizers = metadata["finalizers"] is JsonArray list ? list.Select(f => f?.GetValue<string>() ?? "").ToArray() : [];
                content.Add(new NamespaceContent(kind, item.Name, metadata["deletionTimestamp"] is not null, finalizers));
            }
        }

        return content;
    }

    /// <summary>Keeps the set of terminating namespaces (whose content's deletions matter) and enqueues the namespace.</summary>
    private string[] Track(CachedObject? old, CachedObject? now)
    {
        if (now is null)
        {
            _terminating.TryRemove(old!.Name, out _);
            return [];
        }

        if (ObjectMeta.DeletionTimestamp(now.ToJsonObject()) is not null)
        {
            _terminating[now.Name] = true;
        }

        return [now.Name];
    }

    private static bool Same(IList<V1NamespaceCondition> a, IList<V1NamespaceCondition>? b) =>
        b is not null && KubernetesJson.Serialize(a) == KubernetesJson.Serialize(b);

    private static JsonObject Json<T>(T obj) => JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject();

    [LoggerMessage(EventId = 8320, Level = LogLevel.Information, Message = "Namespace {Namespace} is empty: finalized")]
    private static partial void LogFinalized(ILogger logger, string @namespace);
}

/// <summary>Removes a namespace's finalizers through its finalize subresource.</summary>
public interface INamespaceFinalizer
{
    /// <summary>Writes <paramref name="ns"/>'s spec.finalizers through the finalize subresource.</summary>
    Task FinalizeAsync(string name, JsonObject ns, CancellationToken ct);
}

/// <summary>The member's registry as the namespace controller's finalizer.</summary>
public sealed class RegistryNamespaceFinalizer(ResourceRegistry registry, string fieldManager) : INamespaceFinalizer
{
    private readonly WriteOptions _options = new(FieldManager: fieldManager);

    public Task FinalizeAsync(string name, JsonObject ns, CancellationToken ct) =>
        registry.UpdateAsync(BuiltInKinds.Namespace, "", name, ns, "finalize", _options, ct);
}
