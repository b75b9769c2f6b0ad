using System.Text.RegularExpressions;

namespace Cluster.Node.Tests.Kubectl;

/// <summary>Assertions on kubectl results whose failure messages carry the whole command, exit code and output.</summary>
public static class KubectlAssert
{
    public static KubectlResult Succeeded(KubectlResult result)
    {
        Assert.True(result.ExitCode == 0, "kubectl failed:\n" + result);
        return result;
    }

    /// <summary>The command failed and its stderr holds the given text, as a user would read it.</summary>
    public static void FailedWith(KubectlResult result, string stderrText)
    {
        Assert.True(
            result.ExitCode != 0 && result.StdErr.Contains(stderrText, StringComparison.Ordinal),
            $"Expected a failure with stderr containing:\n{stderrText}\nbut got:\n{result}");
    }

    /// <summary>stdout consists of exactly these lines, in this order.</summary>
    public static void StdOutLines(KubectlResult result, params string[] expected)
    {
        var actual = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(actual.SequenceEqual(expected), $"Expected stdout lines:\n{string.Join('\n', expected)}\nbut got:\n{result}");
    }

    /// <summary>Some stdout line matches the pattern as a whole (leading and trailing spaces aside).</summary>
    public static void HasLine(KubectlResult result, string pattern)
    {
        var regex = new Regex("^\\s*" + pattern + "\\s*$", RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        Assert.True(regex.IsMatch(result.StdOut), $"Expected a stdout line matching /{pattern}/ but got:\n{result}");
    }
}
