using System.Text;
using Cluster.Api.Security.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cluster.Api.Tests.Security.Audit;

public sealed class AuditLogTests
{
    [Fact]
    public async Task TryWrite_QueueFull_DropsAndCountsWithoutWaiting()
    {
        var sink = new AuditTestSink(blocked: true);
        var log = new AuditLog(AuditPolicy.Default, sink, 2, new FakeTimeProvider(), NullLogger<AuditLog>.Instance);
        Assert.True(log.TryWrite(Line(0)));
        await sink.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // The writer holds line 0 inside its batch: two more fill the queue, the next three are dropped.
        var accepted = Enumerable.Range(1, 5).Select(i => log.TryWrite(Line(i))).ToList();

        Assert.Equal([true, true, false, false, false], accepted);
        Assert.Equal(3, log.Dropped);
        sink.Release();
        await log.DisposeAsync();
        Assert.Equal(["0", "1", "2"], sink.Lines);
    }

    [Fact]
    public async Task Dispose_FlushesEverythingQueued_ThenRefuses()
    {
        var sink = new AuditTestSink();
        var log = new AuditLog(AuditPolicy.Default, sink, 1000, new FakeTimeProvider(), NullLogger<AuditLog>.Instance);
        for (var i = 0; i < 600; i++)
        {
            log.TryWrite(Line(i));
        }

        await log.DisposeAsync();

        Assert.Equal(Enumerable.Range(0, 600).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), sink.Lines);
        Assert.False(log.TryWrite(Line(600)));
        Assert.Equal(1, log.Dropped);
    }

    private static byte[] Line(int i) => Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
}
