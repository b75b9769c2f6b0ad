using Cluster.Api.Limits;
using Cluster.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Api.Tests.Limits;

public sealed class FairnessGateTests
{
    private static readonly ApiLimitsSettings Small = new() { MaxInFlight = 2, PerUserInFlight = 2, QueueLength = 2, QueueTimeout = TimeSpan.FromSeconds(10) };

    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task EnterAsync_UnderShare_AdmitsAtOnce()
    {
        var gate = new FairnessGate(Small, _clock);

        Assert.True(await gate.EnterAsync("bob", CancellationToken.None));
        Assert.True(await gate.EnterAsync("bob", CancellationToken.None));
        Assert.Equal(2, gate.InFlight);
        gate.Exit("bob");
        gate.Exit("bob");
        Assert.Equal(0, gate.InFlight);
    }

    [Fact]
    public async Task EnterAsync_QueueFull_Refused()
    {
        var gate = await BobAtShareAsync(Small);

        var queued = new[] { gate.EnterAsync("bob", CancellationToken.None).AsTask(), gate.EnterAsync("bob", CancellationToken.None).AsTask() };
        var refused = gate.EnterAsync("bob", CancellationToken.None);

        Assert.True(refused.IsCompleted);
        Assert.False(await refused);
        Assert.All(queued, q => Assert.False(q.IsCompleted));
        gate.Exit("bob");
        Assert.True(await queued[0]);
        Assert.False(queued[1].IsCompleted);
    }

    [Fact]
    public async Task Exit_SeveralUsersWaiting_SlotsGoRoundTheUsers()
    {
        var gate = await BobAtShareAsync(Small with { QueueLength = 5 });
        var bob3 = gate.EnterAsync("bob", CancellationToken.None).AsTask();
        var bob4 = gate.EnterAsync("bob", CancellationToken.None).AsTask();
        var alice1 = gate.EnterAsync("alice", CancellationToken.None).AsTask();

        gate.Exit("bob");
        Assert.True(await bob3);
        gate.Exit("bob");

        // First come would give bob a third turn; alice's turn comes first.
        Assert.True(await alice1);
        Assert.False(bob4.IsCompleted);
    }

    [Fact]
    public async Task EnterAsync_UserAtShare_OtherUserStillAdmitted()
    {
        var gate = new FairnessGate(Small with { MaxInFlight = 3, PerUserInFlight = 1 }, _clock);
        await gate.EnterAsync("bob", CancellationToken.None);
        var bob2 = gate.EnterAsync("bob", CancellationToken.None);

        Assert.False(bob2.IsCompleted);
        Assert.True(await gate.EnterAsync("alice", CancellationToken.None));
    }

    [Fact]
    public async Task EnterAsync_WaitsPastQueueTimeout_Refused()
    {
        var gate = await BobAtShareAsync(Small);
        var waiting = gate.EnterAsync("bob", CancellationToken.None).AsTask();

        _clock.Advance(TimeSpan.FromSeconds(11));

        Assert.False(await waiting);
        gate.Exit("bob");
        Assert.Equal(1, gate.InFlight);
    }

    [Fact]
    public async Task EnterAsync_ClientLeavesWhileQueued_ThrowsAndLeavesNoSlotTaken()
    {
        var gate = await BobAtShareAsync(Small);
        using var leaving = new CancellationTokenSource();
        var waiting = gate.EnterAsync("bob", leaving.Token).AsTask();

        await leaving.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        gate.Exit("bob");
        gate.Exit("bob");
        Assert.Equal(0, gate.InFlight);
        Assert.True(await gate.EnterAsync("bob", CancellationToken.None));
    }

    /// <summary>A gate where bob holds both slots his share allows.</summary>
    private async Task<FairnessGate> BobAtShareAsync(ApiLimitsSettings settings)
    {
        var gate = new FairnessGate(settings, _clock);
        Assert.True(await gate.EnterAsync("bob", CancellationToken.None));
        Assert.True(await gate.EnterAsync("bob", CancellationToken.None));
        return gate;
    }

    [Theory]
    [InlineData("fairness:per-user-in-flight", "500", "api.fairness.per-user-in-flight")]
    [InlineData("fairness:max-in-flight", "0", "api.fairness.max-in-flight")]
    [InlineData("limits:request-headers-timeout", "0s", "api.limits.request-headers-timeout")]
    [InlineData("limits:max-request-headers-bytes", "100", "api.limits.max-request-headers-bytes")]
    public void FromConfiguration_BadValue_NamesTheKey(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["api:" + key] = value }).Build();

        var error = Assert.Throws<SettingsException>(() => ApiLimitsSettings.FromConfiguration(configuration));

        Assert.Equal(named, error.Key);
    }

    [Fact]
    public void FromConfiguration_Empty_GivesTheDefaults() =>
        Assert.Equal(ApiLimitsSettings.Default, ApiLimitsSettings.FromConfiguration(new ConfigurationBuilder().Build()));
}
