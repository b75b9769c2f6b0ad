using System.Security.Cryptography.X509Certificates;
using k8s;

namespace Cluster.Api.Security;

/// <summary>
/// An <see cref="HttpClient"/> that talks to the API as a kubeconfig's user: its server, its CA as the only trust
/// root, its client certificate or bearer token. The node's own tools (the <c>cluster</c> command, benchmarks, tests)
/// use it; KubernetesClient reads the same file for its typed client.
/// </summary>
public static class KubeconfigHttp
{
    public static HttpClient CreateClient(string kubeconfigPath, string? context = null, TimeSpan? timeout = null)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath, currentContext: context);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (config.SslCaCerts is { Count: > 0 } authorities)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = Pki.CertificateTrust.Callback(checkName: true, [.. authorities]);
        }

        if (!string.IsNullOrEmpty(config.ClientCertificateData) || !string.IsNullOrEmpty(config.ClientCertificateFilePath))
        {
            handler.SslOptions.ClientCertificates = [ClientCertificate(config)];
        }

        var client = new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri(config.Host) };
        if (timeout is { } t)
        {
            client.Timeout = t;
        }

        if (!string.IsNullOrEmpty(config.AccessToken))
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", config.AccessToken);
        }

        return client;
    }

    /// <summary>The user's certificate and key, embedded (*-data, base64 PEM) or in files.</summary>
    private static X509Certificate2 ClientCertificate(KubernetesClientConfiguration config)
    {
        var certificate = string.IsNullOrEmpty(config.ClientCertificateData)
            ? File.ReadAllText(config.ClientCertificateFilePath)
            : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData));
        var key = string.IsNullOrEmpty(config.ClientCertificateKeyData)
            ? File.ReadAllText(config.ClientKeyFilePath)
            : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateKeyData));
        return X509Certificate2.CreateFromPem(certificate, key);
    }
}
