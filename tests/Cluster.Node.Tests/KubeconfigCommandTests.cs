using System.Security.Cryptography.X509Certificates;
using System.Text;
using Cluster.Api.Security.Pki;
using Cluster.Node.Tests.Kubectl;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Node.Tests;

public sealed class KubeconfigCommandTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"kubeconfig-test-{Guid.NewGuid():N}");
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly CertificateAuthority _ca;

    public KubeconfigCommandTests()
    {
        // The CA a node would have created in DATA-DIR/pki on its first start.
        _ca = CertificateAuthority.Create("cluster-ca", _clock, TimeSpan.FromDays(3650));
        PemFiles.WriteCertificate(Path.Combine(DataDirectory, "pki", "ca.crt"), _ca.Certificate);
        PemFiles.WritePrivateKey(Path.Combine(DataDirectory, "pki", "ca.key"), _ca.Certificate);
    }

    private string DataDirectory => Path.Combine(_directory, "data");

    private string Kubeconfig => Path.Combine(_directory, "kube", "config");

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task RunAsync_UserAndGroups_WritesAKubeconfigKubectlReads()
    {
        var (code, output, error) = await RunAsync("--user", "alice", "--group", "dev", "--group=ops", "--namespace", "team", "--out", Kubeconfig, "--data-dir", DataDirectory);

        Assert.True(code == 0, error);
        Assert.Equal(1, output.Count(c => c == '\n'));
        Assert.Contains("alice@cluster", output, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(Kubeconfig));

        var contexts = await KubectlAsync("config", "get-contexts", "--kubeconfig", Kubeconfig);
        Assert.Matches(@"\*\s+alice@cluster\s+cluster\s+alice\s+team", contexts);
        Assert.Equal("https://127.0.0.1:6443", await KubectlAsync("config", "view", "--kubeconfig", Kubeconfig, "-o", "jsonpath={.clusters[0].cluster.server}"));
        var caData = await KubectlAsync("config", "view", "--kubeconfig", Kubeconfig, "--raw", "-o", "jsonpath={.clusters[0].cluster.certificate-authority-data}");
        Assert.Equal(_ca.CertificatePem(), Decode(caData));
        var certificateData = await KubectlAsync("config", "view", "--kubeconfig", Kubeconfig, "--raw", "-o", "jsonpath={.users[?(@.name==\"alice\")].user.client-certificate-data}");
        var keyData = await KubectlAsync("config", "view", "--kubeconfig", Kubeconfig, "--raw", "-o", "jsonpath={.users[?(@.name==\"alice\")].user.client-key-data}");
        using var certificate = X509Certificate2.CreateFromPem(Decode(certificateData), Decode(keyData));
        var (user, groups) = CertificateAuthority.ClientSubject(certificate);
        Assert.Equal("alice", user);
        Assert.Equal(["dev", "ops"], groups);
        Assert.True(_ca.Verify(certificate, Now, CertificateAuthority.Usages.ClientAuth, out var reason), reason);
        Assert.Equal((Now + TimeSpan.FromDays(365)).UtcDateTime, certificate.NotAfter.ToUniversalTime());
    }

    [Fact]
    public async Task RunAsync_ExistingKubeconfig_KeepsOtherEntriesAndCurrentContext()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Kubeconfig)!);
        // Written as JSON, which is YAML too and a form kubectl reads.
        await File.WriteAllTextAsync(Kubeconfig, """
            {"apiVersion": "v1", "kind": "Config", "current-context": "other",
             "clusters": [{"name": "other", "cluster": {"server": "https://other.example:6443"}}],
             "users": [{"name": "bob", "user": {"token": "bob-token"}}],
             "contexts": [{"name": "other", "context": {"cluster": "other", "user": "bob"}}]}
            """);

        Assert.Equal(0, (await RunAsync("--user", "alice", "--out", Kubeconfig, "--data-dir", DataDirectory)).Code);
        var (code, _, error) = await RunAsync("--user", "alice", "--group", "dev", "--context", "mine", "--server", "https://10.0.0.5:6443", "--cluster", "prod", "--out", Kubeconfig, "--data-dir", DataDirectory);

        Assert.True(code == 0, error);
        Assert.Equal("other", await KubectlAsync("config", "current-context", "--kubeconfig", Kubeconfig));
        // kubectl config view lists entries sorted by name.
        Assert.Equal("alice bob", await KubectlAsync("config", "view", "--kubeconfig", Kubeconfig, "-o", "jsonpath={.users[*].name}"));
        Assert.Equal("alice@cluster mine other", await KubectlAsync("config", "view", "--kubeconfig", Kubeconfig, "-o", "jsonpath={.contexts[*].name}"));
        Assert.Equal("bob-token", await KubectlAsync("config", "view", "--kubeconfig", Kubeconfig, "--raw", "-o", "jsonpath={.users[?(@.name==\"bob\")].user.token}"));
        Assert.Equal("https://10.0.0.5:6443", await KubectlAsync("config", "view", "--kubeconfig", Kubeconfig, "-o", "jsonpath={.clusters[?(@.name==\"prod\")].cluster.server}"));
        await KubectlAsync("config", "use-context", "mine", "--kubeconfig", Kubeconfig);
        Assert.Equal("mine", await KubectlAsync("config", "current-context", "--kubeconfig", Kubeconfig));
    }

    [Fact]
    public async Task RunAsync_NoOut_WritesTheFirstKubeconfigPath()
    {
        var first = Path.Combine(_directory, "first");
        var environment = new Dictionary<string, string?> { ["KUBECONFIG"] = $"{first}{Path.PathSeparator}{Path.Combine(_directory, "second")}", ["HOME"] = _directory };

        var (code, _, error) = await RunAsync(environment, "--user", "alice", "--data-dir", DataDirectory);

        Assert.True(code == 0, error);
        Assert.True(File.Exists(first));
        Assert.False(File.Exists(Path.Combine(_directory, "second")));
    }

    [Fact]
    public async Task RunAsync_ClientValidityKey_SetsTheCertificateLifetime()
    {
        var (code, output, error) = await RunAsync("--user", "alice", "--out", Kubeconfig, "--data-dir", DataDirectory, "--api:tls:client-validity=2h");

        Assert.True(code == 0, error);
        Assert.Contains((Now + TimeSpan.FromHours(2)).ToString("u", System.Globalization.CultureInfo.InvariantCulture), output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--group dev", "--user is required")]
    [InlineData("--user alice --colour blue", "unknown flag or argument '--colour'")]
    [InlineData("--user alice extra", "unknown flag or argument 'extra'")]
    [InlineData("--user", "--user needs a value")]
    [InlineData("--user alice --user bob", "--user may be given once")]
    public async Task RunAsync_BadArguments_ErrorExitTwo(string args, string message)
    {
        var (code, output, error) = await RunAsync([.. args.Split(' '), "--out", Kubeconfig, "--data-dir", DataDirectory]);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: " + message, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Kubeconfig));
    }

    [Fact]
    public async Task RunAsync_NoCaInTheDataDirectory_ErrorExitTwo()
    {
        var (code, _, error) = await RunAsync("--user", "alice", "--out", Kubeconfig, "--data-dir", Path.Combine(_directory, "empty"));

        Assert.Equal(2, code);
        Assert.StartsWith("error: no cluster CA in ", error, StringComparison.Ordinal);
        Assert.Equal(1, error.Count(c => c == '\n'));
    }

    [Fact]
    public async Task RunAsync_BrokenKubeconfig_ErrorExitTwoAndFileKept()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Kubeconfig)!);
        await File.WriteAllTextAsync(Kubeconfig, "clusters: [\n");

        var (code, _, error) = await RunAsync("--user", "alice", "--out", Kubeconfig, "--data-dir", DataDirectory);

        Assert.Equal(2, code);
        Assert.StartsWith($"error: {Kubeconfig} is not valid YAML", error, StringComparison.Ordinal);
        Assert.Equal("clusters: [\n", await File.ReadAllTextAsync(Kubeconfig));
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) =>
        RunAsync(new Dictionary<string, string?> { ["HOME"] = _directory }, args);

    /// <summary>The command in-process with a fixed environment (no CLUSTER_ variables of the machine) and the fake clock.</summary>
    private async Task<(int Code, string Output, string Error)> RunAsync(Dictionary<string, string?> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await KubeconfigCommand.RunAsync(args, output, error, environment, _clock);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The real kubectl (client-only commands); fails on a non-zero exit.</summary>
    private async Task<string> KubectlAsync(params string[] args)
    {
        using var kubectl = KubectlProcess.Start(new Dictionary<string, string> { ["HOME"] = _directory }, _directory, args);
        var result = await kubectl.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StdOut.TrimEnd('\n');
    }

    private static string Decode(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));
}
