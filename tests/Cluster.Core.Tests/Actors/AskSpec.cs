using Cluster.Core.Actors;
using Cluster.TestKit;
using Xunit.Abstractions;

namespace Cluster.Core.Tests.Actors;

public sealed class AskSpec(ITestOutputHelper output) : TestKit.TestKit(output)
{
    private sealed class Replier : ReceiveActor
    {
        public Replier()
        {
            Receive<string>(s => s == "fail", _ => Sender.Tell(new Status.Failure(new InvalidOperationException("nope"))));
            Receive<string>(s => s == "wrong type", _ => Sender.Tell(42));
            Receive<string>(s => s == "silence", _ => { });
            Receive<string>(s => Sender.Tell(s.ToUpperInvariant()));
        }
    }

    [Fact]
    public async Task Ask_Reply_CompletesWithReply()
    {
        var replier = ActorOf(Props.Create<Replier>());
        Assert.Equal("HI", await replier.Ask<string>("hi", TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Ask_NoReply_FailsWithAskTimeout()
    {
        var replier = ActorOf(Props.Create<Replier>());
        await Assert.ThrowsAsync<AskTimeoutException>(() => replier.Ask<string>("silence", TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task Ask_StatusFailure_FailsWithCause()
    {
        var replier = ActorOf(Props.Create<Replier>());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => replier.Ask<string>("fail", TimeSpan.FromSeconds(3)));
        Assert.Equal("nope", e.Message);
    }

    [Fact]
    public async Task Ask_ReplyOfOtherType_FailsWithArgumentException()
    {
        var replier = ActorOf(Props.Create<Replier>());
        await Assert.ThrowsAsync<ArgumentException>(() => replier.Ask<string>("wrong type", TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Ask_TokenCancelled_IsCancelled()
    {
        var replier = ActorOf(Props.Create<Replier>());
        using var cts = new CancellationTokenSource();
        var ask = replier.Ask<string>("silence", TimeSpan.FromSeconds(30), cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
    }

    [Fact]
    public async Task Ask_DeadActor_TimesOut()
    {
        var replier = ActorOf(Props.Create<Replier>());
        Assert.True(await replier.GracefulStop(TimeSpan.FromSeconds(3)));
        await Assert.ThrowsAsync<AskTimeoutException>(() => replier.Ask<string>("hi", TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void Ask_UnderManualClockWithoutAdvance_DoesNotTimeOut()
    {
        using var kit = new ManualClockKit();
        var replier = kit.Sys.ActorOf(Props.Create<Replier>());
        var ask = replier.Ask<string>("silence", TimeSpan.FromSeconds(1));
        Thread.Sleep(200);
        Assert.False(ask.IsCompleted);
        kit.Clock!.Advance(TimeSpan.FromSeconds(1));
        Assert.Throws<AggregateException>(() => ask.Wait(TimeSpan.FromSeconds(3)));
        Assert.IsType<AskTimeoutException>(ask.Exception!.InnerException);
    }

    private sealed class ManualClockKit() : TestKit.TestKit(null, new TestKitOptions { UseManualClock = true });

    [Fact]
    public void PipeTo_CompletedTask_DeliversResultAndFailure()
    {
        Task.FromResult("piped").PipeTo(TestActor);
        ExpectMsg("piped");
        Task.FromException<string>(new InvalidOperationException("bad")).PipeTo(TestActor);
        Assert.Equal("bad", ExpectMsg<Status.Failure>().Cause.Message);
    }
}
