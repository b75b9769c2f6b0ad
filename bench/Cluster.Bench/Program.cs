using Cluster.Bench.Actors;
using Cluster.Bench.Agent;
using Cluster.Bench.Api;
using Cluster.Bench.Hocon;
using Cluster.Bench.MultiNode;
using Cluster.Bench.Persistence;
using Cluster.Bench.Protobuf;
using Cluster.Bench.Scheduling;

return args.FirstOrDefault() switch
{
    "actors" => await ActorBenchmark.Run(args[1..]),
    "hocon" => HoconBenchmark.Run(args[1..]),
    "persistence" => await PersistenceBenchmark.Run(args[1..]),
    "etcd" => await EtcdBenchmark.Run(args[1..]),
    "api" => await ApiBenchmark.Run(args[1..]),
    "security" => await SecurityBenchmark.Run(args[1..]),
    "cluster" => await ClusterBenchmark.Run(args[1..]),
    "remote" => await RemoteCost.Run(args[1..]),
    "protobuf" => ProtobufBenchmark.Run(args[1..]),
    "nodes" => await SimulatedNodesBenchmark.Run(args[1..]),
    "podstart" => await PodStartBenchmark.Run(args[1..]),
    "schedule" => await SchedulerBenchmark.Run(args[1..]),
    "deployment" => await DeploymentBenchmark.Run(args[1..]),
    "proxy" => await Cluster.Bench.Proxy.ProxyBenchmark.Run(args[1..]),
    "proxy-sink" => Cluster.Bench.Proxy.PodSink.Serve(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Cluster.Bench <benchmark> [options]");
    Console.Error.WriteLine("  actors [--quick]   Akka.NET: tell (1, 8, 64 ping-pong pairs), ask round trips, spawn+stop, memory per idle actor,");
    Console.Error.WriteLine("                     beside the home-grown runtime's last recorded figures");
    Console.Error.WriteLine("  persistence [--quick] [--postgres CONNECTION] [--dir PATH]  Akka persistent actors (1, 100, 1000) on the project's");
    Console.Error.WriteLine("                     cluster-sql plugin and on Akka.Persistence.Sql, each on SQLite and PostgreSQL: events/s, write p50/p99,");
    Console.Error.WriteLine("                     recovery rate; etcd at the same concurrency and the ratio. Without --postgres (or CLUSTER_TEST_POSTGRES)");
    Console.Error.WriteLine("                     a throwaway PostgreSQL is started with scripts/postgres.sh; --dir holds the SQLite files and etcd's data");
    Console.Error.WriteLine("  hocon [iterations] HOCON parse time of Akka's reference.conf and hocon/reference.conf");
    Console.Error.WriteLine("  " + SecurityBenchmark.Usage + "  the API's create/update/get and paced runs over plain HTTP, then over HTTPS with a client");
    Console.Error.WriteLine("                     certificate and RBAC as a bound user: throughput ratio and p99 difference (target: 80%, +5 ms)");
    Console.Error.WriteLine("  " + Cluster.Bench.Proxy.ProxyBenchmark.Usage + "  service proxy and DNS on a real node (root, iptables): rule sync p50/p99 after an EndpointSlice");
    Console.Error.WriteLine("                     change with 1,000 Services, a ClusterIP beside its endpoint (connections/s, MB/s), DNS queries/s");
    Console.Error.WriteLine("  " + ProtobufBenchmark.Usage + "  decoding a 2 KB Deployment protobuf body into JSON: µs and bytes allocated per body");
    Console.Error.WriteLine("  " + SimulatedNodesBenchmark.Usage + "  one node process hosting N simulated nodes: time until all are Ready,");
    Console.Error.WriteLine("                     time until M pods bound to them are Running, memory per simulated node");
    Console.Error.WriteLine("  " + SchedulerBenchmark.Usage + "  scheduler_perf SchedulingBasic: M pending pods on N simulated nodes, bound by the");
    Console.Error.WriteLine("                     restarted node's scheduler: pods/s, every binding persisted");
    Console.Error.WriteLine("  " + DeploymentBenchmark.Usage + "  one Deployment of R replicas on N simulated nodes, controllers and scheduler");
    Console.Error.WriteLine("                     on: seconds from the apply until all pods exist and until all are Ready");
    Console.Error.WriteLine("  " + PodStartBenchmark.Usage + "  a real-Docker node: pod created-to-Running p50/p99 beside bare Docker.DotNet");
    Console.Error.WriteLine("                     create+start of the same containers (needs scripts/docker-setup.sh)");
    Console.Error.WriteLine("  etcd [--quick] [--seconds N] [--dir PATH] [--grpc]  durable puts/s and p50/p99 of a local etcd at 1, 100, 1000 writers");
    Console.Error.WriteLine("  " + ApiBenchOptions.Usage);
    Console.Error.WriteLine("                     a started Cluster.Node over HTTP: create/PATCH/get throughput and p50/p99 at 64 clients, paced");
    Console.Error.WriteLine("                     2,000 writes/s with reads, listing 150,000 pods (time, node RSS), watch fan-out to 1,000/5,000");
    Console.Error.WriteLine("  " + RemoteCost.Usage);
    Console.Error.WriteLine("                     CPU per ask round trip over Akka.Remote to a second process against the same asks in one process");
    Console.Error.WriteLine("  " + ClusterBenchOptions.Usage);
    Console.Error.WriteLine("                     Cluster.Node processes as one cluster on one PostgreSQL: CPU per 1,000 writes over all members with one");
    Console.Error.WriteLine("                     member and with three (ratio), fail-over time after SIGKILL of one of three, cross-node watch event latency,");
    Console.Error.WriteLine("                     and a capacity model from those figures. Without --postgres (or CLUSTER_TEST_POSTGRES) a throwaway");
    Console.Error.WriteLine("                     PostgreSQL is started with scripts/postgres.sh on a free port");
    return 2;
}
