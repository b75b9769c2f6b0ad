namespace Cluster.Node.Tests.Security;

/// <summary>Waiting for what a controller or the agent does in its own time.</summary>
internal static class Poll
{
    /// <summary>Asks <paramref name="done"/> every 100 ms, <paramref name="seconds"/> at most; fails naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> done, string what, int seconds = 10)
    {
        for (var i = 0; i < seconds * 10; i++)
        {
            if (await done())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail(what + " never happened");
    }
}
