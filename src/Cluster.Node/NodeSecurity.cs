using System.Net;
using System.Net.NetworkInformation;
using System.Net.Security;
using System.Security.Authentication;
using Cluster.Api.Limits;
using Cluster.Api.Security;
using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Pki;
using Cluster.Api.Streaming;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cluster.Node;

/// <summary>
/// The node's API door: HTTPS with the cluster PKI (DATA-DIR/pki, or the CA configuration names), client
/// certificates asked for in the handshake and checked by the authenticator, RBAC; or, with api.insecure-http,
/// plain HTTP on loopback for development.
/// </summary>
internal static class NodeSecurity
{
    /// <summary>The identity one member presents to another when it passes on a pod's stream (upstream's apiserver-kubelet-client).</summary>
    private const string ProxyUser = "kube-apiserver-proxy";

    public static void Configure(WebApplicationBuilder builder, SecuritySettings security, Cluster.Api.ApiServerSettings api, NodeSettings settings, string dataDirectory, string kubernetesServiceIp)
    {
        var (host, port) = api.Endpoint();
        security.ValidateAddress(host);
        var address = IPAddress.Parse(host == "localhost" ? "127.0.0.1" : host);
        if (!security.InsecureHttp)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.Services.AddSingleton(sp => ClusterPki.LoadOrCreate(
                dataDirectory, settings.ActorSystemName, security, ServingNames(address, settings.Name, kubernetesServiceIp), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<ClusterPki>()));
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, port, listen =>
            {
                if (!security.InsecureHttp)
                {
                    listen.UseHttps(Https(kestrel.ApplicationServices.GetRequiredService<ClusterPki>(), kestrel.ApplicationServices.GetRequiredService<ApiLimitsSettings>().TlsHandshakeTimeout));
                }
            });
            kestrel.Limits.MaxRequestBodySize = null;
        });
        builder.Services.AddSingleton(sp => security.InsecureHttp
            ? Cluster.Api.Security.ServiceAccounts.ServiceAccountKey.LoadOrCreate(Path.Combine(dataDirectory, ClusterPki.DirectoryName), security)
            : sp.GetRequiredService<ClusterPki>().ServiceAccountKey);
        builder.Services.AddKubernetesSecurity(security, sp => security.InsecureHttp
            ? null
            : new CaCertificateVerifier(sp.GetRequiredService<ClusterPki>().Authority, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp =>
        {
            if (security.InsecureHttp)
            {
                return NodeProxyTransport.Plain;
            }

            var pki = sp.GetRequiredService<ClusterPki>();
            return new NodeProxyTransport(pki.IssueClient(ProxyUser, ["system:masters"]), pki.Authority.Certificate);
        });
    }

    /// <summary>
    /// The handshake asks for a client certificate but lets a connection without one through (token users share the
    /// port), and accepts any certificate at this point: the authenticator checks it against the cluster CA, so a
    /// bad one gets a 401 Status rather than a dropped connection. Go cannot answer a renegotiation, so the
    /// certificate must be asked for in the first handshake. Every handshake gets the serving certificate's one TLS
    /// context (<see cref="ServingCertificate.CurrentContext"/>): no chain is built per connection, and sessions resume.
    /// </summary>
    private static TlsHandshakeCallbackOptions Https(ClusterPki pki, TimeSpan handshakeTimeout) => new()
    {
        HandshakeTimeout = handshakeTimeout,
        OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = pki.Serving.CurrentContext,
            ClientCertificateRequired = true,
#pragma warning disable CA5359 // The client's certificate is checked by the authenticator, which answers 401 with a Status.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        }),
    };

    /// <summary>
    /// The addresses and names clients reach this node by: the bound address (every interface's when it is a
    /// wildcard), the node's name, and the kubernetes Service's cluster IP, which pods dial (client-go's in-cluster
    /// configuration takes KUBERNETES_SERVICE_HOST) and the service proxy carries to this node.
    /// </summary>
    private static List<string> ServingNames(IPAddress bound, string nodeName, string kubernetesServiceIp)
    {
        var names = new List<string> { nodeName, kubernetesServiceIp };
        if (bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any))
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                names.AddRange(nic.GetIPProperties().UnicastAddresses.Select(a => a.Address.ToString()));
            }
        }
        else
        {
            names.Add(bound.ToString());
        }

        return names;
    }
}
