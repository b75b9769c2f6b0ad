using Akka.Actor;
using Cluster.Controllers.Autoscaling;
using Cluster.Controllers.CronJobs;
using Cluster.Controllers.DaemonSets;
using Cluster.Controllers.Deployments;
using Cluster.Controllers.Disruption;
using Cluster.Controllers.Endpoints;
using Cluster.Controllers.Events;
using Cluster.Controllers.Framework;
using Cluster.Controllers.GarbageCollection;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Jobs;
using Cluster.Controllers.NodeLifecycle;
using Cluster.Controllers.ReplicaSets;
using Cluster.Controllers.ResourceQuotas;
using Cluster.Controllers.StatefulSets;
using Cluster.Controllers.Volumes;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Microsoft.Extensions.Logging;

namespace Cluster.Controllers.Hosting;

/// <summary>
/// The controller manager: a cluster singleton (one in the cluster, on the oldest control-plane member, holding the
/// SQL lease), so no two members ever reconcile at once. It starts the enabled controllers once the registry serves
/// and its informers have listed, and stops them with itself, when the singleton moves.
/// <code>
///   starting ──registry serves, informers listed──▶ running ──PostStop──▶ stopped
///      └──registry not yet serving: retry every second
/// </code>
/// </summary>
public sealed partial class ControllerManagerActor : ReceiveActor
{
    private readonly ResourceRegistry _registry;
    private readonly ControllerSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly IPodMetricsSource _podMetrics;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<ReconcileLoop> _loops = [];
    private readonly List<EventRecorder> _recorders = [];
    private InformerFactory? _informers;
    private volatile bool _started;

    public ControllerManagerActor(ResourceRegistry registry, ControllerSettings settings, TimeProvider clock, ILoggerFactory loggers, IPodMetricsSource? podMetrics = null)
    {
        _podMetrics = podMetrics ?? NoPodMetrics.Instance;
        _registry = registry;
        _settings = settings;
        _clock = clock;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ControllerManagerActor>();
        Receive<ControlPlaneStatus.Get>(_ => Sender.Tell(new ControlPlaneStatus.ControllerManager(
            Akka.Cluster.Cluster.Get(Context.System).SelfAddress.ToString(), _started, _loops.Select(l => l.Stats).ToArray())));
    }

    public static Props Props(ResourceRegistry registry, ControllerSettings settings, TimeProvider clock, ILoggerFactory loggers, IPodMetricsSource? podMetrics = null) =>
        Akka.Actor.Props.Create(() => new ControllerManagerActor(registry, settings, clock, loggers, podMetrics));

    protected override void PreStart()
    {
        var informers = _informers = new InformerFactory(new RegistrySource(_registry), _clock, _loggers, _settings.ResyncPeriod > TimeSpan.Zero ? _settings.ResyncPeriod : null);
        if (_settings.Enabled.IsEnabled("endpoint"))
        {
            var controller = new EndpointsController(informers, new RegistryWriter(_registry, "endpoint-controller"));
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("endpointslice"))
        {
            var controller = new EndpointSlices.EndpointSliceController(informers, new RegistryWriter(_registry, "endpointslice-controller"), _clock);
            Run(controller, controller.Watch);
        }

        foreach (var kind in (ReplicaKind[])[ReplicaKind.ReplicaSet, ReplicaKind.ReplicationController])
        {
            if (_settings.Enabled.IsEnabled(kind.Name))
            {
                var controller = new ReplicaSetController(kind, informers, new RegistryWriter(_registry, kind.Component), Recorder(kind.Component), _clock, _loggers.CreateLogger<ReplicaSetController>());
                Run(controller, controller.Watch);
            }
        }

        if (_settings.Enabled.IsEnabled("deployment"))
        {
            var controller = new DeploymentController(informers, new RegistryWriter(_registry, "deployment-controller"), Recorder("deployment-controller"), _clock, _loggers.CreateLogger<DeploymentController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("job"))
        {
            var controller = new JobController(informers, new RegistryWriter(_registry, "job-controller"), Recorder("job-controller"), _clock, _loggers.CreateLogger<JobController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("cronjob"))
        {
            var controller = new CronJobController(informers, new RegistryWriter(_registry, "cronjob-controller"), Recorder("cronjob-controller"), _clock, _loggers.CreateLogger<CronJobController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("daemonset"))
        {
            var controller = new DaemonSetController(informers, new RegistryWriter(_registry, "daemonset-controller"), Recorder("daemonset-controller"), _clock, _loggers.CreateLogger<DaemonSetController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("statefulset"))
        {
            var controller = new StatefulSetController(informers, new RegistryWriter(_registry, "statefulset-controller"), Recorder("statefulset-controller"), _clock, _loggers.CreateLogger<StatefulSetController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("disruption"))
        {
            var controller = new DisruptionController(informers, new RegistryWriter(_registry, "disruption-controller"), Recorder("controllermanager"), _clock, _loggers.CreateLogger<DisruptionController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("nodelifecycle"))
        {
            var controller = new NodeLifecycleController(informers, new RegistryWriter(_registry, "node-lifecycle-controller"), _settings.NodeMonitorGracePeriod, _clock, _loggers.CreateLogger<NodeLifecycleController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("taint-eviction-controller"))
        {
            var controller = new TaintEvictionController(informers, new RegistryWriter(_registry, "taint-eviction-controller"), Recorder("taint-eviction-controller"), _clock, _loggers.CreateLogger<TaintEvictionController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("resourcequota"))
        {
            var controller = new ResourceQuotaController(_registry.Kinds, informers, new RegistryWriter(_registry, "resourcequota-controller"), _settings.ResourceQuotaSyncPeriod, _clock, _loggers.CreateLogger<ResourceQuotaController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("namespace"))
        {
            var controller = new Namespaces.NamespaceController(_registry.Kinds, informers, new RegistryWriter(_registry, "namespace-controller"), new Namespaces.RegistryNamespaceFinalizer(_registry, "namespace-controller"), _clock, _loggers.CreateLogger<Namespaces.NamespaceController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("garbagecollector"))
        {
            var controller = new GarbageCollector(_registry.Kinds, informers, new RegistryGarbageClient(_registry, "generic-garbage-collector"), _loggers.CreateLogger<GarbageCollector>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("podgc"))
        {
            var controller = new PodGarbageCollection.PodGarbageCollector(informers, new RegistryWriter(_registry, PodGarbageCollection.PodGarbageCollector.Component), _settings.TerminatedPodGcThreshold, _clock, _loggers.CreateLogger<PodGarbageCollection.PodGarbageCollector>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("pvc-protection"))
        {
            var controller = InUseProtectionController.ForClaims(informers, new RegistryWriter(_registry, "pvc-protection-controller"), _loggers.CreateLogger<InUseProtectionController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("pv-protection"))
        {
            var controller = InUseProtectionController.ForVolumes(informers, new RegistryWriter(_registry, "pv-protection-controller"), _loggers.CreateLogger<InUseProtectionController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("persistentvolume-binder"))
        {
            var controller = new PersistentVolumeBinder(informers, new RegistryWriter(_registry, PersistentVolumeBinder.Component), PersistentVolumeBinder.RegistryClaims(_registry), Recorder(PersistentVolumeBinder.Component), _loggers.CreateLogger<PersistentVolumeBinder>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled(LocalVolumeProvisioner.Component))
        {
            var controller = new LocalVolumeProvisioner(informers, new RegistryWriter(_registry, LocalVolumeProvisioner.Component), Recorder(LocalVolumeProvisioner.Component), _settings.LocalVolumes, _loggers.CreateLogger<LocalVolumeProvisioner>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("horizontalpodautoscaling"))
        {
            var controller = new HorizontalPodAutoscalerController(informers, new RegistryWriter(_registry, "horizontal-pod-autoscaler"), Recorder("horizontal-pod-autoscaler"), _podMetrics, _settings.Autoscaler, _clock, _loggers.CreateLogger<HorizontalPodAutoscalerController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("clusterrole-aggregation"))
        {
            var controller = new Rbac.ClusterRoleAggregationController(informers, new RegistryWriter(_registry, Rbac.ClusterRoleAggregationController.Component), _loggers.CreateLogger<Rbac.ClusterRoleAggregationController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled(Services.ServiceLoadBalancerController.Component))
        {
            var controller = new Services.ServiceLoadBalancerController(informers, new RegistryWriter(_registry, Services.ServiceLoadBalancerController.Component));
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("serviceaccount"))
        {
            var controller = ServiceAccounts.NamespaceObjectController.ServiceAccounts(informers, new RegistryWriter(_registry, "serviceaccount-controller"), _loggers.CreateLogger<ServiceAccounts.NamespaceObjectController>());
            Run(controller, controller.Watch);
        }

        if (_settings.Enabled.IsEnabled("root-ca-cert-publisher") && _settings.RootCaCertificate.Length > 0)
        {
            var controller = ServiceAccounts.NamespaceObjectController.RootCaPublisher(informers, new RegistryWriter(_registry, "root-ca-cert-publisher"), _settings.RootCaCertificate, _loggers.CreateLogger<ServiceAccounts.NamespaceObjectController>());
            Run(controller, controller.Watch);
        }

        _ = StartAsync(informers, _stopping.Token);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        foreach (var loop in _loops)
        {
            loop.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        }

        _informers?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        foreach (var recorder in _recorders)
        {
            recorder.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        }

        _stopping.Dispose();
        LogStopped(_logger);
    }

    /// <summary>Gives <paramref name="controller"/> its reconcile loop, which <paramref name="watch"/> hooks to the informers; it starts once they have listed.</summary>
    private void Run(IReconciler controller, Action<ReconcileLoop> watch)
    {
        var loop = new ReconcileLoop(controller, _settings.Workers, _clock, _loggers.CreateLogger<ReconcileLoop>());
        watch(loop);
        _loops.Add(loop);
    }

    /// <summary>A controller component's Event recorder, written through the registry; it stops with the manager.</summary>
    private EventRecorder Recorder(string component)
    {
        var recorder = new EventRecorder(new RegistryEventSink(_registry), component, null, _clock, _loggers.CreateLogger<EventRecorder>());
        recorder.Start();
        _recorders.Add(recorder);
        return recorder;
    }

    private async Task StartAsync(InformerFactory informers, CancellationToken ct)
    {
        await RegistryStartup.WaitForInformersAsync(_registry, informers, _clock, ct).ConfigureAwait(false);
        foreach (var loop in _loops)
        {
            loop.Start();
        }

        _started = true;
        LogStarted(_logger, string.Join(", ", _loops.Select(l => l.Stats.Name)));
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "Controller manager started: {Controllers}")]
    private static partial void LogStarted(ILogger logger, string controllers);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Information, Message = "Controller manager stopped")]
    private static partial void LogStopped(ILogger logger);
}
