using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cluster.Api.Security.Audit;

/// <summary>
/// Copies what a handler writes into a bounded buffer on its way to the client, for responseObject. Whether to keep
/// anything is asked at the first write (the policy can only be evaluated once the guard has named the user); a body
/// beyond the cap is not kept at all.
/// </summary>
internal sealed class ResponseTee : Stream
{
    private readonly Stream _inner;
    private readonly int _cap;
    private readonly Func<bool> _wanted;
    private MemoryStream? _copy;
    private bool? _keeping;

    private ResponseTee(Stream inner, int cap, Func<bool> wanted)
    {
        _inner = inner;
        _cap = cap;
        _wanted = wanted;
    }

    /// <summary>The body as written; null when nothing was kept.</summary>
    public byte[]? Captured => _keeping == true ? _copy?.ToArray() ?? [] : null;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Puts a tee in front of the response body; the returned function restores the original and flushes.</summary>
    public static (ResponseTee Tee, Func<Task> Remove) Install(HttpContext context, int cap, Func<bool> wanted)
    {
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var tee = new ResponseTee(original.Stream, cap, wanted);
        var teed = new StreamResponseBodyFeature(tee, original);
        context.Features.Set<IHttpResponseBodyFeature>(teed);
        return (tee, async () =>
        {
            await teed.CompleteAsync().ConfigureAwait(false);
            context.Features.Set(original);
        });
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Keep(buffer.AsSpan(offset, count));
        _inner.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Keep(buffer);
        _inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Keep(buffer.Span);
        return _inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => _inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Keep(ReadOnlySpan<byte> data)
    {
        _keeping ??= _wanted();
        if (_keeping != true || data.IsEmpty)
        {
            return;
        }

        _copy ??= new MemoryStream();
        if (_copy.Length + data.Length > _cap)
        {
            _keeping = false;
            _copy = null;
            return;
        }

        _copy.Write(data);
    }
}
