using Cluster.Core.Configuration;
using Cluster.Core.Configuration.Hocon;
using Cluster.Node;
using Cluster.Node.Configuration;
using Cluster.Node.Management;

try
{
    if (args is ["config", "show", .. var rest])
    {
        var effective = NodeConfiguration.Effective(rest, NodeConfiguration.ProcessEnvironment());
        Console.WriteLine(HoconJsonRenderer.Render(effective, HoconRenderOptions.Show));
        return 0;
    }

    if (args is ["cluster", .. var clusterArgs])
    {
        var console = Spectre.Console.AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            // Piped output is read by scripts: a table squeezed into Spectre's default 80 columns (TLS
            // addresses, akka.ssl.tcp://..., make the members table wider) would wrap its cells.
            console.Profile.Width = 200;
        }

        return await ClusterCli.RunAsync(clusterArgs, console);
    }

    if (args is ["kubeconfig", .. var kubeconfigArgs])
    {
        return await KubeconfigCommand.RunAsync(kubeconfigArgs, Console.Out, Console.Error);
    }

    await using var app = NodeHost.Build(args);
    await app.RunAsync();

    // Akka.Hosting sets a non-zero exit code when the cluster downed or removed this member (the
    // minority side of a partition, say): it must be restarted to rejoin, so a supervisor should.
    return Environment.ExitCode;
}
catch (OperationCanceledException)
{
    // Ctrl+C or SIGTERM while the node was still starting: the start was abandoned and the
    // actor system shut down; that is a clean stop too.
    return 0;
}
catch (Exception e) when (StartupError.Describe(e) is { } message)
{
    // A broken configuration stops the node with where and what, never a stack trace.
    await Console.Error.WriteLineAsync($"error: {message}");
    return 78;
}

/// <summary>Start-up failures that are the user's configuration or environment, not a bug.</summary>
internal static class StartupError
{
    public static string? Describe(Exception e) => e switch
    {
        SettingsException s => s.Message,
        HoconException h => h.Message,
        InvalidDataException { InnerException: HoconException h } => h.Message,
        FileNotFoundException f => $"configuration file not found: {f.FileName ?? f.Message}",
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } io =>
            io.Message + " Is another node running? Choose another address with --api-address HOST:PORT.",
        _ => null,
    };
}
