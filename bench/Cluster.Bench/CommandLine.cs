using System.Globalization;

namespace Cluster.Bench;

/// <summary>The benchmarks' options: <c>--name value</c> pairs and bare flags, read from the arguments after the benchmark's name.</summary>
internal static class CommandLine
{
    /// <summary>The value after <paramref name="name"/>, or null when it is not given.</summary>
    public static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public static int? Int(string[] args, string name) =>
        Option(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    /// <summary>
    /// A source Ctrl+C cancels instead of ending the process, so the benchmark stops what it started (servers,
    /// nodes) and removes their data before it exits.
    /// </summary>
    public static CancellationTokenSource CancelOnCtrlC()
    {
        var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return cancel;
    }

    public static TimeSpan? Seconds(string[] args, string name) =>
        Option(args, name) is { } text ? TimeSpan.FromSeconds(double.Parse(text, CultureInfo.InvariantCulture)) : null;
}
