using static Cluster.Bench.Api.Report;

namespace Cluster.Bench.MultiNode;

/// <summary>
/// A short, linear model of write and watch capacity per core, from the CPU this run measured. It is CPU only:
/// PostgreSQL's own CPU, the network and memory are not in it, so it says where CPU would stop growth, not that
/// nothing else does first.
/// </summary>
internal static class CapacityModel
{
    private static readonly int[] Sizes = [1, 3, 5, 9, 17];

    public static void Print(TextWriter output, CpuCost? one, CpuCost? three, CrossNodeWatch? watch, double writeRate)
    {
        output.WriteLine("== model (from this run's CPU figures; linear; PostgreSQL's CPU, the network and memory are left out) ==");
        if (one is null || three is null)
        {
            output.WriteLine(" needs the cpu phase (one and three members)");
            return;
        }

        // CPU-seconds per 1,000 writes are CPU-milliseconds per write.
        var (c1, c3) = (one.SecondsPer1000, three.SecondsPer1000);
        var perMember = (c3 - c1) / 2;
        output.WriteLine(F($" a write costs {c1:0.00} ms of CPU with one member, {c3:0.00} ms summed over three: {1_000 / c1:N0} writes/s per core on one member."));
        if (perMember > 0)
        {
            output.WriteLine(F($" each member beyond the first adds m = {perMember:0.00} ms per write: it follows every commit into its watch cache, and requests"));
            output.WriteLine("   cross members to the object's shard. Each object's writes are served by one member, so N members of one core each");
            output.WriteLine(F($"   sustain about N x 1000 / ({c1:0.00} + (N-1) x {perMember:0.00}) writes/s: ")
                + string.Join(", ", Sizes.Select(n => F($"{n} -> {n * 1_000 / (c1 + ((n - 1) * perMember)):N0}"))) + ";");
            output.WriteLine(F($"   it levels off at 1000 / m = {1_000 / perMember:N0} writes/s per core of each member, since every member pays for every write;"));
            output.WriteLine("   the one PostgreSQL they all write to may well be the limit before that.");
        }
        else
        {
            output.WriteLine(" three members cost no more per write than one in this run, so CPU would let write capacity grow with members");
            output.WriteLine("   until the one PostgreSQL they all write to is the limit.");
        }

        var delivery = watch?.DeliveryPerWatcher.TotalMicroseconds ?? 0;
        if (watch is null || delivery <= 0)
        {
            output.WriteLine(watch is null ? " watch: needs the watch phase" : " watch: delivering an event to a stream cost less than this run could tell apart");
            return;
        }

        var streamEventsPerCore = 1e6 / delivery;
        var following = Math.Clamp(writeRate * Math.Max(perMember, 0) / 1_000, 0, 1);
        output.WriteLine(F($" delivering one event to one watch stream costs {delivery:0.0} µs on the member holding it: {streamEventsPerCore:N0} stream-events/s per core."));
        output.WriteLine(F($"   Every member caches every event, so this is per member and does not improve with members: at {writeRate:N0} writes/s, each"));
        output.WriteLine(F($"   watched by every stream, a member's core spends {following:P0} following the writes and serves about {(1 - following) * streamEventsPerCore / writeRate:N0}"));
        output.WriteLine("   such streams with the rest; the cluster serves more streams only by spreading them over more members.");
    }
}
