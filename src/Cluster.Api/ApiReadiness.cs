using Microsoft.AspNetCore.Http;

namespace Cluster.Api;

/// <summary>/healthz, /livez, /readyz: live while the process serves; ready once the registry has started (set by the host).</summary>
public sealed class ApiReadiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;

    public Task WriteAsync(HttpContext context, bool livenessOnly)
    {
        var ok = livenessOnly || _ready;
        context.Response.StatusCode = ok ? 200 : 503;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(ok ? "ok" : "registry not ready", context.RequestAborted);
    }
}
