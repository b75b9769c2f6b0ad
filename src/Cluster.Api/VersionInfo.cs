using System.Text.Json.Nodes;

namespace Cluster.Api;

/// <summary>
/// GET /version. kubectl's version dispatcher picks the kubectl binary from major/minor, so they
/// must say 1.32; gitVersion names this server.
/// </summary>
public static class VersionInfo
{
    public static JsonObject Document(ApiServerSettings settings) => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0-" + settings.GitVersionSuffix,
        ["gitCommit"] = typeof(VersionInfo).Assembly.ManifestModule.ModuleVersionId.ToString("N"),
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "n/a (.NET " + Environment.Version + ")",
        ["compiler"] = "dotnet",
        ["platform"] = "linux/amd64",
    };
}
