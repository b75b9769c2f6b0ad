using Cluster.Controllers.Scheduling.Framework;

namespace Cluster.Controllers.Scheduling.Plugins;

/// <summary>Upstream's helper.DefaultNormalizeScore: scales scores so the highest is 100; reversed, the lowest raw score gets 100.</summary>
public static class ScoreNormalizer
{
    public static void Default(Span<long> scores, bool reverse)
    {
        long max = 0;
        foreach (var score in scores)
        {
            max = Math.Max(max, score);
        }

        if (max == 0)
        {
            if (reverse)
            {
                scores.Fill(IScorePlugin.MaxScore);
            }

            return;
        }

        for (var i = 0; i < scores.Length; i++)
        {
            var scaled = IScorePlugin.MaxScore * scores[i] / max;
            scores[i] = reverse ? IScorePlugin.MaxScore - scaled : scaled;
        }
    }
}
