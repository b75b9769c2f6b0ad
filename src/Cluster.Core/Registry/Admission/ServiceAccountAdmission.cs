using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Admission;

/// <summary>
/// Upstream's ServiceAccount admission plugin on pod create: the pod runs as <c>spec.serviceAccountName</c> (default
/// "default", mirrored into the deprecated <c>spec.serviceAccount</c>) and, unless automountServiceAccountToken is false
/// on the pod or its ServiceAccount, gets the projected <c>kube-api-access-XXXXX</c> volume (a bound token, the cluster
/// CA from kube-root-ca.crt, the namespace) mounted read-only at <see cref="MountPath"/> in every container and init
/// container that does not mount something there already.
/// </summary>
/// <remarks>
/// Unlike upstream, a pod whose ServiceAccount does not exist (yet) is not refused: it is admitted without the volume.
/// Pods are often created in a namespace a moment after it, before the serviceaccount controller made its
/// <c>default</c>, and a node without a cluster CA (plain HTTP) never publishes kube-root-ca.crt, so the volume is only
/// added when both the ServiceAccount and that ConfigMap exist and it can actually be mounted.
/// </remarks>
public static class ServiceAccountAdmission
{
    public const string MountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
    public const string VolumePrefix = "kube-api-access-";
    public const string RootCaConfigMap = "kube-root-ca.crt";
    public const string DefaultServiceAccount = "default";

    /// <summary>A little over an hour, as upstream, so the kubelet's refresh and clients' caching can be told apart.</summary>
    public const long TokenExpirationSeconds = 3607;

    /// <param name="pod">The pod being created; changed in place.</param>
    /// <param name="serviceAccount">The ServiceAccount of a name in the pod's namespace; null when there is none.</param>
    /// <param name="rootCaPublished">Whether the namespace has its kube-root-ca.crt ConfigMap.</param>
    /// <param name="suffix">Five random characters for the volume's name (the registry's generateName suffixes).</param>
    public static void Apply(JsonObject pod, Func<string, JsonObject?> serviceAccount, bool rootCaPublished, Func<string> suffix)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(serviceAccount);
        ArgumentNullException.ThrowIfNull(suffix);
        if (pod["spec"] is not JsonObject spec || ObjectMeta.Annotations(pod).ContainsKey("kubernetes.io/config.mirror"))
        {
            return;
        }

        var name = ObjectMeta.GetString(spec, "serviceAccountName") is { Length: > 0 } n ? n
            : ObjectMeta.GetString(spec, "serviceAccount") is { Length: > 0 } deprecated ? deprecated
            : DefaultServiceAccount;
        spec["serviceAccountName"] = name;
        spec["serviceAccount"] = name;

        if (serviceAccount(name) is not { } account || !rootCaPublished || !Automounts(spec, account))
        {
            return;
        }

        var volumes = spec["volumes"] as JsonArray;
        var existing = volumes?.OfType<JsonObject>().Select(v => ObjectMeta.GetString(v, "name") ?? "").FirstOrDefault(v => v.StartsWith(VolumePrefix, StringComparison.Ordinal));
        var volumeName = existing ?? VolumePrefix + suffix();
        var needed = false;
        foreach (var list in new[] { "initContainers", "containers" })
        {
            foreach (var container in (spec[list] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                var mounts = container["volumeMounts"] as JsonArray;
                if (mounts?.OfType<JsonObject>().Any(m => ObjectMeta.GetString(m, "mountPath") == MountPath) == true)
                {
                    continue;
                }

                if (mounts is null)
                {
                    container["volumeMounts"] = mounts = [];
                }

                mounts.Add(new JsonObject { ["name"] = volumeName, ["readOnly"] = true, ["mountPath"] = MountPath });
                needed = true;
            }
        }

        if (existing is null && needed)
        {
            if (volumes is null)
            {
                spec["volumes"] = volumes = [];
            }

            volumes.Add(TokenVolume(volumeName));
        }
    }

    /// <summary>The pod's own setting wins over its ServiceAccount's; neither set: mounted.</summary>
    private static bool Automounts(JsonObject spec, JsonObject account) =>
        (spec["automountServiceAccountToken"] ?? account["automountServiceAccountToken"]) is not JsonValue v || !v.TryGetValue<bool>(out var on) || on;

    public static JsonObject TokenVolume(string name) => new()
    {
        ["name"] = name,
        ["projected"] = new JsonObject
        {
            ["sources"] = new JsonArray(
                new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = TokenExpirationSeconds, ["path"] = "token" } },
                new JsonObject
                {
                    ["configMap"] = new JsonObject
                    {
                        ["name"] = RootCaConfigMap,
                        ["items"] = new JsonArray(new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" }),
                    },
                },
                new JsonObject
                {
                    ["downwardAPI"] = new JsonObject
                    {
                        ["items"] = new JsonArray(new JsonObject
                        {
                            ["path"] = "namespace",
                            ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.namespace" },
                        }),
                    },
                }),
            ["defaultMode"] = 420,
        },
    };
}
