using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Cluster.Bench.Api;

namespace Cluster.Bench.Actors;

/// <summary>
/// The CPU floor of one request that crosses members: paced asks from this process to an echo actor in a second
/// process over Akka.Remote on loopback (what a write that lands on a member other than its object's owner pays on
/// top of the same write served where it lands), against the same asks to an echo actor in this process. CPU is
/// summed over both processes from /proc, as the cluster benchmark sums its members. Prints figures; asserts nothing.
/// </summary>
public static class RemoteCost
{
    public const string Usage = "remote [--rate N] [--seconds N] [--payload BYTES] [--akka HOCON]";

    private const string EchoCommand = "remote-echo";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(3);

    private sealed record Cost(string Mode, LatencySummary Asks, TimeSpan Cpu, double IdleCores)
    {
        public double MicrosecondsPerAsk => Asks.Count == 0 ? double.NaN : (Cpu.TotalMicroseconds - (IdleCores * Asks.Elapsed.TotalMicroseconds)) / Asks.Count;
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m, Self));
    }

    public static async Task<int> Run(string[] args)
    {
        if (args.FirstOrDefault() == EchoCommand)
        {
            return await ServeEchoAsync(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), args.Length > 2 ? args[2] : "");
        }

        var rate = double.Parse(CommandLine.Option(args, "--rate") ?? "333", System.Globalization.CultureInfo.InvariantCulture);
        var seconds = TimeSpan.FromSeconds(double.Parse(CommandLine.Option(args, "--seconds") ?? "20", System.Globalization.CultureInfo.InvariantCulture));
        var payload = new byte[int.Parse(CommandLine.Option(args, "--payload") ?? "1000", System.Globalization.CultureInfo.InvariantCulture)];
        new Random(7).NextBytes(payload);

        var extra = CommandLine.Option(args, "--akka") ?? "";
        var port = FreePort();
        using var child = StartEcho(port, extra);
        try
        {
            var costs = await ActorSystems.RunAsync("bench-remote", RemoteConfig(0, extra), async system =>
            {
                var local = system.ActorOf(Props.Create(() => new Echo()), "echo");
                var remote = await system.ActorSelection($"akka.tcp://echo@127.0.0.1:{port}/user/echo").ResolveOne(TimeSpan.FromSeconds(30));
                int[] pids = [Environment.ProcessId, child.Id];
                return new[]
                {
                    await MeasureAsync("same process", local, pids, rate, seconds, payload),
                    await MeasureAsync("across processes (Akka.Remote, loopback TCP)", remote, pids, rate, seconds, payload),
                };
            });

            Console.WriteLine();
            Console.WriteLine($"# ask round trips, {rate:N0}/s for {seconds.TotalSeconds:0} s, {payload.Length:N0}-byte message and answer; CPU of both processes less their idle CPU");
            if (extra.Length > 0)
            {
                Console.WriteLine($"  with: {extra}");
            }

            Console.WriteLine(" asks to the echo actor                          asks  p50 ms  p99 ms  CPU µs per ask");
            foreach (var c in costs)
            {
                Console.WriteLine($" {c.Mode,-46}{c.Asks.Count,6:N0}{c.Asks.P50Ms,8:0.00}{c.Asks.P99Ms,8:0.00}{c.MicrosecondsPerAsk,16:0}");
            }

            Console.WriteLine($" crossing processes adds {costs[1].MicrosecondsPerAsk - costs[0].MicrosecondsPerAsk:0} µs of CPU per round trip at this rate");
            return 0;
        }
        finally
        {
            child.StandardInput.Close();
            if (!child.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                child.Kill();
            }
        }
    }

    private static async Task<Cost> MeasureAsync(string mode, IActorRef echo, int[] pids, double rate, TimeSpan duration, byte[] payload)
    {
        await AskPacedAsync(echo, rate, WarmUp, payload);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var idleFrom = CpuOf(pids);
        var idleClock = Stopwatch.StartNew();
        await Task.Delay(Idle);
        var idleCores = (CpuOf(pids) - idleFrom) / idleClock.Elapsed;
        var from = CpuOf(pids);
        var asks = await AskPacedAsync(echo, rate, duration, payload);
        return new Cost(mode, asks, CpuOf(pids) - from, idleCores);
    }

    private static Task<LatencySummary> AskPacedAsync(IActorRef echo, double rate, TimeSpan duration, byte[] payload) =>
        Load.PacedAsync(rate, duration, async _ =>
        {
            var answer = await echo.Ask<byte[]>(payload, AskTimeout);
            return answer.Length == payload.Length ? null : "wrong answer";
        }, CancellationToken.None);

    private static TimeSpan CpuOf(int[] pids) => pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + ProcStats.CpuTime(pid));

    private static async Task<int> ServeEchoAsync(int port, string extra)
    {
        return await ActorSystems.RunAsync("echo", RemoteConfig(port, extra), async system =>
        {
            system.ActorOf(Props.Create(() => new Echo()), "echo");
            Console.WriteLine("ready");
            await Console.In.ReadToEndAsync();
            return 0;
        });
    }

    private static Process StartEcho(int port, string extra)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(RemoteCost).Assembly.Location);
        start.ArgumentList.Add("remote");
        start.ArgumentList.Add(EchoCommand);
        start.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add(extra);
        var child = Process.Start(start)!;
        if (child.StandardOutput.ReadLine() != "ready")
        {
            throw new InvalidOperationException("the echo process did not start");
        }

        return child;
    }

    private static Config RemoteConfig(int port, string extra) => ConfigurationFactory.ParseString($$"""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{port}} }
        {{extra}}
        """);

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
