using Cluster.Api;
using Cluster.Api.Security.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cluster.Node;

/// <summary>
/// Once the API serves, writes DATA-DIR/admin.kubeconfig pointing kubectl at it (the real bound
/// address, so port 0 works in tests) as the cluster's admin (the CA to trust, the admin client
/// certificate and key; mode 0600) and marks the API ready. Without a PKI (api.insecure-http) it names
/// the plain HTTP address and no credentials.
/// </summary>
public sealed partial class KubeconfigWriter(string dataDirectory, NodeSettings settings, ApiServerSettings api, ClusterPki? pki, ApiReadiness readiness, ILogger<KubeconfigWriter> logger)
{
    public string Path => System.IO.Path.Combine(dataDirectory, "admin.kubeconfig");

    /// <summary>The address the API listens on, once started.</summary>
    public string? ServerUrl { get; private set; }

    public void Attach(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            var scheme = pki is null ? "http" : "https";
            var bound = addresses?.FirstOrDefault() ?? scheme + "://" + api.Address;
            ServerUrl = bound.Replace(scheme + "://[::]", scheme + "://127.0.0.1", StringComparison.Ordinal)
                .Replace(scheme + "://0.0.0.0", scheme + "://127.0.0.1", StringComparison.Ordinal);
            Directory.CreateDirectory(dataDirectory);
            var cluster = settings.ActorSystemName;
            var entry = new KubeconfigEntry(
                cluster, ServerUrl, pki?.Authority.CertificatePem(), "admin", pki is null ? null : PemFiles.CertificatePem(pki.Admin), pki is null ? null : PemFiles.PrivateKeyPem(pki.Admin), null, "admin@" + cluster, "default");
            KubeconfigFile.Write(Path, KubeconfigFile.Merge(null, entry));
            readiness.MarkReady();
            LogReady(logger, settings.Name, ServerUrl, Path);
        });
    }

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Node {Node}: Kubernetes API serving at {Server}; kubeconfig written to {Kubeconfig}")]
    private static partial void LogReady(ILogger logger, string node, string server, string kubeconfig);
}
