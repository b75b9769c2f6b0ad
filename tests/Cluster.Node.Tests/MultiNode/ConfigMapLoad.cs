using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Cluster.Node.Tests.MultiNode;

/// <summary>
/// A steady write load through one member's API: one sequential writer per ConfigMap (so a slow
/// object does not stall the others), each write a merge patch with a short client timeout. It
/// records every acknowledged write's resourceVersion and every failure, with times.
/// </summary>
public sealed class ConfigMapLoad(MultiNodeCluster.Member via, string ns, IReadOnlyList<string> names, TimeSpan requestTimeout)
{
    private readonly ConcurrentBag<Acknowledged> _acknowledged = [];
    private readonly ConcurrentBag<Failure> _failures = [];

    public sealed record Acknowledged(string Name, long ResourceVersion, DateTime At);

    public sealed record Failure(string Name, string Reason, DateTime At);

    public IReadOnlyCollection<Acknowledged> AcknowledgedWrites => _acknowledged;

    public IReadOnlyCollection<Failure> Failures => _failures;

    /// <summary>Creates the namespace and ConfigMaps through the member.</summary>
    public async Task CreateAsync()
    {
        await PostAsync("/api/v1/namespaces", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
        foreach (var name in names)
        {
            await PostAsync($"/api/v1/namespaces/{ns}/configmaps", new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["data"] = new JsonObject { ["n"] = "0" },
            });
        }
    }

    /// <summary>Writes until <paramref name="stop"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(names.Select(name => WriteLoopAsync(name, stop)));

    /// <summary>The first acknowledged write of <paramref name="name"/> at or after <paramref name="since"/>, if any.</summary>
    public DateTime? FirstAcknowledgedAfter(string name, DateTime since) =>
        _acknowledged.Where(a => a.Name == name && a.At >= since).Select(a => (DateTime?)a.At).Min();

    private async Task WriteLoopAsync(string name, CancellationToken stop)
    {
        for (var n = 1; !stop.IsCancellationRequested; n++)
        {
            using var timeout = new CancellationTokenSource(requestTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri($"/api/v1/namespaces/{ns}/configmaps/{name}", UriKind.Relative))
            {
                Content = new StringContent(new JsonObject { ["data"] = new JsonObject { ["n"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture) } }.ToJsonString(), Encoding.UTF8, "application/merge-patch+json"),
            };
            try
            {
                using var response = await via.Http.SendAsync(request, timeout.Token);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var version = long.Parse(JsonNode.Parse(body)!["metadata"]!["resourceVersion"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
                    _acknowledged.Add(new Acknowledged(name, version, DateTime.UtcNow));
                }
                else
                {
                    _failures.Add(new Failure(name, $"{(int)response.StatusCode} {body}", DateTime.UtcNow));
                    await Task.Delay(100, CancellationToken.None);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
            {
                _failures.Add(new Failure(name, e.GetType().Name, DateTime.UtcNow));
            }
        }
    }

    private async Task PostAsync(string path, JsonObject body)
    {
        using var response = await via.Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
