using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Cluster.Api.Security.Pki;
using Cluster.Node.Tests.Kubectl;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Cluster.Node.Tests.Security;

/// <summary>
/// A started node (its defaults: HTTPS, the admin's certificate, admission, audit) fed random and boundary values for
/// every query parameter the API reads and random bodies of every content type on every verb, from a fixed seed: the
/// answer is never a 5xx, an error is always a Status with the answer's code and no .NET exception text, and the node
/// still answers /readyz afterwards.
/// </summary>
public sealed class ApiFuzzTests(SecureCluster cluster) : IClassFixture<SecureCluster>
{
    private const string Ns = "fuzz";

    private static readonly FsCheck.Config Seeded = FsCheck.Config.QuickThrowOnFailure
        .WithMaxTest(3000)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20261207UL, 15UL), FSharpOption<int>.None)));

    private static readonly string[] Parameters =
    [
        "watch", "timeoutSeconds", "limit", "continue", "resourceVersion", "resourceVersionMatch", "labelSelector", "fieldSelector",
        "allowWatchBookmarks", "sendInitialEvents", "dryRun", "fieldManager", "fieldValidation", "force", "gracePeriodSeconds",
        "propagationPolicy", "orphanDependents", "pretty", "includeObject",
        "container", "follow", "previous", "timestamps", "sinceSeconds", "sinceTime", "tailLines", "limitBytes",
    ];

    /// <summary>Raw (already escaped) query values: invalid UTF-8 and a NUL, which no string escapes to.</summary>
    private static readonly string[] RawValues = ["%FF%FE", "%C0%80", "%00", "%E2%82", "%", "%ZZ"];

    private static readonly string[] Values =
    [
        "", "0", "1", "-1", "true", "false", "True", "yes", "999999999999", "9223372036854775807", "-9223372036854775808",
        "99999999999999999999999", "1.5", "1e9", " 1", "0x10", "abc", "All", "Strict", "Warn", "Ignore", "Foreground", "Orphan",
        "Background", "NotOlderThan", "Exact", "None", "Object", "Metadata", "=", ",", "!", "a=b", "a!=b,c", "a in (b,c)", "a notin (",
        "!a", "a=", "metadata.name=cm", "metadata.namespace!=x", "spec.nodeName==n", "status.phase", "../..", "\u00e9\u00fc",
        "\uFFFD", "garbage", "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MCwic3RhcnQiOiIifQ==", "eyJydiI6MX0=", "e30=", "AAAA",
        new string('a', 5000), new string('9', 400), "kubectl", "x/y",
    ];

    private static readonly (HttpMethod Method, string Path)[] Targets =
    [
        (HttpMethod.Get, $"/api/v1/namespaces/{Ns}/configmaps"),
        (HttpMethod.Get, $"/api/v1/namespaces/{Ns}/configmaps/cm"),
        (HttpMethod.Get, "/api/v1/configmaps"),
        (HttpMethod.Get, $"/apis/apps/v1/namespaces/{Ns}/deployments"),
        (HttpMethod.Post, $"/api/v1/namespaces/{Ns}/configmaps"),
        (HttpMethod.Put, $"/api/v1/namespaces/{Ns}/configmaps/cm"),
        (HttpMethod.Patch, $"/api/v1/namespaces/{Ns}/configmaps/cm"),
        (HttpMethod.Delete, $"/api/v1/namespaces/{Ns}/configmaps/cm"),
        (HttpMethod.Delete, $"/api/v1/namespaces/{Ns}/configmaps"),
        (HttpMethod.Post, $"/apis/apps/v1/namespaces/{Ns}/deployments"),
        (HttpMethod.Get, $"/api/v1/namespaces/{Ns}/pods/p/log"),
        (HttpMethod.Post, $"/api/v1/namespaces/{Ns}/pods"),
        (HttpMethod.Delete, $"/api/v1/namespaces/{Ns}/pods/p"),
    ];

    private static readonly string?[] ContentTypes =
    [
        null, "application/json", "application/yaml", "application/merge-patch+json", "application/strategic-merge-patch+json",
        "application/json-patch+json", "application/apply-patch+yaml", "application/vnd.kubernetes.protobuf", "text/plain",
        "application/json; charset=latin1", "multipart/form-data",
    ];

    private static readonly string[] Bodies =
    [
        """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"data":{"k":"v"}}""",
        """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","resourceVersion":"abc"},"data":{"k":1}}""",
        """{"metadata":null}""", """[{"op":"remove","path":"/metadata"}]""", """{"$patch":"delete"}""", """{"data":{"k":null}}""",
        """[{"op":"replace","path":"/data/k","value":1}]""", """[{"op":"move","from":"/x","path":"/y"}]""", "[]", "{}", "null", "\"s\"", "123",
        """{"metadata":{"name":"other"}}""", """{"metadata":{"namespace":"x"}}""", """{"kind":"DeleteOptions","gracePeriodSeconds":99999999999999}""",
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":"x","selector":{"matchLabels":{"a":"b"}}}}""",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {k: v}\n",
        """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"terminationGracePeriodSeconds":9999999999999,"containers":[{"name":"c","image":"i"}]}}""", "a: [", "- - - -", "{{{{", new string('[', 3000),
    ];

    private static readonly string[] ExceptionText =
    [
        "Exception", "System.", "   at ", "LineNumber", "BytePositionInLine", "transcode", "Base-64", "base 64", "Object reference",
        "(Parameter", "Nullable object", "Sequence contains", "Index was outside", "Input string was not", "overflowed",
    ];

    private sealed record Case(HttpMethod Method, string Path, IReadOnlyList<(string Name, string Value)> Query, string? ContentType, byte[]? Body)
    {
        public override string ToString() =>
            $"{Method} {Path}?{string.Join('&', Query.Select(q => q.Name + "=" + (q.Value.Length > 40 ? q.Value[..40] + "…" : q.Value)))} [{ContentType}] {Body?.Length ?? -1} bytes: "
            + (Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 80)));
    }

    [Fact]
    public async Task RandomQueriesAndBodies_EveryVerb_NeverA5xxAlwaysAStatus_NodeStillReady()
    {
        using var admin = PemFiles.Load(Path.Combine(cluster.DataDir, ClusterPki.DirectoryName, "admin.crt"), Path.Combine(cluster.DataDir, ClusterPki.DirectoryName, "admin.key"));
        using var http = cluster.Https(admin);
        http.Timeout = TimeSpan.FromSeconds(20);
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "namespace", Ns));
        KubectlAssert.Succeeded(await cluster.RunAsync("create", "configmap", "cm", "-n", Ns, "--from-literal=k=v"));

        var failures = new List<string>();
        // FsCheck's properties are synchronous: each case waits for its answer, on the thread pool (no test
        // synchronization context to wait on).
        // Every problem is collected (twenty are enough to read) and reported with its case below.
        await Task.Run(() => Check.One(Seeded, Prop.ForAll(Arb.From(CaseGen()), c =>
        {
            if (failures.Count < 20 && SendAsync(http, c).GetAwaiter().GetResult() is { } problem)
            {
                failures.Add(problem + " <- " + c);
            }

            return true;
        })));

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    private static Gen<Case> CaseGen()
    {
        var value = Gen.Frequency(
            (6, Gen.Elements(Values).Select(Uri.EscapeDataString)),
            (2, Gen.Elements(RawValues)),
            (2, Gen.ArrayOf(Gen.Elements("aZ09-_.=,!()/ %".ToCharArray())).Select(chars => Uri.EscapeDataString(new string(chars)))));
        var parameter = Gen.Elements(Parameters).SelectMany(name => value.Select(v => (name, v)));
        var query = Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(parameter, n))
            .SelectMany(ps => Gen.Elements(true, false).Select(repeat => repeat && ps.Length > 0 ? (IReadOnlyList<(string, string)>)[.. ps, ps[0]] : ps));
        var body = Gen.Frequency(
            (3, Gen.Elements(Bodies).Select(b => (byte[]?)Encoding.UTF8.GetBytes(b))),
            (2, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(b => (byte[]?)b)),
            (2, Gen.Elements(Bodies).SelectMany(b => Gen.Choose(0, Math.Max(0, b.Length - 1)).SelectMany(at => Gen.Choose(0, 255).Select(x => (byte[]?)Mutate(b, at, (byte)x))))),
            (1, Gen.Constant<byte[]?>(null)));
        return Gen.Elements(Targets).SelectMany(target => query.SelectMany(q => Gen.Elements(ContentTypes).SelectMany(type => body.Select(b =>
            new Case(target.Method, target.Path, q, type, target.Method == HttpMethod.Get ? null : b)))));
    }

    /// <summary>The body with one byte replaced (often making it invalid UTF-8 or invalid JSON) and cut after it half the time.</summary>
    private static byte[] Mutate(string body, int at, byte value)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        at = Math.Min(at, bytes.Length - 1);
        bytes[at] = value;
        return value % 2 == 0 ? bytes : bytes[..(at + 1)];
    }

    /// <summary>What is wrong with the answer to <paramref name="c"/>, or null.</summary>
    private static async Task<string?> SendAsync(HttpClient http, Case c)
    {
        var uri = c.Path + (c.Query.Count > 0 ? "?" + string.Join('&', c.Query.Select(q => q.Name + "=" + q.Value)) : "");
        using var request = new HttpRequestMessage(c.Method, new Uri(uri, UriKind.Relative));
        if (c.Body is not null)
        {
            request.Content = new ByteArrayContent(c.Body);
            if (c.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType);
            }
        }

        HttpResponseMessage response;
        try
        {
            // Headers only: a watch answers 200 and streams on.
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (TaskCanceledException)
        {
            return "no answer within 20 s";
        }

        using (response)
        {
            var code = (int)response.StatusCode;
            if (code < 400)
            {
                return null;
            }

            var text = await response.Content.ReadAsStringAsync();
            if (code >= 500)
            {
                return $"{code}: {text}";
            }

            JsonNode? status;
            try
            {
                status = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                return $"{code} without a Status body: {text}";
            }

            if (status?["kind"]?.GetValue<string>() != "Status" || status["code"]?.GetValue<int>() != code)
            {
                return $"{code} with a body that is not its Status: {text}";
            }

            var message = status["message"]?.GetValue<string>() ?? "";
            return ExceptionText.FirstOrDefault(t => message.Contains(t, StringComparison.Ordinal)) is { } leaked
                ? $"{code} whose message carries .NET text ({leaked}): {message}"
                : null;
        }
    }
}
