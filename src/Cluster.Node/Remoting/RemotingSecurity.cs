using Akka.Configuration;
using Akka.Hosting;
using Akka.IO;
using Akka.Remote.Transport.DotNetty;
using Cluster.Api.Security;
using Cluster.Api.Security.Pki;
using Cluster.Core.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cluster.Node.Remoting;

/// <summary>
/// The cluster transport's guard. Unless api.insecure-http is set, Akka.Remote runs over TLS with mutual
/// authentication: each member presents a node certificate of the cluster CA and accepts only peers whose
/// certificate <see cref="NodePeerVerifier"/> accepts, in both directions, so a process without a node key signed
/// by the cluster CA can neither join nor talk to a member. With api.insecure-http (development, one switch for
/// the whole node) the transport is plain TCP, and then only on loopback.
/// </summary>
public static partial class RemotingSecurity
{
    /// <summary>TLS on the cluster transport: whenever the node has a PKI.</summary>
    public static bool UsesTls(SecuritySettings security) => !security.InsecureHttp;

    /// <summary>Plain remoting lets anyone who reaches the port join and drive the registry: refused off loopback.</summary>
    public static void ValidateAddress(SecuritySettings security, ClusterMembershipSettings membership)
    {
        ArgumentNullException.ThrowIfNull(security);
        ArgumentNullException.ThrowIfNull(membership);
        var host = membership.Host;
        var loopback = host == "localhost" || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
        SettingsException.Require(
            UsesTls(security) || loopback, "cluster.address", membership.Address, "must be a loopback address with api.insecure-http (the cluster transport is then plain TCP, unauthenticated)");
    }

    /// <summary>Gives the actor system its TLS setup (with TLS), or says the transport is plain.</summary>
    public static void Configure(AkkaConfigurationBuilder akka, IServiceProvider services, SecuritySettings security, NodeSettings node, Config akkaConfig)
    {
        ArgumentNullException.ThrowIfNull(akka);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(akkaConfig);
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var logger = loggers.CreateLogger(typeof(RemotingSecurity));
        var transport = akkaConfig.GetConfig("akka.remote.dot-netty.tcp");
        if (!UsesTls(security))
        {
            LogPlain(logger, transport.GetString("hostname", ""));
            return;
        }

        var pki = services.GetRequiredService<ClusterPki>();
        var clock = services.GetRequiredService<TimeProvider>();
        var hosts = new[] { transport.GetString("hostname", ""), transport.GetString("public-hostname", "") };
        var certificate = new NodeCertificate(pki, node.Name, hosts, security.ClientValidity, clock, loggers.CreateLogger<NodeCertificate>());
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(certificate.Dispose);
        var verifier = new NodePeerVerifier(pki.Authority, clock, loggers.CreateLogger<NodePeerVerifier>());
        akka.AddSetup(DotNettySslSetup.FromSource(
            TlsCertificateSource.FromCallback(() => certificate.Current),
            suppressValidation: false,
            requireMutualAuthentication: true,
            validateCertificateHostname: false,
            customValidator: verifier.Validate));
        LogTls(logger, certificate.Current.Subject, pki.Authority.Certificate.Subject);
    }

    [LoggerMessage(EventId = 9200, Level = LogLevel.Information, Message = "Cluster transport: TLS with mutual authentication as {Subject}; peers must present a node certificate of {Authority}")]
    private static partial void LogTls(ILogger logger, string subject, string authority);

    [LoggerMessage(EventId = 9201, Level = LogLevel.Warning, Message = "Cluster transport: plain TCP on {Host} (api.insecure-http); any local process that reaches its port can join the cluster")]
    private static partial void LogPlain(ILogger logger, string host);
}
