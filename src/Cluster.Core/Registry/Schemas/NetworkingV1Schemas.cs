using static Cluster.Core.Registry.Schemas.SchemaDsl;

namespace Cluster.Core.Registry.Schemas;

/// <summary>networking.k8s.io/v1 Ingress and IngressClass.</summary>
internal static class NetworkingV1Schemas
{
    private const string NetworkingV1 = "io.k8s.api.networking.v1.";

    public static IEnumerable<ObjectSchema> Definitions() =>
    [
        Kind(NetworkingV1 + "Ingress", "networking.k8s.io", "v1", "Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend. An Ingress can be configured to give services externally-reachable urls, load balance traffic, terminate SSL, offer name based virtual hosting etc.",
            P("spec", N("IngressSpec"), "spec is the desired state of the Ingress."),
            P("status", N("IngressStatus"), "status is the current state of the Ingress.")),
        Def(NetworkingV1 + "IngressSpec", "IngressSpec describes the Ingress the user wishes to exist.",
            P("ingressClassName", Str, "ingressClassName is the name of an IngressClass cluster resource. Ingress controller implementations use this field to know whether they should be serving this Ingress resource."),
            P("defaultBackend", N("IngressBackend"), "defaultBackend is the backend that should handle requests that don't match any rule."),
            P("tls", ListOf(N("IngressTLS")), "tls represents the TLS configuration."),
            P("rules", ListOf(N("IngressRule")), "rules is a list of host rules used to configure the Ingress. If unspecified, or no rule matches, all traffic is sent to the default backend.")),
        Def(NetworkingV1 + "IngressBackend", "IngressBackend describes all endpoints for a given service and port.",
            P("service", N("IngressServiceBackend"), "service references a service as a backend. This is a mutually exclusive setting with \"Resource\"."),
            P("resource", V1("TypedLocalObjectReference"), "resource is an ObjectRef to another Kubernetes resource in the namespace of the Ingress object.")),
        Def(NetworkingV1 + "IngressServiceBackend", "IngressServiceBackend references a Kubernetes Service as a Backend.",
            P("name", Str, "name is the referenced service. The service must exist in the same namespace as the Ingress object.").Req(),
            P("port", N("ServiceBackendPort"), "port of the referenced service. A port name or port number is required for a IngressServiceBackend.")),
        Def(NetworkingV1 + "ServiceBackendPort", "ServiceBackendPort is the service port being referenced.",
            P("name", Str, "name is the name of the port on the Service. This is a mutually exclusive setting with \"Number\"."),
            P("number", I32, "number is the numerical port number (e.g. 80) on the Service. This is a mutually exclusive setting with \"Name\".")),
        Def(NetworkingV1 + "IngressTLS", "IngressTLS describes the transport layer security associated with an ingress.",
            P("hosts", Strings, "hosts is a list of hosts included in the TLS certificate."),
            P("secretName", Str, "secretName is the name of the secret used to terminate TLS traffic on port 443.")),
        Def(NetworkingV1 + "IngressRule", "IngressRule represents the rules mapping the paths under a specified host to the related backend services. Incoming requests are first evaluated for a host match, then routed to the backend associated with the matching IngressRuleValue.",
            P("host", Str, "host is the fully qualified domain name of a network host, as defined by RFC 3986."),
            P("http", N("HTTPIngressRuleValue"))),
        Def(NetworkingV1 + "HTTPIngressRuleValue", "HTTPIngressRuleValue is a list of http selectors pointing to backends.",
            P("paths", ListOf(N("HTTPIngressPath")), "paths is a collection of paths that map requests to backends.").Req()),
        Def(NetworkingV1 + "HTTPIngressPath", "HTTPIngressPath associates a path with a backend. Incoming urls matching the path are forwarded to the backend.",
            P("path", Str, "path is matched against the path of an incoming request. Currently it can contain characters disallowed from the conventional \"path\" part of a URL as defined by RFC 3986."),
            P("pathType", Str, "pathType determines the interpretation of the path matching. PathType can be one of the following values: Exact, Prefix, ImplementationSpecific.").Req(),
            P("backend", N("IngressBackend"), "backend defines the referenced service endpoint to which the traffic will be forwarded to.").Req()),
        Def(NetworkingV1 + "IngressStatus", "IngressStatus describe the current state of the Ingress.",
            P("loadBalancer", N("IngressLoadBalancerStatus"), "loadBalancer contains the current status of the load-balancer.")),
        Def(NetworkingV1 + "IngressLoadBalancerStatus", "IngressLoadBalancerStatus represents the status of a load-balancer.",
            P("ingress", ListOf(N("IngressLoadBalancerIngress")), "ingress is a list containing ingress points for the load-balancer.")),
        Def(NetworkingV1 + "IngressLoadBalancerIngress", "IngressLoadBalancerIngress represents the status of a load-balancer ingress point.",
            P("ip", Str, "ip is set for load-balancer ingress points that are IP based."),
            P("hostname", Str, "hostname is set for load-balancer ingress points that are DNS based."),
            P("ports", ListOf(N("IngressPortStatus")), "ports provides information about the ports exposed by this LoadBalancer.")),
        Def(NetworkingV1 + "IngressPortStatus", "IngressPortStatus represents the error condition of a service port",
            P("port", I32, "port is the port number of the ingress port.").Req(),
            P("protocol", Str, "protocol is the protocol of the ingress port. The supported values are: \"TCP\", \"UDP\", \"SCTP\"").Req(),
            P("error", Str, "error is to record the problem with the service port")),
        Kind(NetworkingV1 + "IngressClass", "networking.k8s.io", "v1", "IngressClass represents the class of the Ingress, referenced by the Ingress Spec. The `ingressclass.kubernetes.io/is-default-class` annotation can be used to indicate that an IngressClass should be considered default.",
            P("spec", N("IngressClassSpec"), "spec is the desired state of the IngressClass.")),
        Def(NetworkingV1 + "IngressClassSpec", "IngressClassSpec provides information about the class of an Ingress.",
            P("controller", Str, "controller refers to the name of the controller that should handle this class. This allows for different \"flavors\" that are controlled by the same controller."),
            P("parameters", N("IngressClassParametersReference"), "parameters is a link to a custom resource containing additional configuration for the controller.")),
        Def(NetworkingV1 + "IngressClassParametersReference", "IngressClassParametersReference identifies an API object. This can be used to specify a cluster or namespace-scoped resource.",
            P("apiGroup", Str, "apiGroup is the group for the resource being referenced."),
            P("kind", Str, "kind is the type of resource being referenced.").Req(),
            P("name", Str, "name is the name of resource being referenced.").Req(),
            P("scope", Str, "scope represents if this refers to a cluster or namespace scoped resource. This may be set to \"Cluster\" (default) or \"Namespace\"."),
            P("namespace", Str, "namespace is the namespace of the resource being referenced.")),
    ];

    private static SchemaNode N(string name) => Ref(NetworkingV1 + name);
}
