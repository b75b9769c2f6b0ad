using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Cluster.Api.Streaming.Spdy;

/// <summary>
/// A SPDY header block (uint32 count, then uint32-length-prefixed lowercase names and NUL-joined values), compressed
/// as one zlib stream per direction for the whole connection, each block ending at a sync flush.
/// </summary>
internal static class SpdyHeaderBlock
{
    public static Dictionary<string, string> Parse(ReadOnlySpan<byte> block)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var count = ReadLength(ref block);
        for (var i = 0u; i < count; i++)
        {
            var name = ReadString(ref block);
            var value = ReadString(ref block);
            if (!headers.TryAdd(name, value))
            {
                throw new InvalidDataException($"SPDY header {name} appears twice");
            }
        }

        return headers;
    }

    private static uint ReadLength(ref ReadOnlySpan<byte> block)
    {
        if (block.Length < 4)
        {
            throw new InvalidDataException("SPDY header block is truncated");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(block);
        block = block[4..];
        return value;
    }

    private static string ReadString(ref ReadOnlySpan<byte> block)
    {
        var length = ReadLength(ref block);
        if (length > block.Length)
        {
            throw new InvalidDataException("SPDY header block is truncated");
        }

        var text = Encoding.UTF8.GetString(block[..(int)length]);
        block = block[(int)length..];
        return text;
    }
}

/// <summary>
/// Inflates the client's header blocks. The client's zlib stream names the SPDY dictionary (FDICT), which .NET's
/// ZLibStream cannot be given; a raw DeflateStream can: it is fed the dictionary first as a stored block (so the
/// client's back-references into it resolve within the window), then the client's deflate data without its 6-byte
/// zlib header.
/// </summary>
internal sealed class SpdyHeaderInflater : IDisposable
{
    private const int MaxBlock = 64 * 1024;

    private readonly FeedStream _feed = new();
    private readonly DeflateStream _inflater;
    private bool _headerSkipped;

    public SpdyHeaderInflater()
    {
        _inflater = new DeflateStream(_feed, CompressionMode.Decompress, leaveOpen: true);
        var dictionary = SpdyDictionary.Bytes;
        var stored = new byte[5 + dictionary.Length];
        stored[0] = 0; // BFINAL 0, BTYPE 00 (stored)
        BinaryPrimitives.WriteUInt16LittleEndian(stored.AsSpan(1), (ushort)dictionary.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(stored.AsSpan(3), (ushort)~dictionary.Length);
        dictionary.CopyTo(stored.AsSpan(5));
        _feed.Add(stored);
        var discard = new byte[dictionary.Length];
        _inflater.ReadExactly(discard);
    }

    /// <summary>The header block one frame carried, decompressed.</summary>
    public byte[] Inflate(ReadOnlySpan<byte> compressed)
    {
        if (!_headerSkipped)
        {
            // CMF 0x78, FLG with FDICT, then the dictionary id.
            if (compressed.Length < 6 || (compressed[1] & 0x20) == 0 || BinaryPrimitives.ReadUInt32BigEndian(compressed[2..]) != SpdyDictionary.Adler32)
            {
                throw new InvalidDataException("the first SPDY header block must be a zlib stream using the SPDY/3 dictionary");
            }

            compressed = compressed[6..];
            _headerSkipped = true;
        }

        _feed.Add(compressed.ToArray());
        using var output = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = _inflater.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
            if (output.Length > MaxBlock)
            {
                // A few header pairs are all port forwarding needs: a block that inflates beyond this is an attack.
                throw new InvalidDataException("SPDY header block inflates beyond " + MaxBlock + " bytes");
            }
        }

        return output.ToArray();
    }

    public void Dispose()
    {
        _inflater.Dispose();
        _feed.Dispose();
    }

    /// <summary>The bytes given so far, read once; a read with nothing left answers 0 (the inflater waits for the next block).</summary>
    private sealed class FeedStream : Stream
    {
        private readonly Queue<byte[]> _pending = new();
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Add(byte[] bytes)
        {
            if (bytes.Length > 0)
            {
                _pending.Enqueue(bytes);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_pending.Count == 0)
            {
                return 0;
            }

            var head = _pending.Peek();
            var count = Math.Min(buffer.Length, head.Length - _offset);
            head.AsSpan(_offset, count).CopyTo(buffer);
            _offset += count;
            if (_offset == head.Length)
            {
                _pending.Dequeue();
                _offset = 0;
            }

            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Compresses this server's header blocks: one zlib stream (no dictionary, which the client's reader allows), sync-flushed after each block and never finished.</summary>
internal sealed class SpdyHeaderDeflater : IDisposable
{
    private readonly MemoryStream _output = new();
    private readonly ZLibStream _deflater;

    public SpdyHeaderDeflater() => _deflater = new ZLibStream(_output, CompressionLevel.Fastest, leaveOpen: true);

    public byte[] Deflate(ReadOnlySpan<byte> block)
    {
        _output.SetLength(0);
        _deflater.Write(block);
        _deflater.Flush();
        return _output.ToArray();
    }

    public void Dispose()
    {
        _deflater.Dispose();
        _output.Dispose();
    }
}
