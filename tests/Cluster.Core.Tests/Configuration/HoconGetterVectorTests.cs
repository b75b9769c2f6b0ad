using System.Globalization;
using System.Text.Json;
using Cluster.Core.Configuration.Hocon;

namespace Cluster.Core.Tests.Configuration;

/// <summary>The *.getters.json vectors: each key read through each typed getter must give the reference's value or error kind.</summary>
public sealed class HoconGetterVectorTests
{
    public static TheoryData<string, string, string> GetterCases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var vector in (string[])["conversions.conf", "units-durations.conf", "units-sizes.conf"])
        {
            using var document = JsonDocument.Parse(File.ReadAllText(ConformanceVectors.PathOf($"expected/spec-examples/{vector}.getters.json")));
            foreach (var key in document.RootElement.EnumerateObject())
            {
                foreach (var getter in key.Value.EnumerateObject().Where(p => p.Name is not ("input" or "type")))
                {
                    data.Add(vector, key.Name, getter.Name);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GetterCases))]
    public void Getter_OnVectorKey_MatchesReferenceResult(string vector, string key, string getter)
    {
        var config = HoconConfig.Load(ConformanceVectors.PathOf($"spec-examples/{vector}"));
        using var document = JsonDocument.Parse(File.ReadAllText(ConformanceVectors.PathOf($"expected/spec-examples/{vector}.getters.json")));
        var entry = document.RootElement.GetProperty(key);
        var expected = entry.GetProperty(getter);

        Assert.Equal(entry.GetProperty("type").GetString(), config.GetValue(key)!.Type.ToString()!.ToUpperInvariant());
        if (expected.ValueKind == JsonValueKind.String && expected.GetString()!.StartsWith("ERROR ", StringComparison.Ordinal)
            && getter != "string")
        {
            var error = Assert.Throws<HoconException>(() => Read(config, key, getter));
            Assert.Equal(ConformanceVectors.KindOfJavaError("ConfigException$" + expected.GetString()!["ERROR ".Length..]), error.Kind);
            return;
        }

        if (expected.ValueKind == JsonValueKind.String && expected.GetString() == "ERROR Null")
        {
            Assert.Equal(HoconErrorKind.Null, Assert.Throws<HoconException>(() => Read(config, key, getter)).Kind);
            return;
        }

        var actual = Read(config, key, getter);
        switch (expected.ValueKind)
        {
            case JsonValueKind.Number:
                Assert.Equal(double.Parse(expected.GetRawText(), CultureInfo.InvariantCulture), Convert.ToDouble(actual, CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                Assert.Equal(expected.GetBoolean(), actual);
                break;
            default:
                Assert.Equal(expected.GetString(), actual);
                break;
        }
    }

    [Fact]
    public void GetDuration_InfiniteWithAkkaSwitch_IsInfiniteTimeSpan()
    {
        var config = HoconConfig.Load(ConformanceVectors.PathOf("spec-examples/units-durations.conf"));

        Assert.Equal(Timeout.InfiniteTimeSpan, config.GetDuration("d23", allowInfinite: true));
        Assert.Equal(TimeSpan.FromSeconds(10), config.GetDuration("d01"));
        Assert.Equal(TimeSpan.FromTicks(30), config.GetDuration("d09"));
    }

    private static object Read(HoconConfig config, string key, string getter) => getter switch
    {
        "boolean" => config.GetBoolean(key),
        "int" => config.GetInt(key),
        "double" => config.GetDouble(key),
        "string" => config.GetString(key),
        "nanos" => config.GetDurationNanoseconds(key),
        "millis" => config.GetDurationNanoseconds(key) / 1_000_000,
        "bytes" => config.GetBytes(key),
        _ => throw new InvalidOperationException("unknown getter " + getter),
    };
}
