"""The official Python client (Debian's python3-kubernetes), unmodified, against a k8ts server.

Usage: python3 client_smoke.py KUBECONFIG. Prints one line per check and exits non-zero on failure.
"""
import sys

from kubernetes import client, config, utils, watch
from kubernetes.client.rest import ApiException


def main(kubeconfig: str) -> None:
    config.load_kube_config(config_file=kubeconfig)
    core = client.CoreV1Api()
    apps = client.AppsV1Api()

    ns = core.list_namespace()
    names = {n.metadata.name for n in ns.items}
    assert {"default", "kube-system"} <= names, names
    print("list namespaces ok")

    cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py", labels={"via": "python"}), data={"a": "1"})
    created = core.create_namespaced_config_map("default", cm)
    assert created.metadata.uid
    got = core.read_namespaced_config_map("py", "default")
    assert got.data == {"a": "1"}
    core.patch_namespaced_config_map("py", "default", {"data": {"b": "2"}})
    got = core.read_namespaced_config_map("py", "default")
    assert got.data == {"a": "1", "b": "2"}, got.data
    print("configmap crud ok")

    try:
        core.read_namespaced_config_map("absent", "default")
        raise AssertionError("expected 404")
    except ApiException as e:
        assert e.status == 404, e.status
    print("not found ok")

    # As the client's own e2e test_create_from_multi_resource_yaml_with_conflict: the error text is
    # compared byte for byte, so the Status fields must come in upstream's order.
    api = client.ApiClient()
    conflict = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "pyconflict", "namespace": "default"}}
    utils.create_from_dict(api, conflict)
    try:
        utils.create_from_dict(api, conflict)
        raise AssertionError("expected a conflict")
    except utils.FailToCreateError as e:
        expected = ('Error from server (Conflict): {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",'
                    '"message":"configmaps \\"pyconflict\\" already exists","reason":"AlreadyExists",'
                    '"details":{"name":"pyconflict","kind":"configmaps"},"code":409}\n')
        assert str(e) == expected, repr(str(e))
    core.delete_namespaced_config_map("pyconflict", "default")
    print("conflict text ok")

    dep = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="pydep"),
        spec=client.V1DeploymentSpec(
            selector=client.V1LabelSelector(match_labels={"app": "pydep"}),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels={"app": "pydep"}),
                spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox:1.36")]),
            ),
        ),
    )
    apps.create_namespaced_deployment("default", dep)
    read = apps.read_namespaced_deployment("pydep", "default")
    assert read.spec.replicas == 1 and read.spec.strategy.type == "RollingUpdate"
    print("deployment ok")

    w = watch.Watch()
    rv = core.list_namespaced_config_map("default").metadata.resource_version
    core.delete_namespaced_config_map("py", "default")
    for event in w.stream(core.list_namespaced_config_map, "default", resource_version=rv, timeout_seconds=10):
        if event["type"] == "DELETED" and event["object"].metadata.name == "py":
            w.stop()
            break
    else:
        raise AssertionError("no DELETED event")
    print("watch ok")


if __name__ == "__main__":
    main(sys.argv[1])
