using System.Net;
using System.Text.Json.Nodes;
using Cluster.Core.Registry;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Endpoints;

/// <summary>
/// The API server's endpoint reconciler: this node's API address and port behind the <c>default/kubernetes</c>
/// Service (made by the registry), so pods reach the API at the Service's cluster IP (KUBERNETES_SERVICE_HOST) through
/// the service proxy. An API on loopback only (the default for a single machine) is published nowhere.
/// </summary>
public sealed class ApiServerEndpoints(IPEndPoint? listening, ResourceRegistry registry, string nodeName, TimeProvider time, ILogger<ApiServerEndpoints> logger)
    : NodeEndpointPublisher(registry, nodeName, time, logger)
{
    protected override (string Namespace, string Name) Service => ("default", "kubernetes");

    protected override string ManagedBy => "apiserver.cluster.local";

    protected override IPEndPoint? Listening => listening;

    protected override JsonArray Ports(int port) => new(new JsonObject { ["name"] = "https", ["port"] = port, ["protocol"] = "TCP" });
}
