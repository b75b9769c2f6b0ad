using System.Globalization;
using System.Net.Sockets;
using Cluster.Node.Agent.Runtime;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>The outcome of one probe: success or failure with what the kubelet would record as its message.</summary>
public sealed record ProbeOutcome(bool Success, string Message);

/// <summary>
/// Runs one liveness, readiness or startup probe as the kubelet's prober does: exec (exit code 0), httpGet (a status
/// from 200 to 399, redirects not followed) or tcpSocket (a connection), each within timeoutSeconds (default 1).
/// </summary>
public sealed class Prober : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false });

    public async Task<ProbeOutcome> RunAsync(IContainerRuntime runtime, V1Probe probe, V1Container container, string containerId, string? podIp, CancellationToken ct)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds ?? 1));
        try
        {
            if (probe.Exec is { } exec)
            {
                var (exit, output) = await runtime.ExecAsync(containerId, exec.Command ?? [], timeout, ct).ConfigureAwait(false);
                return exit == 0 ? new(true, "") : new(false, $"command \"{string.Join(" ", exec.Command ?? [])}\" exited with {exit}: {output.Trim()}");
            }

            if (probe.HttpGet is { } get)
            {
                var host = string.IsNullOrEmpty(get.Host) ? podIp : get.Host;
                var port = Port(get.Port, container);
                var uri = new Uri($"{(get.Scheme ?? "HTTP").ToLowerInvariant()}://{host}:{port.ToString(CultureInfo.InvariantCulture)}{(string.IsNullOrEmpty(get.Path) ? "/" : get.Path)}");
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.TryAddWithoutValidation("User-Agent", "kube-probe/1.32");
                foreach (var header in get.HttpHeaders ?? [])
                {
                    request.Headers.TryAddWithoutValidation(header.Name, header.Value);
                }

                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(timeout);
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                var code = (int)response.StatusCode;
                return code is >= 200 and < 400 ? new(true, "") : new(false, $"HTTP probe failed with statuscode: {code.ToString(CultureInfo.InvariantCulture)}");
            }

            if (probe.TcpSocket is { } tcp)
            {
                var host = string.IsNullOrEmpty(tcp.Host) ? podIp : tcp.Host;
                using var socket = new TcpClient();
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(timeout);
                await socket.ConnectAsync(host!, Port(tcp.Port, container), deadline.Token).ConfigureAwait(false);
                return new(true, "");
            }

            return new(false, "probe has no handler (exec, httpGet or tcpSocket)");
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or HttpRequestException or SocketException or IOException && !ct.IsCancellationRequested)
        {
            return new(false, e is OperationCanceledException ? $"probe timed out after {timeout.TotalSeconds:0}s" : e.Message);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A port given as a number or as the name of one of the container's ports.</summary>
    private static int Port(IntOrString port, V1Container container) =>
        int.TryParse(port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : container.Ports?.FirstOrDefault(p => p.Name == port.Value)?.ContainerPort
              ?? throw new IOException($"port \"{port.Value}\" is not a named port of container {container.Name}");
}
