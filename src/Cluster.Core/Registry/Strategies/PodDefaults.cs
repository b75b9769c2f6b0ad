using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Strategies;

/// <summary>
/// core/v1 defaults for pods and pod templates (SetDefaults_PodSpec, SetDefaults_Container,
/// SetDefaults_Probe, volume sources, ports). Pod-only defaults (SetDefaults_Pod) are separate
/// because upstream deliberately keeps them out of templates.
/// </summary>
internal static class PodDefaults
{
    private static readonly string[] ContainerLists = ["initContainers", "containers", "ephemeralContainers"];
    private static readonly string[] Probes = ["livenessProbe", "readinessProbe", "startupProbe"];
    private static readonly string[] ModeSources = ["secret", "configMap", "downwardAPI", "projected"];

    /// <summary>Defaults of a pod template: <c>template.spec</c> (created when absent, as upstream's value struct).</summary>
    public static void Template(JsonObject owner, string key = "template")
    {
        var template = JsonFields.Ensure(owner, key);
        Spec(JsonFields.Ensure(template, "spec"));
    }

    /// <summary>SetDefaults_Pod on top of the spec defaults: requests from limits, service links, host ports.</summary>
    public static void Pod(JsonObject pod)
    {
        var spec = JsonFields.Ensure(pod, "spec");
        Spec(spec);
        JsonFields.Default(spec, "enableServiceLinks", true);
        var hostNetwork = JsonFields.Bool(spec, "hostNetwork") == true;
        foreach (var list in ContainerLists.Take(2))
        {
            foreach (var (_, container) in JsonFields.Items(JsonFields.Arr(spec, list)))
            {
                RequestsFromLimits(container);
                if (hostNetwork)
                {
                    foreach (var (_, port) in JsonFields.Items(JsonFields.Arr(container, "ports")))
                    {
                        if ((JsonFields.Int(port, "hostPort") ?? 0) == 0 && port["containerPort"] is { } containerPort)
                        {
                            port["hostPort"] = containerPort.DeepClone();
                        }
                    }
                }
            }
        }
    }

    public static void Spec(JsonObject spec)
    {
        JsonFields.DefaultString(spec, "dnsPolicy", "ClusterFirst");
        JsonFields.DefaultString(spec, "restartPolicy", "Always");
        JsonFields.Default(spec, "securityContext", new JsonObject());
        JsonFields.Default(spec, "terminationGracePeriodSeconds", 30);
        JsonFields.DefaultString(spec, "schedulerName", "default-scheduler");
        foreach (var list in ContainerLists)
        {
            foreach (var (_, container) in JsonFields.Items(JsonFields.Arr(spec, list)))
            {
                Container(container);
            }
        }

        foreach (var (_, volume) in JsonFields.Items(JsonFields.Arr(spec, "volumes")))
        {
            Volume(volume);
        }
    }

    /// <summary>The pull policy upstream picks: Always for a ":latest" or untagged image, else IfNotPresent.</summary>
    public static string PullPolicyFor(string image)
    {
        // A digest pins the image: upstream's parser reports no tag then, so IfNotPresent.
        if (image.Contains('@', StringComparison.Ordinal))
        {
            var beforeDigest = image[..image.IndexOf('@', StringComparison.Ordinal)];
            return Tag(beforeDigest) == "latest" ? "Always" : "IfNotPresent";
        }

        return Tag(image) is null or "latest" ? "Always" : "IfNotPresent";
    }

    /// <summary>Resource lists round up to milli-units and print canonically (SetDefaults_ResourceList).</summary>
    public static void CanonicalizeResourceList(JsonObject? list)
    {
        if (list is null)
        {
            return;
        }

        foreach (var key in list.Select(p => p.Key).ToArray())
        {
            if (Quantity.TryRead(list[key], out var quantity, out _))
            {
                list[key] = quantity.RoundUp(3).ToString();
            }
        }
    }

    private static void Container(JsonObject container)
    {
        if (string.IsNullOrEmpty(JsonFields.Str(container, "imagePullPolicy")))
        {
            container["imagePullPolicy"] = PullPolicyFor(JsonFields.Str(container, "image") ?? "");
        }

        JsonFields.DefaultString(container, "terminationMessagePath", "/dev/termination-log");
        JsonFields.DefaultString(container, "terminationMessagePolicy", "File");
        var resources = JsonFields.Ensure(container, "resources");
        CanonicalizeResourceList(JsonFields.Obj(resources, "limits"));
        CanonicalizeResourceList(JsonFields.Obj(resources, "requests"));
        foreach (var (_, port) in JsonFields.Items(JsonFields.Arr(container, "ports")))
        {
            JsonFields.DefaultString(port, "protocol", "TCP");
        }

        foreach (var probe in Probes.Select(p => JsonFields.Obj(container, p)).OfType<JsonObject>())
        {
            Probe(probe);
        }

        foreach (var (_, env) in JsonFields.Items(JsonFields.Arr(container, "env")))
        {
            if (JsonFields.Obj(JsonFields.Obj(env, "valueFrom"), "fieldRef") is { } fieldRef)
            {
                JsonFields.DefaultString(fieldRef, "apiVersion", "v1");
            }
        }
    }

    private static void Probe(JsonObject probe)
    {
        JsonFields.DefaultNonZero(probe, "timeoutSeconds", 1);
        JsonFields.DefaultNonZero(probe, "periodSeconds", 10);
        JsonFields.DefaultNonZero(probe, "successThreshold", 1);
        JsonFields.DefaultNonZero(probe, "failureThreshold", 3);
        if (JsonFields.Obj(probe, "httpGet") is { } httpGet)
        {
            JsonFields.DefaultString(httpGet, "path", "/");
            JsonFields.DefaultString(httpGet, "scheme", "HTTP");
        }
    }

    private static void Volume(JsonObject volume)
    {
        // A volume naming no source is an emptyDir (SetDefaults_Volume).
        if (volume.All(p => p.Key == "name" || p.Value is null))
        {
            volume["emptyDir"] = new JsonObject();
        }

        foreach (var source in ModeSources.Select(s => JsonFields.Obj(volume, s)).OfType<JsonObject>())
        {
            JsonFields.Default(source, "defaultMode", 420);
        }

        if (JsonFields.Obj(volume, "hostPath") is { } hostPath)
        {
            JsonFields.Default(hostPath, "type", "");
        }

        foreach (var (_, projection) in JsonFields.Items(JsonFields.Arr(JsonFields.Obj(volume, "projected"), "sources")))
        {
            if (JsonFields.Obj(projection, "serviceAccountToken") is { } token)
            {
                JsonFields.Default(token, "expirationSeconds", 3600);
            }
        }
    }

    private static void RequestsFromLimits(JsonObject container)
    {
        var resources = JsonFields.Obj(container, "resources");
        if (JsonFields.Obj(resources, "limits") is not { } limits || resources is null)
        {
            return;
        }

        var requests = JsonFields.Ensure(resources, "requests");
        foreach (var (key, value) in limits)
        {
            if (!requests.ContainsKey(key))
            {
                requests[key] = value?.DeepClone();
            }
        }
    }

    /// <summary>The tag of an image reference, or null when untagged ("repo:5000/app" has a port, not a tag).</summary>
    private static string? Tag(string image)
    {
        var colon = image.LastIndexOf(':');
        return colon < 0 || image.IndexOf('/', colon) >= 0 ? null : image[(colon + 1)..];
    }
}
