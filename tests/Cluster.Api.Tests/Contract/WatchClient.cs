using System.Text.Json.Nodes;

namespace Cluster.Api.Tests.Contract;

/// <summary>Reads the first events of a watch stream (one JSON object per line).</summary>
internal static class WatchClient
{
    public static async Task<List<JsonNode>> ReadAsync(ApiTestHost host, string path, int count, string? accept = null)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(200, (int)response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync(cts.Token);
        using var reader = new StreamReader(stream);
        var events = new List<JsonNode>();
        while (events.Count < count)
        {
            var line = await reader.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException($"the watch ended after {events.Count} events");
            if (line.Length > 0)
            {
                events.Add(JsonNode.Parse(line)!);
            }
        }

        return events;
    }
}
