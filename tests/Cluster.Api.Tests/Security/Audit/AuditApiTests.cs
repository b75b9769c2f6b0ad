using System.Text;
using System.Text.Json.Nodes;
using Cluster.Api.Security;
using Cluster.Api.Security.Audit;

namespace Cluster.Api.Tests.Security.Audit;

/// <summary>The audit log in front of the real API handlers, at RequestResponse for everything.</summary>
public sealed class AuditApiTests : IDisposable
{
    private const string Value = "hunter2-is-the-password";
    private const string PlainValue = "plain-string-data-value";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "audit-api-" + Guid.NewGuid().ToString("N"));

    private string LogPath => Path.Combine(_directory, "audit.log");

    [Fact]
    public async Task SecretWrites_AtRequestResponse_NeverLogTheirValues()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(Value));
        var patched = Convert.ToBase64String(Encoding.UTF8.GetBytes(Value + "-2"));
        await using (var host = await StartAsync())
        {
            var secret = $$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s1"},"data":{"password":"{{{encoded}}}"},"stringData":{"token":"{{{PlainValue}}}"}}""";
            Assert.Equal(201, (await host.PostAsync("/api/v1/namespaces/default/secrets", secret)).Status);
            Assert.Equal(200, (await host.GetAsync("/api/v1/namespaces/default/secrets/s1")).Status);
            Assert.Equal(200, (await host.GetAsync("/api/v1/namespaces/default/secrets")).Status);
            Assert.Equal(200, (await host.PatchAsync("/api/v1/namespaces/default/secrets/s1", $$$"""{"data":{"password":"{{{patched}}}"}}""")).Status);
            Assert.Equal(201, (await host.PostAsync("/api/v1/namespaces/default/configmaps", """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c1"},"data":{"k":"visible"}}""")).Status);
        }

        var text = await File.ReadAllTextAsync(LogPath);
        foreach (var secretValue in new[] { encoded, patched, Value, PlainValue, encoded[..12] })
        {
            Assert.DoesNotContain(secretValue, text, StringComparison.Ordinal);
        }

        var events = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var secrets = events.Where(e => (string?)e["objectRef"]?["resource"] == "secrets").ToList();
        Assert.Equal(8, secrets.Count);
        Assert.All(secrets, e => Assert.Equal("Metadata", (string)e["level"]!));
        Assert.Equal([201, 200, 200, 200], secrets.Where(e => (string)e["stage"]! == "ResponseComplete").Select(e => (int)e["responseStatus"]!["code"]!));

        // The same policy records other objects whole: the secrets' absence is not an accident.
        var configMap = events.Single(e => (string?)e["objectRef"]?["resource"] == "configmaps" && (string)e["stage"]! == "ResponseComplete");
        Assert.Equal("visible", (string)configMap["requestObject"]!["data"]!["k"]!);
        Assert.Equal("visible", (string)configMap["responseObject"]!["data"]!["k"]!);
        Assert.Equal("system:unsecured", (string)configMap["user"]!["username"]!);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private Task<ApiTestHost> StartAsync()
    {
        Directory.CreateDirectory(_directory);
        var policy = Path.Combine(_directory, "policy.yaml");
        File.WriteAllText(policy, "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: RequestResponse\n");
        var settings = new AuditSettings { LogPath = LogPath, PolicyFile = policy };
        return ApiTestHost.StartAsync("memory", extra: (
            builder =>
            {
                builder.Services.AddKubernetesSecurity(SecuritySettings.Default with { InsecureHttp = true, AuthorizationMode = "AlwaysAllow" }, _ => null);
                builder.Services.AddKubernetesAudit(settings);
            },
            app =>
            {
                app.UseKubernetesAudit();
                app.UseKubernetesSecurity();
            }));
    }
}
