using System.Security.Cryptography;
using Cluster.Api;
using Cluster.Api.Security;
using Cluster.Api.Security.Pki;
using Cluster.Core.Configuration;
using Cluster.Core.Configuration.Hocon;
using Cluster.Node.Configuration;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;

namespace Cluster.Node;

/// <summary>
/// <c>Cluster.Node kubeconfig --user NAME [--group G]... [--context NAME] [--namespace NS] [--out FILE]
/// [--server URL] [--cluster NAME] [--data-dir DIR] [--config FILE]</c>: issues a client certificate
/// from the node's CA and merges a cluster, user and context for it into a kubeconfig, so a user gets
/// kubectl access without copying the CA key anywhere.
/// </summary>
public static class KubeconfigCommand
{
    /// <summary>Exit code for bad input: a usage error, as the shell's builtins use.</summary>
    public const int UsageError = 2;

    private const string Usage =
        "usage: Cluster.Node kubeconfig --user NAME [--group GROUP]... [--context NAME] [--namespace NS] [--out FILE] " +
        "[--server URL] [--cluster NAME] [--data-dir DIR] [--config FILE] [--SECTION:KEY=VALUE]...";

    private static readonly string[] ValueFlags = ["--user", "--group", "--context", "--namespace", "--out", "--server", "--cluster", "--data-dir", "--config"];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IReadOnlyDictionary<string, string?>? environment = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        environment ??= NodeConfiguration.ProcessEnvironment();
        try
        {
            if (args is ["--help"] or ["-h"])
            {
                await output.WriteLineAsync(Usage);
                return 0;
            }

            var (flags, nodeArgs) = Parse(args);
            var user = Single(flags, "--user") ?? throw new ArgumentException("--user is required\n" + Usage);
            var groups = flags.GetValueOrDefault("--group") ?? [];

            // The node's own configuration layers, so --config, --data-dir, CLUSTER_ variables and
            // api.tls.* name the same CA and validity the node uses.
            var configuration = new ConfigurationBuilder();
            NodeConfiguration.AddNodeSources(configuration, [.. nodeArgs], environment);
            var built = configuration.Build();
            var node = NodeSettings.FromConfiguration(built);
            var security = SecuritySettings.FromConfiguration(built);
            using var authority = ClusterPki.LoadAuthority(node.DataDirectory, security)
                ?? throw new ArgumentException($"no cluster CA in {Path.Combine(Path.GetFullPath(node.DataDirectory), ClusterPki.DirectoryName)}: start the node once to create it, or pass --data-dir");

            var cluster = Single(flags, "--cluster") ?? node.ActorSystemName;
            var context = Single(flags, "--context") ?? $"{user}@{cluster}";
            var server = Single(flags, "--server") ?? DefaultServer(ApiServerSettings.FromConfiguration(built));
            var path = Path.GetFullPath(Single(flags, "--out") ?? KubeconfigFile.DefaultPath(
                environment.GetValueOrDefault("KUBECONFIG"),
                environment.GetValueOrDefault("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile)));

            using var certificate = authority.IssueClient(user, groups, security.ClientValidity, clock ?? TimeProvider.System);
            var existing = File.Exists(path) ? await File.ReadAllTextAsync(path) : null;
            string merged;
            try
            {
                merged = KubeconfigFile.Merge(existing, new KubeconfigEntry(
                    cluster, server, authority.CertificatePem(), user, PemFiles.CertificatePem(certificate), PemFiles.PrivateKeyPem(certificate), null, context, Single(flags, "--namespace")));
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{path} is {e.Message}", e);
            }

            KubeconfigFile.Write(path, merged);
            var groupText = groups.Count == 0 ? "no groups" : "groups " + string.Join(", ", groups);
            await output.WriteLineAsync($"kubeconfig: context {context} (user {user}, {groupText}; cluster {cluster} at {server}) written to {path}; the certificate is valid until {certificate.NotAfter.ToUniversalTime():u}");
            return 0;
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            // Bad input is the user's to fix: one line saying what, never a stack trace.
            await error.WriteLineAsync($"error: {message}");
            return UsageError;
        }
    }

    /// <summary>The command's own flags (--flag VALUE or --flag=VALUE), and the configuration arguments to pass on as the node reads them.</summary>
    private static (Dictionary<string, List<string>> Flags, List<string> NodeArgs) Parse(string[] args)
    {
        var flags = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var nodeArgs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = equals > 0 ? arg[..equals] : arg;
            if (flag.StartsWith("--", StringComparison.Ordinal) && flag.Contains(':', StringComparison.Ordinal) && equals > 0)
            {
                nodeArgs.Add(arg); // a configuration key, --api:tls:client-validity=30d, as the node takes it
                continue;
            }

            if (!ValueFlags.Contains(flag))
            {
                throw new ArgumentException($"unknown flag or argument '{arg}'\n{Usage}");
            }

            var value = equals > 0 ? arg[(equals + 1)..]
                : i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i]
                : throw new ArgumentException($"{flag} needs a value");
            if (value.Length == 0)
            {
                throw new ArgumentException($"{flag} needs a value");
            }

            if (flag is "--data-dir" or "--config")
            {
                nodeArgs.AddRange([flag, value]);
            }

            if (!flags.TryGetValue(flag, out var values))
            {
                flags[flag] = values = [];
            }

            values.Add(value);
        }

        return (flags, nodeArgs);
    }

    private static string? Single(Dictionary<string, List<string>> flags, string flag) =>
        flags.TryGetValue(flag, out var values) ? values.Count == 1 ? values[0] : throw new ArgumentException($"{flag} may be given once") : null;

    /// <summary>The node's API address as kubectl dials it: a wildcard address is reached on loopback.</summary>
    private static string DefaultServer(ApiServerSettings api)
    {
        var (host, port) = api.Endpoint();
        host = host is "0.0.0.0" or "::" or "[::]" or "localhost" ? "127.0.0.1" : host;
        return new UriBuilder(Uri.UriSchemeHttps, host, port).Uri.ToString().TrimEnd('/');
    }

    private static string? Describe(Exception e) => e switch
    {
        ArgumentException a => a.Message,
        SettingsException s => s.Message,
        HoconException h => h.Message,
        InvalidDataException { InnerException: HoconException h } => h.Message,
        InvalidDataException d => d.Message,
        YamlException y => y.Message,
        FileNotFoundException f => $"file not found: {f.FileName ?? f.Message}",
        IOException or UnauthorizedAccessException => e.Message,
        CryptographicException or InvalidOperationException => e.Message,
        _ => null,
    };
}
