namespace Cluster.Api.Security.Audit;

/// <summary>
/// An append-only file rotated by size: when a write would take it past <c>maxSize</c> bytes it becomes PATH.1 (the
/// older ones shift to .2, .3, ... and those beyond <c>maxBackups</c> are deleted) and a new file is started. Created
/// readable by its owner only: audit entries name users and objects. Not thread-safe: one writer owns it.
/// </summary>
public sealed class RotatingFile(string path, long maxSize, int maxBackups) : IAuditSink
{
    private FileStream? _stream;

    public string Path => path;

    /// <summary>Appends whole lines, rotating before a line that would not fit (a line larger than the limit gets a file of its own).</summary>
    public void Write(ReadOnlySpan<byte> line)
    {
        // Position, not Length: in append mode it is the file's size, kept by the stream, where Length asks the
        // kernel (an fstat per audit line).
        var stream = Open();
        if (stream.Position > 0 && stream.Position + line.Length > maxSize)
        {
            Rotate();
            stream = Open();
        }

        stream.Write(line);
    }

    /// <summary>A batch of lines, flushed together: one write to the disk per batch however many requests it holds.</summary>
    public void Write(IReadOnlyList<byte[]> lines)
    {
        foreach (var line in lines)
        {
            Write(line);
        }

        _stream?.Flush();
    }

    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }

    private FileStream Open()
    {
        if (_stream is null)
        {
            if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }

            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read, BufferSize = 64 * 1024 };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            _stream = new FileStream(path, options);
        }

        return _stream;
    }

    private void Rotate()
    {
        Dispose();
        if (maxBackups == 0)
        {
            File.Delete(path);
            return;
        }

        File.Delete(Backup(maxBackups));
        for (var i = maxBackups - 1; i >= 1; i--)
        {
            if (File.Exists(Backup(i)))
            {
                File.Move(Backup(i), Backup(i + 1), overwrite: true);
            }
        }

        File.Move(path, Backup(1), overwrite: true);
    }

    private string Backup(int n) => path + "." + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
