using Cluster.Controllers.Hosting;
using Cluster.Core.Configuration;
using Cluster.Node.Configuration;
using Microsoft.Extensions.Configuration;

namespace Cluster.Node.Tests.Controllers;

/// <summary>The controllers.local-volumes section read through the node's real configuration layers.</summary>
public sealed class LocalVolumeSettingsTests
{
    private static ControllerSettings Read(params string[] args)
    {
        var builder = new ConfigurationBuilder();
        NodeConfiguration.AddNodeSources(builder, args, new Dictionary<string, string?>());
        return ControllerSettings.FromConfiguration(builder.Build());
    }

    [Fact]
    public void Defaults_VolumesUnderTheDataDirectory_DefaultLocalPathClass()
    {
        var settings = Read("--data-dir=/srv/node").LocalVolumes;

        Assert.Equal(Path.GetFullPath("/srv/node/volumes"), settings.BaseDirectory);
        Assert.Equal(("local-path", true), (settings.StorageClass, settings.DefaultClass));
    }

    [Fact]
    public void BaseDir_Configured_WinsOverTheDataDirectory()
    {
        var settings = Read("--data-dir=/srv/node", "--controllers:local-volumes:base-dir=/mnt/disks", "--controllers:local-volumes:default-class=off").LocalVolumes;

        Assert.Equal((Path.GetFullPath("/mnt/disks"), false), (settings.BaseDirectory, settings.DefaultClass));
    }

    [Theory]
    [InlineData("Local_Path")]
    [InlineData("-bad")]
    public void StorageClass_NotADnsName_Refused(string name)
    {
        var e = Assert.Throws<SettingsException>(() => Read("--controllers:local-volumes:storage-class=" + name));

        Assert.Contains("controllers.local-volumes.storage-class", e.Message, StringComparison.Ordinal);
    }
}
