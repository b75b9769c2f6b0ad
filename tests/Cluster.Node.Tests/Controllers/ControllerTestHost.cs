using System.Text.Json.Nodes;
using Cluster.Controllers.Framework;
using Cluster.Controllers.Informers;
using Cluster.Controllers.Volumes;
using Cluster.Controllers.Writes;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Objects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cluster.Node.Tests.Controllers;

/// <summary>
/// A node's real registry for one controller under test: the hosted controllers and scheduler are all off, so the
/// test's own instance is the only writer and the test plays every other control loop's part itself.
/// </summary>
internal sealed class ControllerTestHost : IAsyncDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "controller-" + Guid.NewGuid().ToString("N"));
    private readonly Microsoft.AspNetCore.Builder.WebApplication _host;
    private ReconcileLoop[] _loops = [];

    private ControllerTestHost(string node)
    {
        var none = string.Join(",", Cluster.Controllers.Hosting.ControllerSettings.Known.Select(k => "-" + k));
        _host = NodeHost.Build(["--node:name=" + node, "--api-address=127.0.0.1:0", "--data-dir=" + _data, "--runtime", "none", "--controllers:enabled=" + none, "--scheduler:enabled=false"]);
    }

    public ResourceRegistry Registry => _host.Services.GetRequiredService<ResourceRegistry>();

    public InformerFactory Informers { get; private set; } = null!;

    public static async Task<ControllerTestHost> StartAsync(string node)
    {
        var host = new ControllerTestHost(node);
        await host._host.StartAsync();
        host.Informers = new InformerFactory(new RegistrySource(host.Registry), TimeProvider.System, NullLoggerFactory.Instance);
        return host;
    }

    /// <summary>The pvc-protection and pv-protection controllers' loops on this host's informers, watching (not yet started).</summary>
    public (ReconcileLoop Claims, ReconcileLoop Volumes) ProtectionLoops(ILogger log)
    {
        var claims = InUseProtectionController.ForClaims(Informers, new RegistryWriter(Registry, "pvc-protection-controller"), log);
        var claimLoop = new ReconcileLoop(claims, workers: 2, TimeProvider.System, log);
        claims.Watch(claimLoop);
        var volumes = InUseProtectionController.ForVolumes(Informers, new RegistryWriter(Registry, "pv-protection-controller"), log);
        var volumeLoop = new ReconcileLoop(volumes, workers: 2, TimeProvider.System, log);
        volumes.Watch(volumeLoop);
        return (claimLoop, volumeLoop);
    }

    /// <summary>Starts the informers and, once they have listed, <paramref name="loops"/> (disposed with the host).</summary>
    public async Task RunAsync(params ReconcileLoop[] loops)
    {
        _loops = loops;
        Informers.Start();
        await Informers.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var loop in loops)
        {
            loop.Start();
        }
    }

    /// <summary>Creates the object and waits until the registry's cache (which the test reads) holds it.</summary>
    public async Task CreateAsync(ResourceKind kind, string json)
    {
        await Registry.CreateAsync(kind, "default", JsonNode.Parse(json)!.AsObject(), WriteOptions.Default, CancellationToken.None);
        await Registry.SyncAsync(CancellationToken.None);
    }

    /// <summary>Waits until the controllers' informer of <paramref name="kind"/> holds the object: what they will see when something else wakes them.</summary>
    public async Task UntilInformedAsync(ResourceKind kind, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Informers.For(kind).Get("default", name) is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the {kind.Kind} informer never saw {name}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>A pod in default with a container port named http (8080), on <paramref name="node"/>, Running with <paramref name="ip"/> and Ready or not.</summary>
    public async Task CreateServingPodAsync(string name, string ip, bool ready, string app = "web", string node = "elsewhere")
    {
        await CreateAsync(Cluster.Core.Registry.BuiltInKinds.Pod, $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","labels":{"app":"{{{app}}}"}},"spec":{"nodeName":"{{{node}}}","containers":[{"name":"app","image":"simulated","ports":[{"name":"http","containerPort":8080}]}]}}""");
        await SetPodStatusAsync(name, ip, ready);
    }

    /// <summary>Plays the node agent: the pod in default is Running with <paramref name="ip"/>, Ready or not.</summary>
    public Task SetPodStatusAsync(string name, string ip, bool ready) =>
        Registry.PatchAsync(
            Cluster.Core.Registry.BuiltInKinds.Pod, "default", name, PatchType.Merge,
            JsonNode.Parse($$$"""{"status":{"phase":"Running","podIP":"{{{ip}}}","conditions":[{"type":"Ready","status":"{{{(ready ? "True" : "False")}}}"}]}}""")!,
            "status", WriteOptions.Default, CancellationToken.None);

    /// <summary>Waits (30 s at most) until <paramref name="condition"/> holds; a failure names what never happened and <paramref name="state"/>'s account of the loops.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, Func<string> state)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"never reached: {what}; {state()}");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var loop in _loops)
        {
            await loop.DisposeAsync();
        }

        await Informers.DisposeAsync();
        await _host.StopAsync();
        await _host.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}
