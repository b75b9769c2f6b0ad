using System.Net;
using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Cluster.Node.Endpoints;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Dns;

/// <summary>
/// Puts this node's DNS server behind the cluster's DNS Service, <c>kube-system/kube-dns</c>, as a cluster add-on
/// would: the Service (no selector; cluster IP the 10th address of the service range, 10.96.0.10 by default, as
/// kubeadm's) is made if missing, and this node adds its own EndpointSlice naming its address and DNS port. Pods are
/// pointed at the Service's cluster IP (their ClusterFirst resolv.conf), and the service proxy carries their queries
/// to the nodes serving DNS.
/// </summary>
public sealed class KubeDns(ClusterDnsServer server, ResourceRegistry registry, string nodeName, TimeProvider time, ILogger<KubeDns> logger)
    : NodeEndpointPublisher(registry, nodeName, time, logger)
{
    public const string Namespace = "kube-system";
    public const string Name = "kube-dns";

    protected override (string Namespace, string Name) Service => (Namespace, Name);

    protected override string ManagedBy => "cluster-dns.cluster.local";

    protected override IPEndPoint? Listening => server.Endpoint;

    protected override JsonArray Ports(int port) => new(
        new JsonObject { ["name"] = "dns", ["port"] = port, ["protocol"] = "UDP" },
        new JsonObject { ["name"] = "dns-tcp", ["port"] = port, ["protocol"] = "TCP" });

    protected override async Task EnsureServiceAsync(CancellationToken ct)
    {
        if (Registry.Cache(BuiltInKinds.Service).Get(Namespace, Name) is not null)
        {
            return;
        }

        var service = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject
            {
                ["name"] = Name,
                ["namespace"] = Namespace,
                ["labels"] = new JsonObject { ["k8s-app"] = "kube-dns", ["kubernetes.io/name"] = "CoreDNS" },
            },
            ["spec"] = new JsonObject
            {
                ["type"] = "ClusterIP",
                ["clusterIP"] = Registry.Allocator.IPRange.At(9),
                ["ports"] = new JsonArray(
                    new JsonObject { ["name"] = "dns", ["port"] = 53, ["protocol"] = "UDP", ["targetPort"] = 53 },
                    new JsonObject { ["name"] = "dns-tcp", ["port"] = 53, ["protocol"] = "TCP", ["targetPort"] = 53 }),
            },
        };
        try
        {
            await Registry.CreateAsync(BuiltInKinds.Service, Namespace, service, WriteOptions.Default, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Reason == "AlreadyExists")
        {
            // Another node made it first.
        }
    }
}
