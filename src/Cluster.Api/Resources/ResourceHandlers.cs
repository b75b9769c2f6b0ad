using Cluster.Api.Http;
using Cluster.Core.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cluster.Api.Resources;

/// <summary>
/// Serves every resource URL of the Kubernetes API for every kind the registry knows: one generic
/// set of handlers (get, list, watch, create, update, patch, delete, deletecollection and the
/// status, scale, binding and finalize subresources), with kind-specific rules left to the
/// registry's strategies and Table output to the kinds' table converters.
/// </summary>
public sealed partial class ResourceHandlers(ResourceRegistry registry, ApiServerSettings settings, TimeProvider clock, ILogger<ResourceHandlers> logger)
{
    /// <summary>Handles one request for <paramref name="path"/>; every failure becomes a Status response.</summary>
    public async Task HandleAsync(HttpContext context, ApiPath path)
    {
        var ct = context.RequestAborted;
        try
        {
            if (path.Kind.Namespaced && path.Namespace is null && path.Name is not null)
            {
                throw NotFound();
            }

            await DispatchAsync(context, path, ct).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.SeenAs(path.Kind)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Cluster.Core.Persistence.Journal.JournalStoreException e)
        {
            // The database is unreachable (a consistent read asks it for its latest version): retry.
            await ResponseWriter.WriteStatusAsync(context, ApiException.Unavailable("the journal store is unavailable: " + e.Message)).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            await ResponseWriter.WriteStatusAsync(context, Limits.LimitsExtensions.KestrelRefusal(e)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogUnexpected(logger, e, context.Request.Method, context.Request.Path.Value ?? "");
            // The runtime's message stays in the log: it means nothing to a client and may tell too much.
            await ResponseWriter.WriteStatusAsync(context, ApiException.Internal("the server could not complete the request; its log has the details")).ConfigureAwait(false);
        }
    }

    /// <summary>The generic 404 for a URL the API does not serve.</summary>
    public static ApiException NotFound() => new(404, "NotFound", "the server could not find the requested resource");

    private Task DispatchAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        var method = context.Request.Method;
        if (path.Name is null)
        {
            return method switch
            {
                "GET" when ApiQuery.Flag(context.Request, "watch") => WatchAsync(context, path, ct),
                "GET" => ListAsync(context, path, ct),
                "POST" when !path.Kind.Namespaced || path.Namespace is not null => CreateAsync(context, path, ct),
                "DELETE" when !path.Kind.Namespaced || path.Namespace is not null => DeleteCollectionAsync(context, path, ct),
                _ => throw ApiException.MethodNotSupported(path.Kind, method),
            };
        }

        return (path.Subresource, method) switch
        {
            (null, "GET") => GetAsync(context, path, ct),
            (null, "PUT") => UpdateAsync(context, path, null, ct),
            (null, "PATCH") => PatchAsync(context, path, null, ct),
            (null, "DELETE") => DeleteAsync(context, path, ct),
            ("status", _) when path.Kind.HasSubresource("status") => StatusAsync(context, path, method, ct),
            ("scale", _) when path.Kind.HasSubresource("scale") => ScaleAsync(context, path, method, ct),
            ("binding", "POST") when path.Kind == BuiltInKinds.Pod => BindAsync(context, path, ct),
            ("eviction", "POST") when path.Kind == BuiltInKinds.Pod => EvictAsync(context, path, ct),
            ("log", "GET") when path.Kind == BuiltInKinds.Pod => LogAsync(context, path, ct),
            ("token", "POST") when path.Kind == BuiltInKinds.ServiceAccount => TokenAsync(context, path, ct),
            ("exec", "GET" or "POST") when path.Kind == BuiltInKinds.Pod => ExecAsync(context, path, ct),
            ("attach", "GET" or "POST") when path.Kind == BuiltInKinds.Pod => AttachAsync(context, path, ct),
            ("portforward", "GET" or "POST") when path.Kind == BuiltInKinds.Pod => PortForwardAsync(context, path, ct),
            ("finalize", "PUT") when path.Kind == BuiltInKinds.Namespace => UpdateAsync(context, path, "finalize", ct),
            (null, _) => throw ApiException.MethodNotSupported(path.Kind, method),
            _ => throw NotFound(),
        };
    }

    private Task StatusAsync(HttpContext context, ApiPath path, string method, CancellationToken ct) => method switch
    {
        "GET" => GetAsync(context, path, ct),
        "PUT" => UpdateAsync(context, path, "status", ct),
        "PATCH" => PatchAsync(context, path, "status", ct),
        _ => throw ApiException.MethodNotSupported(path.Kind, method),
    };

    private string Namespace(ApiPath path) => path.Kind.Namespaced ? path.Namespace ?? "" : "";

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "Unexpected failure serving {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
