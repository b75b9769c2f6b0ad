using System.Collections.Frozen;
using System.Globalization;
using Cluster.Core.Registry;

namespace Cluster.Api.Tables;

/// <summary>
/// The Table converter of each kind: the API server's printers for the built-in kinds, and the
/// default convertor (Name, Created At) for any other kind.
/// </summary>
public static class TableConverters
{
    private static readonly FrozenDictionary<(string Group, string Kind), ITableConverter> ByKind = new Dictionary<(string, string), ITableConverter>
    {
        [("", "Pod")] = PodPrinter.Converter,
        [("", "Service")] = ServiceNodePrinters.Service,
        [("", "Node")] = ServiceNodePrinters.Node,
        [("", "Endpoints")] = CorePrinters.Endpoints,
        [("", "Namespace")] = CorePrinters.Namespace,
        [("", "ConfigMap")] = CorePrinters.ConfigMap,
        [("", "Secret")] = CorePrinters.Secret,
        [("", "ServiceAccount")] = CorePrinters.ServiceAccount,
        [("", "ResourceQuota")] = CorePrinters.ResourceQuota,
        [("", "Event")] = EventPrinter.Converter,
        [("apps", "Deployment")] = WorkloadPrinters.Deployment,
        [("apps", "ReplicaSet")] = WorkloadPrinters.ReplicaSet,
        [("apps", "DaemonSet")] = WorkloadPrinters.DaemonSet,
        [("apps", "StatefulSet")] = WorkloadPrinters.StatefulSet,
        [("batch", "Job")] = WorkloadPrinters.Job,
        [("batch", "CronJob")] = WorkloadPrinters.CronJob,
        [("coordination.k8s.io", "Lease")] = CorePrinters.Lease,
        [("rbac.authorization.k8s.io", "RoleBinding")] = AccessPolicyPrinters.RoleBinding,
        [("rbac.authorization.k8s.io", "ClusterRoleBinding")] = AccessPolicyPrinters.RoleBinding,
        [("scheduling.k8s.io", "PriorityClass")] = AccessPolicyPrinters.PriorityClass,
        [("policy", "PodDisruptionBudget")] = AccessPolicyPrinters.PodDisruptionBudget,
        [("networking.k8s.io", "Ingress")] = AccessPolicyPrinters.Ingress,
        [("networking.k8s.io", "IngressClass")] = AccessPolicyPrinters.IngressClass,
        [("networking.k8s.io", "IPAddress")] = AccessPolicyPrinters.IPAddress,
        [("networking.k8s.io", "NetworkPolicy")] = AccessPolicyPrinters.NetworkPolicy,
        [("discovery.k8s.io", "EndpointSlice")] = AccessPolicyPrinters.EndpointSlice,
        [("", "PersistentVolumeClaim")] = StoragePrinters.PersistentVolumeClaim,
        [("", "PersistentVolume")] = StoragePrinters.PersistentVolume,
        [("", "ReplicationController")] = StoragePrinters.ReplicationController,
        [("", "PodTemplate")] = StoragePrinters.PodTemplate,
        [("storage.k8s.io", "StorageClass")] = StoragePrinters.StorageClass,
        [("apps", "ControllerRevision")] = StoragePrinters.ControllerRevision,
        [("autoscaling", "HorizontalPodAutoscaler")] = AutoscalerPrinter.Converter,
    }.ToFrozenDictionary();

    /// <summary>
    /// apiserver's DefaultTableConvertor: the name and the creation time as an RFC 3339 date (Go's zero
    /// time when unset).
    /// </summary>
    public static ITableConverter Default { get; } = new TableConverter(
        [Columns.Name, new("Created At", "date", "", Columns.CreationTimestampDoc, 0)],
        (obj, _) =>
        [
            JsonRead.Name(obj),
            (JsonRead.Time(obj, "metadata", "creationTimestamp") ?? DateTimeOffset.MinValue)
                .UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ]);

    /// <summary>The converter for a kind; the default one for kinds without a printer.</summary>
    public static ITableConverter For(ResourceKind kind)
    {
        if (Cluster.Core.Registry.Conversion.VersionConverter.For(kind) is { } conversion)
        {
            // As upstream, whose printers see the internal version: another version prints as the stored one.
            return new OtherVersionConverter(For(kind.Storage), conversion);
        }

        return ByKind.TryGetValue((kind.Group, kind.Kind), out var converter) ? converter : Default;
    }

    /// <summary>Rows of objects in a served version, printed by the stored kind's printer.</summary>
    private sealed class OtherVersionConverter(ITableConverter stored, Cluster.Core.Registry.Conversion.VersionConverter conversion) : ITableConverter
    {
        public IReadOnlyList<TableColumn> Columns => stored.Columns;

        public IReadOnlyList<object?> Cells(System.Text.Json.Nodes.JsonObject obj, DateTimeOffset now) => stored.Cells(conversion.ToStored(obj), now);
    }
}
