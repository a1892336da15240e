"""Print what a trigger does as something to run: a Workflow as a YAML document, an HTTP request as `curl`.

Secrets never appear: a ``secureHeaders`` value or ``basicAuth`` is read from its Kubernetes Secret when the command
runs (``$(kubectl get secret ...)``); a plain header whose name looks sensitive stays masked as `simulate` shows it.
"""

import shlex
from collections.abc import Mapping

import yaml

from pulumi_metaflow_blueprints.argo.spec import is_dict, items, mapping
from pulumi_metaflow_blueprints.simulate.model import HttpRequest

__all__ = ["curl_command", "manifest_yaml", "secret_placeholder"]


def manifest_yaml(resource: object) -> str:
    """One YAML document, ``---`` first, keys in the usual order (apiVersion, kind, metadata, spec)."""
    if is_dict(resource):
        first = [k for k in ("apiVersion", "kind", "metadata", "spec") if k in resource]
        resource = {**{k: resource[k] for k in first}, **{k: v for k, v in resource.items() if k not in first}}
    return "---\n" + yaml.safe_dump(resource, sort_keys=False, default_flow_style=False, width=1000)


def secret_placeholder(secret_ref: Mapping[str, object], namespace: str) -> str:
    """Shell that prints a Secret's key when it runs (the Sensor reads its secrets from its own namespace)."""
    key = str(secret_ref.get("key", "")).replace(".", "\\.")
    name = shlex.quote(str(secret_ref.get("name", "")))
    where = f" -n {shlex.quote(namespace)}" if namespace else ""
    return f"$(kubectl get secret {name}{where} -o jsonpath='{{.data.{key}}}' | base64 -d)"


def curl_command(request: HttpRequest, http: Mapping[str, object], namespace: str) -> tuple[str, list[str]]:
    """A `curl` command sending ``request`` (as `simulate` reports it, secrets masked) and notes on what it cannot
    send as Argo would. ``http`` is the trigger's ``http`` template, for where its secrets come from."""
    notes: list[str] = []
    secure = {
        str(s.get("name")): mapping(mapping(s.get("valueFrom")).get("secretKeyRef"))
        for s in map(mapping, items(http.get("secureHeaders")))
    }
    lines = [f"curl -sS -X {shlex.quote(request['method'])} {shlex.quote(request['url'])}"]
    for name, value in request["headers"].items():
        if secure.get(name):
            lines.append(f'-H "{name}: {secret_placeholder(secure[name], namespace)}"')
        elif name == "Authorization" and http.get("basicAuth"):
            auth = mapping(http.get("basicAuth"))
            user = secret_placeholder(mapping(mapping(auth.get("username")).get("secretKeyRef")), namespace)
            password = secret_placeholder(mapping(mapping(auth.get("password")).get("secretKeyRef")), namespace)
            lines.append(f'-u "{user}:{password}"')
        else:
            if value == "[masked]":
                notes.append(f"header {name} is masked: put its value from the Sensor spec in place of [masked]")
            lines.append(f"-H {shlex.quote(f'{name}: {value}')}")
    lines.append(f"--data-binary {shlex.quote(request['body'])}")
    return " \\\n  ".join(lines) + "\n", notes
