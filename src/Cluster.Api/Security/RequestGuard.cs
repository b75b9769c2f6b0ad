using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;
using Cluster.Core.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cluster.Api.Security;

/// <summary>
/// Authentication then authorization for every request, before any handler runs (upstream's filter chain order):
/// 401 with a Status when nobody could be told, 403 naming user, verb and resource when RBAC says no.
/// </summary>
public sealed partial class RequestGuard(SecuritySettings settings, RequestAuthenticator authenticator, IRequestAuthorizer authorizer, ILogger<RequestGuard> logger)
{
    /// <summary>Served without credentials, as upstream's health and version endpoints.</summary>
    private static readonly string[] OpenPaths = ["/livez", "/readyz", "/healthz", "/version"];

    /// <summary>Upstream's identity for its former insecure port: everything allowed.</summary>
    public static UserInfo Unsecured { get; } = new("system:unsecured", ["system:masters", RequestAuthenticator.AuthenticatedGroup]);

    /// <summary>The request's user once admitted; the refusal to write otherwise.</summary>
    public ApiException? Admit(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (settings.InsecureHttp)
        {
            context.SetUser(Unsecured);
            return null;
        }

        var outcome = authenticator.Authenticate(context);
        var path = context.Request.Path.Value ?? "/";
        if (outcome.User is not { } user)
        {
            if (outcome.Failure is null && IsOpen(path))
            {
                context.SetUser(RequestAuthenticator.Anonymous);
                return null;
            }

            if (outcome.Failure is null && settings.Anonymous)
            {
                user = RequestAuthenticator.Anonymous;
            }
            else
            {
                LogUnauthorized(logger, context.Connection.RemoteIpAddress?.ToString() ?? "", path, outcome.Failure ?? "no credentials");
                return new ApiException(401, "Unauthorized", "Unauthorized");
            }
        }

        context.SetUser(user);
        var query = context.Request.Query;
        var request = RequestInfo.Parse(
            context.Request.Method, path, query["watch"].ToString() is { Length: > 0 } w ? w : null, query["fieldSelector"].ToString() is { Length: > 0 } f ? f : null);
        var decision = authorizer.Authorize(user, request);
        // For the audit log's authorization.k8s.io annotations.
        context.Features.Set(decision);
        if (decision.Allowed)
        {
            return null;
        }

        var message = ForbiddenMessage.For(user, request, decision.Reason);
        LogForbidden(logger, user.Name, request.Verb, request.IsResourceRequest ? request.Resource : request.Path);
        return new ApiException(403, "Forbidden", message, request.IsResourceRequest
            ? new StatusDetails(request.Name.Length > 0 ? request.Name : null, request.ApiGroup, request.Subresource.Length > 0 ? request.Resource + "/" + request.Subresource : request.Resource)
            : null);
    }

    private static bool IsOpen(string path)
    {
        foreach (var open in OpenPaths)
        {
            if (path == open || (path.StartsWith(open, StringComparison.Ordinal) && path[open.Length] == '/'))
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 9001, Level = LogLevel.Debug, Message = "Unauthorized request from {Remote} for {Path}: {Why}")]
    private static partial void LogUnauthorized(ILogger logger, string remote, string path, string why);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Debug, Message = "Forbidden: {User} cannot {Verb} {Resource}")]
    private static partial void LogForbidden(ILogger logger, string user, string verb, string resource);
}

/// <summary>The authenticated user of a request, for handlers that report or record it (reviews, audit).</summary>
public static class HttpContextUser
{
    private static readonly object Key = new();

    public static void SetUser(this HttpContext context, UserInfo user) => context.Items[Key] = user;

    /// <summary>The request's user; system:anonymous when the request was not authenticated (security off in tests).</summary>
    public static UserInfo KubernetesUser(this HttpContext context) => context.Items.TryGetValue(Key, out var user) && user is UserInfo u ? u : RequestAuthenticator.Anonymous;
}
