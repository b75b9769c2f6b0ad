using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Registry.Admission.PodSecurity.Wording;

namespace Cluster.Core.Registry.Admission.PodSecurity;

/// <summary>The restricted level's own checks (upstream's policy/check_*.go at their newest versions), with upstream's wording.</summary>
internal static class RestrictedChecks
{
    private static readonly HashSet<string> AllowedVolumeSources = new(StringComparer.Ordinal)
    {
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
    };

    /// <summary>The volume sources upstream names in its message, in the order it looks for them; any other is "unknown".</summary>
    private static readonly string[] NamedVolumeSources =
    [
        "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder",
        "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos",
    ];

    public static Violation? AllowPrivilegeEscalation(PodView pod)
    {
        // Windows pods cannot set the field at all (pod validation refuses it).
        if (pod.IsWindows)
        {
            return null;
        }

        var containers = pod.Containers.Where(c => JsonFields.Bool(PodView.ContextOf(c), "allowPrivilegeEscalation") != false).Select(PodView.NameOf).ToList();
        return containers.Count == 0 ? null : new(
            "allowPrivilegeEscalation != false",
            Containers(containers) + " must set securityContext.allowPrivilegeEscalation=false");
    }

    public static Violation? CapabilitiesRestricted(PodView pod)
    {
        if (pod.IsWindows)
        {
            return null;
        }

        var missingDropAll = new List<string>();
        var addingForbidden = new List<string>();
        var forbidden = new List<string>();
        foreach (var container in pod.Containers)
        {
            var capabilities = JsonFields.Obj(PodView.ContextOf(container), "capabilities");
            var dropped = JsonFields.Arr(capabilities, "drop")?.Select(JsonFields.AsString) ?? [];
            if (!dropped.Contains("ALL", StringComparer.Ordinal))
            {
                missingDropAll.Add(PodView.NameOf(container));
            }

            var added = BaselineChecks.AddedCapabilities(container).Where(c => c != "NET_BIND_SERVICE").ToList();
            if (added.Count > 0)
            {
                addingForbidden.Add(PodView.NameOf(container));
                forbidden.AddRange(added);
            }
        }

        var details = new List<string>(2);
        if (missingDropAll.Count > 0)
        {
            details.Add(Containers(missingDropAll) + " must set securityContext.capabilities.drop=[\"ALL\"]");
        }

        if (addingForbidden.Count > 0)
        {
            details.Add(Containers(addingForbidden) + " must not include " + JoinQuote(Sorted(forbidden)) + " in securityContext.capabilities.add");
        }

        return details.Count == 0 ? null : new("unrestricted capabilities", string.Join("; ", details));
    }

    public static Violation? RestrictedVolumes(PodView pod)
    {
        var volumes = new List<string>();
        var types = new List<string>();
        foreach (var volume in pod.Volumes)
        {
            if (AllowedVolumeSources.Any(source => JsonFields.Obj(volume, source) is not null))
            {
                continue;
            }

            volumes.Add(PodView.NameOf(volume));
            types.Add(NamedVolumeSources.FirstOrDefault(source => JsonFields.Obj(volume, source) is not null) ?? "unknown");
        }

        if (volumes.Count == 0)
        {
            return null;
        }

        var distinct = Sorted(types);
        return new("restricted volume types", Plural("volume", "volumes", volumes.Count) + " " + JoinQuote(volumes) + " "
            + Plural("uses", "use", volumes.Count) + " " + Plural("restricted volume type", "restricted volume types", distinct.Count) + " " + JoinQuote(distinct));
    }

    public static Violation? RunAsNonRoot(PodView pod)
    {
        var podSetting = JsonFields.Bool(pod.SecurityContext, "runAsNonRoot");
        var explicitlyBad = new List<string>();
        var implicitlyBad = new List<string>();
        foreach (var container in pod.Containers)
        {
            switch (JsonFields.Bool(PodView.ContextOf(container), "runAsNonRoot"))
            {
                case false:
                    explicitlyBad.Add(PodView.NameOf(container));
                    break;
                case null when podSetting != true:
                    implicitlyBad.Add(PodView.NameOf(container));
                    break;
            }
        }

        if (podSetting == false || explicitlyBad.Count > 0)
        {
            return new("runAsNonRoot != true", Setters(podSetting == false, explicitlyBad) + " must not set securityContext.runAsNonRoot=false");
        }

        return implicitlyBad.Count == 0 ? null : new(
            "runAsNonRoot != true",
            "pod or " + Containers(implicitlyBad) + " must set securityContext.runAsNonRoot=true");
    }

    public static Violation? RunAsUser(PodView pod)
    {
        static bool Root(JsonObject? context) => JsonFields.Int(context, "runAsUser") == 0;
        var podBad = Root(pod.SecurityContext);
        var containers = pod.Containers.Where(c => Root(PodView.ContextOf(c))).Select(PodView.NameOf).ToList();
        return !podBad && containers.Count == 0 ? null : new("runAsUser=0", Setters(podBad, containers) + " must not set runAsUser=0");
    }

    public static Violation? SeccompProfileRestricted(PodView pod)
    {
        if (pod.IsWindows)
        {
            return null;
        }

        var badValues = new List<string>();
        var podProfile = JsonFields.Obj(pod.SecurityContext, "seccompProfile");
        var podBad = BaselineChecks.SeccompBad(podProfile, badValues);
        var podSet = podProfile is not null && !podBad;
        var explicitlyBad = new List<string>();
        var implicitlyBad = new List<string>();
        foreach (var container in pod.Containers)
        {
            var profile = JsonFields.Obj(PodView.ContextOf(container), "seccompProfile");
            if (profile is not null && BaselineChecks.SeccompBad(profile, badValues))
            {
                explicitlyBad.Add(PodView.NameOf(container));
            }
            else if (profile is null && !podSet)
            {
                implicitlyBad.Add(PodView.NameOf(container));
            }
        }

        if (podBad || explicitlyBad.Count > 0)
        {
            return new("seccompProfile", Setters(podBad, explicitlyBad) + " must not set securityContext.seccompProfile.type to " + JoinQuote(Sorted(badValues)));
        }

        return implicitlyBad.Count == 0 ? null : new(
            "seccompProfile",
            "pod or " + Containers(implicitlyBad) + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
    }
}
