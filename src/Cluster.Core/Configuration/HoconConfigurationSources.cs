using Cluster.Core.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace Cluster.Core.Configuration;

/// <summary>A HOCON file as an IConfiguration source; substitutions resolve before flattening.</summary>
public sealed class HoconFileConfigurationSource : FileConfigurationSource
{
    /// <summary>Answers substitutions the file does not set; the process environment unless replaced (tests inject a dictionary).</summary>
    public Func<string, string?>? EnvironmentLookup { get; set; } = HoconResolveOptions.WithProcessEnvironment().EnvironmentLookup;

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new HoconFileConfigurationProvider(this);
    }
}

/// <summary>
/// Loads a HOCON file. An empty file is an empty configuration (the specification's rule), not an
/// error. Includes resolve relative to the file's directory. A parse error surfaces as the
/// <see cref="HoconException"/> inside the framework's InvalidDataException.
/// </summary>
public sealed class HoconFileConfigurationProvider(HoconFileConfigurationSource source) : FileConfigurationProvider(source)
{
    public override void Load(Stream stream)
    {
        var hoconSource = (HoconFileConfigurationSource)Source;
        var physicalPath = hoconSource.FileProvider?.GetFileInfo(hoconSource.Path ?? string.Empty).PhysicalPath;
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        var options = new HoconParseOptions
        {
            SourceName = physicalPath ?? hoconSource.Path ?? "<stream>",
            BaseDirectory = physicalPath is null ? null : Path.GetDirectoryName(physicalPath),
        };
        var config = HoconConfig.Parse(reader.ReadToEnd(), options, new HoconResolveOptions { EnvironmentLookup = hoconSource.EnvironmentLookup });
        Data = HoconConfigurationFlattener.Flatten(config.Root);
    }
}

/// <summary>HOCON text held in memory as an IConfiguration source.</summary>
public sealed class HoconStringConfigurationSource : IConfigurationSource
{
    public required string Text { get; init; }

    /// <summary>Where includes in the text are looked up; the working directory when null.</summary>
    public string? BaseDirectory { get; init; }

    public Func<string, string?>? EnvironmentLookup { get; init; } = HoconResolveOptions.WithProcessEnvironment().EnvironmentLookup;

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconStringConfigurationProvider(this);
}

public sealed class HoconStringConfigurationProvider(HoconStringConfigurationSource source) : ConfigurationProvider
{
    public override void Load()
    {
        var config = HoconConfig.Parse(source.Text, new HoconParseOptions { BaseDirectory = source.BaseDirectory },
            new HoconResolveOptions { EnvironmentLookup = source.EnvironmentLookup });
        Data = HoconConfigurationFlattener.Flatten(config.Root);
    }
}
