using System.Text.Json.Nodes;

namespace Cluster.Core.Registry.Rbac;

/// <summary>
/// The ClusterRoles and ClusterRoleBindings every cluster has from its first start, after upstream's bootstrap policy
/// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), limited to the API groups and resources this cluster serves. Each
/// call returns new objects (creating one stamps its metadata).
/// </summary>
public static partial class BootstrapPolicy
{
    private const string RbacGroup = "rbac.authorization.k8s.io";
    private const string Core = "";
    private const string Read = "get list watch";
    private const string Write = "create update patch delete deletecollection";
    private const string ReadWrite = Read + " " + Write;

    /// <summary>The cluster roles, the aggregated ones (admin, edit, view) with their aggregated rules already in.</summary>
    public static IReadOnlyList<JsonObject> ClusterRoles()
    {
        List<JsonObject> roles =
        [
            // Anything at all: bound to system:masters, the group of the admin credentials a node writes out.
            Role("cluster-admin", null, Rule("*", "*", "*"), Urls("*", "*")),

            // Enough to negotiate API versions and see that the server is up.
            Role("system:discovery", null, Urls("get", "/livez /readyz /healthz /version /version/ /openapi /openapi/* /api /api/* /apis /apis/*")),
            Role("system:public-info-viewer", null, Urls("get", "/livez /readyz /healthz /version /version/")),

            // What a user may ask about themselves.
            Role(
                "system:basic-user",
                null,
                Rule("create", "selfsubjectaccessreviews selfsubjectrulesreviews", "authorization.k8s.io"),
                Rule("create", "selfsubjectreviews", "authentication.k8s.io")),

            Aggregated("admin", "aggregate-to-admin", null),
            Aggregated("edit", "aggregate-to-edit", "aggregate-to-admin"),
            Aggregated("view", "aggregate-to-view", "aggregate-to-edit"),
            Role("system:aggregate-to-admin", "aggregate-to-admin", AdminRules()),
            Role("system:aggregate-to-edit", "aggregate-to-edit", EditRules()),
            Role("system:aggregate-to-view", "aggregate-to-view", ViewRules()),

            Role("system:node", null, NodeRules()),
            Role("system:kube-scheduler", null, SchedulerRules()),
            Role(
                "system:volume-scheduler",
                null,
                Rule(Read + " update patch", "persistentvolumes persistentvolumeclaims", Core),
                Rule(Read, "storageclasses", "storage.k8s.io")),
            Role("system:kube-controller-manager", null, ControllerManagerRules()),
        ];
        FillAggregatedRules(roles);
        return roles;
    }

    public static IReadOnlyList<JsonObject> ClusterRoleBindings() =>
    [
        Binding("cluster-admin", ("Group", "system:masters")),
        Binding("system:discovery", ("Group", "system:authenticated")),
        Binding("system:basic-user", ("Group", "system:authenticated")),
        Binding("system:public-info-viewer", ("Group", "system:authenticated"), ("Group", "system:unauthenticated")),

        // Without subjects, as upstream's: binding the group would let every node change every node's objects. The Node
        // authorizer (with the NodeRestriction admission) authorizes node agents, each for its own node and pods.
        Binding("system:node"),
        Binding("system:kube-scheduler", ("User", "system:kube-scheduler")),
        Binding("system:volume-scheduler", ("User", "system:kube-scheduler")),
        Binding("system:kube-controller-manager", ("User", "system:kube-controller-manager")),
    ];

    /// <summary>
    /// Writes into each aggregated role the rules the aggregation controller would give it, so admin, edit and view grant
    /// their rules from the first start. Repeated until nothing changes: admin takes in edit, which takes in view.
    /// </summary>
    private static void FillAggregatedRules(List<JsonObject> roles)
    {
        var aggregated = roles.Where(r => ClusterRoleAggregation.Selectors(r) is not null).ToList();
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var role in aggregated)
            {
                var rules = ClusterRoleAggregation.Union(role, roles);
                if (!ClusterRoleAggregation.SameRules(rules, role["rules"] as JsonArray))
                {
                    role["rules"] = rules;
                    changed = true;
                }
            }
        }
    }

    /// <summary>A cluster role; <paramref name="aggregateTo"/> labels it for inclusion in an aggregated role (e.g. "aggregate-to-edit").</summary>
    private static JsonObject Role(string name, string? aggregateTo, params JsonObject[] rules)
    {
        var role = Object("ClusterRole", name, aggregateTo);
        role["rules"] = new JsonArray(rules);
        return role;
    }

    /// <summary>A role whose rules are those of the roles labelled <paramref name="selects"/>.</summary>
    private static JsonObject Aggregated(string name, string selects, string? aggregateTo)
    {
        var role = Object("ClusterRole", name, aggregateTo);
        role["aggregationRule"] = new JsonObject
        {
            ["clusterRoleSelectors"] = new JsonArray(new JsonObject
            {
                ["matchLabels"] = new JsonObject { [RbacGroup + "/" + selects] = "true" },
            }),
        };
        role["rules"] = new JsonArray();
        return role;
    }

    /// <summary>A binding of the cluster role of the same name, as upstream names its default bindings.</summary>
    private static JsonObject Binding(string role, params (string Kind, string Name)[] subjects)
    {
        var binding = Object("ClusterRoleBinding", role, null);
        binding["roleRef"] = new JsonObject { ["apiGroup"] = RbacGroup, ["kind"] = "ClusterRole", ["name"] = role };
        binding["subjects"] = new JsonArray([.. subjects.Select(s => new JsonObject { ["apiGroup"] = RbacGroup, ["kind"] = s.Kind, ["name"] = s.Name })]);
        return binding;
    }

    /// <summary>
    /// Labelled as upstream's defaults, and annotated for auto-update (upstream reconciles such objects at every start;
    /// this cluster only creates what is missing, so an edited default stays as edited).
    /// </summary>
    private static JsonObject Object(string kind, string name, string? aggregateTo)
    {
        var labels = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" };
        if (aggregateTo is not null)
        {
            labels[RbacGroup + "/" + aggregateTo] = "true";
        }

        return new JsonObject
        {
            ["apiVersion"] = RbacGroup + "/v1",
            ["kind"] = kind,
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = labels,
                ["annotations"] = new JsonObject { ["rbac.authorization.kubernetes.io/autoupdate"] = "true" },
            },
        };
    }

    /// <summary>A resource rule: <paramref name="verbs"/> and <paramref name="resources"/> space-separated, in <paramref name="groups"/>.</summary>
    private static JsonObject Rule(string verbs, string resources, params string[] groups) => new()
    {
        ["apiGroups"] = Strings(groups),
        ["resources"] = Strings(Words(resources)),
        ["verbs"] = Strings(Words(verbs)),
    };

    /// <summary>A resource rule for the named objects only.</summary>
    private static JsonObject Named(string verbs, string resources, string names, string group)
    {
        var rule = Rule(verbs, resources, group);
        rule["resourceNames"] = Strings(Words(names));
        return rule;
    }

    private static JsonObject Urls(string verbs, string urls) => new()
    {
        ["nonResourceURLs"] = Strings(Words(urls)),
        ["verbs"] = Strings(Words(verbs)),
    };

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);
}
