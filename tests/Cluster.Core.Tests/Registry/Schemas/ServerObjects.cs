namespace Cluster.Core.Tests.Registry.Schemas;

/// <summary>Objects as the API server returns them: defaults filled, status and managedFields set.</summary>
internal static class ServerObjects
{
    public const string Deployment = """
        {
          "apiVersion": "apps/v1",
          "kind": "Deployment",
          "metadata": {
            "name": "web", "namespace": "default", "uid": "6a1c7a5e-4d0b-4a0e-9f7a-0c1d2e3f4a5b",
            "resourceVersion": "12345", "generation": 4,
            "creationTimestamp": "2024-05-01T09:59:58Z",
            "labels": {"app": "web"},
            "annotations": {"deployment.kubernetes.io/revision": "3", "kubectl.kubernetes.io/last-applied-configuration": "{\"apiVersion\":\"apps/v1\"}\n"},
            "managedFields": [
              {"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "apps/v1", "time": "2024-05-01T09:59:58Z", "fieldsType": "FieldsV1",
               "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}, "f:spec": {"f:replicas": {}, "f:template": {"f:spec": {"k:{\"name\":\"app\"}": {".": {}}}}}}},
              {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "apps/v1", "time": "2024-05-01T10:00:30Z", "fieldsType": "FieldsV1",
               "fieldsV1": {"f:status": {"f:availableReplicas": {}, "f:conditions": {}}}, "subresource": "status"}
            ]
          },
          "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
              "metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
              "spec": {
                "containers": [{"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 80, "protocol": "TCP"}],
                                "resources": {}, "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}],
                "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
                "securityContext": {}, "schedulerName": "default-scheduler"
              }
            },
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600
          },
          "status": {
            "observedGeneration": 4, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3, "availableReplicas": 3,
            "conditions": [
              {"type": "Available", "status": "True", "lastUpdateTime": "2024-05-01T10:00:30Z", "lastTransitionTime": "2024-05-01T10:00:30Z", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability."},
              {"type": "Progressing", "status": "True", "lastUpdateTime": "2024-05-01T10:00:30Z", "lastTransitionTime": "2024-05-01T09:59:58Z", "reason": "NewReplicaSetAvailable", "message": "ReplicaSet \"web-7d4b9c\" has successfully progressed."}
            ]
          }
        }
        """;

    public const string Pod = """
        {
          "apiVersion": "v1",
          "kind": "Pod",
          "metadata": {
            "name": "web-7d4b9c-abcde", "generateName": "web-7d4b9c-", "namespace": "default", "uid": "0f1e2d3c-aaaa-bbbb-cccc-000000000001",
            "resourceVersion": "12400", "creationTimestamp": "2024-05-01T10:00:01Z", "labels": {"app": "web", "pod-template-hash": "7d4b9c"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c", "uid": "1b2c3d4e-0000-0000-0000-000000000002", "controller": true, "blockOwnerDeletion": true}],
            "managedFields": [{"manager": "kubelet", "operation": "Update", "apiVersion": "v1", "time": "2024-05-01T10:00:05Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:conditions": {"k:{\"type\":\"Ready\"}": {".": {}}}}}, "subresource": "status"}]
          },
          "spec": {
            "containers": [{"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "100m"}},
                            "volumeMounts": [{"name": "kube-api-access-x", "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}],
                            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}],
            "volumes": [{"name": "kube-api-access-x", "projected": {"defaultMode": 420, "sources": [
              {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
              {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
              {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}}],
            "restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default", "serviceAccount": "default", "nodeName": "node-1",
            "securityContext": {}, "schedulerName": "default-scheduler",
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}],
            "priority": 0, "enableServiceLinks": true, "preemptionPolicy": "PreemptLowerPriority"
          },
          "status": {
            "phase": "Running",
            "conditions": [
              {"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2024-05-01T10:00:03Z"},
              {"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2024-05-01T10:00:05Z"}
            ],
            "hostIP": "10.0.0.5", "hostIPs": [{"ip": "10.0.0.5"}], "podIP": "10.244.1.7", "podIPs": [{"ip": "10.244.1.7"}],
            "startTime": "2024-05-01T10:00:01Z",
            "containerStatuses": [{"name": "app", "state": {"running": {"startedAt": "2024-05-01T10:00:04Z"}},
              "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": "2024-05-01T09:00:00Z", "finishedAt": "2024-05-01T09:59:00Z", "containerID": "containerd://abc"}},
              "ready": true, "restartCount": 1, "image": "docker.io/library/nginx:1.27", "imageID": "docker.io/library/nginx@sha256:0123", "containerID": "containerd://def", "started": true,
              "volumeMounts": [{"name": "kube-api-access-x", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true, "recursiveReadOnly": "Disabled"}]}],
            "qosClass": "Burstable"
          }
        }
        """;

    public const string Node = """
        {
          "apiVersion": "v1", "kind": "Node",
          "metadata": {"name": "node-1", "labels": {"kubernetes.io/hostname": "node-1"}},
          "spec": {"podCIDR": "10.244.1.0/24", "podCIDRs": ["10.244.1.0/24"], "taints": [{"key": "example.io/gpu", "value": "true", "effect": "NoSchedule"}]},
          "status": {
            "capacity": {"cpu": "2", "memory": "24Gi", "pods": "110"}, "allocatable": {"cpu": "1900m", "memory": "23Gi", "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": "2024-05-01T10:00:00Z", "lastTransitionTime": "2024-05-01T08:00:00Z", "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
            "addresses": [{"type": "InternalIP", "address": "10.0.0.5"}, {"type": "Hostname", "address": "node-1"}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"machineID": "m", "systemUUID": "s", "bootID": "b", "kernelVersion": "6.1", "osImage": "Debian", "containerRuntimeVersion": "containerd://1.7", "kubeletVersion": "v1.32.0", "kubeProxyVersion": "v1.32.0", "operatingSystem": "linux", "architecture": "amd64"},
            "images": [{"names": ["nginx:1.27"], "sizeBytes": 72000000}]
          }
        }
        """;

    public const string Secret = """
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "type": "Opaque", "data": {"password": "cGFzc3dvcmQ=", "empty": ""}, "stringData": {"user": "admin"}}
        """;

    public const string Lease = """
        {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "node-1", "namespace": "kube-node-lease"},
         "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40, "renewTime": "2024-05-01T10:00:00.123456Z", "acquireTime": "2024-05-01T08:00:00.000000Z"}}
        """;

    public const string Event = """
        {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "web.17c", "namespace": "default"},
         "involvedObject": {"kind": "Pod", "namespace": "default", "name": "web", "uid": "u", "apiVersion": "v1", "resourceVersion": "1", "fieldPath": "spec.containers{app}"},
         "reason": "Pulled", "message": "Successfully pulled image", "source": {"component": "kubelet", "host": "node-1"},
         "firstTimestamp": "2024-05-01T10:00:00Z", "lastTimestamp": "2024-05-01T10:00:00Z", "count": 1, "type": "Normal",
         "eventTime": null, "reportingComponent": "kubelet", "reportingInstance": "node-1"}
        """;
}
