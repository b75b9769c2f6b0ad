using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.ServiceAccounts;

/// <summary>
/// Keeps one object of a given name in every active namespace, recreating it when deleted and putting back what it
/// must hold when changed: upstream's serviceaccounts-controller (the <c>default</c> ServiceAccount) and
/// root-ca-cert-publisher (the <c>kube-root-ca.crt</c> ConfigMap). Terminating namespaces are left alone.
/// </summary>
public sealed partial class NamespaceObjectController : IReconciler
{
    public const string DefaultServiceAccount = "default";
    public const string RootCaConfigMap = "kube-root-ca.crt";

    private readonly SharedInformer _namespaces;
    private readonly SharedInformer _objects;
    private readonly IObjectWriter _writer;
    private readonly Func<string, JsonObject> _desired;
    private readonly Func<JsonObject, JsonObject, bool> _holds;
    private readonly ILogger _logger;

    /// <param name="desired">The object for a namespace.</param>
    /// <param name="holds">Whether an existing object (first) already holds what the desired one (second) must.</param>
    private NamespaceObjectController(string name, InformerFactory informers, ResourceKind kind, string objectName, IObjectWriter writer, Func<string, JsonObject> desired, Func<JsonObject, JsonObject, bool> holds, ILogger logger)
    {
        Name = name;
        Kind = kind;
        ObjectName = objectName;
        _namespaces = informers.For(BuiltInKinds.Namespace);
        _objects = informers.For(kind);
        _writer = writer;
        _desired = desired;
        _holds = holds;
        _logger = logger;
    }

    public string Name { get; }

    public ResourceKind Kind { get; }

    public string ObjectName { get; }

    /// <summary>The serviceaccount controller: a <c>default</c> ServiceAccount in each namespace.</summary>
    public static NamespaceObjectController ServiceAccounts(InformerFactory informers, IObjectWriter writer, ILogger logger) =>
        new("serviceaccount", informers, BuiltInKinds.ServiceAccount, DefaultServiceAccount, writer,
            ns => new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ServiceAccount",
                ["metadata"] = new JsonObject { ["name"] = DefaultServiceAccount, ["namespace"] = ns },
            },
            (_, _) => true,
            logger);

    /// <summary>The root-ca-cert-publisher: <c>kube-root-ca.crt</c> with ca.crt = the cluster CA, in each namespace.</summary>
    public static NamespaceObjectController RootCaPublisher(InformerFactory informers, IObjectWriter writer, string caPem, ILogger logger) =>
        new("root-ca-cert-publisher", informers, BuiltInKinds.ConfigMap, RootCaConfigMap, writer,
            ns => new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject
                {
                    ["name"] = RootCaConfigMap,
                    ["namespace"] = ns,
                    ["annotations"] = new JsonObject { ["kubernetes.io/description"] = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." },
                },
                ["data"] = new JsonObject { ["ca.crt"] = caPem },
            },
            (existing, desired) => JsonNode.DeepEquals(existing["data"], desired["data"]),
            logger);

    public void Watch(ReconcileLoop loop)
    {
        _namespaces.AddHandler(new EnqueueHandler(loop, (_, now) => now is null ? [] : [now.Name]));
        _objects.AddHandler(new EnqueueHandler(loop, (old, now) => (now ?? old) is { } o && o.Name == ObjectName ? [o.Namespace] : []));
    }

    public async Task<ReconcileResult> ReconcileAsync(string key, CancellationToken ct)
    {
        if (_namespaces.Get("", key) is not { } cached)
        {
            return ReconcileResult.Done;
        }

        var ns = cached.ToJsonObject();
        if (ObjectMeta.DeletionTimestamp(ns) is not null || ObjectMeta.GetString(ns["status"], "phase") == "Terminating")
        {
            return ReconcileResult.Done;
        }

        var desired = _desired(key);
        if (_objects.Get(key, ObjectName) is not { } existing)
        {
            try
            {
                await _writer.CreateAsync(Kind, key, desired, ct).ConfigureAwait(false);
                LogCreated(_logger, Kind.Kind, key, ObjectName);
            }
            catch (ApiException e) when (e.Code == 409 || (e.Code == 403 && e.Reason == "Forbidden"))
            {
                // Created meanwhile (the informer will say so), or the namespace began terminating.
            }

            return ReconcileResult.Done;
        }

        var current = existing.ToJsonObject();
        if (!_holds(current, desired))
        {
            current["data"] = desired["data"]?.DeepClone();
            await _writer.UpdateAsync(Kind, key, ObjectName, current, ct).ConfigureAwait(false);
            LogRestored(_logger, Kind.Kind, key, ObjectName);
        }

        return ReconcileResult.Done;
    }

    [LoggerMessage(EventId = 9180, Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name} created")]
    private static partial void LogCreated(ILogger logger, string kind, string @namespace, string name);

    [LoggerMessage(EventId = 9181, Level = LogLevel.Information, Message = "{Kind} {Namespace}/{Name} restored")]
    private static partial void LogRestored(ILogger logger, string kind, string @namespace, string name);
}
