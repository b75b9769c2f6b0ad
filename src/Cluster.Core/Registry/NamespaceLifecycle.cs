using System.Text.Json.Nodes;
using Cluster.Core.Registry.Objects;
using Microsoft.Extensions.Logging;

namespace Cluster.Core.Registry;

/// <summary>
/// Finishes namespace deletion (what Kubernetes' namespace controller does): a namespace being
/// deleted keeps its "kubernetes" finalizer until every object in it is gone; then the finalizer
/// is removed through the finalize subresource and the namespace disappears. Runs as a loop
/// beside the registry, idempotent on every pass.
/// </summary>
public sealed partial class NamespaceLifecycle(ResourceRegistry registry, TimeProvider clock, ILogger logger, TimeSpan interval) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    /// <summary>One pass: every terminating namespace is emptied and, once empty, finalized.</summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        foreach (var ns in registry.Cache(BuiltInKinds.Namespace).List(null).Items)
        {
            var obj = ns.ToJsonObject();
            if (ObjectMeta.DeletionTimestamp(obj) is null)
            {
                continue;
            }

            var remaining = 0;
            foreach (var kind in registry.Kinds.Kinds.Where(k => k.Namespaced))
            {
                foreach (var item in registry.Cache(kind).List(ns.Name).Items)
                {
                    remaining++;
                    if (ObjectMeta.DeletionTimestamp(item.ToJsonObject()) is not null)
                    {
                        continue;
                    }

                    try
                    {
                        await registry.DeleteAsync(kind, ns.Name, item.Name, new DeleteOptions(PropagationPolicy: "Background"), ct).ConfigureAwait(false);
                    }
                    catch (ApiException e) when (e.Code is 404 or 409)
                    {
                    }
                }
            }

            if (remaining == 0 && obj["spec"]?["finalizers"] is JsonArray { Count: > 0 })
            {
                obj["spec"]!["finalizers"] = new JsonArray();
                try
                {
                    await registry.UpdateAsync(BuiltInKinds.Namespace, "", ns.Name, obj, "finalize", WriteOptions.Default, ct).ConfigureAwait(false);
                    LogFinalized(logger, ns.Name);
                }
                catch (ApiException e) when (e.Code is 404 or 409)
                {
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(ct).ConfigureAwait(false);
                await Task.Delay(interval, clock, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, e);
                await Task.Delay(interval, clock, ct).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Namespace {Namespace} is empty: finalized")]
    private static partial void LogFinalized(ILogger logger, string @namespace);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Namespace lifecycle pass failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
