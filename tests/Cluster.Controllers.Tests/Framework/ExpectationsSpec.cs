using Cluster.Controllers.Framework;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Controllers.Tests.Framework;

public sealed class ExpectationsSpec
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void Satisfied_NothingRecorded_True()
    {
        Assert.True(new Expectations(_clock).Satisfied("ns/rs"));
    }

    [Fact]
    public void Satisfied_CreationsPending_FalseUntilEachIsObserved()
    {
        var expectations = new Expectations(_clock);
        expectations.ExpectCreations("ns/rs", 2);
        Assert.False(expectations.Satisfied("ns/rs"));

        expectations.CreationObserved("ns/rs");
        Assert.False(expectations.Satisfied("ns/rs"));
        expectations.CreationObserved("ns/rs");

        Assert.True(expectations.Satisfied("ns/rs"));
        Assert.Equal((0, 0), expectations.Get("ns/rs"));
    }

    [Fact]
    public void Satisfied_DeletionsNeverObserved_TrueOnceTheTimeoutPasses()
    {
        var expectations = new Expectations(_clock);
        expectations.ExpectDeletions("ns/rs", 1);

        _clock.Advance(Expectations.Timeout);
        Assert.False(expectations.Satisfied("ns/rs"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(expectations.Satisfied("ns/rs"));
    }

    [Fact]
    public void Observed_OtherKeysAndDeletedKeys_Untouched()
    {
        var expectations = new Expectations(_clock);
        expectations.ExpectCreations("ns/a", 1);
        expectations.CreationObserved("ns/b");
        Assert.False(expectations.Satisfied("ns/a"));

        expectations.Delete("ns/a");
        Assert.True(expectations.Satisfied("ns/a"));
        Assert.Null(expectations.Get("ns/a"));
    }
}
