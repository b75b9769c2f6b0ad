using Cluster.Core.Actors;
using Cluster.Core.Hosting;
using Cluster.Core.Tests.Actors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cluster.Core.Tests.Hosting;

public sealed class HostingSpec
{
    private sealed class EchoKey;

    private static IHost BuildHost(Dictionary<string, string?>? config = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(config ?? []);
        builder.Services.AddActorSystem("hosted", (b, _) => b.WithActor<EchoKey>("echo", _ => Props.Create<EchoActor>()));
        return builder.Build();
    }

    [Fact]
    public async Task AddActorSystem_HostStarts_RegisteredActorIsInjectableAndAnswers()
    {
        using var host = BuildHost();
        await host.StartAsync();
        var echo = host.Services.GetRequiredService<IRequiredActor<EchoKey>>();
        Assert.Equal("ping", await echo.ActorRef.Ask<string>("ping", TimeSpan.FromSeconds(3)));
        Assert.Equal(echo.ActorRef, await ActorRegistry.For(host.Services.GetRequiredService<ActorSystem>()).GetAsync<EchoKey>());
        await host.StopAsync();
    }

    [Fact]
    public async Task HostStops_RunsCoordinatedShutdown_SystemTerminates()
    {
        using var host = BuildHost();
        await host.StartAsync();
        var system = host.Services.GetRequiredService<ActorSystem>();
        var ran = false;
        system.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "unbind", _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });
        await host.StopAsync();
        Assert.True(system.WhenTerminated.IsCompleted);
        Assert.True(ran);
        Assert.Equal(ShutdownReason.ClrExit, system.CoordinatedShutdown.Reason);
    }

    [Fact]
    public async Task SystemTerminates_OnItsOwn_StopsTheHost()
    {
        using var host = BuildHost();
        await host.StartAsync();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource();
        lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        await host.Services.GetRequiredService<ActorSystem>().Terminate();
        await stopping.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await host.StopAsync();
    }

    [Fact]
    public async Task Settings_FromConfiguration_AreBound()
    {
        using var host = BuildHost(new() { ["actors:ask-timeout"] = "250ms", ["actors:default-dispatcher:throughput"] = "7" });
        await host.StartAsync();
        var settings = host.Services.GetRequiredService<ActorSystem>().Settings;
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.AskTimeout);
        Assert.Equal(7, settings.Throughput);
        await host.StopAsync();
    }

    [Fact]
    public void Settings_InvalidValue_ErrorNamesTheKey()
    {
        using var host = BuildHost(new() { ["actors:default-dispatcher:throughput"] = "lots" });
        var e = Assert.Throws<Cluster.Core.Configuration.SettingsException>(() => host.Services.GetRequiredService<ActorSystem>());
        Assert.Contains("actors.default-dispatcher.throughput", e.Message, StringComparison.Ordinal);
        Assert.Contains("lots", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registry_DuplicateRegistration_Throws()
    {
        var registry = new ActorRegistry();
        registry.Register<EchoKey>(ActorRefs.Nobody);
        Assert.Throws<InvalidOperationException>(() => registry.Register<EchoKey>(ActorRefs.Nobody));
        registry.Register<EchoKey>(ActorRefs.Nobody, overwrite: true);
    }
}
