using System.Text;
using Cluster.Api.Security.Audit;

namespace Cluster.Api.Tests.Security.Audit;

public sealed class RotatingFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "audit-rotation-" + Guid.NewGuid().ToString("N"));

    private string Log => Path.Combine(_directory, "audit.log");

    [Fact]
    public void Write_PastMaxSize_RotatesAndKeepsOnlyMaxBackups()
    {
        using (var file = new RotatingFile(Log, maxSize: 25, maxBackups: 2))
        {
            // Nine-byte lines, two to a file: lines 0-1, 2-3, 4-5, 6-7, 8-9 make five files, of which three remain.
            for (var i = 0; i < 10; i++)
            {
                file.Write([Encoding.UTF8.GetBytes($"line-{i:D3}\n")]);
            }
        }

        Assert.Equal(["audit.log", "audit.log.1", "audit.log.2"], Directory.GetFiles(_directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("line-008\nline-009\n", File.ReadAllText(Log));
        Assert.Equal("line-006\nline-007\n", File.ReadAllText(Log + ".1"));
        Assert.Equal("line-004\nline-005\n", File.ReadAllText(Log + ".2"));
    }

    [Fact]
    public void Write_ExistingFile_AppendsAndCountsItsSize()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Log, "old-line\n");
        using (var file = new RotatingFile(Log, maxSize: 20, maxBackups: 1))
        {
            file.Write(["new-1\n"u8.ToArray(), "new-2\n"u8.ToArray()]);
        }

        Assert.Equal("old-line\nnew-1\n", File.ReadAllText(Log + ".1"));
        Assert.Equal("new-2\n", File.ReadAllText(Log));
    }

    [Fact]
    public void Write_NoBackups_StartsOver()
    {
        using (var file = new RotatingFile(Log, maxSize: 10, maxBackups: 0))
        {
            file.Write(["first-1\n"u8.ToArray(), "second\n"u8.ToArray()]);
        }

        Assert.Equal(["audit.log"], Directory.GetFiles(_directory).Select(Path.GetFileName));
        Assert.Equal("second\n", File.ReadAllText(Log));
    }

    [Fact]
    public void Create_OnUnix_ReadableByOwnerOnly()
    {
        using (var file = new RotatingFile(Log, maxSize: 100, maxBackups: 1))
        {
            file.Write(["x\n"u8.ToArray()]);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Log));
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
