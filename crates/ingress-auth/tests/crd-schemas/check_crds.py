"""Checks custom resources (JSON files given as arguments, each a document or a v1 List) against
the CRD schema excerpts next to this file, chosen by apiVersion and kind. Exit 0 when every
custom resource is valid and at least one was checked; built-in kinds are skipped (they go
through kubernetes-validate)."""
import json
import pathlib
import sys

import jsonschema

HERE = pathlib.Path(__file__).parent
SCHEMAS = {
    ("traefik.io/v1alpha1", "Middleware"): "traefik-middleware.json",
    ("gateway.envoyproxy.io/v1alpha1", "SecurityPolicy"): "envoy-gateway-securitypolicy.json",
    ("gateway.networking.k8s.io/v1", "HTTPRoute"): "gateway-api-httproute.json",
    ("gateway.kgateway.dev/v1alpha1", "TrafficPolicy"): "kgateway-trafficpolicy.json",
    ("gateway.kgateway.dev/v1alpha1", "GatewayExtension"): "kgateway-gatewayextension.json",
    ("agentgateway.dev/v1alpha1", "AgentgatewayPolicy"): "agentgateway-policy.json",
    ("gateway.nginx.org/v1alpha1", "AuthenticationFilter"): (
        "nginx-gateway-fabric-authenticationfilter.json"
    ),
    ("security.istio.io/v1", "AuthorizationPolicy"): "istio-authorizationpolicy.json",
    ("configuration.konghq.com/v1", "KongPlugin"): "kong-kongplugin.json",
    ("configuration.konghq.com/v1", "KongConsumer"): "kong-kongconsumer.json",
}
BUILTIN = {"v1", "networking.k8s.io/v1"}

checked = 0
failed = False
for path in sys.argv[1:]:
    doc = json.loads(pathlib.Path(path).read_text())
    items = doc["items"] if doc.get("kind") == "List" else [doc]
    for item in items:
        key = (item.get("apiVersion"), item.get("kind"))
        if key[0] in BUILTIN:
            continue
        if key not in SCHEMAS:
            print(f"{path}: no schema for {key}")
            failed = True
            continue
        schema = json.loads((HERE / SCHEMAS[key]).read_text())
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(item))
        for e in errors:
            print(f"{path}: {key[1]}: {list(e.absolute_path)}: {e.message}")
        failed |= bool(errors)
        checked += 1
print(f"checked {checked} custom resources")
sys.exit(1 if failed or checked == 0 else 0)
