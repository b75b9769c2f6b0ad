using System.Net;
using System.Text.Json.Nodes;
using Cluster.Api.Limits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Tests.Limits;

/// <summary>The outermost middleware over a real Kestrel socket: endpoints that throw, and dot segments.</summary>
public sealed class ErrorsMiddlewareTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync() => (_app, _client) = await MiddlewareHost.StartAsync(_ => { }, app =>
    {
        app.UseKubernetesErrors();
        app.MapGet("/boom", (HttpContext _) => throw new InvalidOperationException("secret-detail at Some.Type"));
        app.MapGet("/{**rest}", (HttpContext context) => context.Response.WriteAsync("reached " + context.Request.Path));
    });

    [Fact]
    public async Task UnhandledException_InternalErrorStatus_WithoutTypeOrStack()
    {
        using var response = await _client.GetAsync(new Uri("/boom", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var status = JsonNode.Parse(text)!;
        Assert.Equal(("Status", "Failure", "InternalError", 500), (status["kind"]!.GetValue<string>(), status["status"]!.GetValue<string>(), status["reason"]!.GetValue<string>(), status["code"]!.GetValue<int>()));
        Assert.StartsWith("Internal error occurred: ", status["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-detail", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/namespaces/%2e%2e/pods")]
    [InlineData("/api/v1/namespaces/default/pods/%2E")]
    [InlineData("/api/v1/namespaces/../pods")]
    public async Task DotSegment_BadRequestStatus(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_client.BaseAddress!, path));
        // HttpClient would resolve plain dot segments itself: send the URL as written.
        request.RequestUri = new Uri(_client.BaseAddress + path.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadRequest", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/pods/..%2F..%2Fetc")]
    [InlineData("/api/v1/namespaces/default/pods/a..b")]
    [InlineData("/api/v1/namespaces/default/pods/.hidden")]
    public async Task DotsWithinAName_PassedOn(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }
}
