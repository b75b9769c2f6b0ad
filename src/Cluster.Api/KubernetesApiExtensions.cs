using System.Text.Json.Nodes;
using Cluster.Api.Discovery;
using Cluster.Api.Http;
using Cluster.Api.Metrics;
using Cluster.Api.OpenApi;
using Cluster.Api.Resources;
using Cluster.Core.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cluster.Api;

/// <summary>Composition: <c>services.AddKubernetesApi()</c> and <c>app.MapKubernetesApi()</c>.</summary>
public static class KubernetesApiExtensions
{
    /// <summary>Registers the API's settings (section <c>api</c>), discovery and resource handlers. The registry comes from <c>AddClusterRegistry</c>.</summary>
    public static IServiceCollection AddKubernetesApi(this IServiceCollection services, ApiServerSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => settings ?? ApiServerSettings.FromConfiguration(sp.GetService<IConfiguration>() ?? new ConfigurationBuilder().Build()));
        services.TryAddSingleton(sp => new DiscoveryDocuments(sp.GetRequiredService<KindCatalog>()));
        services.TryAddSingleton<ResourceHandlers>();
        services.TryAddSingleton<ApiReadiness>();
        return services;
    }

    /// <summary>Maps the Kubernetes REST surface: version, health, discovery, OpenAPI and every resource URL.</summary>
    public static IEndpointRouteBuilder MapKubernetesApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/version", (HttpContext context, ApiServerSettings settings) =>
            ResponseWriter.WriteAsync(context, 200, VersionInfo.Document(settings), context.RequestAborted));
        foreach (var probe in new[] { "/healthz", "/livez", "/readyz" })
        {
            endpoints.MapGet(probe, (HttpContext context, ApiReadiness readiness) => readiness.WriteAsync(context, probe == "/livez"));
        }

        endpoints.MapGet("/openapi/v3", (HttpContext context) =>
            ResponseWriter.WriteBytesAsync(context, 200, OpenApiDocuments.BuiltIn.Root, context.RequestAborted));
        endpoints.MapGet("/openapi/v3/{**path}", (HttpContext context, string path) =>
        {
            if (!OpenApiDocuments.BuiltIn.TryGet(path, out var document, out var hash))
            {
                return ResponseWriter.WriteStatusAsync(context, ResourceHandlers.NotFound());
            }

            // Hashed URLs never change content (as upstream): kubectl's HTTP cache may keep them.
            if (context.Request.Query["hash"] == hash)
            {
                context.Response.Headers.CacheControl = "public, immutable";
            }

            context.Response.Headers.ETag = "\"" + hash + "\"";
            return ResponseWriter.WriteBytesAsync(context, 200, document, context.RequestAborted);
        });
        endpoints.MapGet("/openapi/v2", (HttpContext context) => ResponseWriter.WriteStatusAsync(context, ResourceHandlers.NotFound()));
        endpoints.MapGet("/api", (HttpContext context, DiscoveryDocuments discovery, ApiServerSettings settings) =>
            WriteDiscoveryAsync(context, discovery.Aggregated(core: true), DiscoveryDocuments.ApiVersions(settings.Address)));
        endpoints.MapGet("/apis", (HttpContext context, DiscoveryDocuments discovery) =>
        {
            var aggregated = discovery.Aggregated(core: false);
            var legacy = discovery.GroupList();
            if (context.RequestServices.GetService<Metrics.IResourceMetrics>() is not null)
            {
                // The resource metrics API is served when the host measures usage (node agents), as metrics-server adds it.
                ((JsonArray)aggregated["items"]!).Add(Metrics.MetricsEndpoints.AggregatedGroup());
                ((JsonArray)legacy["groups"]!).Add(Metrics.MetricsEndpoints.LegacyGroup());
            }

            return WriteDiscoveryAsync(context, aggregated, legacy);
        });
        endpoints.MapResourceMetrics();
        endpoints.Map("/api/{version}/{**rest}", (HttpContext context, string version, string? rest, KindCatalog kinds, DiscoveryDocuments discovery, ResourceHandlers handlers) =>
            ServeAsync(context, "", version, rest, kinds, discovery, handlers));
        endpoints.MapGet("/apis/{group}", (HttpContext context, string group, DiscoveryDocuments discovery) =>
            discovery.Group(group) is { } document
                ? ResponseWriter.WriteAsync(context, 200, document, context.RequestAborted)
                : ResponseWriter.WriteStatusAsync(context, ResourceHandlers.NotFound()));
        endpoints.Map("/apis/{group}/{version}/{**rest}", (HttpContext context, string group, string version, string? rest, KindCatalog kinds, DiscoveryDocuments discovery, ResourceHandlers handlers) =>
            ServeAsync(context, group, version, rest, kinds, discovery, handlers));
        endpoints.MapFallback((HttpContext context) => ResponseWriter.WriteStatusAsync(context, ResourceHandlers.NotFound()));
        return endpoints;
    }

    private static Task WriteDiscoveryAsync(HttpContext context, System.Text.Json.Nodes.JsonObject aggregated, System.Text.Json.Nodes.JsonObject legacy)
    {
        if (DiscoveryDocuments.WantsAggregated(context.Request.Headers.Accept.ToString()))
        {
            var bytes = ApiJson.Serialize(aggregated);
            context.Response.StatusCode = 200;
            context.Response.ContentType = DiscoveryDocuments.AggregatedContentType;
            context.Response.ContentLength = bytes.Length;
            return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
        }

        return ResponseWriter.WriteAsync(context, 200, legacy, context.RequestAborted);
    }

    private static Task ServeAsync(HttpContext context, string group, string version, string? rest, KindCatalog kinds, DiscoveryDocuments discovery, ResourceHandlers handlers)
    {
        var segments = string.IsNullOrEmpty(rest) ? [] : rest.Split('/', StringSplitOptions.None);
        if (segments.Length == 0)
        {
            return context.Request.Method == "GET" && discovery.ResourceList(group, version) is { } list
                ? ResponseWriter.WriteAsync(context, 200, list, context.RequestAborted)
                : ResponseWriter.WriteStatusAsync(context, ResourceHandlers.NotFound());
        }

        if (Array.Exists(segments, s => s.Length == 0))
        {
            return ResponseWriter.WriteStatusAsync(context, ResourceHandlers.NotFound());
        }

        var path = ApiPath.Parse(kinds, group, version, segments);
        return path is null
            ? ResponseWriter.WriteStatusAsync(context, ResourceHandlers.NotFound())
            : handlers.HandleAsync(context, path);
    }
}
