using System.Globalization;
using Cluster.Core.Configuration.Hocon;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Cluster.Core.Tests.Configuration;

/// <summary>FsCheck properties, replayed from a fixed seed so every run checks the same cases.</summary>
public sealed class HoconPropertyTests
{
    private static readonly Config Deterministic = Config.QuickThrowOnFailure
        .WithMaxTest(400)
        .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(20251122UL, 7UL), FSharpOption<int>.None)));

    private static readonly char[] TextAlphabet =
        ['a', 'b', 'z', 'K', '0', '7', '.', ' ', '-', '_', '"', '\\', '$', '{', '}', '[', ']', ':', '=', ',', '#', '/', '\n', '\t', '\u0001',
         'é', '\u00A0', '\u2028', '\uFEFF', '\uD83D', '\uDE00', '?', '+'];

    private static readonly string[] SyntaxFragments =
    [
        "{", "}", "[", "]", "=", ":", ",", "\n", " ", "${", "${?", "a", "b.c", "\"", "\"\"\"", "include ", "file(", "classpath(", ")",
        "required(", "+=", "#", "//", "1", "-", "1e5", "0.5", "true", "null", "\\", "\u00A0", "\uFEFF", "$", "*", ".", "..", "a.b",
        "x = ${x}", "y += 1", "\"q\"", "10s", "include \"missing\"", "[1,2] [3]", "{a:1} {b:2}",
    ];

    [Fact]
    public void RenderedTree_ParsedAgain_IsSameTree()
    {
        var property = Prop.ForAll(Arb.From(ObjectGen(depth: 3)), tree =>
        {
            var rendered = HoconJsonRenderer.Render(tree);
            var asHocon = HoconConfig.Parse(rendered);
            var asJson = HoconConfig.Parse(rendered, new HoconParseOptions { Syntax = HoconSyntax.Json });
            return SameTree(tree, asHocon.Root) && SameTree(tree, asJson.Root);
        });

        Check.One(Deterministic, property);
    }

    [Fact]
    public void RandomSyntaxFragments_ParsedAndResolved_ThrowOnlyHoconException()
    {
        var input = Gen.ListOf(Gen.Elements(SyntaxFragments)).Select(string.Concat);

        Check.One(Deterministic, Prop.ForAll(Arb.From(input), OnlyHoconExceptions));
    }

    [Fact]
    public void RandomCharacters_ParsedAndResolved_ThrowOnlyHoconException()
    {
        var input = Gen.ArrayOf(Gen.Elements(TextAlphabet.Concat("()ifnlucde=\"".ToCharArray()).ToArray())).Select(chars => new string(chars));

        Check.One(Deterministic, Prop.ForAll(Arb.From(input), OnlyHoconExceptions));
    }

    [Fact]
    public void DeeplyNestedInput_Parsed_ThrowsHoconExceptionNotStackOverflow()
    {
        var deep = new string('[', 200_000);

        Assert.Throws<HoconException>(() => HoconConfig.Parse("a = " + deep));
    }

    private static bool OnlyHoconExceptions(string text)
    {
        try
        {
            var config = HoconConfig.Parse(text, new HoconParseOptions { BaseDirectory = EmptyDirectory.Value });
            HoconJsonRenderer.Render(config);
            return true;
        }
        catch (HoconException)
        {
            return true;
        }
    }

    private static readonly Lazy<string> EmptyDirectory = new(() =>
        Directory.CreateTempSubdirectory("hocon-fuzz-").FullName);

    private static Gen<string> TextGen() => Gen.ArrayOf(Gen.Elements(TextAlphabet)).Select(chars => new string(chars));

    private static Gen<HoconValue> ScalarGen() => Gen.OneOf(
        TextGen().Select(text => (HoconValue)HoconScalar.String(text, HoconOrigin.Unknown)),
        Gen.Choose(int.MinValue, int.MaxValue).Select(n => Number(n.ToString(CultureInfo.InvariantCulture))),
        Gen.Choose(-100_000, 100_000).Select(n => Number((n / 64.0).ToString("R", CultureInfo.InvariantCulture))),
        Gen.Elements("1e5", "-2.5E-3", "0", "9007199254740993").Select(Number),
        Gen.Elements("true", "false").Select(b => (HoconValue)new HoconScalar(HoconValueType.Boolean, b, HoconOrigin.Unknown)),
        Gen.Constant((HoconValue)HoconScalar.Null(HoconOrigin.Unknown)));

    private static HoconValue Number(string text) => new HoconScalar(HoconValueType.Number, text, HoconOrigin.Unknown);

    private static Gen<HoconValue> ValueGen(int depth) => depth <= 0
        ? ScalarGen()
        : Gen.Frequency(
            (4, ScalarGen()),
            (1, ObjectGen(depth - 1).Select(o => (HoconValue)o)),
            (1, Gen.ListOf(ValueGen(depth - 1)).Select(items => (HoconValue)new HoconArray(items.ToList(), HoconOrigin.Unknown))));

    private static Gen<HoconObject> ObjectGen(int depth) =>
        Gen.ListOf(Gen.Zip(TextGen(), ValueGen(depth))).Select(fields =>
        {
            var obj = new HoconObject(HoconOrigin.Unknown);
            foreach (var (key, value) in fields)
            {
                obj.Fields[key] = value;
            }

            return obj;
        });

    private static bool SameTree(HoconValue expected, HoconValue actual) => (expected, actual) switch
    {
        (HoconObject e, HoconObject a) => e.Count == a.Count
            && e.Entries.All(field => a.TryGetValue(field.Key, out var other) && SameTree(field.Value, other)),
        (HoconArray e, HoconArray a) => e.Items.Count == a.Items.Count && e.Items.Zip(a.Items).All(pair => SameTree(pair.First, pair.Second)),
        (HoconScalar { Type: HoconValueType.Number } e, HoconScalar { Type: HoconValueType.Number } a) =>
            double.Parse(e.Text, CultureInfo.InvariantCulture).Equals(double.Parse(a.Text, CultureInfo.InvariantCulture)),
        (HoconScalar e, HoconScalar a) => e.Type == a.Type && e.Text == a.Text,
        _ => false,
    };
}
