using Cluster.Api.Security.Authorization;
using Cluster.Core.Registry;
using Cluster.Core.Registry.Admission;
using Microsoft.AspNetCore.Http;

namespace Cluster.Api.Security.Audit;

/// <summary>One request's way through the audit stages: the policy decision, made once, and the events it gives.</summary>
internal sealed class AuditRecord(AuditMiddleware owner, HttpContext context, AuditEvent auditEvent)
{
    private AuditDecision? _decision;

    /// <summary>
    /// The level for this request, decided when first asked (after the guard ran), which also writes RequestReceived.
    /// A 401 was refused before anyone was named: recorded without a user, as upstream does.
    /// </summary>
    public AuditLevel Decide()
    {
        if (_decision is { } made)
        {
            return made.Level;
        }

        var user = context.Response.StatusCode == 401 ? null : context.KubernetesUser();
        var decision = owner.Log.Policy.Evaluate(user, auditEvent.Request);
        _decision = decision;
        auditEvent.User = user;
        auditEvent.Level = decision.Level;
        AnnotateAuthorization();
        Emit(AuditStages.RequestReceived, auditEvent.RequestReceived);
        return decision.Level;
    }

    /// <summary>A long-running request's response has begun.</summary>
    public void Started()
    {
        Decide();
        auditEvent.Code = context.Response.StatusCode;
        Emit(AuditStages.ResponseStarted, owner.Time.GetUtcNow());
    }

    public async Task CompleteAsync(byte[]? responseBody, long requestLimit)
    {
        var level = Decide();
        if (level == AuditLevel.None)
        {
            return;
        }

        auditEvent.Code = context.Response.StatusCode;
        if (auditEvent.Code >= 400 && context.Features.Get<ApiException>() is { } failure && failure.Code == auditEvent.Code)
        {
            auditEvent.Failure = failure;
        }

        if (context.Features.Get<AdmissionNotes>() is { } notes)
        {
            foreach (var (key, value) in notes.AuditAnnotations)
            {
                auditEvent.Annotate(key, value);
            }
        }

        var omitManagedFields = _decision!.Value.OmitManagedFields;
        if (level >= AuditLevel.Request && requestLimit > 0)
        {
            auditEvent.RequestObject = await AuditBodies.RequestObjectAsync(context.Request, requestLimit, omitManagedFields).ConfigureAwait(false);
        }

        if (level >= AuditLevel.RequestResponse)
        {
            auditEvent.ResponseObject = AuditBodies.ResponseObject(responseBody, context.Response.ContentType, omitManagedFields);
        }

        Emit(AuditStages.ResponseComplete, owner.Time.GetUtcNow());
    }

    /// <summary>The handler threw: a Panic event in place of ResponseComplete, as upstream.</summary>
    public void Panic(Exception error)
    {
        Decide();
        auditEvent.Code = 500;
        auditEvent.Failure = new ApiException(500, "InternalError", "APIServer panic'd: " + error.Message);
        Emit(AuditStages.Panic, owner.Time.GetUtcNow());
    }

    private void AnnotateAuthorization()
    {
        if (context.Features.Get<AuthorizationDecision>() is { } decision)
        {
            auditEvent.Annotate("authorization.k8s.io/decision", decision.Allowed ? "allow" : "forbid");
            if (decision.Reason.Length > 0)
            {
                auditEvent.Annotate("authorization.k8s.io/reason", decision.Reason);
            }
        }
    }

    private void Emit(AuditStages stage, DateTimeOffset at)
    {
        if (_decision is { } decision && decision.Level != AuditLevel.None && (decision.OmitStages & stage) == 0)
        {
            owner.Log.TryWrite(auditEvent.Serialize(stage, at));
        }
    }
}
