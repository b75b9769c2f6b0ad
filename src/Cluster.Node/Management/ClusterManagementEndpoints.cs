using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Cluster.Controllers.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cluster.Node.Management;

/// <summary>
/// Akka Management's cluster HTTP endpoints, in its shapes, beside the Kubernetes API:
/// <c>GET /cluster/members</c>, <c>GET|PUT|DELETE /cluster/members/{address}</c> (PUT with
/// <c>operation=Leave</c> leaves, DELETE downs), <c>GET /cluster/shards/{region}</c> (shards and
/// entity counts per member), <c>GET /cluster/controllers</c> and <c>GET /cluster/scheduler</c> (where the
/// singletons run, each controller's queue depth and reconcile latency, the scheduler's figures), and the health probes <c>/alive</c> and <c>/ready</c>.
/// </summary>
public static class ClusterManagementEndpoints
{
    public static IEndpointRouteBuilder MapClusterManagement(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/cluster/members", (ActorSystem system) => Json(ClusterViews.Members(Akka.Cluster.Cluster.Get(system))));
        endpoints.MapGet("/cluster/members/{address}", (ActorSystem system, string address) =>
            Find(system, address) is { } member ? Json(ClusterViews.Member(member)) : NoSuchMember(address));
        endpoints.MapPut("/cluster/members/{address}", async (HttpContext context, ActorSystem system, string address) =>
        {
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : null;
            var operation = form?["operation"].ToString() ?? context.Request.Query["operation"].ToString();
            if (!string.Equals(operation, "leave", StringComparison.OrdinalIgnoreCase))
            {
                return Message(400, $"Unsupported operation [{operation}]: the supported operation is Leave.");
            }

            if (Find(system, address) is not { } member)
            {
                return NoSuchMember(address);
            }

            Akka.Cluster.Cluster.Get(system).Leave(member.Address);
            return Message(200, $"Leaving {member.Address}");
        });
        endpoints.MapDelete("/cluster/members/{address}", (ActorSystem system, string address) =>
        {
            if (Find(system, address) is not { } member)
            {
                return NoSuchMember(address);
            }

            Akka.Cluster.Cluster.Get(system).Down(member.Address);
            return Message(200, $"Downing {member.Address}");
        });
        endpoints.MapGet("/cluster/shards/{region}", async (ActorSystem system, string region, CancellationToken cancellationToken) =>
        {
            IActorRef shardRegion;
            try
            {
                shardRegion = ClusterSharding.Get(system).ShardRegion(region);
            }
            catch (ArgumentException)
            {
                return Message(404, $"No shard region [{region}] on this member.");
            }

            var timeout = TimeSpan.FromSeconds(5);
            var stats = await shardRegion.Ask<ClusterShardingStats>(new GetClusterShardingStats(timeout), timeout + TimeSpan.FromSeconds(1), cancellationToken);
            return Json(ClusterViews.Shards(stats));
        });
        endpoints.MapGet("/cluster/controllers", (ActorSystem system, CancellationToken ct) =>
            AskSingletonAsync<ControllerManagerActor, ControlPlaneStatus.ControllerManager>(system, "controller manager", ControlPlaneViews.Controllers, ct));
        endpoints.MapGet("/cluster/scheduler", (ActorSystem system, CancellationToken ct) =>
            AskSingletonAsync<SchedulerActor, ControlPlaneStatus.Scheduler>(system, "scheduler", ControlPlaneViews.Scheduler, ct));
        endpoints.MapGet("/alive", (ActorSystem system) =>
            system.WhenTerminated.IsCompleted ? Message(503, "The actor system is terminated.") : Message(200, "alive"));
        endpoints.MapGet("/ready", (IServiceProvider services, ActorSystem system) =>
        {
            var self = Akka.Cluster.Cluster.Get(system).SelfMember;
            var api = services.GetRequiredService<Cluster.Api.ApiReadiness>();
            return self.Status == MemberStatus.Up && api.IsReady
                ? Message(200, "ready")
                : Message(503, $"not ready: member {self.Status}, API {(api.IsReady ? "serving" : "starting")}");
        });
        return endpoints;
    }

    private static Member? Find(ActorSystem system, string address)
    {
        var state = Akka.Cluster.Cluster.Get(system).State;
        return state.Members.Concat(state.Unreachable).FirstOrDefault(m => ClusterViews.Matches(m, address));
    }

    /// <summary>Asks a singleton, wherever it runs, through this member's proxy to it.</summary>
    private static async Task<IResult> AskSingletonAsync<TSingleton, TAnswer>(ActorSystem system, string what, Func<TAnswer, JsonObject> view, CancellationToken ct)
    {
        if (!ActorRegistry.For(system).TryGet<TSingleton>(out var proxy))
        {
            return Message(404, $"No {what} runs in this cluster.");
        }

        var timeout = TimeSpan.FromSeconds(5);
        try
        {
            return Json(view(await proxy.Ask<TAnswer>(ControlPlaneStatus.Get.Instance, timeout, ct)));
        }
        catch (AskTimeoutException)
        {
            return Message(503, $"The {what} did not answer within {timeout.TotalSeconds:0} s: it may be moving to another member.");
        }
    }

    private static IResult NoSuchMember(string address) => Message(404, $"No member [{address}] in the cluster.");

    private static IResult Json(JsonNode node) => Results.Text(node.ToJsonString(), "application/json");

    private static IResult Message(int status, string message) =>
        Results.Text(new JsonObject { ["message"] = message }.ToJsonString(), "application/json", statusCode: status);
}
