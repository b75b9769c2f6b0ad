using Microsoft.Extensions.Configuration;

namespace Cluster.Core.Configuration;

/// <summary>
/// Adds HOCON sources to a ConfigurationBuilder. Sources layer per flattened key (later wins), so
/// the usual order is reference.conf, then the user's file, then environment variables, then
/// command-line flags. HOCON merge semantics (null blocking, substitutions seeing overrides) apply
/// only within one source: to get them across files, include one file from the other.
/// </summary>
public static class HoconConfigurationExtensions
{
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false,
        bool reloadOnChange = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.AddHoconFile(source =>
        {
            source.Path = path;
            source.Optional = optional;
            source.ReloadOnChange = reloadOnChange;
            source.ResolveFileProvider();
        });
    }

    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, Action<HoconFileConfigurationSource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(configure);
    }

    public static IConfigurationBuilder AddHocon(this IConfigurationBuilder builder, string text, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(text);
        return builder.Add(new HoconStringConfigurationSource { Text = text, BaseDirectory = baseDirectory });
    }

    public static IConfigurationBuilder AddHocon(this IConfigurationBuilder builder, HoconStringConfigurationSource source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(source);
    }
}
