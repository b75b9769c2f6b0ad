using System.Globalization;
using k8s.Models;

namespace Cluster.Controllers.Deployments;

/// <summary>
/// How far a rolling update may go above and below the desired count (upstream's deploymentutil MaxSurge,
/// MaxUnavailable and ResolveFenceposts over intstr.GetScaledValueFromIntOrPercent): a percentage of the desired
/// count, surge rounded up and unavailability rounded down, and when both come to zero one pod may be unavailable,
/// since surging might be impossible under a quota.
/// </summary>
public static class Fenceposts
{
    public const string RollingUpdate = "RollingUpdate";
    public const string Recreate = "Recreate";

    /// <summary>The registry's defaults for an unset rollingUpdate (upstream's SetDefaults_Deployment).</summary>
    private const string DefaultFencepost = "25%";

    /// <summary>An int-or-percent as a count of <paramref name="total"/>; unset is zero.</summary>
    public static int ScaledValue(IntOrString? value, int total, bool roundUp)
    {
        var text = value?.Value;
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        if (text.EndsWith('%'))
        {
            if (!int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent))
            {
                throw new FormatException($"invalid value for IntOrString: invalid value \"{text}\"");
            }

            var exact = percent * (double)total / 100;
            return (int)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count)
            ? count
            : throw new FormatException($"invalid value for IntOrString: invalid type: string is not a percentage");
    }

    /// <summary>Surge and unavailability for <paramref name="desired"/> replicas.</summary>
    public static (int Surge, int Unavailable) Resolve(IntOrString? maxSurge, IntOrString? maxUnavailable, int desired)
    {
        var surge = ScaledValue(maxSurge, desired, roundUp: true);
        var unavailable = ScaledValue(maxUnavailable, desired, roundUp: false);
        return (surge, surge == 0 && unavailable == 0 ? 1 : unavailable);
    }

    public static bool IsRollingUpdate(V1Deployment d) => (d.Spec.Strategy?.Type ?? RollingUpdate) == RollingUpdate;

    public static int Replicas(V1Deployment d) => d.Spec.Replicas ?? 1;

    public static int MaxSurge(V1Deployment d) => IsRollingUpdate(d) ? Fences(d).Surge : 0;

    /// <summary>Never more than the desired count; zero for Recreate and for a deployment scaled to zero.</summary>
    public static int MaxUnavailable(V1Deployment d)
    {
        if (!IsRollingUpdate(d) || Replicas(d) == 0)
        {
            return 0;
        }

        return Math.Min(Fences(d).Unavailable, Replicas(d));
    }

    private static (int Surge, int Unavailable) Fences(V1Deployment d)
    {
        var rolling = d.Spec.Strategy?.RollingUpdate;
        return Resolve(rolling?.MaxSurge ?? DefaultFencepost, rolling?.MaxUnavailable ?? DefaultFencepost, Replicas(d));
    }
}
