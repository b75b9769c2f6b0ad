using Cluster.Api.Security.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cluster.Api.Security.Audit;

/// <summary>
/// Records every request in the audit log. It runs before the guard and wraps the rest of the pipeline, so refusals
/// (401, 403) are recorded like everything else; the policy is evaluated once the guard has named the user, when the
/// first event is due. Every response carries the request's audit ID in an <c>Audit-Id</c> header, as upstream's.
/// </summary>
public sealed class AuditMiddleware(AuditLog log, long maxRequestBodyBytes, TimeProvider time, Func<string>? newAuditId = null)
{
    public const string AuditIdHeader = "Audit-Id";

    /// <summary>Response bodies larger than this are recorded without their responseObject.</summary>
    public const int MaxResponseObjectBytes = 1024 * 1024;

    private static readonly string[] LongRunningVerbs = ["watch", "proxy"];
    private static readonly string[] LongRunningSubresources = ["attach", "exec", "proxy", "log", "portforward"];

    private readonly Func<string> _newAuditId = newAuditId ?? (() => Guid.NewGuid().ToString());

    internal AuditLog Log => log;

    internal TimeProvider Time => time;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var maxLevel = log.Policy.MaxLevel;
        if (maxLevel == AuditLevel.None)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var auditEvent = NewEvent(context);
        context.Response.Headers[AuditIdHeader] = auditEvent.AuditId;
        var longRunning = IsLongRunning(auditEvent.Request);
        var record = new AuditRecord(this, context, auditEvent);
        if (maxLevel >= AuditLevel.Request && !longRunning && context.Request.ContentLength is not 0 && context.Request.Method is not ("GET" or "HEAD"))
        {
            // Buffered so the body the handler read can be read again for requestObject (kept in memory up to 30 KiB, on disk beyond).
            // The margin lets the handler's own limit answer an oversized chunked body with its 413 first.
            context.Request.EnableBuffering(maxRequestBodyBytes + (64 * 1024));
        }

        (ResponseTee Tee, Func<Task> Remove)? tee = maxLevel == AuditLevel.RequestResponse && !longRunning
            ? ResponseTee.Install(context, MaxResponseObjectBytes, () => record.Decide() == AuditLevel.RequestResponse)
            : null;
        if (longRunning)
        {
            context.Response.OnStarting(() =>
            {
                record.Started();
                return Task.CompletedTask;
            });
        }

        try
        {
            await next(context).ConfigureAwait(false);
            if (tee is { } installed)
            {
                await installed.Remove().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: not the server's failure.
            await record.CompleteAsync(null, 0).ConfigureAwait(false);
            throw;
        }
        catch (Exception e)
        {
            record.Panic(e);
            throw;
        }

        await record.CompleteAsync(tee?.Tee.Captured, maxRequestBodyBytes).ConfigureAwait(false);
    }

    /// <summary>Upstream's long-running requests: they get a ResponseStarted event when their response begins.</summary>
    public static bool IsLongRunning(RequestInfo request) =>
        request.IsResourceRequest && (LongRunningVerbs.Contains(request.Verb) || LongRunningSubresources.Contains(request.Subresource));

    private AuditEvent NewEvent(HttpContext context)
    {
        var request = context.Request;
        var given = request.Headers[AuditIdHeader].ToString();
        var id = given.Length is > 0 and <= 128 ? given : _newAuditId();
        var uri = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : request.PathBase + request.Path + request.QueryString;
        var info = RequestInfo.Parse(
            request.Method, request.Path.Value ?? "/", request.Query["watch"].ToString() is { Length: > 0 } w ? w : null, request.Query["fieldSelector"].ToString() is { Length: > 0 } f ? f : null);
        return new AuditEvent(id, uri, info, time.GetUtcNow())
        {
            SourceIps = context.Connection.RemoteIpAddress is { } ip ? [ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4().ToString() : ip.ToString()] : [],
            UserAgent = request.Headers.UserAgent.ToString(),
        };
    }
}
