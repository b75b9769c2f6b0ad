using Cluster.Api.Http;
using Cluster.Api.Security.ServiceAccounts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cluster.Api.Resources;

/// <summary>POST serviceaccounts/{name}/token (authentication.k8s.io/v1 TokenRequest): what <c>kubectl create token</c> posts.</summary>
public sealed partial class ResourceHandlers
{
    private async Task TokenAsync(HttpContext context, ApiPath path, CancellationToken ct)
    {
        // A server without the security services (a bare API in tests) has no key to sign with.
        var requests = context.RequestServices.GetService<TokenRequests>() ?? throw NotFound();
        var (request, _) = await RequestBody.ReadObjectAsync(context.Request, settings.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        if (Security.Admission.NodeRestriction.For(Security.HttpContextUser.KubernetesUser(context)) is { } restriction)
        {
            await registry.SyncAsync(ct).ConfigureAwait(false);
            restriction.AdmitTokenRequest(request, pod => registry.Cache(Core.Registry.BuiltInKinds.Pod).Get(Namespace(path), pod)?.ToJsonObject());
        }

        var created = await requests.CreateAsync(Namespace(path), path.Name!, request, ct).ConfigureAwait(false);
        await ResponseWriter.WriteAsync(context, 201, created, ct).ConfigureAwait(false);
    }
}
