using System.Text.Json.Nodes;
using Cluster.Api.Protobuf;
using Cluster.Core.Registry;

namespace Cluster.Api.Tests.Protobuf;

public sealed class ProtobufBodyDecoderTests
{
    private static readonly Dictionary<string, string> ExpectedKinds = new()
    {
        ["job"] = "Job",
        ["cronjob"] = "CronJob",
        ["deployment-cmd"] = "Deployment",
        ["token"] = "TokenRequest",
    };

    public static TheoryData<string> Bodies() => new(CapturedBodies.Names());

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Decode_CapturedKubectlBody_EqualsTheJsonKubectlMeantToSend(string name)
    {
        var decoded = ProtobufBodyDecoder.Decode(CapturedBodies.Body(name), 64);

        var json = CapturedBodies.Json(name);
        if (json.Trim().Length == 0)
        {
            // Four captures (job, cronjob, deployment-cmd, token) came without their JSON: they must decode, to their kind.
            Assert.Equal(ExpectedKinds[name], decoded["kind"]?.GetValue<string>());
            return;
        }

        var expected = JsonNode.Parse(json)!;
        DropNullCreationTimestamps(expected);
        Assert.True(JsonNode.DeepEquals(expected, decoded), $"{name}\nexpected {expected.ToJsonString()}\ndecoded  {decoded.ToJsonString()}");
    }

    [Fact]
    public void Decode_CapturedBodies_AreAllThere()
    {
        Assert.Equal(23, CapturedBodies.Names().Count());
    }

    [Fact]
    public void Decode_WrongMagic_IsBadRequest()
    {
        var body = CapturedBodies.Body("configmap");
        body[0] = (byte)'K';

        var error = Assert.Throws<ApiException>(() => ProtobufBodyDecoder.Decode(body, 64));

        Assert.Equal(400, error.Code);
        Assert.Contains("magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_EveryTruncation_IsBadRequestOrAShorterObject()
    {
        foreach (var name in CapturedBodies.Names())
        {
            var body = CapturedBodies.Body(name);
            for (var length = 0; length < body.Length; length++)
            {
                AssertDecodesOrRefuses(body[..length]);
            }
        }
    }

    [Fact]
    public void Decode_BitFlippedBodies_AreBadRequestOrDecoded()
    {
        var random = new Random(20261206);
        foreach (var name in CapturedBodies.Names())
        {
            var original = CapturedBodies.Body(name);
            for (var i = 0; i < 300; i++)
            {
                var body = (byte[])original.Clone();
                var bit = random.Next(32, body.Length * 8);
                body[bit / 8] ^= (byte)(1 << (bit % 8));
                AssertDecodesOrRefuses(body);
            }
        }
    }

    [Fact]
    public void Decode_UnknownKind_NamesIt()
    {
        var body = Envelope("v1", "Gadget", []);

        var error = Assert.Throws<ApiException>(() => ProtobufBodyDecoder.Decode(body, 64));

        Assert.Contains("Gadget", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_NestingDeeperThanTheLimit_IsBadRequest()
    {
        // The limit counts message levels: a Deployment reaches spec.template.spec.containers, well past 2.
        var error = Assert.Throws<ApiException>(() => ProtobufBodyDecoder.Decode(CapturedBodies.Body("deployment"), 2));

        Assert.Equal(400, error.Code);
        Assert.Contains("deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_UnknownFieldNumber_IsSkipped()
    {
        // ConfigMap with field 99 (a varint) before its metadata (field 1: name "x").
        byte[] raw = [0x98, 0x06, 0x07, 0x0a, 0x03, 0x0a, 0x01, (byte)'x'];

        var decoded = ProtobufBodyDecoder.Decode(Envelope("v1", "ConfigMap", raw), 64);

        Assert.Equal("""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x"}}""", decoded.ToJsonString());
    }

    [Fact]
    public void Decode_InlinedGoFields_PutTheirFieldsInTheEnclosingObject()
    {
        // A Pod with a ConfigMap volume (Volume inlines VolumeSource, ConfigMapVolumeSource inlines LocalObjectReference)
        // and a container whose probe inlines ProbeHandler; every field number is looked up by name in the table.
        var localRef = Message("k8s.io.api.core.v1.LocalObjectReference", ("name", Text("web-config")));
        var configMap = Message("k8s.io.api.core.v1.ConfigMapVolumeSource", ("localObjectReference", localRef));
        var volume = Message("k8s.io.api.core.v1.Volume", ("name", Text("config")), ("volumeSource", Message("k8s.io.api.core.v1.VolumeSource", ("configMap", configMap))));
        var exec = Message("k8s.io.api.core.v1.ExecAction", ("command", Text("true")));
        var probe = Message("k8s.io.api.core.v1.Probe", ("handler", Message("k8s.io.api.core.v1.ProbeHandler", ("exec", exec))), ("periodSeconds", [0x05]));
        var container = Message("k8s.io.api.core.v1.Container", ("name", Text("app")), ("livenessProbe", probe));
        var spec = Message("k8s.io.api.core.v1.PodSpec", ("volumes", volume), ("containers", container));
        var pod = Message("k8s.io.api.core.v1.Pod", ("spec", spec));

        var decoded = ProtobufBodyDecoder.Decode(Envelope("v1", "Pod", pod), 64);

        Assert.Equal(
            """{"kind":"Pod","apiVersion":"v1","spec":{"volumes":[{"name":"config","configMap":{"name":"web-config"}}],"containers":[{"name":"app","livenessProbe":{"exec":{"command":["true"]},"periodSeconds":5}}]}}""",
            decoded.ToJsonString());
    }

    [Fact]
    public void Decode_ExplicitZeroOfAPointerField_IsKept_ZeroOfAnOmitemptyField_IsLeftOut()
    {
        var spec = Message("k8s.io.api.apps.v1.DeploymentSpec", ("replicas", [0x00]), ("minReadySeconds", [0x00]));
        var deployment = Message("k8s.io.api.apps.v1.Deployment", ("spec", spec));

        var decoded = ProtobufBodyDecoder.Decode(Envelope("apps/v1", "Deployment", deployment), 64);

        Assert.Equal("""{"kind":"Deployment","apiVersion":"apps/v1","spec":{"replicas":0}}""", decoded.ToJsonString());
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(90_000_000_000L, "1m30s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(1_500_000_000L, "1.5s")]
    [InlineData(250_000_000L, "250ms")]
    [InlineData(1_500L, "1.5µs")]
    [InlineData(7L, "7ns")]
    [InlineData(-61_000_000_000L, "-1m1s")]
    public void GoDuration_Nanoseconds_FormatsAsGo(long nanoseconds, string expected)
    {
        Assert.Equal(expected, SpecialTypes.GoDuration(nanoseconds));
    }

    [Theory]
    [InlineData("apps/v1", "Deployment", "k8s.io.api.apps.v1.Deployment")]
    [InlineData("rbac.authorization.k8s.io/v1", "ClusterRole", "k8s.io.api.rbac.v1.ClusterRole")]
    [InlineData("v1", "Namespace", "k8s.io.api.core.v1.Namespace")]
    [InlineData("v1", "DeleteOptions", "k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions")]
    public void FindKind_ApiVersionAndKind_FindsTheMessage(string apiVersion, string kind, string message)
    {
        Assert.Equal(message, ProtobufSchema.BuiltIn.FindKind(apiVersion, kind)?.Name);
    }

    private static void AssertDecodesOrRefuses(byte[] body)
    {
        try
        {
            Assert.NotNull(ProtobufBodyDecoder.Decode(body, 64));
        }
        catch (ApiException e)
        {
            Assert.Equal(400, e.Code);
        }
    }

    private static byte[] Text(string value) => System.Text.Encoding.UTF8.GetBytes(value);

    /// <summary>
    /// A message's bytes from (field name, value bytes) pairs: the number and wire type come from the table; a varint
    /// field's value is its encoded varint, any other field's value is length-prefixed.
    /// </summary>
    private static byte[] Message(string name, params (string Field, byte[] Value)[] fields)
    {
        var message = ProtobufSchema.BuiltIn.Find(name)!;
        var bytes = new List<byte>();
        foreach (var (fieldName, value) in fields)
        {
            var field = message.Fields.Values.Single(f => f.Name == fieldName);
            if (field.Type.Kind is ProtoKind.Int32 or ProtoKind.Int64 or ProtoKind.Bool)
            {
                AddVarint(bytes, field.Number << 3);
                bytes.AddRange(value);
            }
            else
            {
                AddBytes(bytes, field.Number, value);
            }
        }

        return bytes.ToArray();
    }

    /// <summary>A body: magic, then runtime.Unknown with typeMeta (apiVersion, kind) and raw.</summary>
    internal static byte[] Envelope(string apiVersion, string kind, byte[] raw)
    {
        var typeMeta = new List<byte>();
        AddString(typeMeta, 1, apiVersion);
        AddString(typeMeta, 2, kind);
        var body = new List<byte>("k8s\0"u8.ToArray());
        AddBytes(body, 1, typeMeta.ToArray());
        AddBytes(body, 2, raw);
        return body.ToArray();
    }

    private static void AddString(List<byte> to, int field, string value) => AddBytes(to, field, System.Text.Encoding.UTF8.GetBytes(value));

    private static void AddBytes(List<byte> to, int field, byte[] value)
    {
        AddVarint(to, (field << 3) | 2);
        AddVarint(to, value.Length);
        to.AddRange(value);
    }

    private static void AddVarint(List<byte> to, int value)
    {
        while (value >= 0x80)
        {
            to.Add((byte)(value | 0x80));
            value >>= 7;
        }

        to.Add((byte)value);
    }

    private static void DropNullCreationTimestamps(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj.TryGetPropertyValue("creationTimestamp", out var stamp) && stamp is null)
                {
                    obj.Remove("creationTimestamp");
                }

                foreach (var (_, child) in obj.ToList())
                {
                    if (child is not null)
                    {
                        DropNullCreationTimestamps(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        DropNullCreationTimestamps(child);
                    }
                }

                break;
        }
    }
}
