using Cluster.Controllers.Framework;

namespace Cluster.Controllers.Tests.Framework;

public sealed class ControllerSelectionSpec
{
    private static readonly string[] Known = ["replicaset", "deployment", "cronjob", "bootstrapsigner"];

    [Theory]
    [InlineData("*", "replicaset", true, true)]
    [InlineData("*", "bootstrapsigner", false, false)]
    [InlineData("*,-cronjob", "cronjob", true, false)]
    [InlineData("*,-cronjob", "deployment", true, true)]
    [InlineData("*,bootstrapsigner", "bootstrapsigner", false, true)]
    [InlineData("replicaset", "replicaset", true, true)]
    [InlineData("replicaset", "deployment", true, false)]
    [InlineData("-cronjob,cronjob,*", "cronjob", true, false)]
    [InlineData("cronjob,-cronjob", "cronjob", true, true)]
    [InlineData(" * , -deployment ", "deployment", true, false)]
    public void IsEnabled_FirstEntryNamingTheControllerDecides_StarTakesTheDefaults(string list, string controller, bool onByDefault, bool enabled)
    {
        Assert.Equal(enabled, ControllerSelection.Parse(list, Known).IsEnabled(controller, onByDefault));
    }

    [Theory]
    [InlineData("*,-cronjobs", "\"-cronjobs\" is not in the list of known controllers")]
    [InlineData("replica-set", "\"replica-set\" is not in the list of known controllers")]
    public void Parse_UnknownController_RefusedNamingIt(string list, string message)
    {
        var error = Assert.Throws<FormatException>(() => ControllerSelection.Parse(list, Known));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("bootstrapsigner, cronjob, deployment, replicaset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_EverythingOnByDefault()
    {
        Assert.True(ControllerSelection.Default.IsEnabled("replicaset"));
        Assert.False(ControllerSelection.Default.IsEnabled("bootstrapsigner", onByDefault: false));
    }
}
