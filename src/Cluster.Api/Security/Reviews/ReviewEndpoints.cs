using System.Text.Json.Nodes;
using Cluster.Api.Http;
using Cluster.Api.Security.Authentication;
using Cluster.Api.Security.Authorization;
using Cluster.Core.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cluster.Api.Security.Reviews;

/// <summary>
/// The self reviews: <c>kubectl auth whoami</c> (SelfSubjectReview), <c>kubectl auth can-i</c>
/// (SelfSubjectAccessReview) and <c>can-i --list</c> (SelfSubjectRulesReview). Each is a create that stores nothing:
/// the posted object comes back with its status filled in for the requesting user.
/// </summary>
public static class ReviewEndpoints
{
    private const string Authentication = "authentication.k8s.io";
    private const string Authorization = "authorization.k8s.io";

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        foreach (var version in new[] { "v1", "v1beta1" })
        {
            endpoints.MapPost($"/apis/{Authentication}/{version}/selfsubjectreviews", (HttpContext context) =>
                RespondAsync(context, Authentication + "/" + version, "SelfSubjectReview", (_, user, _) => new JsonObject { ["userInfo"] = UserJson(user) }));
        }

        endpoints.MapPost($"/apis/{Authentication}/v1/tokenreviews", (HttpContext context) =>
            RespondAsync(context, Authentication + "/v1", "TokenReview", TokenReviews.Status));
        endpoints.MapPost($"/apis/{Authorization}/v1/selfsubjectaccessreviews", (HttpContext context) =>
            RespondAsync(context, Authorization + "/v1", "SelfSubjectAccessReview", AccessStatus));
        endpoints.MapPost($"/apis/{Authorization}/v1/selfsubjectrulesreviews", (HttpContext context) =>
            RespondAsync(context, Authorization + "/v1", "SelfSubjectRulesReview", RulesStatus));
        return endpoints;
    }

    internal static async Task RespondAsync(HttpContext context, string apiVersion, string kind, Func<JsonObject, UserInfo, IServiceProvider, JsonObject> status)
    {
        try
        {
            var settings = context.RequestServices.GetRequiredService<ApiServerSettings>();
            var (body, _) = await RequestBody.ReadObjectAsync(context.Request, settings.MaxRequestBodyBytes, context.RequestAborted).ConfigureAwait(false);
            if (body["kind"]?.GetValue<string>() is { } given && given != kind)
            {
                throw ApiException.BadRequest($"the body is a {given}, not a {kind}");
            }

            var review = new JsonObject
            {
                ["kind"] = kind,
                ["apiVersion"] = apiVersion,
                ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
            };
            if (body["spec"] is JsonObject spec)
            {
                review["spec"] = spec.DeepClone();
            }

            review["status"] = status(review, context.KubernetesUser(), context.RequestServices);
            await ResponseWriter.WriteAsync(context, 201, review, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // A field of the wrong JSON type (a number for a string, say); the runtime's words would name its types.
            await ResponseWriter.WriteStatusAsync(context, ApiException.BadRequest("malformed review: a field has the wrong type")).ConfigureAwait(false);
        }
    }

    private static JsonObject AccessStatus(JsonObject review, UserInfo user, IServiceProvider services)
    {
        var spec = review["spec"] as JsonObject ?? throw ApiException.BadRequest("spec is required");
        RequestInfo request;
        if (spec["resourceAttributes"] is JsonObject r)
        {
            request = new RequestInfo(true, "", Text(r, "verb"), Text(r, "group"), Text(r, "version"), Text(r, "namespace"), Text(r, "resource"), Text(r, "subresource"), Text(r, "name"));
        }
        else if (spec["nonResourceAttributes"] is JsonObject n)
        {
            request = new RequestInfo(false, Text(n, "path"), Text(n, "verb"), "", "", "", "", "", "");
        }
        else
        {
            throw new ApiException(422, "Invalid", "SelfSubjectAccessReview.authorization.k8s.io is invalid: spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified");
        }

        var decision = services.GetRequiredService<IRequestAuthorizer>().Authorize(user, request);
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Reason.Length > 0)
        {
            status["reason"] = decision.Reason;
        }

        return status;
    }

    private static JsonObject RulesStatus(JsonObject review, UserInfo user, IServiceProvider services)
    {
        var ns = review["spec"] is JsonObject spec ? Text(spec, "namespace") : "";
        var authorizer = services.GetRequiredService<IRequestAuthorizer>();
        if ((authorizer as RbacAuthorizer ?? (authorizer as NodeAuthorizer)?.Rbac) is { } rbac)
        {
            var (resources, nonResources) = rbac.RulesFor(user, ns);
            return new JsonObject
            {
                ["resourceRules"] = JsonNode.Parse(k8s.KubernetesJson.Serialize(resources)),
                ["nonResourceRules"] = JsonNode.Parse(k8s.KubernetesJson.Serialize(nonResources)),

                // A node's rights depend on its pods, which rules cannot spell out (upstream's Node authorizer says so too).
                ["incomplete"] = authorizer is NodeAuthorizer && NodeIdentity.TryGetNode(user, out _),
            };
        }

        // AlwaysAllow: everything, said as one rule each.
        return new JsonObject
        {
            ["resourceRules"] = new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["apiGroups"] = new JsonArray("*"), ["resources"] = new JsonArray("*") }),
            ["nonResourceRules"] = new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["nonResourceURLs"] = new JsonArray("*") }),
            ["incomplete"] = false,
        };
    }

    internal static JsonObject UserJson(UserInfo user)
    {
        var json = new JsonObject { ["username"] = user.Name };
        if (user.Uid.Length > 0)
        {
            json["uid"] = user.Uid;
        }

        json["groups"] = new JsonArray([.. user.Groups.Select(g => (JsonNode)JsonValue.Create(g))]);
        if (user.Extra is { Count: > 0 } extra)
        {
            var e = new JsonObject();
            foreach (var (key, values) in extra)
            {
                e[key] = new JsonArray([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
            }

            json["extra"] = e;
        }

        return json;
    }

    private static string Text(JsonObject obj, string key) => obj[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
}
