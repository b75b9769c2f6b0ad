using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Node.Agent.Runtime;
using Cluster.Node.Dns;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Agent;

/// <summary>What every actor of one node's agent shares: its settings, the runtime, the registry and the host's address.</summary>
public sealed record AgentContext(
    string NodeName,
    AgentSettings Settings,
    IContainerRuntime Runtime,
    ResourceRegistry Registry,
    EnvResolver Env,
    TimeProvider Clock,
    ILogger Logger,
    string HostIp,
    Prober Prober,
    VolumeManager Volumes)
{
    /// <summary>
    /// The pod's resolv.conf by its dnsPolicy: the cluster DNS is the kube-system/kube-dns Service's cluster IP (when
    /// there is one), the domain <see cref="AgentSettings.ClusterDomain"/>.
    /// </summary>
    public PodDns? PodDnsFor(V1Pod pod)
    {
        var kubeDns = Registry.Cache(BuiltInKinds.Service).Get(KubeDns.Namespace, KubeDns.Name) is { } service
            ? service.As<V1Service>().Spec?.ClusterIP
            : null;
        return PodDnsConfig.For(pod, kubeDns is { Length: > 0 } and not "None" ? kubeDns : null, Settings.ClusterDomain, HostDns.Value);
    }

    private static readonly Lazy<PodDns> HostDns = new(() =>
    {
        try
        {
            return PodDnsConfig.Host(File.ReadAllLines("/etc/resolv.conf"));
        }
        catch (IOException)
        {
            return new PodDns([], [], []);
        }
    });

    /// <summary>The pod's containers as the runtime shows them now.</summary>
    public async Task<IReadOnlyList<RuntimeContainer>> ContainersOfAsync(string podUid, CancellationToken ct) =>
        [.. (await Runtime.ListPodContainersAsync(ct).ConfigureAwait(false)).Where(c => c.PodUid == podUid)];
}
