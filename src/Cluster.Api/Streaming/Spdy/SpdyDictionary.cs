namespace Cluster.Api.Streaming.Spdy;

/// <summary>
/// The SPDY/3 header compression dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1, as moby/spdystream has it):
/// clients compress their header blocks against it, so this server primes its inflater with it.
/// </summary>
internal static class SpdyDictionary
{
    /// <summary>Its zlib dictionary id (Adler-32), which a client's first header block names.</summary>
    public const uint Adler32 = 0xE3C6A7C2;

    public static ReadOnlySpan<byte> Bytes =>
        "\u0000\u0000\u0000\u0007options\u0000\u0000\u0000\u0004head\u0000\u0000\u0000\u0004post\u0000\u0000\u0000"u8
        + "\u0003put\u0000\u0000\u0000\u0006delete\u0000\u0000\u0000\u0005trace\u0000\u0000\u0000\u0006accept\u0000"u8
        + "\u0000\u0000\u000eaccept-charset\u0000\u0000\u0000\u000faccept-encoding\u0000\u0000\u0000\u000faccept"u8
        + "-language\u0000\u0000\u0000\u000daccept-ranges\u0000\u0000\u0000\u0003age\u0000\u0000\u0000\u0005allo"u8
        + "w\u0000\u0000\u0000\u000dauthorization\u0000\u0000\u0000\u000dcache-control\u0000\u0000\u0000\u000aco"u8
        + "nnection\u0000\u0000\u0000\u000ccontent-base\u0000\u0000\u0000\u0010content-encoding\u0000\u0000\u0000"u8
        + "\u0010content-language\u0000\u0000\u0000\u000econtent-length\u0000\u0000\u0000\u0010content-location\u0000"u8
        + "\u0000\u0000\u000bcontent-md5\u0000\u0000\u0000\u000dcontent-range\u0000\u0000\u0000\u000ccontent-typ"u8
        + "e\u0000\u0000\u0000\u0004date\u0000\u0000\u0000\u0004etag\u0000\u0000\u0000\u0006expect\u0000\u0000\u0000"u8
        + "\u0007expires\u0000\u0000\u0000\u0004from\u0000\u0000\u0000\u0004host\u0000\u0000\u0000\u0008if-match"u8
        + "\u0000\u0000\u0000\u0011if-modified-since\u0000\u0000\u0000\u000dif-none-match\u0000\u0000\u0000\u0008"u8
        + "if-range\u0000\u0000\u0000\u0013if-unmodified-since\u0000\u0000\u0000\u000dlast-modified\u0000\u0000\u0000"u8
        + "\u0008location\u0000\u0000\u0000\u000cmax-forwards\u0000\u0000\u0000\u0006pragma\u0000\u0000\u0000\u0012"u8
        + "proxy-authenticate\u0000\u0000\u0000\u0013proxy-authorization\u0000\u0000\u0000\u0005range\u0000\u0000"u8
        + "\u0000\u0007referer\u0000\u0000\u0000\u000bretry-after\u0000\u0000\u0000\u0006server\u0000\u0000\u0000"u8
        + "\u0002te\u0000\u0000\u0000\u0007trailer\u0000\u0000\u0000\u0011transfer-encoding\u0000\u0000\u0000\u0007"u8
        + "upgrade\u0000\u0000\u0000\u000auser-agent\u0000\u0000\u0000\u0004vary\u0000\u0000\u0000\u0003via\u0000"u8
        + "\u0000\u0000\u0007warning\u0000\u0000\u0000\u0010www-authenticate\u0000\u0000\u0000\u0006method\u0000"u8
        + "\u0000\u0000\u0003get\u0000\u0000\u0000\u0006status\u0000\u0000\u0000\u0006200 OK\u0000\u0000\u0000\u0007"u8
        + "version\u0000\u0000\u0000\u0008HTTP/1.1\u0000\u0000\u0000\u0003url\u0000\u0000\u0000\u0006public\u0000"u8
        + "\u0000\u0000\u000aset-cookie\u0000\u0000\u0000\u000akeep-alive\u0000\u0000\u0000\u0006origin100101201"u8
        + "202205206300302303304305306307402405406407408409410411412413414415416417502504505203 Non-Authoritativ"u8
        + "e Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not F"u8
        + "ound500 Internal Server Error501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Au"u8
        + "g Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/j"u8
        + "pg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=gz"u8
        + "ip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."u8;
}
