using Cluster.Node.Agent;
using k8s.Models;

namespace Cluster.Node.Tests.Agent;

public sealed class ServiceEnvTests
{
    private static V1Service Service(string ns, string name, string? clusterIp, params V1ServicePort[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1ServiceSpec { ClusterIP = clusterIp, Ports = ports },
    };

    private static readonly V1Service Kubernetes = Service("default", "kubernetes", "10.96.0.1", new V1ServicePort { Name = "https", Port = 443, Protocol = "TCP" });

    [Fact]
    public void For_ServiceInTheNamespace_UpstreamsVariablesAndDockerLinks()
    {
        var redis = Service("shop", "redis-main", "10.0.0.11", new V1ServicePort { Port = 6379 }, new V1ServicePort { Name = "metrics", Port = 9121, Protocol = "UDP" });

        var env = ServiceEnv.For([redis], "shop", serviceLinks: true);

        // As upstream's envvars_test for a Service with an unnamed first port and a named second one.
        Assert.Equal(
            [
                "REDIS_MAIN_SERVICE_HOST=10.0.0.11", "REDIS_MAIN_SERVICE_PORT=6379", "REDIS_MAIN_SERVICE_PORT_METRICS=9121",
                "REDIS_MAIN_PORT=tcp://10.0.0.11:6379",
                "REDIS_MAIN_PORT_6379_TCP=tcp://10.0.0.11:6379", "REDIS_MAIN_PORT_6379_TCP_PROTO=tcp", "REDIS_MAIN_PORT_6379_TCP_PORT=6379", "REDIS_MAIN_PORT_6379_TCP_ADDR=10.0.0.11",
                "REDIS_MAIN_PORT_9121_UDP=udp://10.0.0.11:9121", "REDIS_MAIN_PORT_9121_UDP_PROTO=udp", "REDIS_MAIN_PORT_9121_UDP_PORT=9121", "REDIS_MAIN_PORT_9121_UDP_ADDR=10.0.0.11",
            ],
            env.Select(kv => kv.Key + "=" + kv.Value));
    }

    [Fact]
    public void For_LinksOff_OnlyTheKubernetesService()
    {
        var env = ServiceEnv.For([Kubernetes, Service("shop", "web", "10.0.0.12", new V1ServicePort { Port = 80 })], "shop", serviceLinks: false);

        Assert.Contains(new KeyValuePair<string, string>("KUBERNETES_SERVICE_HOST", "10.96.0.1"), env);
        Assert.Contains(new KeyValuePair<string, string>("KUBERNETES_SERVICE_PORT_HTTPS", "443"), env);
        Assert.DoesNotContain(env, kv => kv.Key.StartsWith("WEB_", StringComparison.Ordinal));
    }

    [Fact]
    public void For_HeadlessExternalNameAndOtherNamespaces_GiveNothing()
    {
        var env = ServiceEnv.For(
            [
                Service("shop", "headless", "None", new V1ServicePort { Port = 80 }),
                Service("shop", "external", null, new V1ServicePort { Port = 80 }),
                Service("other", "web", "10.0.0.13", new V1ServicePort { Port = 80 }),
            ],
            "shop",
            serviceLinks: true);

        Assert.Empty(env);
    }

    [Fact]
    public void For_ANamespacesOwnKubernetesService_WinsAsUpstreams()
    {
        // getServiceEnvVarMap adds the master Service only where no Service of that name is there, and lets the
        // namespace's replace it.
        foreach (var order in new[] { true, false })
        {
            var own = Service("shop", "kubernetes", "10.0.0.14", new V1ServicePort { Port = 80 });
            var env = ServiceEnv.For(order ? [own, Kubernetes] : [Kubernetes, own], "shop", serviceLinks: true);

            Assert.Equal("10.0.0.14", env.Single(kv => kv.Key == "KUBERNETES_SERVICE_HOST").Value);
        }
    }
}
