using System.Text.Json;
using Cluster.Core.Configuration;
using Cluster.Core.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace Cluster.Node.Configuration;

/// <summary>
/// The node's configuration layers, lowest first: <c>hocon/reference.conf</c> (every default),
/// the user's file (<c>--config FILE</c>), environment variables (<c>CLUSTER_ACTORS__ASK_TIMEOUT=5s</c>
/// sets <c>actors.ask-timeout</c>: <c>__</c> separates path elements, <c>_</c> becomes <c>-</c>), then
/// command-line flags (<c>--actors:ask-timeout=5s</c>).
/// </summary>
public static class NodeConfiguration
{
    public const string EnvironmentPrefix = "CLUSTER_";
    public const string ConfigFileFlag = "config";

    public static string ReferencePath => Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf");

    /// <summary>Short flags and the configuration keys they set.</summary>
    private static readonly Dictionary<string, string> FlagAliases = new(StringComparer.Ordinal)
    {
        ["--data-dir"] = "node:data-dir",
        ["--api-address"] = "api:address",
        ["--cluster-address"] = "cluster:address",
        ["--join"] = "cluster:join",
        ["--roles"] = "cluster:roles",
        ["--journal"] = "akka:persistence:journal:cluster-sql:provider",
        ["--connection-string"] = "akka:persistence:journal:cluster-sql:connection-string",
        ["--runtime"] = "agent:runtime",
        ["--simulated-nodes"] = "agent:simulated-nodes",
    };

    /// <summary>Switches: given alone they set their key to true (<c>--insecure-http</c>), or to the value after '='.</summary>
    private static readonly Dictionary<string, string> SwitchAliases = new(StringComparer.Ordinal)
    {
        ["--insecure-http"] = "api:insecure-http",
    };

    /// <summary>Flags that may be given more than once; each occurrence becomes the next list element.</summary>
    private static readonly HashSet<string> RepeatableFlags = new(StringComparer.Ordinal) { "--join" };

    /// <summary>Rewrites the short flags (<c>--data-dir DIR</c>, <c>--api-address HOST:PORT</c>, <c>--join HOST:PORT</c> repeatable, also with '=') into configuration keys.</summary>
    public static string[] NormalizeFlags(string[] args)
    {
        var result = new List<string>(args.Length);
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = equals > 0 ? arg[..equals] : arg;
            if (SwitchAliases.TryGetValue(flag, out var switchKey))
            {
                result.Add($"--{switchKey}={(equals > 0 ? arg[(equals + 1)..] : "true")}");
            }
            else if (FlagAliases.TryGetValue(flag, out var key))
            {
                var value = equals > 0 ? arg[(equals + 1)..] : i + 1 < args.Length ? args[++i] : throw new SettingsException($"{flag} needs a value");
                if (RepeatableFlags.Contains(flag))
                {
                    var n = occurrences.GetValueOrDefault(flag);
                    occurrences[flag] = n + 1;
                    key += ":" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                result.Add($"--{key}={value}");
            }
            else
            {
                result.Add(arg);
            }
        }

        return [.. result];
    }

    /// <summary>The user's configuration file named by <c>--config</c>, if any.</summary>
    public static string? ConfigFile(string[] args)
    {
        var file = new ConfigurationBuilder().AddCommandLine(args).Build()[ConfigFileFlag];
        return string.IsNullOrWhiteSpace(file) ? null : Path.GetFullPath(file);
    }

    /// <summary>Replaces the builder's sources with the node's layers.</summary>
    public static void AddNodeSources(IConfigurationBuilder builder, string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        args = NormalizeFlags(args);
        builder.Sources.Clear();
        builder.AddHoconFile(ReferencePath, optional: false);
        if (ConfigFile(args) is { } file)
        {
            builder.AddHoconFile(file, optional: false);
        }

        builder.AddInMemoryCollection(EnvironmentOverrides(environment).Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)));
        builder.AddCommandLine(args);
    }

    /// <summary>Configuration keys set by <c>CLUSTER_</c> environment variables.</summary>
    public static IEnumerable<(string Key, string Value, string Variable)> EnvironmentOverrides(IReadOnlyDictionary<string, string?> environment)
    {
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (value is null || !name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) || name.Length == EnvironmentPrefix.Length)
            {
                continue;
            }

            var segments = name[EnvironmentPrefix.Length..]
                .Split("__")
                .Select(s => s.ToLowerInvariant().Replace('_', '-'));
            yield return (string.Join(':', segments), value, name);
        }
    }

    /// <summary>The process environment as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

    /// <summary>
    /// The effective configuration as a HOCON tree, every value carrying its origin (file and line,
    /// environment variable, or command line): what <c>config show</c> prints.
    /// </summary>
    public static HoconConfig Effective(string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        args = NormalizeFlags(args);
        var resolve = new HoconResolveOptions { EnvironmentLookup = name => environment.TryGetValue(name, out var v) ? v : null };
        var effective = HoconConfig.Load(ReferencePath, null, resolve);
        if (ConfigFile(args) is { } file)
        {
            effective = HoconConfig.Load(file, null, resolve).WithFallback(effective);
        }

        foreach (var (key, value, variable) in EnvironmentOverrides(environment))
        {
            effective = Override(effective, key, value, $"environment variable {variable}");
        }

        foreach (var (key, value) in new ConfigurationBuilder().AddCommandLine(args).Build().AsEnumerable())
        {
            if (value is not null && !key.Equals(ConfigFileFlag, StringComparison.OrdinalIgnoreCase))
            {
                effective = Override(effective, key, value, "command line");
            }
        }

        return effective;
    }

    private static HoconConfig Override(HoconConfig config, string key, string value, string origin)
    {
        var path = string.Join('.', key.Split(':').Select(segment => JsonSerializer.Serialize(segment)));
        var text = $"{path} = {JsonSerializer.Serialize(value)}";
        return HoconConfig.Parse(text, new HoconParseOptions { SourceName = origin }).WithFallback(config);
    }
}
