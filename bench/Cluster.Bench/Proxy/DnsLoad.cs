using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Cluster.Bench.Proxy;

/// <summary>What a DNS load run measured.</summary>
internal sealed record DnsFigures(string Tool, long Answered, long Failed, double Seconds, string ResponseCodes)
{
    public double QueriesPerSecond => Seconds > 0 ? Answered / Seconds : 0;
}

/// <summary>
/// A-record load on a DNS server. It runs with dnsperf (DNS-OARC's load tool, Debian's <c>dnsperf</c>, installed with
/// apt-get when missing) because the server shares this machine's cores with the load: dnsperf's C loop leaves the
/// server more of them than a managed one. Without dnsperf a built-in UDP generator runs and the output says so.
/// </summary>
internal static partial class DnsLoad
{
    private const string Dnsperf = "/usr/bin/dnsperf";

    public static async Task<DnsFigures> RunAsync(IPEndPoint server, IReadOnlyList<string> names, int clients, int seconds, TextWriter log, CancellationToken ct)
    {
        if (EnsureDnsperf(log))
        {
            return await WithDnsperfAsync(server, names, clients, seconds, ct);
        }

        var (answered, failed) = await BuiltInAsync(server, names, clients, seconds, ct);
        return new DnsFigures("built-in UDP clients", answered, failed, seconds, "");
    }

    private static bool EnsureDnsperf(TextWriter log)
    {
        if (File.Exists(Dnsperf))
        {
            return true;
        }

        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get"))
        {
            log.WriteLine("  (dnsperf not found and apt-get is not there: the built-in load generator runs instead)");
            return false;
        }

        var info = new ProcessStartInfo("/usr/bin/apt-get", "install -y --no-install-recommends dnsperf")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["DEBIAN_FRONTEND"] = "noninteractive" },
        };
        using var apt = Process.Start(info)!;
        apt.StandardOutput.ReadToEnd();
        apt.StandardError.ReadToEnd();
        apt.WaitForExit();
        if (File.Exists(Dnsperf))
        {
            log.WriteLine("  (installed Debian's dnsperf)");
            return true;
        }

        log.WriteLine("  (could not install dnsperf: the built-in load generator runs instead; apt-get install dnsperf as root)");
        return false;
    }

    private static async Task<DnsFigures> WithDnsperfAsync(IPEndPoint server, IReadOnlyList<string> names, int clients, int seconds, CancellationToken ct)
    {
        var queries = Path.Combine(Path.GetTempPath(), $"dnsperf-{Environment.ProcessId}.txt");
        await File.WriteAllLinesAsync(queries, names.Select(n => n + " A"), ct);
        try
        {
            var info = new ProcessStartInfo(Dnsperf) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[]
            {
                "-s", server.Address.ToString(), "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-d", queries,
                "-l", seconds.ToString(CultureInfo.InvariantCulture), "-c", clients.ToString(CultureInfo.InvariantCulture), "-q", "200", "-t", "2",
            })
            {
                info.ArgumentList.Add(argument);
            }

            using var dnsperf = Process.Start(info)!;
            var error = dnsperf.StandardError.ReadToEndAsync(ct);
            var output = await dnsperf.StandardOutput.ReadToEndAsync(ct);
            await dnsperf.WaitForExitAsync(ct);
            var completed = Field(output, CompletedPattern());
            var lost = Field(output, LostPattern());
            var elapsed = Field(output, RunTimePattern());
            if (dnsperf.ExitCode != 0 || completed is null || elapsed is null)
            {
                throw new InvalidOperationException("dnsperf failed: " + output + await error);
            }

            var codes = ResponseCodesPattern().Match(output) is { Success: true } m ? m.Groups[1].Value.Trim() : "";
            return new DnsFigures("dnsperf", (long)completed.Value, (long)(lost ?? 0), elapsed.Value, codes);
        }
        finally
        {
            File.Delete(queries);
        }
    }

    private static double? Field(string output, Regex pattern) =>
        pattern.Match(output) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"Queries completed:\s+(\d+)")]
    private static partial Regex CompletedPattern();

    [GeneratedRegex(@"Queries lost:\s+(\d+)")]
    private static partial Regex LostPattern();

    [GeneratedRegex(@"Run time \(s\):\s+([\d.]+)")]
    private static partial Regex RunTimePattern();

    [GeneratedRegex(@"Response codes:\s+(.*)")]
    private static partial Regex ResponseCodesPattern();

    private static async Task<(long Answered, long Failed)> BuiltInAsync(IPEndPoint server, IReadOnlyList<string> names, int clients, int seconds, CancellationToken ct)
    {
        long answered = 0, failed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(TimeSpan.FromSeconds(seconds));
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            await socket.ConnectAsync(server, ct);
            var buffer = new byte[4096];
            var random = new Random(c);
            while (!stop.IsCancellationRequested)
            {
                var id = (ushort)random.Next(ushort.MaxValue);
                var packet = Encode(id, names[random.Next(names.Count)]);
                try
                {
                    await socket.SendAsync(packet, stop.Token);
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                    wait.CancelAfter(TimeSpan.FromSeconds(1));
                    var read = await socket.ReceiveAsync(buffer, wait.Token);
                    // The header is enough to judge the answer (id, NOERROR, one or more answers): parsing it whole
                    // here cost this process the CPU the server on the same two cores needs.
                    if (read >= 12 && ((buffer[0] << 8) | buffer[1]) == id && (buffer[3] & 0x0F) == 0 && ((buffer[6] << 8) | buffer[7]) > 0)
                    {
                        Interlocked.Increment(ref answered);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }, ct)));
        return (answered, failed);
    }

    /// <summary>A standard query (recursion desired) for the A record of <paramref name="name"/>.</summary>
    private static byte[] Encode(ushort id, string name)
    {
        var bytes = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, 0, 1, 0, 1]);
        return [.. bytes];
    }
}
