using System.Text.Json.Nodes;
using Cluster.Controllers.ReplicaSets;
using Cluster.Core.Registry.Cache;
using k8s.Models;

namespace Cluster.Controllers.Tests.ReplicaSets;

/// <summary>Pods and sets as the pure replica specs need them.</summary>
internal static class ReplicaFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A ReplicaSet read as the controller reads stored ones.</summary>
    public static ReplicaSetView Set(int replicas = 3, int minReadySeconds = 0, string selector = """{"matchLabels":{"app":"web"}}""", string? status = null, bool deleting = false, string? ownerUid = null)
    {
        var deletion = deleting ? "\"deletionTimestamp\":\"2026-12-06T11:00:00Z\"," : "";
        var owner = ownerUid is null ? "" : $$"""
            "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"{{ownerUid}}","controller":true}],
            """;
        var template = """{"metadata":{"labels":{"app":"web","tier":"front"},"annotations":{"note":"kept"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}""";
        status ??= """{"replicas":0}""";
        var json = $$$"""
            {"apiVersion":"apps/v1","kind":"ReplicaSet",
             "metadata":{"name":"web","namespace":"shop","uid":"rs-uid","generation":4,"resourceVersion":"9",{{{deletion}}}{{{owner}}}"labels":{"app":"web"}},
             "spec":{"replicas":{{{replicas}}},"minReadySeconds":{{{minReadySeconds}}},"selector":{{{selector}}},"template":{{{template}}}},
             "status":{{{status}}}}
            """;
        return ReplicaKind.ReplicaSet.Read(CachedObject.From(JsonNode.Parse(json)!.AsObject(), 9));
    }

    public static V1Pod Pod(
        string name,
        string? node = "node-1",
        string phase = "Running",
        bool ready = true,
        DateTimeOffset? readySince = null,
        DateTimeOffset? created = null,
        int restarts = 0,
        string? owner = "rs-uid",
        string app = "web",
        bool terminating = false,
        int? cost = null) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "shop",
            Uid = "uid-" + name,
            Labels = new Dictionary<string, string> { ["app"] = app, ["tier"] = "front" },
            Annotations = cost is { } c ? new Dictionary<string, string> { [PodRanking.DeletionCostAnnotation] = c.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null,
            CreationTimestamp = (created ?? Now.AddHours(-1)).UtcDateTime,
            DeletionTimestamp = terminating ? Now.UtcDateTime : null,
            OwnerReferences = owner is null ? null : [new V1OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "web", Uid = owner, Controller = true }],
        },
        Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "app", Image = "nginx" }] },
        Status = new V1PodStatus
        {
            Phase = phase,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False", LastTransitionTime = (readySince ?? Now.AddHours(-1)).UtcDateTime }],
            ContainerStatuses = [new V1ContainerStatus { Name = "app", RestartCount = restarts }],
        },
    };
}
