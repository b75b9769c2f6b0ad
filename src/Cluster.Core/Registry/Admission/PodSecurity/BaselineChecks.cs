using System.Globalization;
using System.Text.Json.Nodes;
using Cluster.Core.Registry.Strategies;
using static Cluster.Core.Registry.Admission.PodSecurity.Wording;

namespace Cluster.Core.Registry.Admission.PodSecurity;

/// <summary>
/// The baseline level's checks (upstream's policy/check_*.go at their newest versions), each with upstream's
/// ForbiddenReason and ForbiddenDetail wording, as clients and tests match on it.
/// </summary>
internal static class BaselineChecks
{
    private const string AppArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/";

    private static readonly HashSet<string> DefaultCapabilities = new(StringComparer.Ordinal)
    {
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    };

    private static readonly HashSet<string> SeLinuxTypes = new(StringComparer.Ordinal) { "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t" };

    private static readonly HashSet<string> SafeSysctls = new(StringComparer.Ordinal)
    {
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
    };

    // In the order upstream's string set lists them.
    private static readonly string[] HostNamespaceFields = ["hostIPC", "hostNetwork", "hostPID"];

    public static Violation? AppArmorProfile(PodView pod)
    {
        var badValues = new List<string>();
        var podBad = JsonFields.Obj(pod.SecurityContext, "appArmorProfile") is { } podProfile && !AllowedProfileType(podProfile, badValues);
        var containers = pod.Containers
            .Where(c => JsonFields.Obj(PodView.ContextOf(c), "appArmorProfile") is { } profile && !AllowedProfileType(profile, badValues))
            .Select(PodView.NameOf).ToList();
        var annotations = pod.Annotations
            .Where(a => a.Key.StartsWith(AppArmorAnnotationPrefix, StringComparison.Ordinal) && !AllowedAnnotationValue(a.Value))
            .Select(a => a.Key + "=" + JsonFields.Quote(a.Value)).Order(StringComparer.Ordinal).ToList();
        var setters = Setters(podBad, containers);
        if (annotations.Count > 0)
        {
            setters += (setters.Length > 0 ? " and " : "") + Plural("annotation", "annotations", annotations.Count);
        }

        if (setters.Length == 0)
        {
            return null;
        }

        List<string> values = [.. Sorted(badValues), .. annotations];
        return new(
            Plural("forbidden AppArmor profile", "forbidden AppArmor profiles", values.Count),
            setters + " must not set AppArmor profile type to " + JoinQuote(values));

        static bool AllowedProfileType(JsonObject profile, List<string> bad)
        {
            var type = JsonFields.Str(profile, "type") ?? "";
            if (type is "RuntimeDefault" or "Localhost")
            {
                return true;
            }

            bad.Add(type);
            return false;
        }

        static bool AllowedAnnotationValue(string value) =>
            value.Length == 0 || value == "runtime/default" || value.StartsWith("localhost/", StringComparison.Ordinal);
    }

    public static Violation? CapabilitiesBaseline(PodView pod)
    {
        var added = new List<string>();
        var containers = pod.Containers.Where(c =>
        {
            var bad = AddedCapabilities(c).Where(cap => !DefaultCapabilities.Contains(cap)).ToList();
            added.AddRange(bad);
            return bad.Count > 0;
        }).Select(PodView.NameOf).ToList();
        return containers.Count == 0 ? null : new(
            "non-default capabilities",
            Containers(containers) + " must not include " + JoinQuote(Sorted(added)) + " in securityContext.capabilities.add");
    }

    public static Violation? HostNamespaces(PodView pod)
    {
        var shared = HostNamespaceFields.Where(field => JsonFields.Bool(pod.Spec, field) == true).ToList();
        return shared.Count == 0 ? null : new("host namespaces", string.Join(", ", shared));
    }

    public static Violation? HostPathVolumes(PodView pod)
    {
        var volumes = pod.Volumes.Where(v => JsonFields.Obj(v, "hostPath") is not null).Select(PodView.NameOf).ToList();
        return volumes.Count == 0 ? null : new("hostPath volumes", Plural("volume", "volumes", volumes.Count) + " " + JoinQuote(volumes));
    }

    public static Violation? HostPorts(PodView pod)
    {
        var ports = new List<string>();
        var containers = pod.Containers.Where(c =>
        {
            var used = JsonFields.Items(JsonFields.Arr(c, "ports")).Select(p => JsonFields.Int(p.Item, "hostPort") ?? 0).Where(p => p != 0).ToList();
            ports.AddRange(used.Select(p => p.ToString(CultureInfo.InvariantCulture)));
            return used.Count > 0;
        }).Select(PodView.NameOf).ToList();
        if (containers.Count == 0)
        {
            return null;
        }

        var distinct = Sorted(ports);
        return new("hostPort", Containers(containers) + " " + Plural("uses", "use", containers.Count) + " "
            + Plural("hostPort", "hostPorts", distinct.Count) + " " + string.Join(", ", distinct));
    }

    public static Violation? Privileged(PodView pod)
    {
        var containers = pod.Containers.Where(c => JsonFields.Bool(PodView.ContextOf(c), "privileged") == true).Select(PodView.NameOf).ToList();
        return containers.Count == 0 ? null : new("privileged", Containers(containers) + " must not set securityContext.privileged=true");
    }

    public static Violation? ProcMount(PodView pod)
    {
        var types = new List<string>();
        var containers = pod.Containers.Where(c =>
        {
            var type = JsonFields.Str(PodView.ContextOf(c), "procMount");
            if (type is null || type == "Default")
            {
                return false;
            }

            types.Add(type);
            return true;
        }).Select(PodView.NameOf).ToList();
        return containers.Count == 0 ? null : new("procMount", Containers(containers) + " must not set securityContext.procMount to " + JoinQuote(Sorted(types)));
    }

    public static Violation? SeLinuxOptions(PodView pod)
    {
        var types = new List<string>();
        var (user, role) = (false, false);
        bool Valid(JsonObject? context)
        {
            if (JsonFields.Obj(context, "seLinuxOptions") is not { } options)
            {
                return true;
            }

            var type = JsonFields.Str(options, "type") ?? "";
            var typeAllowed = SeLinuxTypes.Contains(type);
            if (!typeAllowed)
            {
                types.Add(type);
            }

            var setsUser = !string.IsNullOrEmpty(JsonFields.Str(options, "user"));
            var setsRole = !string.IsNullOrEmpty(JsonFields.Str(options, "role"));
            user |= setsUser;
            role |= setsRole;
            return typeAllowed && !setsUser && !setsRole;
        }

        var podBad = !Valid(pod.SecurityContext);
        var containers = pod.Containers.Where(c => !Valid(PodView.ContextOf(c))).Select(PodView.NameOf).ToList();
        if (!podBad && containers.Count == 0)
        {
            return null;
        }

        var problems = new List<string>();
        if (types.Count > 0)
        {
            var distinct = Sorted(types);
            problems.Add(Plural("type", "types", distinct.Count) + " " + JoinQuote(distinct));
        }

        if (user)
        {
            problems.Add("user may not be set");
        }

        if (role)
        {
            problems.Add("role may not be set");
        }

        return new("seLinuxOptions", Setters(podBad, containers) + " set forbidden securityContext.seLinuxOptions: " + string.Join("; ", problems));
    }

    /// <summary>The field only (the annotations counted before 1.19): an explicit profile must be RuntimeDefault or Localhost.</summary>
    public static Violation? SeccompProfileBaseline(PodView pod)
    {
        var badValues = new List<string>();
        var podBad = SeccompBad(JsonFields.Obj(pod.SecurityContext, "seccompProfile"), badValues);
        var containers = pod.Containers.Where(c => SeccompBad(JsonFields.Obj(PodView.ContextOf(c), "seccompProfile"), badValues)).Select(PodView.NameOf).ToList();
        return !podBad && containers.Count == 0 ? null : new(
            "seccompProfile",
            Setters(podBad, containers) + " must not set securityContext.seccompProfile.type to " + JoinQuote(Sorted(badValues)));
    }

    public static Violation? Sysctls(PodView pod)
    {
        var forbidden = JsonFields.Items(JsonFields.Arr(pod.SecurityContext, "sysctls"))
            .Select(s => JsonFields.Str(s.Item, "name") ?? "").Where(name => !SafeSysctls.Contains(name)).ToList();
        return forbidden.Count == 0 ? null : new("forbidden sysctls", string.Join(", ", forbidden));
    }

    public static Violation? WindowsHostProcess(PodView pod)
    {
        static bool HostProcess(JsonObject? context) => JsonFields.Bool(JsonFields.Obj(context, "windowsOptions"), "hostProcess") == true;
        var podBad = HostProcess(pod.SecurityContext);
        var containers = pod.Containers.Where(c => HostProcess(PodView.ContextOf(c))).Select(PodView.NameOf).ToList();
        return !podBad && containers.Count == 0 ? null : new(
            "hostProcess",
            Setters(podBad, containers) + " must not set securityContext.windowsOptions.hostProcess=true");
    }

    /// <summary>A stated seccomp profile other than RuntimeDefault or Localhost; its type goes to <paramref name="bad"/>.</summary>
    internal static bool SeccompBad(JsonObject? profile, List<string> bad)
    {
        if (profile is null)
        {
            return false;
        }

        var type = JsonFields.Str(profile, "type") ?? "";
        if (type is "RuntimeDefault" or "Localhost")
        {
            return false;
        }

        bad.Add(type);
        return true;
    }

    internal static IEnumerable<string> AddedCapabilities(JsonObject container) =>
        JsonFields.Arr(JsonFields.Obj(PodView.ContextOf(container), "capabilities"), "add")?.Select(JsonFields.AsString).OfType<string>() ?? [];
}
