using Cluster.Bench.Actors;

return args.FirstOrDefault() switch
{
    "actors" => ActorBenchmark.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Cluster.Bench <benchmark> [options]");
    Console.Error.WriteLine("  actors [--quick]   actor runtime: tell, ask, spawn/stop, memory per actor");
    return 2;
}
