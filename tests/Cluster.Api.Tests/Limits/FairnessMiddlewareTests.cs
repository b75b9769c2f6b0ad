using System.Net;
using System.Text.Json.Nodes;
using Cluster.Api.Limits;
using Cluster.Api.Security;
using Cluster.Api.Security.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Tests.Limits;

/// <summary>The fairness middleware over a real Kestrel socket, with a share of one request per user and no queue.</summary>
public sealed class FairnessMiddlewareTests : IAsyncLifetime
{
    private const string HoldPath = "/api/v1/namespaces/default/configmaps?hold=1";

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync() => (_app, _client) = await MiddlewareHost.StartAsync(
        services => services.AddKubernetesLimits(new ApiLimitsSettings { MaxInFlight = 10, PerUserInFlight = 1, QueueLength = 0 }),
        app =>
        {
            // Stands in for the RequestGuard: the user is whoever the test says.
            app.Use((context, next) =>
            {
                var name = context.Request.Headers["X-User"].ToString();
                context.SetUser(new UserInfo(name, name == "admin" ? ["system:masters"] : ["dev"]));
                return next(context);
            });
            app.UseKubernetesFairness();
            app.MapGet("/{**rest}", async (HttpContext context) =>
            {
                if (context.Request.Query.ContainsKey("hold"))
                {
                    await _release.Task;
                }

                await context.Response.WriteAsync("served");
            });
        });

    [Fact]
    public async Task UserBeyondShareAndQueue_TooManyRequestsStatusWithRetryAfter()
    {
        var held = await HeldAsync("bob");

        using var refused = await GetAsync("bob", "/api/v1/namespaces/default/configmaps");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        var status = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Equal(("Status", "TooManyRequests", 429), (status["kind"]!.GetValue<string>(), status["reason"]!.GetValue<string>(), status["code"]!.GetValue<int>()));

        using var alice = await GetAsync("alice", "/api/v1/namespaces/default/configmaps");
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        _release.SetResult();
        using var first = await held;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
    }

    [Theory]
    [InlineData("bob", "/api/v1/namespaces/default/pods?watch=true")]
    [InlineData("bob", "/api/v1/watch/namespaces/default/pods")]
    [InlineData("bob", "/api/v1/namespaces/default/pods/web/log?follow=true")]
    [InlineData("bob", "/api/v1/namespaces/default/pods/web/exec?command=sh")]
    [InlineData("bob", "/api/v1/namespaces/default/pods/web/portforward")]
    [InlineData("bob", "/readyz")]
    [InlineData("admin", "/api/v1/namespaces/default/configmaps")]
    public async Task LongRunningProbeOrMasters_NotCounted_ServedWhileUserAtShare(string user, string path)
    {
        var held = user == "admin" ? GetAsync(user, HoldPath) : await HeldAsync(user);

        using var response = await GetAsync(user, path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        _release.SetResult();
        (await held).Dispose();
    }

    /// <summary>
    /// A request of <paramref name="user"/> that holds the user's one slot: sent, then probed until a plain request is
    /// refused. A probe can overtake it on another connection and take the slot first, and the held request is then
    /// the one refused; it is sent again.
    /// </summary>
    private async Task<Task<HttpResponseMessage>> HeldAsync(string user)
    {
        // Generous: on a loaded CI machine the held request can take seconds to reach its handler.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var held = GetAsync(user, HoldPath);
        while (DateTime.UtcNow < deadline)
        {
            if (held.IsCompleted)
            {
                (await held).Dispose();
                held = GetAsync(user, HoldPath);
            }

            using var probe = await GetAsync(user, "/api/v1/namespaces/default/configmaps");
            if (probe.StatusCode == HttpStatusCode.TooManyRequests && !held.IsCompleted)
            {
                return held;
            }

            await Task.Delay(25);
        }

        Assert.Fail("the held request never took its slot");
        return held;
    }

    private Task<HttpResponseMessage> GetAsync(string user, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("X-User", user);
        return _client.SendAsync(request);
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        _client.Dispose();
        await _app.DisposeAsync();
    }
}
