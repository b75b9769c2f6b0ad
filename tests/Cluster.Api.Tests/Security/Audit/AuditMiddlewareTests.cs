using System.Net;
using System.Text;
using Cluster.Api.Http;
using Cluster.Api.Security;
using Cluster.Api.Security.Audit;
using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Api.Tests.Security.Audit;

public sealed class AuditMiddlewareTests
{
    private const string Id = "4f3c2b1a-0000-4000-8000-000000000001";
    private static readonly UserInfo Alice = new("alice", ["dev", "system:authenticated"], "alice-uid", new Dictionary<string, IReadOnlyList<string>> { ["scopes"] = ["b", "a"] });
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234560));

    [Fact]
    public async Task Create_AtRequestResponse_WritesUpstreamShapedEvents()
    {
        var sink = new AuditTestSink();
        var policy = new AuditPolicy([new AuditPolicyRule(AuditLevel.RequestResponse)], OmitManagedFields: true);
        var context = Request("POST", "/api/v1/namespaces/default/configmaps", "?fieldManager=kubectl-create",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1","managedFields":[{"manager":"kubectl"}]},"data":{"k":"v"}}""");

        await RunAsync(sink, policy, context, async c =>
        {
            Admit(c, Alice, "RBAC: allowed");
            await RequestBody.ReadObjectAsync(c.Request, 1 << 20, CancellationToken.None);
            var notes = new AdmissionNotes();
            notes.Annotate("pod-security.kubernetes.io/enforce-policy", "privileged:latest");
            c.Features.Set(notes);
            _clock.Advance(TimeSpan.FromMilliseconds(1.5));
            await ResponseWriter.WriteBytesAsync(c, 201, """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1","namespace":"default"},"data":{"k":"v"}}"""u8.ToArray(), CancellationToken.None);
        });

        const string common = "\"requestURI\":\"/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create\",\"verb\":\"create\","
            + "\"user\":{\"username\":\"alice\",\"uid\":\"alice-uid\",\"groups\":[\"dev\",\"system:authenticated\"],\"extra\":{\"scopes\":[\"b\",\"a\"]}},"
            + "\"sourceIPs\":[\"10.1.2.3\"],\"userAgent\":\"kubectl/v1.32.0\",\"objectRef\":{\"resource\":\"configmaps\",\"namespace\":\"default\",\"apiVersion\":\"v1\"},";
        Assert.Equal(
            [
                "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\",\"auditID\":\"" + Id + "\",\"stage\":\"RequestReceived\"," + common
                + "\"requestReceivedTimestamp\":\"2025-01-02T03:04:05.123456Z\",\"stageTimestamp\":\"2025-01-02T03:04:05.123456Z\","
                + "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed\"}}",
                "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\",\"auditID\":\"" + Id + "\",\"stage\":\"ResponseComplete\"," + common
                + "\"responseStatus\":{\"metadata\":{},\"code\":201},"
                + "\"requestObject\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c1\"},\"data\":{\"k\":\"v\"}},"
                + "\"responseObject\":{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c1\",\"namespace\":\"default\"},\"data\":{\"k\":\"v\"}},"
                + "\"requestReceivedTimestamp\":\"2025-01-02T03:04:05.123456Z\",\"stageTimestamp\":\"2025-01-02T03:04:05.124956Z\","
                + "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"RBAC: allowed\",\"pod-security.kubernetes.io/enforce-policy\":\"privileged:latest\"}}",
            ],
            sink.Lines);
        Assert.Equal(Id, context.Response.Headers[AuditMiddleware.AuditIdHeader]);
    }

    [Fact]
    public async Task Forbidden_AtMetadata_RecordsStatusAndDecisionWithoutBodies()
    {
        var sink = new AuditTestSink();
        var context = Request("DELETE", "/api/v1/namespaces/default/configmaps/c1", "", "{}");

        await RunAsync(sink, AuditPolicy.Default, context, c =>
        {
            Admit(c, Alice, "", allowed: false);
            return ResponseWriter.WriteStatusAsync(c, new ApiException(403, "Forbidden", "configmaps \"c1\" is forbidden", new StatusDetails("c1", "", "configmaps")));
        });

        var complete = sink.Events[^1];
        Assert.Equal(("ResponseComplete", "Metadata", "delete", "alice"), ((string)complete["stage"]!, (string)complete["level"]!, (string)complete["verb"]!, (string)complete["user"]!["username"]!));
        Assert.Equal(
            """{"metadata":{},"status":"Failure","message":"configmaps \"c1\" is forbidden","reason":"Forbidden","details":{"name":"c1","kind":"configmaps"},"code":403}""",
            complete["responseStatus"]!.ToJsonString(ApiJson.Options));
        Assert.Equal("forbid", (string)complete["annotations"]!["authorization.k8s.io/decision"]!);
        Assert.Null(complete["requestObject"]);
    }

    [Fact]
    public async Task Unauthenticated_RecordedWithoutUser_AndClientAuditIdKept()
    {
        var sink = new AuditTestSink();
        var context = Request("GET", "/api/v1/pods", "", null);
        context.Request.Headers[AuditMiddleware.AuditIdHeader] = "client-chosen";

        await RunAsync(sink, AuditPolicy.Default, context, c => ResponseWriter.WriteStatusAsync(c, new ApiException(401, "Unauthorized", "Unauthorized")));

        Assert.Equal(["RequestReceived", "ResponseComplete"], sink.Events.Select(e => (string)e["stage"]!));
        Assert.All(sink.Events, e => Assert.Equal(("client-chosen", "{}", "list"), ((string)e["auditID"]!, e["user"]!.ToJsonString(), (string)e["verb"]!)));
        Assert.Equal(401, (int)sink.Events[1]["responseStatus"]!["code"]!);
        Assert.Equal("client-chosen", context.Response.Headers[AuditMiddleware.AuditIdHeader]);
    }

    [Fact]
    public async Task HandlerThrows_PanicInsteadOfResponseComplete_AndRethrown()
    {
        var sink = new AuditTestSink();
        var context = Request("GET", "/version", "", null);

        await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(sink, AuditPolicy.Default, context, c =>
        {
            Admit(c, Alice, "");
            throw new InvalidOperationException("boom");
        }));

        Assert.Equal(["RequestReceived", "Panic"], sink.Events.Select(e => (string)e["stage"]!));
        Assert.Equal("""{"metadata":{},"status":"Failure","message":"APIServer panic'd: boom","reason":"InternalError","code":500}""", sink.Events[1]["responseStatus"]!.ToJsonString(ApiJson.Options));
        Assert.Equal("get", (string)sink.Events[1]["verb"]!);
        Assert.Null(sink.Events[1]["objectRef"]);
    }

    [Fact]
    public async Task ResponseBeyondCap_RecordedWithoutResponseObject_ButSentWhole()
    {
        var sink = new AuditTestSink();
        var policy = new AuditPolicy([new AuditPolicyRule(AuditLevel.RequestResponse)]);
        var context = Request("GET", "/api/v1/namespaces/default/configmaps", "", null);
        var large = Encoding.UTF8.GetBytes("{\"kind\":\"ConfigMapList\",\"items\":[],\"pad\":\"" + new string('x', AuditMiddleware.MaxResponseObjectBytes) + "\"}");

        await RunAsync(sink, policy, context, async c =>
        {
            Admit(c, Alice, "");
            await ResponseWriter.WriteBytesAsync(c, 200, large, CancellationToken.None);
        });

        Assert.Null(sink.Events[^1]["responseObject"]);
        Assert.Equal(200, (int)sink.Events[^1]["responseStatus"]!["code"]!);
        Assert.Equal(large.Length, ((MemoryStream)context.Items["body"]!).Length);
    }

    [Fact]
    public async Task SecretInABody_NeverRecorded_WhateverTheResource()
    {
        var sink = new AuditTestSink();
        var policy = new AuditPolicy([new AuditPolicyRule(AuditLevel.RequestResponse)]);
        var context = Request("POST", "/api/v1/namespaces/default/configmaps", "", """{"kind":"List","items":[{"kind":"Secret","data":{"p":"aHVudGVyMg=="}}]}""");

        await RunAsync(sink, policy, context, async c =>
        {
            Admit(c, Alice, "");
            await RequestBody.ReadBytesAsync(c.Request, 1 << 20, CancellationToken.None);
            await ResponseWriter.WriteBytesAsync(c, 200, """{"kind":"SecretList","items":[{"data":{"p":"aHVudGVyMg=="}}]}"""u8.ToArray(), CancellationToken.None);
        });

        Assert.DoesNotContain("aHVudGVyMg", string.Join('\n', sink.Lines), StringComparison.Ordinal);
        Assert.Equal("RequestResponse", (string)sink.Events[^1]["level"]!);
    }

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/default/pods?watch=true", true)]
    [InlineData("GET", "/api/v1/watch/pods", true)]
    [InlineData("GET", "/api/v1/namespaces/default/pods/web/log", true)]
    [InlineData("POST", "/api/v1/namespaces/default/pods/web/exec", true)]
    [InlineData("GET", "/api/v1/namespaces/default/pods/web", false)]
    [InlineData("GET", "/api/v1/namespaces/default/pods", false)]
    [InlineData("GET", "/logs", false)]
    public void IsLongRunning_WatchStreamsAndProxies_AsUpstream(string method, string target, bool longRunning)
    {
        var (path, query) = target.Contains('?', StringComparison.Ordinal) ? (target[..target.IndexOf('?', StringComparison.Ordinal)], "true") : (target, null);

        Assert.Equal(longRunning, AuditMiddleware.IsLongRunning(RequestInfo.Parse(method, path, query)));
    }

    private static void Admit(HttpContext context, UserInfo user, string reason, bool allowed = true)
    {
        context.SetUser(user);
        context.Features.Set(new AuthorizationDecision(allowed, reason));
    }

    private static DefaultHttpContext Request(string method, string path, string query, string? body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Request.Headers.UserAgent = "kubectl/v1.32.0";
        context.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        var sent = new MemoryStream();
        context.Items["body"] = sent;
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(sent));
        return context;
    }

    private async Task RunAsync(AuditTestSink sink, AuditPolicy policy, HttpContext context, RequestDelegate handler)
    {
        var log = new AuditLog(policy, sink, 100, _clock, NullLogger<AuditLog>.Instance);
        try
        {
            await new AuditMiddleware(log, 1 << 20, _clock, () => Id).InvokeAsync(context, handler);
        }
        finally
        {
            await log.DisposeAsync();
        }
    }
}
