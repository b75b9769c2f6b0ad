using Cluster.Controllers.Framework;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Controllers.Tests.Framework;

public sealed class UidTrackingExpectationsSpec
{
    private readonly UidTrackingExpectations _expectations = new(new FakeTimeProvider());

    [Fact]
    public void DeletionObserved_ExpectedPodSeenTerminatingThenRemoved_CountsOnce()
    {
        _expectations.ExpectDeletions("ns/rs", ["ns/a", "ns/b"]);

        _expectations.DeletionObserved("ns/rs", "ns/a");
        _expectations.DeletionObserved("ns/rs", "ns/a");

        Assert.False(_expectations.Satisfied("ns/rs"));
        Assert.Equal((0, 1), _expectations.Get("ns/rs"));
        _expectations.DeletionObserved("ns/rs", "ns/b");
        Assert.True(_expectations.Satisfied("ns/rs"));
    }

    [Fact]
    public void DeletionObserved_PodNobodyExpected_LowersNothing()
    {
        _expectations.ExpectDeletions("ns/rs", ["ns/a"]);

        _expectations.DeletionObserved("ns/rs", "ns/stranger");

        Assert.False(_expectations.Satisfied("ns/rs"));
    }

    [Fact]
    public void Delete_PendingDeletions_ForgottenAndLaterSightingsIgnored()
    {
        _expectations.ExpectDeletions("ns/rs", ["ns/a"]);

        _expectations.Delete("ns/rs");
        _expectations.DeletionObserved("ns/rs", "ns/a");

        Assert.True(_expectations.Satisfied("ns/rs"));
        Assert.Null(_expectations.Get("ns/rs"));
    }

    [Fact]
    public void CreationObserved_ExpectedCreations_SatisfiedWhenAllSeen()
    {
        _expectations.ExpectCreations("ns/rs", 1);
        Assert.False(_expectations.Satisfied("ns/rs"));

        _expectations.CreationObserved("ns/rs");

        Assert.True(_expectations.Satisfied("ns/rs"));
    }
}
