using Cluster.Node.Agent;
using Cluster.Node.Dns;
using Cluster.Node.Endpoints;
using Cluster.Node.Proxy;
using Cluster.Node.Configuration;
using Cluster.Node.Management;
using Cluster.Node.Metrics;
using Cluster.Node.Remoting;
using Akka.Configuration;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Cluster.Api;
using Cluster.Api.Limits;
using Cluster.Api.Security;
using Cluster.Api.Security.Audit;
using Cluster.Controllers.Hosting;
using Cluster.Controllers.Scheduling;
using Cluster.Core.Configuration;
using Cluster.Core.Persistence.Plugin;
using Cluster.Core.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cluster.Node;

/// <summary>
/// Builds the node's host: configuration, logging, the Akka actor system as a cluster member with
/// the journal plugin (SQLite in the data directory unless configured otherwise), the registry,
/// the node agent and the Kubernetes API server.
/// </summary>
public static class NodeHost
{
    /// <summary>The node, ready to run: the builder plus the mapped API endpoints.</summary>
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var app = CreateBuilder(args, environment).Build();
        app.UseKubernetesErrors();
        app.UseKubernetesAudit();
        app.UseKubernetesSecurity();
        app.UseKubernetesFairness();
        app.MapAuthReviews();
        app.MapKubernetesApi();
        app.MapClusterManagement();
        app.Services.GetRequiredService<KubeconfigWriter>().Attach(app);
        app.Lifetime.ApplicationStopped.Register(() => LogStopped(app.Services));
        return app;
    }

    /// <summary>
    /// When the host has stopped (its hosted services, the actor system among them, are done) and before its services
    /// are disposed: says how the actor system ended, while the loggers still write. A line logged from Akka's own
    /// termination callback could come after the loggers were disposed, and be lost.
    /// </summary>
    private static void LogStopped(IServiceProvider services)
    {
        if (services.GetService<Akka.Actor.ActorSystem>() is not { } system || !system.WhenTerminated.Wait(TimeSpan.FromSeconds(10)))
        {
            return;
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Cluster.Node.NodeHost");
        var reason = Akka.Actor.CoordinatedShutdown.Get(system).ShutdownReason;
        if (reason is Akka.Actor.CoordinatedShutdown.ClusterDowningReason or Akka.Actor.CoordinatedShutdown.ClusterLeavingReason)
        {
            NodeLog.RemovedFromCluster(logger, reason is Akka.Actor.CoordinatedShutdown.ClusterDowningReason ? "downed" : "removed");
        }

        NodeLog.SystemTerminated(logger, system.Name);
    }

    public static WebApplicationBuilder CreateBuilder(string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = args });
        NodeConfiguration.AddNodeSources(builder.Configuration, args, environment ?? NodeConfiguration.ProcessEnvironment());
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        // Every module's settings are read and validated here, before anything starts, so a bad
        // key stops the node with one clear message.
        var settings = NodeSettings.FromConfiguration(builder.Configuration);
        var membership = ClusterMembershipSettings.FromConfiguration(builder.Configuration);
        var apiSettings = ApiServerSettings.FromConfiguration(builder.Configuration);
        var registrySettings = RegistrySettings.FromConfiguration(builder.Configuration);
        if (apiSettings.Endpoint().Port > 0)
        {
            // The kubernetes Service forwards to the API server's port.
            registrySettings = registrySettings with { ApiServerPort = apiSettings.Endpoint().Port };
        }

        var dnsSettings = DnsSettings.FromConfiguration(builder.Configuration);
        var agentSettings = AgentSettings.FromConfiguration(builder.Configuration) with { ClusterDomain = dnsSettings.ClusterDomain };
        var controllerSettings = ControllerSettings.FromConfiguration(builder.Configuration);
        var schedulerSettings = SchedulerSettings.FromConfiguration(builder.Configuration);
        var settingsForAgent = agentSettings.Runtime == RuntimeChoice.Simulated ? settings with { Name = settings.Name + "-sim-1" } : settings;
        var dataDirectory = Path.GetFullPath(settings.DataDirectory);
        var security = Cluster.Api.Security.SecuritySettings.FromConfiguration(builder.Configuration);
        RemotingSecurity.ValidateAddress(security, membership);
        var akkaConfig = AkkaConfig(builder.Configuration, settings, membership, RemotingSecurity.UsesTls(security), dataDirectory);

        builder.WebHost.UseKestrelCore();
        NodeSecurity.Configure(builder, security, apiSettings, settings, dataDirectory, registrySettings.ServiceClusterIPRange.First);
        builder.Services.AddKubernetesAudit(AuditSettings.FromConfiguration(builder.Configuration).InDataDirectory(dataDirectory));
        NodeLimits.Configure(builder, ApiLimitsSettings.FromConfiguration(builder.Configuration));
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(membership);
        builder.Services.AddKubernetesApi(apiSettings);
        builder.Services.AddSingleton(sp => new KubeconfigWriter(
            dataDirectory, settings, apiSettings, security.InsecureHttp ? null : sp.GetRequiredService<Cluster.Api.Security.Pki.ClusterPki>(), sp.GetRequiredService<ApiReadiness>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<KubeconfigWriter>()));
        builder.Services.AddAkka(settings.ActorSystemName, (akka, services) =>
        {
            akka.AddHocon(akkaConfig, HoconAddMode.Prepend);
            RemotingSecurity.Configure(akka, services, security, settings, akkaConfig);
            akka.AddHocon(MetricsGossipActor.Config, HoconAddMode.Append);
            akka.WithClusterPersistence().WithRegistry();
            akka.ConfigureLoggers(loggers =>
            {
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.WithActors((system, registry) =>
            {
                var agentLogger = services.GetRequiredService<ILoggerFactory>().CreateLogger<NodeAgentActor>();
                // With the simulated runtime the node's own agent is its first simulated node.
                var agentSettings = settingsForAgent;
                registry.Register<NodeAgentActor>(system.ActorOf(NodeAgentActor.Props(agentSettings, agentLogger), "node-agent"));
                var runtime = services.GetRequiredService<AgentRuntime>();
                system.ActorOf(MetricsGossipActor.Props(() => runtime.Latest, services.GetRequiredService<ClusterResourceMetrics>(), TimeSpan.FromSeconds(1)), "metrics-gossip");
            });
            if (membership.Roles.Contains("control-plane"))
            {
                // One controller manager in the cluster, on the oldest control-plane member (with the SQL lease, as every singleton).
                akka.WithSingleton<ControllerManagerActor>(
                    "controller-manager",
                    (_, _, _) => ControllerManagerActor.Props(
                        services.GetRequiredService<ResourceRegistry>(),
                        controllerSettings with { RootCaCertificate = services.GetService<Cluster.Api.Security.Pki.ClusterPki>() is { } pki ? Cluster.Api.Security.Pki.PemFiles.CertificatePem(pki.Authority.Certificate) : "" },
                        services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>(),
                        new PodMetricsSource(services.GetService<Cluster.Api.Metrics.IResourceMetrics>())),
                    new ClusterSingletonOptions { Role = "control-plane" },
                    createProxyToo: true);
                if (schedulerSettings.Enabled)
                {
                    akka.WithSingleton<SchedulerActor>(
                        "scheduler",
                        (_, _, _) => SchedulerActor.Props(services.GetRequiredService<ResourceRegistry>(), schedulerSettings, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>()),
                        new ClusterSingletonOptions { Role = "control-plane" },
                        createProxyToo: true);
                }
            }
            else
            {
                // Workers reach the singletons through proxies too, for the management endpoints' figures.
                akka.WithSingletonProxy<ControllerManagerActor>("controller-manager", new ClusterSingletonOptions { Role = "control-plane" });
                akka.WithSingletonProxy<SchedulerActor>("scheduler", new ClusterSingletonOptions { Role = "control-plane" });
            }

            akka.AddStartup((system, actors) =>
            {
                // No seed nodes: this node forms a cluster of one by joining itself.
                if (membership.Join.Count == 0)
                {
                    var cluster = Akka.Cluster.Cluster.Get(system);
                    cluster.Join(cluster.SelfAddress);
                }

                if (settings.SampleWorkload)
                {
                    var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Cluster.Node.SampleWorkload");
                    _ = Task.Run(() => SampleWorkload.RunAsync(system, logger, CancellationToken.None));
                }
            });
        });
        builder.Services.AddClusterRegistry(registrySettings);
        builder.Services.AddNodeAgent(agentSettings, worker: membership.Roles.Contains("worker"), settings);
        builder.Services.AddClusterDns(dnsSettings, settings.Name);
        builder.Services.AddApiServerEndpoints(apiSettings.Endpoint(), settings.Name);
        builder.Services.AddServiceProxy(ProxySettings.FromConfiguration(builder.Configuration), agentSettings, membership.Roles.Contains("worker"), settingsForAgent);
        return builder;
    }

    /// <summary>
    /// Akka's configuration: the <c>akka</c> section of the node's files, the cluster membership,
    /// and the SQLite file in the data directory when no journal connection is configured.
    /// </summary>
    private static Config AkkaConfig(Microsoft.Extensions.Configuration.IConfiguration configuration, NodeSettings settings, ClusterMembershipSettings membership, bool tls, string dataDirectory)
    {
        var config = membership.ToAkkaConfig(settings.ActorSystemName, tls).WithFallback(AkkaConfigBridge.FromConfiguration(configuration));
        var journal = config.GetConfig(JournalPluginSettings.JournalPath);
        if (journal is null || (journal.GetString("connection-string", "").Length == 0 && journal.GetString("connection-string-file", "").Length == 0))
        {
            var file = AkkaConfigBridge.Setting(JournalPluginSettings.JournalPath + ".connection-string", Path.Combine(dataDirectory, "cluster.db"));
            config = ConfigurationFactory.ParseString(file).WithFallback(config);
        }

        // Validate the journal settings now, so a bad key stops the node before anything starts.
        JournalPluginSettings.FromConfig(config.GetConfig(JournalPluginSettings.JournalPath).WithFallback(ClusterPersistenceConfig.Default.GetConfig(JournalPluginSettings.JournalPath)));
        return config;
    }
}
