"""IAM and SQS policy documents, as plain dicts so tests can parse and check every statement."""

from typing import Any

__all__ = [
    "LIST_STREAMS",
    "QUEUE_CONSUMER_ACTIONS",
    "STREAM_READ_ACTIONS",
    "document",
    "irsa_trust",
    "pod_identity_trust",
    "principals_may_send",
    "queue_consumer",
    "reader_may_read",
    "service_may_send",
    "service_trust",
    "stream_to_queues",
    "tls_only",
]

QUEUE_CONSUMER_ACTIONS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    """An IAM policy document."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def tls_only(resource: Any) -> dict[str, Any]:
    """Deny any request to ``resource`` not made over TLS."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sqs:*",
        "Resource": resource,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def service_may_send(sid: str, service: str, queue_arn: Any, source_arn: Any, source_account: Any) -> dict[str, Any]:
    """Let an AWS service send to the queue only on behalf of one resource of one account (no confused deputy)."""
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
        "Condition": {
            "ArnEquals": {"aws:SourceArn": source_arn},
            "StringEquals": {"aws:SourceAccount": source_account},
        },
    }


def queue_consumer(queue_arn: Any, kms_key_arn: str | None = None) -> dict[str, Any]:
    """Receive, delete and inspect messages of one queue, and nothing else."""
    statements: list[dict[str, Any]] = [
        {"Sid": "ReadOneQueue", "Effect": "Allow", "Action": QUEUE_CONSUMER_ACTIONS, "Resource": queue_arn}
    ]
    if kms_key_arn:
        statements.append({"Sid": "DecryptQueue", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": kms_key_arn})
    return document(*statements)


def irsa_trust(oidc_provider_arn: str, namespace: str, service_account: str) -> dict[str, Any]:
    """Trust the cluster's OIDC provider for exactly one Kubernetes service account."""
    issuer = oidc_provider_arn.split(":oidc-provider/", 1)[1]
    return document(
        {
            "Sid": "OneServiceAccount",
            "Effect": "Allow",
            "Principal": {"Federated": oidc_provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    f"{issuer}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                    f"{issuer}:aud": "sts.amazonaws.com",
                }
            },
        }
    )


def pod_identity_trust(account_id: Any, cluster_arn: Any, namespace: str, service_account: str) -> dict[str, Any]:
    """Trust EKS Pod Identity for one cluster of one account and one namespace/service account."""
    return document(
        {
            "Sid": "OneServiceAccount",
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {
                "StringEquals": {
                    "aws:SourceAccount": account_id,
                    "aws:RequestTag/kubernetes-namespace": namespace,
                    "aws:RequestTag/kubernetes-service-account": service_account,
                },
                "ArnEquals": {"aws:SourceArn": cluster_arn},
            },
        }
    )


def principals_may_send(queue_arn: Any, principals: list[str]) -> dict[str, Any]:
    """Let the given IAM principals (roles, users, account roots) send to the queue."""
    return {
        "Sid": "PrincipalsMaySend",
        "Effect": "Allow",
        "Principal": {"AWS": principals},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
    }


def reader_may_read(role_arn: Any, queue_arn: Any) -> dict[str, Any]:
    """The statement a queue of another account needs in its own policy so our reader role may consume it."""
    return {
        "Sid": "ArgoEventsReaderMayConsume",
        "Effect": "Allow",
        "Principal": {"AWS": role_arn},
        "Action": QUEUE_CONSUMER_ACTIONS,
        "Resource": queue_arn,
    }


def service_trust(service: str, source_account: Any, source_arn: Any) -> dict[str, Any]:
    """Trust an AWS service to assume the role only for one resource of one account (no confused deputy)."""
    return document(
        {
            "Sid": "OneResourceOfOneAccount",
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": source_account},
                "ArnEquals": {"aws:SourceArn": source_arn},
            },
        }
    )


STREAM_READ_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"]
"""What a Pipe does on its stream ("Event source permissions for Amazon EventBridge Pipes", DynamoDB execution role
permissions), all three scoped to the stream ARN."""
LIST_STREAMS = "dynamodb:ListStreams"
"""Also required by that page, but an action without a resource type ("Actions, resources, and condition keys for
Amazon DynamoDB"): it only takes `Resource: "*"`, so it has a statement of its own. It lists stream ARNs and reads
no data."""


def stream_to_queues(stream_arn: Any, queue_arns: list[Any], kms_key_arn: str | None = None) -> dict[str, Any]:
    """Read one DynamoDB stream and send to the given queues, and nothing else (an EventBridge Pipe's role)."""
    statements: list[dict[str, Any]] = [
        {"Sid": "ReadOneStream", "Effect": "Allow", "Action": STREAM_READ_ACTIONS, "Resource": stream_arn},
        {"Sid": "ListStreams", "Effect": "Allow", "Action": LIST_STREAMS, "Resource": "*"},
        {"Sid": "SendToOwnQueues", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arns},
    ]
    if kms_key_arn:
        actions = ["kms:GenerateDataKey", "kms:Decrypt"]
        statements.append({"Sid": "EncryptForQueues", "Effect": "Allow", "Action": actions, "Resource": kms_key_arn})
    return document(*statements)
