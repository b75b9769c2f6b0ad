using Cluster.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cluster.Node;

/// <summary>
/// Once the API serves, writes DATA-DIR/admin.kubeconfig pointing kubectl at it (the real bound
/// address, so port 0 works in tests) and marks the API ready.
/// </summary>
public sealed partial class KubeconfigWriter(string dataDirectory, NodeSettings settings, ApiServerSettings api, ApiReadiness readiness, ILogger<KubeconfigWriter> logger)
{
    public string Path => System.IO.Path.Combine(dataDirectory, "admin.kubeconfig");

    /// <summary>The address the API listens on, once started.</summary>
    public string? ServerUrl { get; private set; }

    public void Attach(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
            var bound = addresses?.FirstOrDefault() ?? "http://" + api.Address;
            ServerUrl = bound.Replace("http://[::]", "http://127.0.0.1", StringComparison.Ordinal);
            Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(Path, Render(ServerUrl));
            readiness.MarkReady();
            LogReady(logger, settings.Name, ServerUrl, Path);
        });
    }

    private string Render(string server)
    {
        var cluster = settings.ActorSystemName;
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {cluster}
              cluster:
                server: {server}
            users:
            - name: admin
              user: {"{}"}
            contexts:
            - name: admin@{cluster}
              context:
                cluster: {cluster}
                user: admin
                namespace: default
            current-context: admin@{cluster}
            preferences: {"{}"}

            """;
    }

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information, Message = "Node {Node}: Kubernetes API serving at {Server}; kubeconfig written to {Kubeconfig}")]
    private static partial void LogReady(ILogger logger, string node, string server, string kubeconfig);
}
