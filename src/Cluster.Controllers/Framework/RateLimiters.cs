namespace Cluster.Controllers.Framework;

/// <summary>How long a key that failed waits before it is tried again (client-go's workqueue rate limiters).</summary>
public interface IRateLimiter<in TKey>
{
    /// <summary>The delay before the next try of <paramref name="key"/>, counting this failure.</summary>
    TimeSpan When(TKey key);

    /// <summary>The key succeeded: its failures are forgotten.</summary>
    void Forget(TKey key);

    /// <summary>How many times the key has been retried since it last succeeded.</summary>
    int Requeues(TKey key);
}

/// <summary>Per key: <c>baseDelay × 2^failures</c>, at most <c>maxDelay</c> (ItemExponentialFailureRateLimiter).</summary>
public sealed class ExponentialFailureRateLimiter<TKey>(TimeSpan baseDelay, TimeSpan maxDelay) : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, int> _failures = [];

    public TimeSpan When(TKey key)
    {
        int failures;
        lock (_lock)
        {
            failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
        }

        // 2^failures overflows long before the cap matters; past 62 doublings the cap has long been reached.
        var ticks = failures >= 62 ? double.MaxValue : baseDelay.Ticks * Math.Pow(2, failures);
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    public void Forget(TKey key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    public int Requeues(TKey key)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(key);
        }
    }
}

/// <summary>
/// For all keys together: a token bucket of <paramref name="burst"/> tokens refilled at <paramref name="perSecond"/>
/// (BucketRateLimiter), so a storm of failures cannot retry faster than that overall. Each call reserves a token.
/// </summary>
public sealed class BucketRateLimiter<TKey>(double perSecond, int burst, TimeProvider clock) : IRateLimiter<TKey>
{
    private readonly Lock _lock = new();
    private double _tokens = burst;
    private DateTimeOffset _last = clock.GetUtcNow();

    public TimeSpan When(TKey key)
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            _tokens = Math.Min(burst, _tokens + ((now - _last).TotalSeconds * perSecond));
            _last = now;
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / perSecond);
        }
    }

    public void Forget(TKey key)
    {
    }

    public int Requeues(TKey key) => 0;
}

/// <summary>The longest delay any of the limiters asks for (MaxOfRateLimiter).</summary>
public sealed class MaxOfRateLimiter<TKey>(params IRateLimiter<TKey>[] limiters) : IRateLimiter<TKey>
{
    public TimeSpan When(TKey key) => limiters.Select(l => l.When(key)).Max();

    public void Forget(TKey key)
    {
        foreach (var limiter in limiters)
        {
            limiter.Forget(key);
        }
    }

    public int Requeues(TKey key) => limiters.Max(l => l.Requeues(key));
}

public static class RateLimiters
{
    /// <summary>
    /// Upstream's DefaultControllerRateLimiter: per key 5 ms doubling to 1,000 s, and overall 10 retries a second with
    /// bursts of 100.
    /// </summary>
    public static IRateLimiter<TKey> DefaultController<TKey>(TimeProvider clock)
        where TKey : notnull =>
        new MaxOfRateLimiter<TKey>(
            new ExponentialFailureRateLimiter<TKey>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)),
            new BucketRateLimiter<TKey>(10, 100, clock));
}
