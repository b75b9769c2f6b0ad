using Cluster.Api.Limits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Cluster.Node;

/// <summary>
/// What Kestrel enforces before a request reaches the pipeline (api.limits): header sizes and deadlines, body data
/// rate, HTTP/2 stream and table sizes, connections; and the in-flight gate's services (api.fairness).
/// </summary>
internal static class NodeLimits
{
    public static void Configure(WebApplicationBuilder builder, ApiLimitsSettings limits)
    {
        builder.Services.AddKubernetesLimits(limits);
        builder.WebHost.ConfigureKestrel(kestrel => Apply(kestrel.Limits, limits));
    }

    private static void Apply(KestrelServerLimits kestrel, ApiLimitsSettings limits)
    {
        kestrel.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersBytes;
        kestrel.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
        kestrel.MaxRequestLineSize = limits.MaxRequestLineBytes;
        kestrel.RequestHeadersTimeout = limits.RequestHeadersTimeout;
        kestrel.KeepAliveTimeout = limits.KeepAliveTimeout;
        kestrel.MinRequestBodyDataRate = limits.MinRequestBodyBytesPerSecond == 0 ? null : new MinDataRate(limits.MinRequestBodyBytesPerSecond, limits.MinRequestBodyGrace);
        kestrel.MaxConcurrentConnections = limits.MaxConnections == 0 ? null : limits.MaxConnections;
        kestrel.Http2.MaxStreamsPerConnection = limits.Http2MaxStreamsPerConnection;
        kestrel.Http2.HeaderTableSize = limits.Http2HeaderTableBytes;

        // One header may be as large as all of them together, as HTTP/1.1 allows (a bearer token with many claims).
        kestrel.Http2.MaxRequestHeaderFieldSize = limits.MaxRequestHeadersBytes;
    }
}
