namespace Cluster.Bench.Api;

/// <summary>Samples a process's VmRSS on its own thread every interval and keeps the highest value.</summary>
public sealed class MemorySampler : IDisposable
{
    private readonly int pid;
    private readonly TimeSpan interval;
    private readonly Thread thread;
    private volatile bool stopped;
    private long peak;
    private int samples;

    private MemorySampler(int pid, TimeSpan interval)
    {
        this.pid = pid;
        this.interval = interval;
        thread = new Thread(Loop) { IsBackground = true, Name = "rss-sampler", Priority = ThreadPriority.AboveNormal };
    }

    /// <summary>Highest VmRSS seen, in bytes.</summary>
    public long Peak => Interlocked.Read(ref peak);

    public int Samples => Volatile.Read(ref samples);

    public static MemorySampler Start(int pid, TimeSpan interval)
    {
        var sampler = new MemorySampler(pid, interval);
        sampler.thread.Start();
        return sampler;
    }

    /// <summary>Stops sampling after one last sample.</summary>
    public void Dispose()
    {
        stopped = true;
        thread.Join();
    }

    private void Loop()
    {
        do
        {
            var rss = ProcStats.Memory(pid).Rss;
            if (rss > Interlocked.Read(ref peak))
            {
                Interlocked.Exchange(ref peak, rss);
            }

            Interlocked.Increment(ref samples);
            if (!stopped)
            {
                Thread.Sleep(interval);
            }
        }
        while (!stopped);
    }
}
