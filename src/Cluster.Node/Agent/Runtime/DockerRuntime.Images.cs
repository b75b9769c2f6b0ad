using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Cluster.Node.Agent.Runtime;

/// <summary>What image garbage collection needs of Docker: the images, which are in use, the image filesystem, removal.</summary>
public sealed partial class DockerRuntime
{
    public async Task<IReadOnlyList<RuntimeImage>> ListImagesAsync(CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        var images = await client.Images.ListImagesAsync(new ImagesListParameters { All = false }, deadline.Token).ConfigureAwait(false);
        return [.. images.Select(i => new RuntimeImage(i.ID, [.. i.RepoTags ?? [], .. i.RepoDigests ?? []], i.Size))];
    }

    public async Task<IReadOnlySet<string>> ImagesInUseAsync(CancellationToken ct)
    {
        using var deadline = Deadline(ct);

        // Every container on the daemon counts, not only this node's: Docker refuses to remove an image any container uses.
        var containers = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true }, deadline.Token).ConfigureAwait(false);
        return containers.Select(c => c.ImageID).Where(id => !string.IsNullOrEmpty(id)).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<(long Capacity, long Available)> ImageFilesystemAsync(CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        var info = await client.System.GetSystemInfoAsync(deadline.Token).ConfigureAwait(false);
        var drive = new DriveInfo(string.IsNullOrEmpty(info.DockerRootDir) ? "/var/lib/docker" : info.DockerRootDir);
        return (drive.TotalSize, drive.AvailableFreeSpace);
    }

    public async Task<bool> RemoveImageAsync(string id, CancellationToken ct)
    {
        using var deadline = Deadline(ct);
        try
        {
            // Not forced: an image a container started using since the last look stays.
            await client.Images.DeleteImageAsync(id, new ImageDeleteParameters { Force = false, NoPrune = false }, deadline.Token).ConfigureAwait(false);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            return false;
        }
    }
}
