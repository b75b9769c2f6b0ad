using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Cluster.Controllers.Informers;
using Cluster.Core.Registry;
using Cluster.Node.Agent.Runtime;
using k8s.Models;

namespace Cluster.Node.Agent;

/// <summary>
/// A pod's volumes as directories on the host, bind-mounted into its containers (the kubelet's volume manager):
/// emptyDir (a tmpfs mounted on the directory for medium Memory), hostPath, configMap, secret, downwardAPI and projected
/// (files written with the kubelet's atomic writer: a timestamped directory behind a <c>..data</c> link, swapped in
/// one rename, so a running container sees an update whole and at once), and a persistentVolumeClaim bound to a
/// hostPath PersistentVolume. Everything lives under <c>&lt;data-dir&gt;/pods/&lt;uid&gt;/volumes</c> and goes with the pod.
/// </summary>
public sealed partial class VolumeManager(ResourceRegistry registry, string dataDirectory, Cluster.Api.Security.ServiceAccounts.TokenRequests? tokens = null)
{
    /// <summary>Makes every volume of the pod ready (and brings configMap, secret and downwardAPI files up to date); answers each volume's host directory.</summary>
    public async Task<IReadOnlyDictionary<string, string>> PrepareAsync(V1Pod pod, CancellationToken ct)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            paths[volume.Name] = await PrepareAsync(pod, volume, ct).ConfigureAwait(false);
        }

        return paths;
    }

    /// <summary>The Docker binds of a container's volumeMounts: <c>source:target[:ro]</c>, a subPath under its volume.</summary>
    public static IList<string> Binds(V1Container container, IReadOnlyDictionary<string, string> volumes) =>
        [.. (container.VolumeMounts ?? []).Select(mount =>
        {
            if (!volumes.TryGetValue(mount.Name, out var source))
            {
                throw new ContainerStartException("CreateContainerConfigError", $"volume \"{mount.Name}\" is not a volume of the pod");
            }

            if (!string.IsNullOrEmpty(mount.SubPath))
            {
                source = Path.Combine(source, mount.SubPath);
                if (!File.Exists(source))
                {
                    Directory.CreateDirectory(source);
                }
            }

            return source + ":" + mount.MountPath + (mount.ReadOnlyProperty == true ? ":ro" : "");
        })];

    /// <summary>Removes the pod's volume directories (unmounting a memory emptyDir first).</summary>
    public void Remove(string podUid)
    {
        ForgetTokens(podUid);
        var root = PodRoot(podUid);
        if (!Directory.Exists(root))
        {
            return;
        }

        var emptyDirs = Path.Combine(root, "volumes", "empty-dir");
        foreach (var dir in Directory.Exists(emptyDirs) ? Directory.EnumerateDirectories(emptyDirs).Where(IsMountPoint) : [])
        {
            Run("umount", dir);
        }

        Directory.Delete(root, recursive: true);
    }

    private string PodRoot(string podUid) => Path.Combine(Path.GetFullPath(dataDirectory), "pods", podUid);

    private async Task<string> PrepareAsync(V1Pod pod, V1Volume volume, CancellationToken ct)
    {
        var dir = (string plugin) => Path.Combine(PodRoot(pod.Metadata.Uid), "volumes", plugin, volume.Name);
        if (volume.HostPath is { } hostPath)
        {
            if (hostPath.Type is "DirectoryOrCreate" && !Directory.Exists(hostPath.Path))
            {
                Directory.CreateDirectory(hostPath.Path);
            }
            else if (hostPath.Type is "Directory" && !Directory.Exists(hostPath.Path) || hostPath.Type is "File" && !File.Exists(hostPath.Path))
            {
                throw Failed(volume, $"hostPath type check failed: {hostPath.Path} is not a {hostPath.Type.ToLowerInvariant()}");
            }

            return hostPath.Path;
        }

        if (volume.EmptyDir is { } emptyDir)
        {
            var path = dir("empty-dir");
            Directory.CreateDirectory(path);
            if (emptyDir.Medium == "Memory" && !IsMountPoint(path))
            {
                var size = emptyDir.SizeLimit is { } limit ? ",size=" + limit.ToString() : "";
                Run("mount", "-t", "tmpfs", "-o", "mode=0777" + size, "tmpfs", path);
            }

            return path;
        }

        if (volume.ConfigMap is { } configMap)
        {
            var data = await ConfigData.ReadAsync(registry, "ConfigMap", pod.Metadata.NamespaceProperty, configMap.Name, ct).ConfigureAwait(false);
            if (data is null && configMap.Optional != true)
            {
                throw Failed(volume, $"configmap \"{configMap.Name}\" not found");
            }

            return Write(dir("configmap"), Select(data ?? new Dictionary<string, byte[]>(), configMap.Items, volume));
        }

        if (volume.Secret is { } secret)
        {
            var data = await ConfigData.ReadAsync(registry, "Secret", pod.Metadata.NamespaceProperty, secret.SecretName, ct).ConfigureAwait(false);
            if (data is null && secret.Optional != true)
            {
                throw Failed(volume, $"secret \"{secret.SecretName}\" not found");
            }

            return Write(dir("secret"), Select(data ?? new Dictionary<string, byte[]>(), secret.Items, volume));
        }

        if (volume.DownwardAPI is { } downward)
        {
            var files = (downward.Items ?? []).ToDictionary(
                item => item.Path,
                item => Encoding.UTF8.GetBytes(item.FieldRef is { } field ? Field(pod, field.FieldPath) : ""),
                StringComparer.Ordinal);
            return Write(dir("downward-api"), files);
        }

        if (volume.Projected is { } projected)
        {
            return Write(dir("projected"), await ProjectedAsync(pod, volume, projected, ct).ConfigureAwait(false));
        }

        if (volume.PersistentVolumeClaim is { } claimSource)
        {
            return await ClaimPathAsync(pod, volume, claimSource.ClaimName, ct).ConfigureAwait(false);
        }

        throw Failed(volume, "this node mounts emptyDir, hostPath, configMap, secret, downwardAPI, projected and persistentVolumeClaim volumes only");
    }

    private async Task<string> ClaimPathAsync(V1Pod pod, V1Volume volume, string claimName, CancellationToken ct)
    {
        V1PersistentVolumeClaim claim;
        try
        {
            claim = Parse<V1PersistentVolumeClaim>((await registry.GetAsync(BuiltInKinds.PersistentVolumeClaim, pod.Metadata.NamespaceProperty, claimName, "0", ct).ConfigureAwait(false)).Json);
        }
        catch (ApiException e) when (e.Code == 404)
        {
            throw Failed(volume, $"persistentvolumeclaim \"{claimName}\" not found");
        }

        if (string.IsNullOrEmpty(claim.Spec?.VolumeName))
        {
            throw Failed(volume, $"persistentvolumeclaim \"{claimName}\" is not bound");
        }

        try
        {
            var pv = Parse<V1PersistentVolume>((await registry.GetAsync(BuiltInKinds.PersistentVolume, "", claim.Spec.VolumeName, "0", ct).ConfigureAwait(false)).Json);
            var path = pv.Spec?.HostPath?.Path ?? pv.Spec?.Local?.Path ?? throw Failed(volume, $"persistentvolume \"{claim.Spec.VolumeName}\" is not a hostPath or local volume");
            Directory.CreateDirectory(path);
            return path;
        }
        catch (ApiException e) when (e.Code == 404)
        {
            throw Failed(volume, $"persistentvolume \"{claim.Spec.VolumeName}\" not found");
        }
    }

    /// <summary>The files of a ConfigMap or Secret volume: every key, or only the listed items under their paths.</summary>
    private static Dictionary<string, byte[]> Select(IReadOnlyDictionary<string, byte[]> data, IList<V1KeyToPath>? items, V1Volume volume)
    {
        if (items is null || items.Count == 0)
        {
            return data.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            files[item.Path] = data.TryGetValue(item.Key, out var value) ? value : throw Failed(volume, $"configmap references non-existent config key: {item.Key}");
        }

        return files;
    }

    /// <summary>
    /// The kubelet's atomic writer: the files go into a new timestamped directory, then the <c>..data</c> link is
    /// swapped to it with one rename, and each file is a link through <c>..data</c>. Nothing is written when the
    /// content is unchanged.
    /// </summary>
    private static string Write(string root, IReadOnlyDictionary<string, byte[]> files)
    {
        Directory.CreateDirectory(root);
        var current = Path.Combine(root, "..data");
        if (Directory.Exists(current) && SameContent(current, files))
        {
            return root;
        }

        var version = Path.Combine(root, "..v" + DateTime.UtcNow.ToString("yyyy_MM_dd_HH_mm_ss.fffffff", CultureInfo.InvariantCulture));
        foreach (var (path, content) in files)
        {
            var file = Path.Combine(version, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, content);
        }

        Directory.CreateDirectory(version);
        var previous = Directory.Exists(current) ? new DirectoryInfo(current).LinkTarget : null;
        var swap = Path.Combine(root, "..data_tmp");
        File.Delete(swap);
        File.CreateSymbolicLink(swap, Path.GetFileName(version));

        // rename(2) replaces the old link in one step (File.Move does not move a link to a directory).
        if (Rename(swap, current) != 0)
        {
            throw new IOException($"could not swap {current}: errno {Marshal.GetLastPInvokeError().ToString(CultureInfo.InvariantCulture)}");
        }
        foreach (var top in files.Keys.Select(k => k.Split('/')[0]).Distinct(StringComparer.Ordinal))
        {
            var link = Path.Combine(root, top);
            if (!File.Exists(link) && !Directory.Exists(link))
            {
                File.CreateSymbolicLink(link, Path.Combine("..data", top));
            }
        }

        if (previous is not null && Directory.Exists(Path.Combine(root, previous)))
        {
            Directory.Delete(Path.Combine(root, previous), recursive: true);
        }

        return root;
    }

    private static bool SameContent(string current, IReadOnlyDictionary<string, byte[]> files)
    {
        var existing = Directory.EnumerateFiles(current, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(current, f)).ToHashSet(StringComparer.Ordinal);
        return existing.SetEquals(files.Keys) && files.All(f => File.ReadAllBytes(Path.Combine(current, f.Key)).AsSpan().SequenceEqual(f.Value));
    }

    /// <summary>A downwardAPI file's content: the env fields, and labels and annotations as the kubelet formats them (key="value" lines).</summary>
    private static string Field(V1Pod pod, string path) => path switch
    {
        "metadata.labels" => Lines(pod.Metadata.Labels),
        "metadata.annotations" => Lines(pod.Metadata.Annotations),
        _ => EnvResolver.FieldValue(pod, path) ?? "",
    };

    private static string Lines(IDictionary<string, string>? map) =>
        string.Join("\n", (map ?? new Dictionary<string, string>()).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=\"" + p.Value + "\""));

    private static ContainerStartException Failed(V1Volume volume, string why) =>
        new("ContainerCreating", $"MountVolume.SetUp failed for volume \"{volume.Name}\" : {why}");

    private static bool IsMountPoint(string path) =>
        File.Exists("/proc/self/mounts") && File.ReadLines("/proc/self/mounts").Any(line => line.Split(' ') is [_, var target, ..] && target == path);

    private static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new ContainerStartException("ContainerCreating", $"{program} failed: {error.Trim()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string oldPath, string newPath);

    private static T Parse<T>(byte[] json) => TypedJson.Read<T>(json);
}
