"""Plausible, clearly marked placeholder values for what the cloud would compute."""

import hashlib
from typing import Any

ACCOUNT = "000000000000"
"""The placeholder AWS account id: every ARN that shows it was computed offline."""
PROJECT = "placeholder-project"
MARK = "placeholder"


def project_number(project_id: str | None) -> str:
    """A stable placeholder number for a GCP project id: `000000000000` for the default, digits of a hash else."""
    if not project_id or project_id == PROJECT:
        return "000000000000"
    return str(int(hashlib.sha256(project_id.encode()).hexdigest(), 16) % 10**12).zfill(12)


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
    elif type_ == "aws:cloudwatch/eventRule:EventRule":
        state["arn"] = f"arn:aws:events:{region}:{ACCOUNT}:rule/{inputs.get('name') or name}"
    elif type_ == "aws:pipes/pipe:Pipe":
        state["arn"] = f"arn:aws:pipes:{region}:{ACCOUNT}:pipe/{inputs.get('name') or name}"
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
        if type_ == "gcp:pubsub/topic:Topic":
            resource_id = f"projects/{project}/topics/{inputs.get('name') or name}"
        elif type_ == "gcp:pubsub/subscription:Subscription":
            resource_id = f"projects/{project}/subscriptions/{inputs.get('name') or name}"
        elif type_ == "gcp:storage/notification:Notification":
            state["notificationId"] = "1"
            resource_id = f"{inputs.get('bucket')}/notificationConfigs/1"
            state["selfLink"] = f"https://www.googleapis.com/storage/v1/b/{resource_id}"
    elif type_ == "random:index/randomPassword:RandomPassword":
        state["result"] = f"{MARK}-token-for-{name}"
    elif type_ == "random:index/randomId:RandomId":
        state["hex"] = f"{MARK}-hex-for-{name}"
        state["b64Url"] = f"{MARK}-b64url-for-{name}"
        state["b64Std"] = f"{MARK}-b64std-for-{name}"
        state["dec"] = "0"
    elif type_ == "dbtcloud:index/webhook:Webhook":
        state["webhookId"] = f"wsu_{MARK}{name}"
        state["hmacSecret"] = f"{MARK}-hmac-for-{name}"
        state["accountIdentifier"] = f"act_{MARK}"
        state["httpStatusCode"] = "0"
        resource_id = state["webhookId"]
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
        project_id = args.get("projectId") or PROJECT
        return {"number": project_number(project_id), "projectId": project_id, "id": f"projects/{project_id}"}
    if token.startswith("gcp:storage/getProjectServiceAccount"):
        email = f"service-{project_number(args.get('project'))}@gs-project-accounts.iam.gserviceaccount.com"
        return {"emailAddress": email, "member": f"serviceAccount:{email}", "id": MARK}
    return {}
