using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Api;

/// <summary>The API server's settings (configuration section <c>api</c>).</summary>
public sealed record ApiServerSettings
{
    public const string SectionName = "api";

    /// <summary>api.address: where the API listens, HOST:PORT (the node's --api-address flag overrides it).</summary>
    public string Address { get; init; } = "127.0.0.1:6443";

    /// <summary>api.max-request-body-bytes: larger bodies get 413 (Kubernetes' limit is 3 MiB).</summary>
    public long MaxRequestBodyBytes { get; init; } = 3 * 1024 * 1024;

    /// <summary>api.watch.min-timeout: a watch without timeoutSeconds ends after a random time between this and twice this (Kubernetes: 30–60 minutes).</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>api.watch.bookmark-interval: how often a watch that allows bookmarks gets one.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>api.git-version-suffix: /version reports v1.32.0-SUFFIX.</summary>
    public string GitVersionSuffix { get; init; } = "actors";

    public static ApiServerSettings Default { get; } = new();

    public static ApiServerSettings FromConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var d = Default;
        var settings = new ApiServerSettings
        {
            Address = SettingsReader.String(section, "address", d.Address),
            MaxRequestBodyBytes = SettingsReader.Int(section, "max-request-body-bytes", (int)d.MaxRequestBodyBytes),
            MinWatchTimeout = SettingsReader.Duration(section, "watch:min-timeout", d.MinWatchTimeout),
            BookmarkInterval = SettingsReader.Duration(section, "watch:bookmark-interval", d.BookmarkInterval),
            GitVersionSuffix = SettingsReader.String(section, "git-version-suffix", d.GitVersionSuffix),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>The host and port of <see cref="Address"/>.</summary>
    public (string Host, int Port) Endpoint() =>
        ConfigValueParsers.TryParseHostPort(Address, out var host, out var port) ? (host, port) : throw new InvalidOperationException($"api.address '{Address}' is not HOST:PORT.");

    public void Validate()
    {
        SettingsException.Require(ConfigValueParsers.TryParseHostPort(Address, out _, out _), "api.address", Address, "must be HOST:PORT with a port from 0 to 65535");
        SettingsException.Require(MaxRequestBodyBytes >= 1024, "api.max-request-body-bytes", MaxRequestBodyBytes, "must be at least 1024");
        SettingsException.Require(MinWatchTimeout > TimeSpan.Zero, "api.watch.min-timeout", MinWatchTimeout, "must be positive");
        SettingsException.Require(BookmarkInterval > TimeSpan.Zero, "api.watch.bookmark-interval", BookmarkInterval, "must be positive");
        SettingsException.Require(GitVersionSuffix.Length > 0, "api.git-version-suffix", GitVersionSuffix, "must not be empty");
    }
}
