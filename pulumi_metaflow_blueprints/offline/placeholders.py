"""Plausible, clearly marked placeholder values for what the cloud would compute."""

from typing import Any

ACCOUNT = "000000000000"
"""The placeholder AWS account id: every ARN that shows it was computed offline."""
PROJECT = "placeholder-project"
MARK = "placeholder"


def _region(inputs: dict[str, Any]) -> str:
    return str(inputs.get("region") or "us-east-1")


def resource_state(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(id, outputs) for a registered resource: its inputs plus the attributes the provider would compute."""
    state = dict(inputs)
    region = _region(inputs)
    resource_id = f"{MARK}-{name}"
    if type_ == "aws:sqs/queue:Queue":
        queue = inputs.get("name") or name
        state["arn"] = f"arn:aws:sqs:{region}:{ACCOUNT}:{queue}"
        state["url"] = f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{queue}"
        resource_id = state["url"]
    elif type_ == "aws:iam/role:Role":
        state["arn"] = f"arn:aws:iam::{ACCOUNT}:role/{name}-{MARK}"
        state["name"] = f"{name}-{MARK}"
        resource_id = state["name"]
    elif type_ == "aws:sns/topic:Topic":
        state["arn"] = f"arn:aws:sns:{region}:{ACCOUNT}:{inputs.get('name') or name}"
    elif type_.startswith("aws:") and "arn" not in state:
        service = type_.split(":")[1].split("/")[0]
        state["arn"] = f"arn:aws:{service}:{region}:{ACCOUNT}:{MARK}/{name}"
    elif type_.startswith("gcp:"):
        project = inputs.get("project") or PROJECT
        if type_ == "gcp:serviceaccount/account:Account":
            account = inputs.get("accountId") or name
            state["email"] = f"{account}@{project}.iam.gserviceaccount.com"
            state["member"] = f"serviceAccount:{state['email']}"
            state["name"] = f"projects/{project}/serviceAccounts/{state['email']}"
        state.setdefault("project", project)
        resource_id = f"projects/{project}/{MARK}/{inputs.get('name') or name}"
    elif type_ == "random:index/randomPassword:RandomPassword":
        state["result"] = f"{MARK}-token-for-{name}"
    return resource_id, state


def invoke_result(token: str, args: dict[str, Any]) -> dict[str, Any]:
    """Results of data-source calls (invokes)."""
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/{MARK}", "userId": MARK, "id": ACCOUNT}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"}
    if token == "aws:index/getRegion:getRegion":
        return {"name": "us-east-1", "region": "us-east-1", "id": "us-east-1"}
    if token == "gcp:organizations/getProject:getProject":
        return {"number": "000000000000", "projectId": args.get("projectId") or PROJECT, "id": PROJECT}
    if token.startswith("gcp:storage/getProjectServiceAccount"):
        return {"emailAddress": "service-000000000000@gs-project-accounts.iam.gserviceaccount.com", "id": MARK}
    return {}
