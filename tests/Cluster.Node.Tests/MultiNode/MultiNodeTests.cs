using System.Globalization;
using Cluster.Node.Tests.Kubectl;
using Xunit.Abstractions;

namespace Cluster.Node.Tests.MultiNode;

/// <summary>The multi-node scenarios share the machine's two cores: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiNodeCollection
{
    public const string Name = "multi-node";
}

/// <summary>Three node processes on loopback, one Akka cluster over one PostgreSQL journal.</summary>
[Collection(MultiNodeCollection.Name)]
public sealed class MultiNodeTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("multinode-kubectl-").FullName;

    [PostgresFact]
    public async Task ThreeNodes_KubectlOnEachNode_SeesTheSameObjectsAndVersions_AndShardsSpreadOverAll()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3);
        await File.WriteAllTextAsync(Path.Combine(_work, "spread-ns.yaml"), Manifests.Namespace("spread"));
        await KubectlAsync(cluster.Members[0], "apply", "-f", Path.Combine(_work, "spread-ns.yaml"));
        for (var i = 0; i < cluster.Members.Count; i++)
        {
            var manifest = Path.Combine(_work, $"spread-{i}.yaml");
            await File.WriteAllTextAsync(manifest, string.Join("\n---\n", Enumerable.Range(0, 10).Select(k => Manifests.ConfigMap("spread", $"cm-{i}-{k}", "k", $"v{k}"))));
            await KubectlAsync(cluster.Members[i], "apply", "-f", manifest);
        }

        var views = new List<string>();
        foreach (var member in cluster.Members)
        {
            views.Add(await KubectlAsync(member, "get", "configmaps", "-n", "spread", "--sort-by=.metadata.name", "-o", "custom-columns=NAME:.metadata.name,RV:.metadata.resourceVersion,UID:.metadata.uid"));
        }

        // The 30 made here (the root-ca-cert-publisher's kube-root-ca.crt besides).
        Assert.Equal(30, views[0].Split('\n').Count(row => row.StartsWith("cm-", StringComparison.Ordinal)));
        Assert.All(views, view => Assert.Equal(views[0], view));

        var shards = await cluster.Members[1].GetJsonAsync("/cluster/shards/registry");
        var regions = shards["regions"]!.AsArray();
        output.WriteLine(shards.ToJsonString());
        Assert.Equal(3, regions.Count);
        Assert.All(regions, region => Assert.NotEmpty(region!["shards"]!.AsArray()));
        Assert.Equal(cluster.Members.Select(m => m.Address).Order(), regions.Select(r => r!["address"]!.GetValue<string>()).Order());

        // The management CLI prints the same, and a member asked to leave leaves (and its process ends).
        var members = await CliAsync("members", "--server", cluster.Members[0].ApiBase.ToString(), "--kubeconfig", cluster.Members[0].Kubeconfig);
        Assert.All(cluster.Members, m => Assert.Contains(m.Address, members, StringComparison.Ordinal));
        Assert.Equal(3, members.Split('\n').Count(line => line.Contains(" Up ", StringComparison.Ordinal)));
        var shardTable = await CliAsync("shards", "--server", cluster.Members[1].ApiBase.ToString(), "--kubeconfig", cluster.Members[1].Kubeconfig);
        Assert.All(cluster.Members, m => Assert.Contains(m.Address, shardTable, StringComparison.Ordinal));
        var leaving = await CliAsync("leave", $"127.0.0.1:{cluster.Members[2].ClusterPort}", "--server", cluster.Members[0].ApiBase.ToString(), "--kubeconfig", cluster.Members[0].Kubeconfig);
        Assert.Contains("Leaving " + cluster.Members[2].Address, leaving, StringComparison.Ordinal);
        await cluster.WaitForUpAsync(2, TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, await cluster.Members[2].WaitForExitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Runs <c>Cluster.Node cluster ARGS</c> and returns what it printed; it must succeed.</summary>
    internal static async Task<string> CliAsync(params string[] args)
    {
        using var cli = NodeProcess.Start(["cluster", .. args]);
        var code = await cli.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(code == 0, $"cluster {string.Join(' ', args)} exited {code}:\n{cli.Output}");
        return cli.Output;
    }

    [PostgresFact]
    public async Task KillOneNode_UnderSteadyWrites_ItsShardsAnswerOnTheSurvivors_AndNoWriteOrWatchEventIsLost()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3);
        var names = Enumerable.Range(0, 12).Select(i => "cm-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var load = new ConfigMapLoad(cluster.Members[0], "failover", names, TimeSpan.FromSeconds(5));
        await load.CreateAsync();
        using var kubectlWatch = new KubectlWatch(cluster.Members[1], "failover", _work);
        using var typedWatch = new TypedWatch(cluster.Members[1]);
        await typedWatch.StartAsync("failover");
        await WaitUntilAsync(() => kubectlWatch.Events.Count >= names.Length, TimeSpan.FromSeconds(30), () => kubectlWatch.Diagnostics);

        using var stop = new CancellationTokenSource();
        var writing = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var victim = cluster.Members[2];
        var killedAt = DateTime.UtcNow;
        victim.Kill();

        // Within 30 s every object answers again, those whose shards lived on the killed node included.
        await WaitUntilAsync(() => names.All(n => load.FirstAcknowledgedAfter(n, killedAt + TimeSpan.FromSeconds(1)) is not null), TimeSpan.FromSeconds(30),
            () => "not answering: " + string.Join(",", names.Where(n => load.FirstAcknowledgedAfter(n, killedAt + TimeSpan.FromSeconds(1)) is null)));
        var recovered = names.Max(n => load.FirstAcknowledgedAfter(n, killedAt + TimeSpan.FromSeconds(1))!.Value) - killedAt;
        output.WriteLine($"every object answered again {recovered.TotalSeconds:0.0} s after the kill; {load.AcknowledgedWrites.Count} writes acknowledged, {load.Failures.Count} failed");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stop.CancelAsync();
        await writing;

        // Every acknowledged write is stored: each object is at least at its last acknowledged version.
        var survivor = cluster.Members[1];
        foreach (var name in names)
        {
            var stored = await survivor.GetJsonAsync($"/api/v1/namespaces/failover/configmaps/{name}");
            var version = long.Parse(stored["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            Assert.True(version >= load.AcknowledgedWrites.Where(a => a.Name == name).Max(a => a.ResourceVersion), $"{name} lost an acknowledged write");
        }

        // Both watches on a survivor saw every acknowledged write, once, in order.
        var highest = load.AcknowledgedWrites.Max(a => a.ResourceVersion);
        await WaitUntilAsync(() => kubectlWatch.Events.Any(e => e.ResourceVersion >= highest) && typedWatch.Events.Any(e => e.ResourceVersion >= highest), TimeSpan.FromSeconds(15), () => kubectlWatch.Diagnostics);
        Assert.Null(typedWatch.Error);
        WatchAssert.SawEveryWriteOnceInOrder("kubectl get -w", kubectlWatch, load.AcknowledgedWrites);
        WatchAssert.SawEveryWriteOnceInOrder("typed client watch", typedWatch, load.AcknowledgedWrites);
    }

    [PostgresFact]
    public async Task GracefulLeave_UnderSteadyWrites_HandsItsShardsOffWithNoFailedRequest_AndTheNodeRejoinsWhenRestarted()
    {
        await using var cluster = await MultiNodeCluster.StartAsync(3);
        var names = Enumerable.Range(0, 12).Select(i => "cm-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var load = new ConfigMapLoad(cluster.Members[0], "handoff", names, TimeSpan.FromSeconds(20));
        await load.CreateAsync();

        using var stop = new CancellationTokenSource();
        var writing = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var leaver = cluster.Members[2];
        Assert.Equal(0, await leaver.StopAsync());
        Assert.Contains("Exiting completed", leaver.Output, StringComparison.Ordinal);
        await cluster.WaitForUpAsync(2, TimeSpan.FromSeconds(30));
        var leftAt = DateTime.UtcNow;
        await WaitUntilAsync(() => names.All(n => load.FirstAcknowledgedAfter(n, leftAt) is not null), TimeSpan.FromSeconds(30), () => "stalled");
        await stop.CancelAsync();
        await writing;
        Assert.True(load.Failures.Count == 0, "failed requests during the hand-off: " + string.Join("; ", load.Failures.Take(5)));

        await leaver.StartAsync();
        await cluster.WaitForUpAsync(3, TimeSpan.FromSeconds(60));
        var rejoined = await leaver.GetJsonAsync("/api/v1/namespaces/handoff/configmaps/cm-0");
        Assert.Equal("cm-0", rejoined["metadata"]!["name"]!.GetValue<string>());
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {timeout.TotalSeconds} s: {describe()}");
            }

            await Task.Delay(100);
        }
    }

    private async Task<string> KubectlAsync(MultiNodeCluster.Member member, params string[] args)
    {
        var home = Path.Combine(_work, "home-" + member.Name);
        Directory.CreateDirectory(home);
        using var kubectl = KubectlProcess.Start(new Dictionary<string, string> { ["KUBECONFIG"] = member.Kubeconfig, ["HOME"] = home }, _work, args);
        var result = await kubectl.WaitForExitAsync(KubectlCluster.CallTimeout);
        KubectlAssert.Succeeded(result);
        return result.StdOut;
    }
}

/// <summary>The journal's PostgreSQL server restarted under load, with nodes left running.</summary>
[Collection(MultiNodeCollection.Name)]
public sealed class PostgresRestartTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task PostgresRestart_UnderSteadyWrites_WritesFailWith503ThenRecoverWithoutRestartingNodes()
    {
        await using var postgres = await PostgresInstance.StartAsync();
        await using var cluster = await MultiNodeCluster.StartAsync(2, postgres.ConnectionString);
        var names = Enumerable.Range(0, 8).Select(i => "cm-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var load = new ConfigMapLoad(cluster.Members[0], "outage", names, TimeSpan.FromSeconds(10));
        await load.CreateAsync();

        using var stop = new CancellationTokenSource();
        var writing = load.RunAsync(stop.Token);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await postgres.StopAsync();
        var downAt = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(6));
        await postgres.RestartAsync();
        var upAt = DateTime.UtcNow;

        // Every object is written again within 30 s of the server's return, by the same node processes.
        var deadline = upAt + TimeSpan.FromSeconds(30);
        while (!names.All(n => load.FirstAcknowledgedAfter(n, upAt) is not null) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        await stop.CancelAsync();
        await writing;
        var during = load.Failures.Where(f => f.At >= downAt && f.At <= upAt).ToList();
        output.WriteLine($"{load.AcknowledgedWrites.Count} writes acknowledged; {load.Failures.Count} failed: " +
            string.Join(", ", load.Failures.GroupBy(f => f.Reason.Split(' ')[0]).Select(g => $"{g.Key} x{g.Count()}")));
        foreach (var member in cluster.Members)
        {
            output.WriteLine($"--- {member.Name} warnings ---");
            foreach (var line in member.Output.Split('\n').Where(l => l.Contains("warn:", StringComparison.Ordinal) || l.Contains("fail:", StringComparison.Ordinal)).TakeLast(40))
            {
                output.WriteLine(line);
            }
        }

        Assert.All(names, n => Assert.True(load.FirstAcknowledgedAfter(n, upAt) is not null, $"{n} was not written again within 30 s of the database's return"));
        Assert.Contains(during, f => f.Reason.StartsWith("503", StringComparison.Ordinal));
        Assert.DoesNotContain(load.Failures, f => f.Reason.StartsWith("500", StringComparison.Ordinal));
        Assert.True(cluster.Members.All(m => m.IsRunning), "a node process ended");

        foreach (var name in names)
        {
            var stored = await cluster.Members[1].GetJsonAsync($"/api/v1/namespaces/outage/configmaps/{name}");
            var version = long.Parse(stored["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            Assert.True(version >= load.AcknowledgedWrites.Where(a => a.Name == name).Max(a => a.ResourceVersion), $"{name} lost an acknowledged write");
        }
    }
}

/// <summary>A network partition between members, made by a TCP proxy that cuts their cluster traffic.</summary>
[Collection(MultiNodeCollection.Name)]
public sealed class PartitionTests(ITestOutputHelper output)
{
    [PostgresFact]
    public Task Partition_TwoAgainstOne_KeepMajority_MinorityStopsServingWritesWith503_MajorityTakesOverWithoutTwoWriters() =>
        PartitionTwoAgainstOneAsync("keep-majority");

    [PostgresFact]
    public Task Partition_TwoAgainstOne_LeaseMajorityOnTheSqlLease_MinorityStopsServingWritesWith503_MajorityTakesOverWithoutTwoWriters() =>
        PartitionTwoAgainstOneAsync("lease-majority");

    private async Task PartitionTwoAgainstOneAsync(string strategy)
    {
        await using var proxy = PartitionProxy.Start(3);
        // The proxy tells the members apart by the first frame of the Akka protocol, which TLS would hide: this test is
        // about partitions, so it runs the development mode's plain transport (ClusterTransportSecurityTests cover TLS).
        await using var cluster = await MultiNodeCluster.StartBehindAsync(proxy, "--akka:cluster:split-brain-resolver:active-strategy=" + strategy, "--insecure-http");
        var names = Enumerable.Range(0, 12).Select(i => "cm-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var majority = new ConfigMapLoad(cluster.Members[0], "split", names, TimeSpan.FromSeconds(5));
        await majority.CreateAsync();
        var minority = new ConfigMapLoad(cluster.Members[2], "split", names, TimeSpan.FromSeconds(5));

        using var stop = new CancellationTokenSource();
        var writing = Task.WhenAll(majority.RunAsync(stop.Token), minority.RunAsync(stop.Token));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var cutAt = DateTime.UtcNow;
        output.WriteLine("connections before the cut (origin, target): " + string.Join(", ", proxy.Links));
        Assert.DoesNotContain(proxy.Links, l => l.Origin < 0);
        proxy.Partition([0, 1], [2]);

        // The minority's split brain resolver downs its own member, which then exits non-zero
        // (Akka.Hosting's answer to being downed: restart it to rejoin).
        int exit;
        try
        {
            exit = await cluster.Members[2].WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        catch (OperationCanceledException)
        {
            foreach (var member in cluster.Members)
            {
                output.WriteLine($"--- {member.Name} ---\n" + string.Join('\n', member.Output.Split('\n').Where(l => !l.Contains("dead letters", StringComparison.Ordinal)).TakeLast(40)));
            }

            throw;
        }

        var downedAt = DateTime.UtcNow;
        Assert.NotEqual(0, exit);

        // The majority serves every object again, those whose shards lived on the minority included.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (!names.All(n => majority.FirstAcknowledgedAfter(n, downedAt) is not null) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        await stop.CancelAsync();
        await writing;
        output.WriteLine($"cut at {cutAt:HH:mm:ss.fff}, minority exited {exit} at {downedAt:HH:mm:ss.fff}; majority {majority.AcknowledgedWrites.Count} acknowledged, {majority.Failures.Count} failed; " +
            $"minority {minority.AcknowledgedWrites.Count} acknowledged, failures: " + string.Join(", ", minority.Failures.GroupBy(f => f.Reason.Split(' ')[0]).Select(g => $"{g.Key} x{g.Count()}")));
        Assert.All(names, n => Assert.True(majority.FirstAcknowledgedAfter(n, downedAt) is not null, $"{n} not served by the majority after the minority went down"));

        // The minority stopped serving writes: after the cut it answered 503 (or, once exited, nothing),
        // and acknowledged nothing once it was down.
        Assert.Contains(minority.Failures, f => f.At >= cutAt && f.Reason.StartsWith("503", StringComparison.Ordinal));
        Assert.DoesNotContain(minority.AcknowledgedWrites, a => a.At >= downedAt);

        // Never two incarnations of one object writing: no write was refused by the journal
        // (a second writer would have lost on the unique sequence numbers), and each object's
        // versions as acknowledged on either side only grow.
        foreach (var member in cluster.Members)
        {
            if (member.Output.Contains("was refused by the journal", StringComparison.Ordinal))
            {
                output.WriteLine($"--- {member.Name}: leases and refusals ---\n" + string.Join('\n', member.Output.Split('\n')
                    .Where(l => l.Contains("ease", StringComparison.Ordinal) || l.Contains("refused", StringComparison.Ordinal) || l.Contains("Shard", StringComparison.Ordinal))
                    .Take(200)));
            }
        }

        foreach (var member in cluster.Members)
        {
            Assert.DoesNotContain("was refused by the journal", member.Output, StringComparison.Ordinal);
        }

        var survivor = cluster.Members[1];
        foreach (var name in names)
        {
            var stored = await survivor.GetJsonAsync($"/api/v1/namespaces/split/configmaps/{name}");
            var version = long.Parse(stored["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);
            var acknowledged = majority.AcknowledgedWrites.Concat(minority.AcknowledgedWrites).Where(a => a.Name == name).Max(a => a.ResourceVersion);
            Assert.True(version >= acknowledged, $"{name} lost an acknowledged write");
        }

        // Healed and restarted, the member rejoins.
        proxy.Heal();
        await cluster.Members[2].StartAsync();
        await cluster.WaitForUpAsync(3, TimeSpan.FromSeconds(60));
    }
}
