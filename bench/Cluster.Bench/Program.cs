using Cluster.Bench.Hocon;

// One entry point per benchmarked subsystem: `dotnet run -c Release --project bench/Cluster.Bench -- <name> [args]`.
switch (args.FirstOrDefault())
{
    case "hocon":
        return HoconBenchmark.Run(args[1..]);
    default:
        Console.Error.WriteLine("usage: Cluster.Bench <benchmark> [args]");
        Console.Error.WriteLine("  hocon [iterations]   parse time of Akka's reference.conf and hocon/reference.conf");
        return 2;
}
