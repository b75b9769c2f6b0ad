using Cluster.Core.Configuration;
using Cluster.Core.Configuration.Hocon;
using Microsoft.Extensions.Configuration;

namespace Cluster.Core.Tests.Configuration;

public sealed class HoconConfigurationProviderTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hocon-provider-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void AddHoconFile_AkkaReference_FlattensToColonKeys()
    {
        var configuration = new ConfigurationBuilder()
            .AddHoconFile(ConformanceVectors.PathOf("akkadotnet/reference.conf"), optional: false)
            .Build();

        Assert.Equal("0.0.1 Akka", configuration["akka:version"]);
        Assert.Equal("Akka.Actor.LocalActorRefProvider", configuration["akka:actor:provider"]);
        Assert.Equal("512", configuration["akka:io:tcp:direct-buffer-pool:buffer-size"]);
    }

    [Fact]
    public void AddHoconFile_QuotedKeyWithDots_StaysOneSegment()
    {
        var configuration = new ConfigurationBuilder()
            .AddHoconFile(ConformanceVectors.PathOf("akkadotnet/appsettings.conf"))
            .Build();

        Assert.Equal("Information", configuration["Logging:LogLevel:Microsoft.Hosting.Lifetime"]);
        Assert.Equal("Warning", configuration["logging:loglevel:microsoft"]);
        Assert.Equal("*", configuration["AllowedHosts"]);
    }

    [Fact]
    public void AddHocon_ArraysNullsAndScalars_FlattenAsDocumented()
    {
        var configuration = new ConfigurationBuilder()
            .AddHocon("""
                list = [a, { b = 1 }, [x, y]]
                pi = 3.140
                big = 1e5
                flag = on
                yes = true
                cleared = null
                empty-object {}
                empty-list = []
                timeout = 10s
                """)
            .Build();

        Assert.Equal("a", configuration["list:0"]);
        Assert.Equal("1", configuration["list:1:b"]);
        Assert.Equal("y", configuration["list:2:1"]);
        Assert.Equal("3.140", configuration["pi"]);
        Assert.Equal("1e5", configuration["big"]);
        Assert.Equal("on", configuration["flag"]);
        Assert.Equal("true", configuration["yes"]);
        Assert.Null(configuration["cleared"]);
        Assert.Contains(configuration.GetChildren(), section => section.Key == "empty-object");
        Assert.Contains(configuration.GetChildren(), section => section.Key == "empty-list");
        Assert.True(ConfigValueParsers.TryParseDuration(configuration["timeout"], out var timeout));
        Assert.Equal(TimeSpan.FromSeconds(10), timeout);
    }

    [Fact]
    public void AddHocon_KeysDifferingOnlyInCase_Throw()
    {
        var builder = new ConfigurationBuilder().AddHocon("Port = 1\nport = 2");

        var error = Assert.Throws<HoconException>(builder.Build);

        Assert.Equal(HoconErrorKind.BadPath, error.Kind);
    }

    [Fact]
    public void AddHocon_SubstitutionFromInjectedEnvironment_ResolvesBeforeFlattening()
    {
        var configuration = new ConfigurationBuilder()
            .AddHocon(new HoconStringConfigurationSource
            {
                Text = "db { host = ${?DB_HOST}, url = \"postgres://\"${db.host} }",
                EnvironmentLookup = name => name == "DB_HOST" ? "db.local" : null,
            })
            .Build();

        Assert.Equal("postgres://db.local", configuration["db:url"]);
    }

    [Fact]
    public void AddHoconFile_MissingOptional_IsEmptyAndMissingRequired_Throws()
    {
        var missing = Path.Combine(_directory.FullName, "absent.conf");

        var optional = new ConfigurationBuilder().AddHoconFile(missing, optional: true).Build();

        Assert.Empty(optional.AsEnumerable());
        Assert.Throws<FileNotFoundException>(() => new ConfigurationBuilder().AddHoconFile(missing, optional: false).Build());
    }

    [Fact]
    public void AddHoconFile_EmptyFile_IsEmptyConfiguration()
    {
        var empty = Write("empty.conf", string.Empty);

        var configuration = new ConfigurationBuilder().AddHoconFile(empty).Build();

        Assert.Empty(configuration.AsEnumerable());
    }

    [Fact]
    public void AddHoconFile_BrokenFile_ReportsHoconExceptionWithLineAndColumn()
    {
        var broken = Write("broken.conf", "a = 1\nb = foo*bar\n");

        var error = Assert.ThrowsAny<Exception>(() => new ConfigurationBuilder().AddHoconFile(broken).Build());

        var hocon = Assert.IsType<HoconException>(error.InnerException);
        Assert.Equal(2, hocon.Origin.Line);
        Assert.Equal(8, hocon.Origin.Column);
        Assert.EndsWith("broken.conf", hocon.Origin.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Layering_ReferenceUserEnvironmentCommandLine_LaterSourceWinsPerKey()
    {
        var reference = Path.Combine(ConformanceVectors.RepositoryRoot, "hocon", "reference.conf");
        var user = Write("user.conf", "registry { request-timeout = 20s, snapshot-every = 0 }");
        var prefix = $"HOCON_LAYER_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "registry__snapshot-every", "5");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddHoconFile(reference)
                .AddHoconFile(user)
                .AddEnvironmentVariables(prefix)
                .AddCommandLine(["--registry:watch-cache:history=7"])
                .Build();

            Assert.Equal("20s", configuration["registry:request-timeout"]);
            Assert.Equal("5", configuration["registry:snapshot-every"]);
            Assert.Equal("7", configuration["registry:watch-cache:history"]);
            Assert.Equal("30s", configuration["registry:passivate-idle-after"]);
            Assert.Equal("keep-majority", configuration["akka:cluster:split-brain-resolver:active-strategy"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "registry__snapshot-every", null);
        }
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }
}
