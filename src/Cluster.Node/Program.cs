using Microsoft.Extensions.Hosting;
using Cluster.Core.Configuration;
using Cluster.Node;

try
{
    using var host = NodeHost.CreateBuilder(args).Build();
    await host.RunAsync();
    return 0;
}
catch (SettingsException e)
{
    // A bad configuration stops the node at start-up with the key and the rule, not a stack trace.
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 78;
}
