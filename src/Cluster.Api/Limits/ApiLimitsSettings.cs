using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Api.Limits;

/// <summary>
/// What one client may cost the API server (configuration section <c>api</c>: <c>limits</c> for the connection and
/// request framing Kestrel enforces, <c>fairness</c> for the per-user concurrency gate). The defaults follow upstream's
/// Go server: 1 MiB of headers, a header deadline against slowloris, 400 requests in flight.
/// </summary>
public sealed record ApiLimitsSettings
{
    /// <summary>api.limits.max-request-headers-bytes: all request headers together; more gets 431 (Go's DefaultMaxHeaderBytes).</summary>
    public int MaxRequestHeadersBytes { get; init; } = 1024 * 1024;

    /// <summary>api.limits.max-request-header-count: more header fields than this gets 431.</summary>
    public int MaxRequestHeaderCount { get; init; } = 200;

    /// <summary>api.limits.max-request-line-bytes: method, URL and version; long selectors need room, more gets 414.</summary>
    public int MaxRequestLineBytes { get; init; } = 64 * 1024;

    /// <summary>api.limits.request-headers-timeout: a client that has not sent its headers by then is cut off (slowloris).</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(32);

    /// <summary>api.limits.tls-handshake-timeout: a TLS handshake not finished by then is cut off.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>api.limits.keep-alive-timeout: an idle connection is closed after this (Go's IdleTimeout in the API server).</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>api.limits.min-request-body-rate: a body arriving slower than this, after the grace period, is cut off. 0: no minimum.</summary>
    public int MinRequestBodyBytesPerSecond { get; init; } = 240;

    /// <summary>api.limits.min-request-body-grace: how long a body may arrive slower than the minimum rate at first.</summary>
    public TimeSpan MinRequestBodyGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>api.limits.max-connections: open connections at most; 0: no limit (the in-flight gate bounds the work).</summary>
    public int MaxConnections { get; init; }

    /// <summary>api.limits.http2.max-streams-per-connection: concurrent HTTP/2 streams of one connection (Go's default 250).</summary>
    public int Http2MaxStreamsPerConnection { get; init; } = 250;

    /// <summary>api.limits.http2.header-table-bytes: the HPACK dynamic table the server keeps per connection.</summary>
    public int Http2HeaderTableBytes { get; init; } = 4096;

    /// <summary>api.fairness.enabled: whether requests pass the per-user concurrency gate.</summary>
    public bool FairnessEnabled { get; init; } = true;

    /// <summary>api.fairness.max-in-flight: requests being served at once, all users together (upstream's --max-requests-inflight plus mutating).</summary>
    public int MaxInFlight { get; init; } = 400;

    /// <summary>api.fairness.per-user-in-flight: requests of one user being served at once.</summary>
    public int PerUserInFlight { get; init; } = 100;

    /// <summary>api.fairness.queue-length: requests of one user waiting for a slot; one more gets 429.</summary>
    public int QueueLength { get; init; } = 200;

    /// <summary>api.fairness.queue-timeout: a request waiting longer than this gets 429 (upstream: a quarter of the request timeout).</summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public static ApiLimitsSettings Default { get; } = new();

    public static ApiLimitsSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(ApiServerSettings.SectionName);
        var d = Default;
        var settings = new ApiLimitsSettings
        {
            MaxRequestHeadersBytes = SettingsReader.Int(section, "limits:max-request-headers-bytes", d.MaxRequestHeadersBytes),
            MaxRequestHeaderCount = SettingsReader.Int(section, "limits:max-request-header-count", d.MaxRequestHeaderCount),
            MaxRequestLineBytes = SettingsReader.Int(section, "limits:max-request-line-bytes", d.MaxRequestLineBytes),
            RequestHeadersTimeout = SettingsReader.Duration(section, "limits:request-headers-timeout", d.RequestHeadersTimeout),
            TlsHandshakeTimeout = SettingsReader.Duration(section, "limits:tls-handshake-timeout", d.TlsHandshakeTimeout),
            KeepAliveTimeout = SettingsReader.Duration(section, "limits:keep-alive-timeout", d.KeepAliveTimeout),
            MinRequestBodyBytesPerSecond = SettingsReader.Int(section, "limits:min-request-body-rate", d.MinRequestBodyBytesPerSecond),
            MinRequestBodyGrace = SettingsReader.Duration(section, "limits:min-request-body-grace", d.MinRequestBodyGrace),
            MaxConnections = SettingsReader.Int(section, "limits:max-connections", d.MaxConnections),
            Http2MaxStreamsPerConnection = SettingsReader.Int(section, "limits:http2:max-streams-per-connection", d.Http2MaxStreamsPerConnection),
            Http2HeaderTableBytes = SettingsReader.Int(section, "limits:http2:header-table-bytes", d.Http2HeaderTableBytes),
            FairnessEnabled = SettingsReader.Bool(section, "fairness:enabled", d.FairnessEnabled),
            MaxInFlight = SettingsReader.Int(section, "fairness:max-in-flight", d.MaxInFlight),
            PerUserInFlight = SettingsReader.Int(section, "fairness:per-user-in-flight", d.PerUserInFlight),
            QueueLength = SettingsReader.Int(section, "fairness:queue-length", d.QueueLength),
            QueueTimeout = SettingsReader.Duration(section, "fairness:queue-timeout", d.QueueTimeout),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        SettingsException.Require(MaxRequestHeadersBytes >= 8 * 1024, "api.limits.max-request-headers-bytes", MaxRequestHeadersBytes, "must be at least 8192");
        SettingsException.Require(MaxRequestHeaderCount >= 16, "api.limits.max-request-header-count", MaxRequestHeaderCount, "must be at least 16");
        SettingsException.Require(MaxRequestLineBytes >= 1024, "api.limits.max-request-line-bytes", MaxRequestLineBytes, "must be at least 1024");
        SettingsException.Require(RequestHeadersTimeout >= TimeSpan.FromSeconds(1), "api.limits.request-headers-timeout", RequestHeadersTimeout, "must be at least 1s");
        SettingsException.Require(TlsHandshakeTimeout >= TimeSpan.FromSeconds(1), "api.limits.tls-handshake-timeout", TlsHandshakeTimeout, "must be at least 1s");
        SettingsException.Require(KeepAliveTimeout >= TimeSpan.FromSeconds(1), "api.limits.keep-alive-timeout", KeepAliveTimeout, "must be at least 1s");
        SettingsException.Require(MinRequestBodyBytesPerSecond >= 0, "api.limits.min-request-body-rate", MinRequestBodyBytesPerSecond, "must not be negative");
        SettingsException.Require(MinRequestBodyGrace >= TimeSpan.FromSeconds(1), "api.limits.min-request-body-grace", MinRequestBodyGrace, "must be at least 1s");
        SettingsException.Require(MaxConnections >= 0, "api.limits.max-connections", MaxConnections, "must not be negative (0: no limit)");
        SettingsException.Require(Http2MaxStreamsPerConnection >= 1, "api.limits.http2.max-streams-per-connection", Http2MaxStreamsPerConnection, "must be at least 1");
        SettingsException.Require(Http2HeaderTableBytes >= 0, "api.limits.http2.header-table-bytes", Http2HeaderTableBytes, "must not be negative");
        SettingsException.Require(MaxInFlight >= 1, "api.fairness.max-in-flight", MaxInFlight, "must be at least 1");
        SettingsException.Require(PerUserInFlight >= 1 && PerUserInFlight <= MaxInFlight, "api.fairness.per-user-in-flight", PerUserInFlight, "must be at least 1 and at most api.fairness.max-in-flight");
        SettingsException.Require(QueueLength >= 0, "api.fairness.queue-length", QueueLength, "must not be negative");
        SettingsException.Require(QueueTimeout > TimeSpan.Zero, "api.fairness.queue-timeout", QueueTimeout, "must be positive");
    }
}
