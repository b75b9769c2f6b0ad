using System.Diagnostics;
using Cluster.Bench.Api;
using Cluster.Bench.Persistence;

namespace Cluster.Bench.MultiNode;

/// <summary>One node process of a <see cref="BenchCluster"/>, with a client for its API.</summary>
internal sealed class ClusterMember(string name, NodeProcess node, int clusterPort) : IAsyncDisposable
{
    public string Name => name;

    public NodeProcess Node => node;

    /// <summary>Its Akka address as <c>/cluster/members</c> names it (the actor system is the node's default, "cluster").</summary>
    public string Address => $"akka.tcp://cluster@127.0.0.1:{clusterPort}";

    /// <summary>Pooled HTTP/1.1 to this member, room for the paced runs' requests in flight.</summary>
    public ApiClient Api { get; } = new(node.BaseUri, 512);

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await node.DisposeAsync();
    }
}

/// <summary>
/// Cluster.Node processes on loopback forming one Akka cluster whose journal is one PostgreSQL schema of its
/// own (created fresh, dropped afterwards): member 1 is the first seed and joins itself, the others join
/// through it. Disposing stops every member and drops the schema.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private static readonly TimeSpan UpTimeout = TimeSpan.FromSeconds(60);
    private readonly PostgresBenchSchema schema;
    private readonly List<ClusterMember> members = [];

    private BenchCluster(PostgresBenchSchema schema) => this.schema = schema;

    public IReadOnlyList<ClusterMember> Members => members;

    public string Schema => schema.Schema;

    public int[] Pids => members.Select(m => m.Node.Pid).ToArray();

    public static async Task<BenchCluster> StartAsync(int size, string connectionString, string dataParent, CancellationToken ct)
    {
        var cluster = new BenchCluster(new PostgresBenchSchema(connectionString, $"cbench_{size}_{Guid.NewGuid().ToString("N")[..8]}"));
        await cluster.schema.CreateAsync();
        try
        {
            var clusterPorts = Enumerable.Range(0, size).Select(_ => NodeProcess.FreePort()).ToArray();
            // Member 1 must serve before the others can join through it; they then start side by side.
            cluster.members.Add(await StartMemberAsync(1, clusterPorts, connectionString, cluster.Schema, dataParent, ct));
            cluster.members.AddRange(await Task.WhenAll(Enumerable.Range(2, size - 1)
                .Select(i => StartMemberAsync(i, clusterPorts, connectionString, cluster.Schema, dataParent, ct))));
            await cluster.WaitUntilUpAsync(ct);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last log lines of every member, for an error message.</summary>
    public string LogTails() => string.Join(Environment.NewLine, members.Select(m => $"--- {m.Name}:{Environment.NewLine}{m.Node.LogTail()}"));

    /// <summary>Per member, user plus system CPU time so far (the CPU cost is summed over every member).</summary>
    public TimeSpan[] CpuTimes() => members.Select(m => ProcStats.CpuTime(m.Node.Pid)).ToArray();

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(members.Select(m => m.DisposeAsync().AsTask()));
        await schema.DropAsync();
    }

    private static async Task<ClusterMember> StartMemberAsync(
        int index, int[] clusterPorts, string connectionString, string schemaName, string dataParent, CancellationToken ct)
    {
        var name = $"node-{index}";
        string[] arguments =
        [
            "--node:name=" + name,
            $"--cluster-address=127.0.0.1:{clusterPorts[index - 1]}",
            $"--join=127.0.0.1:{clusterPorts[0]}",
            "--journal=postgres",
            "--akka:persistence:journal:cluster-sql:schema=" + schemaName,
        ];
        // The connection string goes by the environment, as a password would.
        var environment = new Dictionary<string, string> { ["CLUSTER_AKKA__PERSISTENCE__JOURNAL__CLUSTER_SQL__CONNECTION_STRING"] = connectionString };
        var node = await NodeProcess.StartAsync(dataParent, environment, NodeProcess.FreePort(), arguments, ct);
        return new ClusterMember(name, node, clusterPorts[index - 1]);
    }

    /// <summary>Waits until every member sees all members Up and none unreachable.</summary>
    private async Task WaitUntilUpAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var views = await Task.WhenAll(members.Select(m => MembersView.GetAsync(m.Api, TimeSpan.FromSeconds(2), ct)));
            if (views.All(v => v.Up == members.Count && v.Unreachable.Count == 0))
            {
                return;
            }

            if (clock.Elapsed > UpTimeout)
            {
                throw new TimeoutException($"the cluster did not reach {members.Count} members Up within {UpTimeout.TotalSeconds:0} s: "
                    + string.Join("; ", views.Select((v, i) => $"{members[i].Name} sees {v}")));
            }

            await Task.Delay(200, ct);
        }
    }
}
