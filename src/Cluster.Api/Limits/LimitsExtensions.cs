using Cluster.Api.Http;
using Cluster.Api.Security;
using Cluster.Api.Security.Authorization;
using Cluster.Core.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Cluster.Api.Limits;

/// <summary>
/// Composition: <c>services.AddKubernetesLimits()</c>; <c>app.UseKubernetesErrors()</c> first in the pipeline and
/// <c>app.UseKubernetesFairness()</c> right after <c>UseKubernetesSecurity()</c>, as it needs the request's user.
/// </summary>
public static partial class LimitsExtensions
{
    /// <summary>Upstream's exempt priority level: the cluster's administrators and the servers' own components.</summary>
    private const string ExemptGroup = "system:masters";

    /// <summary>Upstream's long-running subresources: they hold a connection for as long as the client wants.</summary>
    private static readonly HashSet<string> LongRunningSubresources = new(StringComparer.Ordinal) { "attach", "exec", "proxy", "log", "portforward" };

    /// <summary>Upstream exempts the health probes, so a busy server is not restarted for being busy.</summary>
    private static readonly string[] ProbePaths = ["/livez", "/readyz", "/healthz"];

    public static IServiceCollection AddKubernetesLimits(this IServiceCollection services, ApiLimitsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(settings);
        services.TryAddSingleton(sp => new FairnessGate(settings, sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }

    /// <summary>
    /// The outermost safety net: an exception no handler turned into a Status becomes a 500 InternalError Status that
    /// names neither the exception nor its stack (those go to the log); and a URL with "." or ".." segments, however
    /// encoded, is refused before anything resolves it.
    /// </summary>
    public static IApplicationBuilder UseKubernetesErrors(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Cluster.Api.Limits");
        return app.Use(async (context, next) =>
        {
            if (RawPath.HasDotSegment(context))
            {
                await ResponseWriter.WriteStatusAsync(context, ApiException.BadRequest("the request path must not contain \".\" or \"..\" segments")).ConfigureAwait(false);
                return;
            }

            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nobody to answer.
            }
            catch (BadHttpRequestException e)
            {
                await ResponseWriter.WriteStatusAsync(context, KestrelRefusal(e)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogUnhandled(logger, e, context.Request.Method, context.Request.Path.Value ?? "");
                if (context.Response.HasStarted)
                {
                    // Half a response must not pass for a whole one.
                    context.Abort();
                    return;
                }

                await ResponseWriter.WriteStatusAsync(context, ApiException.Internal("the server could not complete the request; its log has the details")).ConfigureAwait(false);
            }
        });
    }

    /// <summary>
    /// The per-user concurrency gate: 429 TooManyRequests with Retry-After 1 when the user's queue is full. Watches,
    /// logs, exec, attach and port-forward are not counted (they last as long as the client wants), nor are
    /// system:masters and the health probes.
    /// </summary>
    public static IApplicationBuilder UseKubernetesFairness(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.ApplicationServices.GetRequiredService<ApiLimitsSettings>();
        if (!settings.FairnessEnabled)
        {
            return app;
        }

        var gate = app.ApplicationServices.GetRequiredService<FairnessGate>();
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Cluster.Api.Limits");
        return app.Use(async (context, next) =>
        {
            var user = context.KubernetesUser();
            if (user.Groups.Contains(ExemptGroup) || IsProbe(context.Request.Path.Value ?? "") || IsLongRunning(context.Request))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            bool admitted;
            try
            {
                admitted = await gate.EnterAsync(user.Name, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            if (!admitted)
            {
                LogTooMany(logger, user.Name, context.Request.Method, context.Request.Path.Value ?? "");
                await ResponseWriter.WriteStatusAsync(context, TooManyRequests()).ConfigureAwait(false);
                return;
            }

            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                gate.Exit(user.Name);
            }
        });
    }

    /// <summary>Upstream's text for a request its filters shed.</summary>
    public static ApiException TooManyRequests() => new(429, "TooManyRequests", "Too many requests, please try again later.") { RetryAfterSeconds = 1 };

    /// <summary>Kestrel's own verdict on a request body (too slow, cut short): its status code and message, not an internal error.</summary>
    public static ApiException KestrelRefusal(BadHttpRequestException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var reason = refusal.StatusCode switch
        {
            408 => "Timeout",
            413 => "RequestEntityTooLarge",
            _ => "BadRequest",
        };
        return new ApiException(refusal.StatusCode, reason, refusal.Message);
    }

    private static bool IsProbe(string path) =>
        Array.Exists(ProbePaths, p => path.StartsWith(p, StringComparison.Ordinal) && (path.Length == p.Length || path[p.Length] == '/'));

    private static bool IsLongRunning(HttpRequest request)
    {
        if (ApiQuery.Flag(request, "watch"))
        {
            return true;
        }

        var info = RequestInfo.Parse(request.Method, request.Path.Value ?? "/", null);
        return info.IsResourceRequest && (info.Verb is "watch" or "proxy" || LongRunningSubresources.Contains(info.Subresource));
    }

    [LoggerMessage(EventId = 9210, Level = LogLevel.Error, Message = "Unhandled exception serving {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 9211, Level = LogLevel.Debug, Message = "Too many requests from {User}: {Method} {Path} refused with 429")]
    private static partial void LogTooMany(ILogger logger, string user, string method, string path);
}
