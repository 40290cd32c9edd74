"""The resource inspector: the lab account's functions, tables, queues and log lines."""

from __future__ import annotations

import json
from typing import Any

from textual.widgets import Tree

MAX_ITEMS = 50
MAX_LOG_LINES = 30


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 100 else text[:97] + "..."


def gather(cloud: Any) -> dict[str, list[tuple[str, list[str]]]]:
    """What the inspector shows, read through the clients (safe to call from a thread)."""
    found: dict[str, list[tuple[str, list[str]]]] = {
        "Lambda functions": [],
        "DynamoDB tables": [],
        "SQS queues": [],
        "Log groups": [],
    }
    fn = cloud.client("lambda")
    for config in fn.list_functions().get("Functions", []):
        details = [
            f"runtime {config.get('Runtime')}  handler {config.get('Handler')}",
            f"memory {config.get('MemorySize')} MB  timeout {config.get('Timeout')} s",
        ]
        variables = (config.get("Environment") or {}).get("Variables") or {}
        details += [f"env {k}={v}" for k, v in variables.items()]
        name = config["FunctionName"]
        reserved = fn.get_function_concurrency(FunctionName=name).get(
            "ReservedConcurrentExecutions"
        )
        if reserved is not None:
            details.append(f"reserved concurrency {reserved}")
        dlq = (config.get("DeadLetterConfig") or {}).get("TargetArn")
        if dlq:
            details.append(f"dead-letter queue {dlq.rsplit(':', 1)[-1]}")
        versions = fn.list_versions_by_function(FunctionName=name).get("Versions", [])
        published = [v["Version"] for v in versions if v["Version"] != "$LATEST"]
        if published:
            details.append("versions " + ", ".join(published))
        for alias in fn.list_aliases(FunctionName=name).get("Aliases", []):
            details.append(f"alias {alias['Name']} -> {alias['FunctionVersion']}")
        found["Lambda functions"].append((name, details))
    ddb = cloud.client("dynamodb")
    for name in ddb.list_tables().get("TableNames", []):
        table = ddb.describe_table(TableName=name)["Table"]
        keys = ", ".join(f"{k['AttributeName']} ({k['KeyType']})" for k in table["KeySchema"])
        items = ddb.scan(TableName=name, Limit=MAX_ITEMS).get("Items", [])
        lines = [f"key: {keys}", f"{table['ItemCount']} items"] + [_short(i) for i in items]
        found["DynamoDB tables"].append((name, lines))
    sqs = cloud.client("sqs")
    for url in sqs.list_queues().get("QueueUrls", []):
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        counts = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
        lines = [
            f"{counts['ApproximateNumberOfMessages']} messages waiting, "
            f"{counts['ApproximateNumberOfMessagesNotVisible']} being processed"
        ]
        found["SQS queues"].append((url.rsplit("/", 1)[-1], lines))
    logs = cloud.client("logs")
    for group in logs.describe_log_groups().get("logGroups", []):
        name = group["logGroupName"]
        events = logs.filter_log_events(logGroupName=name).get("events", [])
        lines = [e["message"].rstrip("\n") for e in events[-MAX_LOG_LINES:]]
        found["Log groups"].append((name, lines))
    return found


class Inspector(Tree[str]):
    """A tree of resources, refreshed after each console command."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("Resources in this lab's account", **kwargs)
        self.show_root = True

    def show(self, found: dict[str, list[tuple[str, list[str]]]]) -> None:
        expanded = {str(node.label) for node in self._nodes_expanded()}
        self.clear()
        for section, resources in found.items():
            branch = self.root.add(f"{section} ({len(resources)})", expand=True)
            for name, lines in resources:
                node = branch.add(name, expand=name in expanded)
                for line in lines:
                    node.add_leaf(line)
        self.root.expand()

    def _nodes_expanded(self) -> list[Any]:
        nodes = []
        stack = list(self.root.children)
        while stack:
            node = stack.pop()
            if node.is_expanded:
                nodes.append(node)
            stack.extend(node.children)
        return nodes
