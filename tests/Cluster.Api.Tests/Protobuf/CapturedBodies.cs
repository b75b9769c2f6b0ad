namespace Cluster.Api.Tests.Protobuf;

/// <summary>The request bodies captured from kubectl 1.32.4 in ../shared/k8s-protobuf, each beside the JSON kubectl meant to send.</summary>
internal static class CapturedBodies
{
    private static readonly Lazy<string> Directory = new(Find);

    public static string Root => Directory.Value;

    public static IEnumerable<string> Names() =>
        System.IO.Directory.GetFiles(Root, "*.pb").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static byte[] Body(string name) => File.ReadAllBytes(Path.Combine(Root, name + ".pb"));

    public static string Json(string name) => File.ReadAllText(Path.Combine(Root, name + ".client.json"));

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Actors.sln")))
        {
            directory = directory.Parent;
        }

        var root = directory is null ? null : Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "k8s-protobuf", "kubectl-1.32-bodies"));
        return root is not null && System.IO.Directory.Exists(root) ? root : throw new DirectoryNotFoundException("the captured kubectl bodies were not found beside the repository");
    }
}
