using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Cluster.Node.Management;

/// <summary>
/// <c>Cluster.Node cluster members|shards [REGION]|controllers|leave ADDRESS|down ADDRESS [--kubeconfig FILE] [--server URL]</c>:
/// the management endpoints of a running node, printed as tables. The server and credentials come from the
/// kubeconfig (by default the node's data/admin.kubeconfig); --server overrides the address.
/// </summary>
public static class ClusterCli
{
    public const string DefaultServer = "https://127.0.0.1:6443";
    public const string DefaultKubeconfig = "data/admin.kubeconfig";

    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        string? server = null;
        var kubeconfig = DefaultKubeconfig;
        var words = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (Option(args, ref i, "--server") is { } s)
            {
                server = s;
            }
            else if (Option(args, ref i, "--kubeconfig") is { } k)
            {
                kubeconfig = k;
            }
            else
            {
                words.Add(args[i]);
            }
        }

        using var http = handler is not null ? new HttpClient(handler, disposeHandler: false)
            : File.Exists(kubeconfig) ? Cluster.Api.Security.KubeconfigHttp.CreateClient(kubeconfig)
            : new HttpClient();
        http.BaseAddress = new Uri(server ?? http.BaseAddress?.ToString() ?? DefaultServer);
        http.Timeout = TimeSpan.FromSeconds(15);
        try
        {
            return words switch
            {
                ["members"] => await MembersAsync(http, console),
                ["shards"] => await ShardsAsync(http, console, "registry"),
                ["shards", var region] => await ShardsAsync(http, console, region),
                ["controllers"] => await ControllersAsync(http, console),
                ["leave", var address] => await ChangeAsync(http, console, HttpMethod.Put, address),
                ["down", var address] => await ChangeAsync(http, console, HttpMethod.Delete, address),
                _ => Usage(console),
            };
        }
        catch (HttpRequestException e)
        {
            console.MarkupLineInterpolated($"[red]error:[/] cannot reach {http.BaseAddress}: {e.Message}");
            return 1;
        }
    }

    /// <summary>The value of <c>--NAME VALUE</c> or <c>--NAME=VALUE</c> at <paramref name="i"/> (advancing past it), else null.</summary>
    private static string? Option(string[] args, ref int i, string name)
    {
        if (args[i] == name && i + 1 < args.Length)
        {
            return args[++i];
        }

        return args[i].StartsWith(name + "=", StringComparison.Ordinal) ? args[i][(name.Length + 1)..] : null;
    }

    private static async Task<int> MembersAsync(HttpClient http, IAnsiConsole console)
    {
        var body = await http.GetFromJsonAsync<JsonObject>("/cluster/members") ?? [];
        var unreachable = body["unreachable"]?.AsArray().Select(u => u?["node"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
        var leader = body["leader"]?.GetValue<string>();
        var oldest = body["oldest"]?.GetValue<string>();
        var table = new Table().AddColumns(new TableColumn("NODE").NoWrap(), new TableColumn("STATUS"), new TableColumn("REACHABLE"), new TableColumn("ROLES").NoWrap(), new TableColumn("LEADER"), new TableColumn("OLDEST"));
        foreach (var member in body["members"]?.AsArray() ?? [])
        {
            var node = member?["node"]?.GetValue<string>() ?? "";
            var roles = string.Join(",", member?["roles"]?.AsArray().Select(r => r?.GetValue<string>()) ?? []);
            table.AddRow(
                Markup.Escape(node),
                Markup.Escape(member?["status"]?.GetValue<string>() ?? ""),
                unreachable.Contains(node) ? "[red]no[/]" : "yes",
                Markup.Escape(roles),
                node == leader ? "*" : "",
                node == oldest ? "*" : "");
        }

        console.Write(table);
        return 0;
    }

    private static async Task<int> ShardsAsync(HttpClient http, IAnsiConsole console, string region)
    {
        using var response = await http.GetAsync(new Uri("/cluster/shards/" + Uri.EscapeDataString(region), UriKind.Relative));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>() ?? [];
        if (!response.IsSuccessStatusCode)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {body["message"]?.GetValue<string>() ?? response.StatusCode.ToString()}");
            return 1;
        }

        var table = new Table().AddColumns(new TableColumn("NODE").NoWrap(), new TableColumn("SHARDS"), new TableColumn("ENTITIES"));
        foreach (var entry in body["regions"]?.AsArray() ?? [])
        {
            var shards = entry?["shards"]?.AsArray() ?? [];
            table.AddRow(
                Markup.Escape(entry?["address"]?.GetValue<string>() ?? ""),
                shards.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                shards.Sum(s => s?["numEntities"]?.GetValue<int>() ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        console.Write(table);
        return 0;
    }

    /// <summary>Where the controller manager and scheduler run, and each control loop's figures.</summary>
    private static async Task<int> ControllersAsync(HttpClient http, IAnsiConsole console)
    {
        var (ok, manager) = await GetAsync(http, console, "/cluster/controllers");
        if (!ok)
        {
            return 1;
        }

        var (schedulerOk, scheduler) = await GetAsync(http, console, "/cluster/scheduler", quiet: true);
        console.WriteLine($"controller manager on {manager["member"]?.GetValue<string>()}" + (schedulerOk ? $", scheduler on {scheduler["member"]?.GetValue<string>()}" : ""));
        var table = new Table().AddColumns(new TableColumn("CONTROLLER").NoWrap(), new TableColumn("QUEUE"), new TableColumn("WAITING"), new TableColumn("RECONCILES"), new TableColumn("FAILURES"), new TableColumn("MEAN MS"), new TableColumn("MAX MS"));
        foreach (var c in manager["controllers"]?.AsArray() ?? [])
        {
            table.AddRow(Markup.Escape(c?["name"]?.GetValue<string>() ?? ""), Figure(c, "queueDepth"), Figure(c, "waiting"), Figure(c, "reconciles"), Figure(c, "failures"), Figure(c, "meanLatencyMs"), Figure(c, "maxLatencyMs"));
        }

        if (schedulerOk && scheduler["cycles"] is not null)
        {
            table.AddRow("scheduler", Figure(scheduler, "pending"), "", Figure(scheduler, "scheduled"), Figure(scheduler, "bindFailures"), Figure(scheduler, "meanBindMs"), Figure(scheduler, "maxBindMs"));
        }

        console.Write(table);
        return 0;
    }

    private static string Figure(JsonNode? node, string name) => node?[name]?.ToJsonString() ?? "";

    private static async Task<(bool Ok, JsonObject Body)> GetAsync(HttpClient http, IAnsiConsole console, string path, bool quiet = false)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>() ?? [];
        if (!response.IsSuccessStatusCode && !quiet)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {body["message"]?.GetValue<string>() ?? response.StatusCode.ToString()}");
        }

        return (response.IsSuccessStatusCode, body);
    }

    private static async Task<int> ChangeAsync(HttpClient http, IAnsiConsole console, HttpMethod method, string address)
    {
        using var request = new HttpRequestMessage(method, new Uri("/cluster/members/" + Uri.EscapeDataString(address), UriKind.Relative));
        if (method == HttpMethod.Put)
        {
            request.Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("operation", "Leave")]);
        }

        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        var message = body?["message"]?.GetValue<string>() ?? response.StatusCode.ToString();
        if (!response.IsSuccessStatusCode)
        {
            console.MarkupLineInterpolated($"[red]error:[/] {message}");
            return 1;
        }

        console.WriteLine(message);
        return 0;
    }

    private static int Usage(IAnsiConsole console)
    {
        console.WriteLine("usage: Cluster.Node cluster members|shards [REGION]|controllers|leave ADDRESS|down ADDRESS [--server URL]");
        console.WriteLine("  ADDRESS is a member's akka[.ssl].tcp://SYSTEM@HOST:PORT or HOST:PORT; URL defaults to " + DefaultServer);
        return 2;
    }
}
