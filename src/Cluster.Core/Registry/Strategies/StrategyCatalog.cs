using System.Collections.Frozen;

namespace Cluster.Core.Registry.Strategies;

/// <summary>The strategy of each built-in kind. Strategies hold no state, so one instance serves every request.</summary>
public sealed class StrategyCatalog
{
    private readonly FrozenDictionary<ResourceKind, IResourceStrategy> _byKind;

    public StrategyCatalog(IEnumerable<IResourceStrategy> strategies)
    {
        _byKind = strategies.ToFrozenDictionary(s => s.Kind);
    }

    /// <summary>A strategy for every kind of <see cref="BuiltInKinds.All"/> and <see cref="BuiltInKinds.Internal"/>.</summary>
    public static StrategyCatalog BuiltIn { get; } = new(
    [
        new NamespaceStrategy(), new PodStrategy(), new NodeStrategy(), new ServiceStrategy(), new EndpointsStrategy(),
        new ResourceQuotaStrategy(), new ConfigMapStrategy(), new SecretStrategy(), new EventStrategy(), new ServiceAccountStrategy(),
        new DeploymentStrategy(), new ReplicaSetStrategy(), new DaemonSetStrategy(), new StatefulSetStrategy(),
        new JobStrategy(), new CronJobStrategy(), new LeaseStrategy(),
        RoleStrategy.Role, RoleStrategy.ClusterRole, RoleBindingStrategy.RoleBinding, RoleBindingStrategy.ClusterRoleBinding,
        new PriorityClassStrategy(), new PodDisruptionBudgetStrategy(), new IngressStrategy(), new IngressClassStrategy(),
        new PersistentVolumeClaimStrategy(), new PersistentVolumeStrategy(), new StorageClassStrategy(), new ReplicationControllerStrategy(),
        new PodTemplateStrategy(), new LimitRangeStrategy(), new ControllerRevisionStrategy(), new NetworkPolicyStrategy(), new EndpointSliceStrategy(),
        new HorizontalPodAutoscalerStrategy(), new IPAddressStrategy(), new ServiceNodePortStrategy(),
    ]);

    public IReadOnlyCollection<ResourceKind> Kinds => _byKind.Keys;

    /// <summary>The built-in strategy of a kind; throws for a kind without one.</summary>
    public static IResourceStrategy For(ResourceKind kind) =>
        BuiltIn.Find(kind) ?? throw new ArgumentException($"no strategy for kind {kind.ApiVersion} {kind.Kind}", nameof(kind));

    /// <summary>The strategy of a kind, or null.</summary>
    public IResourceStrategy? Find(ResourceKind kind) => _byKind.GetValueOrDefault(kind);
}
