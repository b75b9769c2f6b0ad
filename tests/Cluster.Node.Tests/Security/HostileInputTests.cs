using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Text;
using System.Text.Json.Nodes;

namespace Cluster.Node.Tests.Security;

/// <summary>
/// A real node over HTTPS under hostile clients: broken handshakes, garbage, deep nesting, huge headers, slowloris,
/// traversal in names, one user's flood. Each answer is a clean refusal, and the server goes on serving admin.
/// </summary>
public sealed class HostileInputTests(HostileCluster cluster) : IClassFixture<HostileCluster>
{
    [Fact]
    public async Task TruncatedOrGarbageHandshakes_ConnectionsDropped_AdminStillServed()
    {
        var random = new Random(7);
        var garbage = new byte[4096];
        random.NextBytes(garbage);
        // A TLS 1.2 ClientHello record announcing 512 bytes, cut after its first 43.
        byte[] halfHello = [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, .. garbage[..32]];

        foreach (var opening in new[] { halfHello, garbage, "GET /version HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray() })
        {
            using (var closedAtOnce = await cluster.TcpAsync())
            {
                await closedAtOnce.GetStream().WriteAsync(opening);
            }

            using var heldOpen = await cluster.TcpAsync();
            await heldOpen.GetStream().WriteAsync(opening);
            Assert.True(await HostileCluster.ClosedOrAnsweredAsync(heldOpen.GetStream(), HostileCluster.Prompt), "the server kept a broken handshake open");
        }

        await cluster.AssertAdminServedAsync();
    }

    [Theory]
    [InlineData("application/json", "{\"apiVersion\":\"v1\",\"kind\":")]
    [InlineData("application/json", "null")]
    [InlineData("application/json", "[1,2,3]")]
    [InlineData("application/json", "{\"a\":1,\"a\":2}")]
    [InlineData("application/yaml", "a: [b\n  c: {")]
    [InlineData("application/yaml", "a: &x [1]\nb: *x")]
    [InlineData("application/vnd.kubernetes.protobuf", "k8s\0\u0012\u00ff\u00ff\u00ff\u00ff\u000f")]
    [InlineData("application/json", "RANDOM")]
    [InlineData("application/vnd.kubernetes.protobuf", "RANDOM")]
    public async Task GarbageBody_ClientErrorStatus(string contentType, string body)
    {
        var bytes = body == "RANDOM" ? RandomBytes(8192) : Encoding.UTF8.GetBytes(body);
        using var bob = cluster.Https(certificate: null, HostileCluster.BobToken);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var response = await bob.PostAsync(new Uri("/api/v1/namespaces/default/configmaps", UriKind.Relative), content);

        await AssertClientErrorStatusAsync(response);
    }

    [Theory]
    [InlineData("POST", "application/json", "[", "]")]
    [InlineData("POST", "application/json", "{\"a\":", "}")]
    [InlineData("POST", "application/yaml", "[", "]")]
    [InlineData("POST", "application/yaml", "{a: ", "}")]
    [InlineData("PATCH", "application/merge-patch+json", "{\"a\":", "}")]
    [InlineData("PATCH", "application/apply-patch+yaml", "{a: ", "}")]
    public async Task DeeplyNestedBody_BadRequestStatus(string method, string contentType, string open, string close)
    {
        var body = string.Concat(Enumerable.Repeat(open, 10_000)) + "1" + string.Concat(Enumerable.Repeat(close, 10_000));
        using var bob = cluster.Https(certificate: null, HostileCluster.BobToken);
        var url = method == "POST" ? "/api/v1/namespaces/default/configmaps" : "/api/v1/namespaces/default/configmaps/nested?fieldManager=hostile";
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative)) { Content = new StringContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        using var response = await bob.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertClientErrorStatusAsync(response);
    }

    [Fact]
    public async Task HugeOrManyHeaders_RefusedCleanly_AdminStillServed()
    {
        using var bob = cluster.Https(certificate: null, HostileCluster.BobToken);
        using var huge = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/namespaces/default", UriKind.Relative));
        huge.Headers.Add("X-Huge", new string('h', 2 * 1024 * 1024));
        using var many = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/namespaces/default", UriKind.Relative));
        for (var i = 0; i < 500; i++)
        {
            many.Headers.Add("X-Many-" + i, "v");
        }

        foreach (var request in new[] { huge, many })
        {
            try
            {
                using var response = await bob.SendAsync(request);
                Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
            }
            catch (HttpRequestException)
            {
                // The server may close the connection before the client has sent it all: refused all the same.
            }
        }

        await cluster.AssertAdminServedAsync();
    }

    [Fact]
    public async Task SlowlorisConnections_CutOffAtTheHeaderDeadline_AdminStillServed()
    {
        var tricklers = Enumerable.Range(0, 20).Select(async _ =>
        {
            using var tls = await cluster.TlsAsync();
            var cut = HostileCluster.ClosedOrAnsweredAsync(tls, TimeSpan.FromSeconds(30));
            foreach (var b in Encoding.ASCII.GetBytes("GET /version HTTP/1.1\r\nHost: x\r\nX-Slow: " + new string('s', 600)))
            {
                if (cut.IsCompleted)
                {
                    break;
                }

                try
                {
                    await tls.WriteAsync(new[] { b });
                    await Task.Delay(50);
                }
                catch (IOException)
                {
                    break;
                }
            }

            return await cut;
        }).ToList();

        await cluster.AssertAdminServedAsync();
        // 650 bytes at 50 ms would take over 30 s: only the 2 s header deadline ends them this soon.
        Assert.All(await Task.WhenAll(tricklers), cut => Assert.True(cut, "a slowloris connection outlived the header deadline"));
        await cluster.AssertAdminServedAsync();
    }

    [Theory]
    [InlineData("/api/v1/namespaces/default/pods/..%2F..%2Fetc")]
    [InlineData("/api/v1/namespaces/%2e%2e/pods")]
    [InlineData("/api/v1/namespaces/../pods")]
    [InlineData("/api/v1/namespaces/default/pods/%2E%2E/log")]
    [InlineData("/api/v1/namespaces/default/pods/a%5Cb")]
    [InlineData("/api/v1/namespaces/default/pods/a\\b")]
    [InlineData("/api/v1/namespaces/default/configmaps/%01")]
    [InlineData("/api/v1/namespaces/default/pods/%00")]
    [InlineData("/api/v1/namespaces/default/pods/hostile-pod/log?container=..%2F..%2F..%2Fetc%2Fpasswd")]
    public async Task TraversalInName_NotFoundOrBadRequest(string path)
    {
        await cluster.RunAsync("run", "hostile-pod", "-n", "default", "--image=busybox", "--restart=Never");
        using var bob = cluster.Https(certificate: null, HostileCluster.BobToken);
        var url = new Uri(cluster.Server + path.TrimStart('/'), new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });

        using var response = await bob.GetAsync(url);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.NotFound });
        var text = await response.Content.ReadAsStringAsync();
        // Kestrel itself refuses a NUL in the path, before any handler, with an empty 400.
        Assert.True(text.Length == 0 || JsonNode.Parse(text)!["kind"]!.GetValue<string>() == "Status", text);
        Assert.DoesNotContain("root:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FloodFromOneUser_ThatUserGets429_AdminStillServed()
    {
        // Each request sends its headers and part of its body, then holds: the first take bob's share, the next wait in his queue.
        const int Refused = 4;
        var held = new List<(SslStream Tls, byte[] Remainder, Task<(int Code, string Headers, string Body)> Response)>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(45));
        for (var i = 0; i < HostileCluster.UserShare + HostileCluster.UserQueue + Refused; i++)
        {
            var body = Encoding.UTF8.GetBytes($"{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"flood-{i}\"}}}}");
            var tls = await cluster.TlsAsync();
            var head = "POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + SecureCluster.BobToken +
                $"\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
            await tls.WriteAsync(Encoding.ASCII.GetBytes(head).Concat(body[..10]).ToArray(), deadline.Token);
            held.Add((tls, body[10..], HostileCluster.ReadResponseAsync(tls, deadline.Token)));
        }

        var answered = new List<Task<(int Code, string Headers, string Body)>>();
        while (answered.Count < Refused)
        {
            answered.Add(await Task.WhenAny(held.Select(h => h.Response).Except(answered)).WaitAsync(deadline.Token));
        }

        foreach (var (code, headers, body) in await Task.WhenAll(answered))
        {
            Assert.Equal(429, code);
            Assert.Contains("Retry-After: 1", headers, StringComparison.OrdinalIgnoreCase);
            var status = JsonNode.Parse(body)!;
            Assert.Equal(("TooManyRequests", "Too many requests, please try again later."), (status["reason"]!.GetValue<string>(), status["message"]!.GetValue<string>()));
        }

        await cluster.AssertAdminServedAsync();
        foreach (var (tls, remainder, _) in held.Where(h => !answered.Contains(h.Response)))
        {
            await tls.WriteAsync(remainder, deadline.Token);
        }

        var served = await Task.WhenAll(held.Where(h => !answered.Contains(h.Response)).Select(h => h.Response));
        Assert.All(served, r => Assert.Equal(201, r.Code));
        held.ForEach(h => h.Tls.Dispose());
    }

    private static async Task AssertClientErrorStatusAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.InRange((int)response.StatusCode, 400, 499);
        var status = JsonNode.Parse(text)!;
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }
}
