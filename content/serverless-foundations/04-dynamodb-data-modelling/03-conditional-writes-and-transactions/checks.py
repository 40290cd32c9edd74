"""Checks of the coin-shop lab: run spend and buy on the grading fork, some of it mid-race."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from labs.checks import Verdict, invoke

if TYPE_CHECKING:
    from emulator import Cloud

DEPLOY = "Fix {file}, zip it (zip {name}.zip {file}) and upload it with aws lambda update-function-code --function-name {name} --zip-file fileb://{name}.zip."
#: DynamoDB operations that write: the rival's write goes in just before the first of them.
WRITES = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"})
#: What the rival spends while spend is between its read and its write.
RIVAL_AMOUNT = 30


def _deploy(name: str) -> str:
    return DEPLOY.format(file=f"{name}.py", name=name)


# -- items the checks make and read (grading runs on a fork: the learner's tables stay as
# they are) ------------------------------------------------------------------------------
def _put_wallet(cloud: Cloud, wallet: str, balance: int, version: int = 1) -> None:
    cloud.client("dynamodb").put_item(
        TableName="Wallets",
        Item={
            "walletId": {"S": wallet},
            "balance": {"N": str(balance)},
            "version": {"N": str(version)},
        },
    )


def _wallet(cloud: Cloud, wallet: str) -> dict[str, int | None]:
    item = (
        cloud.client("dynamodb")
        .get_item(TableName="Wallets", Key={"walletId": {"S": wallet}}, ConsistentRead=True)
        .get("Item", {})
    )
    return {name: _number(item, name) for name in ("balance", "version")}


def _put_stock(cloud: Cloud, sku: str, stock: int, price: int) -> None:
    cloud.client("dynamodb").put_item(
        TableName="Stock",
        Item={"sku": {"S": sku}, "stock": {"N": str(stock)}, "price": {"N": str(price)}},
    )


def _stock(cloud: Cloud, sku: str) -> int | None:
    item = (
        cloud.client("dynamodb")
        .get_item(TableName="Stock", Key={"sku": {"S": sku}}, ConsistentRead=True)
        .get("Item", {})
    )
    return _number(item, "stock")


def _order(cloud: Cloud, order: str) -> bool:
    answer = cloud.client("dynamodb").get_item(
        TableName="Orders", Key={"orderId": {"S": order}}, ConsistentRead=True
    )
    return "Item" in answer


def _number(item: dict[str, Any], name: str) -> int | None:
    value = item.get(name, {}).get("N")
    return None if value is None else int(float(value))


def _claims_success(body: Any, error: str | None) -> bool:
    return error is None and isinstance(body, dict) and body.get("ok") is True


# -- spend in a race -------------------------------------------------------------------
@contextmanager
def _rival_writes_first(cloud: Cloud, wallet: str) -> Iterator[list[str]]:
    """Within the block, a rival purchase lands just before the function's first write.

    The moment a real race needs luck to hit, made certain: whatever the function read
    is now out of date. The rival is a well-behaved writer: it takes RIVAL_AMOUNT coins
    and moves the version on. The list it yields names the write the rival went before.
    """
    original = cloud.dispatch
    fired: list[str] = []
    guard = threading.Lock()
    rival = {
        "TableName": "Wallets",
        "Key": {"walletId": {"S": wallet}},
        "UpdateExpression": "SET balance = balance - :amount, version = version + :one",
        "ExpressionAttributeValues": {":amount": {"N": str(RIVAL_AMOUNT)}, ":one": {"N": "1"}},
    }

    def dispatch(service: str, region: str, operation: str, params: dict[str, Any]) -> Any:
        if service == "dynamodb" and operation in WRITES:
            with guard:
                first = not fired
                fired.append(operation)
            if first:
                original("dynamodb", region, "UpdateItem", rival)
        return original(service, region, operation, params)

    # The function's boto3 calls reach the cloud through dispatch, on the gateway's threads.
    setattr(cloud, "dispatch", dispatch)  # noqa: B010
    try:
        yield fired
    finally:
        delattr(cloud, "dispatch")


def check_spend_moves_version(cloud: Cloud) -> Verdict:
    """An ordinary purchase of 20 from 100 coins at version 1 leaves 80 coins at version 2."""
    _put_wallet(cloud, "w-check-plain", 100)
    body, error = invoke(cloud, "spend", {"walletId": "w-check-plain", "amount": 20})
    after = _wallet(cloud, "w-check-plain")
    observed = {"answer": body, **after}
    expected = {"ok": True, "balance": 80, "version": 2}
    if error is not None:
        return Verdict(
            False,
            observed,
            expected,
            f"spend failed on an ordinary purchase of 20 coins with {error}. The traceback "
            f"is in the log group /aws/lambda/spend. {_deploy('spend')}",
        )
    if after["balance"] != 80 or not _claims_success(body, error):
        return Verdict(
            False,
            observed,
            expected,
            f"With nobody else writing, spend should take 20 of 100 coins and answer ok: "
            f"the wallet holds {after['balance']} and spend answered {body}. {_deploy('spend')}",
        )
    if after["version"] != 2:
        return Verdict(
            False,
            observed,
            expected,
            f"spend took the 20 coins but left the version at {after['version']}, where 2 "
            "was due. Every write to a wallet moves its version on by one (buy does it with "
            "ADD version :one), so that a writer holding an older read is refused. Set the "
            f"new version in the same update_item. {_deploy('spend')}",
        )
    return Verdict(True, observed, expected)


def _race(cloud: Cloud, wallet: str, amount: int) -> tuple[dict[str, Any], Any, str | None]:
    """spend ``amount`` from a wallet of 100 while a rival spends 30 between read and write."""
    _put_wallet(cloud, wallet, 100)
    with _rival_writes_first(cloud, wallet) as fired:
        body, error = invoke(cloud, "spend", {"walletId": wallet, "amount": amount})
    after = _wallet(cloud, wallet)
    observed = {"answer": body if error is None else error, "writes": len(fired), **after}
    return observed, body, error


def check_no_lost_update(cloud: Cloud) -> Verdict:
    """Mid-race, a purchase of 20 is retried (50 left) or refused (70 left); never 80."""
    observed, body, error = _race(cloud, "w-check-race", 20)
    balance = observed["balance"]
    expected = (
        "50 coins left and ok (spend read again and retried), or 70 left and a "
        "ConditionalCheckFailedException or ok: false (spend was refused and said so)"
    )
    if not observed["writes"]:
        return Verdict(
            False,
            observed,
            expected,
            "spend wrote nothing to the wallet when asked for 20 of its 100 coins. "
            + _deploy("spend"),
        )
    if balance == 80:
        return Verdict(
            False,
            observed,
            expected,
            "Lost update: after spend read the wallet (100 coins, version 1), another "
            f"purchase of {RIVAL_AMOUNT} landed (70 coins, version 2), and spend then wrote "
            f"100 - 20 = 80 over it, so the {RIVAL_AMOUNT} coins were never charged. Make the "
            "write conditional on the version spend read (ConditionExpression 'version = "
            ":seen'), and when DynamoDB answers ConditionalCheckFailedException, read the "
            f"wallet again and retry. {_deploy('spend')}",
        )
    if balance == 50 and _claims_success(body, error):
        return Verdict(True, observed, expected)
    if balance == 70 and not _claims_success(body, error):
        refused = error is None or "ConditionalCheckFailed" in error
        if refused:
            return Verdict(True, observed, expected)
        return Verdict(
            False,
            observed,
            expected,
            f"spend's write was refused, as it should be, but spend then failed with {error} "
            "instead of ConditionalCheckFailedException. Let that exception reach the caller, "
            f"or better, read the wallet again and retry. {_deploy('spend')}",
        )
    if balance == 70:
        return Verdict(
            False,
            observed,
            expected,
            f"spend answered {body}, but the wallet holds 70: only the other purchase of "
            f"{RIVAL_AMOUNT} was taken. When the conditional write is refused, read the "
            "wallet again and retry, or answer ok: false, never ok: true. " + _deploy("spend"),
        )
    return Verdict(
        False,
        observed,
        expected,
        f"After spend's purchase of 20 and another of {RIVAL_AMOUNT} from 100 coins, the "
        f"wallet holds {balance}, and spend answered {body if error is None else error}. "
        "Each purchase should be taken exactly once. " + _deploy("spend"),
    )


def check_no_overdraft_in_a_race(cloud: Cloud) -> Verdict:
    """Mid-race, a purchase of 80 from a wallet that fell to 70 is refused; 70 coins stay."""
    observed, body, error = _race(cloud, "w-check-last", 80)
    balance = observed["balance"]
    expected = {"balance": 70, "answer": "not ok: 80 coins are more than the 70 left"}
    refused = error is None or "ConditionalCheckFailed" in error
    if balance == 70 and refused and not _claims_success(body, error):
        return Verdict(True, observed, expected)
    if balance == 20 and _claims_success(body, error):
        message = (
            "spend compared 80 with the balance it had read (100), not with the balance at "
            f"the moment of its write (70, after another purchase of {RIVAL_AMOUNT}), let the "
            "purchase through and wrote 20: the other purchase was lost, and had it been "
            "kept the wallet would be at -10. With a condition on the version, the retry "
            f"reads 70 and refuses. {_deploy('spend')}"
        )
    elif error is not None:
        message = (
            f"spend failed with {error} when a purchase of 80 met a wallet that had just "
            "fallen to 70. It should answer ok: false (not enough coins), or let "
            f"ConditionalCheckFailedException reach the caller. {_deploy('spend')}"
        )
    else:
        message = (
            f"A purchase of 80 met a wallet that had just fallen from 100 to 70: it should be "
            f"refused and leave 70 coins, but the wallet holds {balance} and spend answered "
            f"{body}. {_deploy('spend')}"
        )
    return Verdict(False, observed, expected, message)


# -- buy: three writes, all or nothing --------------------------------------------------
def _purchase(cloud: Cloud, case: str, coins: int, stock: int, orders: int = 1) -> dict[str, Any]:
    """buy one lamp at 30 coins ``orders`` times (one order id); what the tables hold after."""
    wallet, sku, order = f"w-check-{case}", f"lamp-{case}", f"o-check-{case}"
    _put_wallet(cloud, wallet, coins)
    _put_stock(cloud, sku, stock, price=30)
    answers = []
    for _ in range(orders):
        body, error = invoke(cloud, "buy", {"orderId": order, "walletId": wallet, "sku": sku})
        answers.append(body if error is None else error)
    return {
        "answers": answers,
        "succeeded": [isinstance(a, dict) and a.get("ok") is True for a in answers],
        "wallet": _wallet(cloud, wallet),
        "stock": _stock(cloud, sku),
        "order stored": _order(cloud, order),
    }


def check_buy_succeeds(cloud: Cloud) -> Verdict:
    """A purchase that can go through takes 30 coins, one lamp, and records the order."""
    seen = _purchase(cloud, "ok", coins=100, stock=2)
    expected = {"wallet": {"balance": 70, "version": 2}, "stock": 1, "order stored": True}
    observed = {key: seen[key] for key in ("answers", *expected)}
    if {key: seen[key] for key in expected} == expected and all(seen["succeeded"]):
        return Verdict(True, observed, expected)
    return Verdict(
        False,
        observed,
        expected,
        "A purchase of a 30-coin lamp by a wallet of 100 coins, with 2 lamps on the shelf, "
        f"should answer ok and leave 70 coins at version 2, 1 lamp and the order; it answered "
        f"{seen['answers'][0]} and left {observed['wallet']}, stock {seen['stock']}, order "
        f"stored: {seen['order stored']}. Keep the three actions of the starter (their update "
        f"expressions and conditions) inside the transaction. {_deploy('buy')}",
    )


def check_refused_purchase_changes_nothing(cloud: Cloud) -> Verdict:
    """A sold-out lamp, and a wallet short of coins: no coins, stock or order change."""
    cases = {
        "sold out": (_purchase(cloud, "soldout", coins=100, stock=0), 100, 0),
        "short of coins": (_purchase(cloud, "poor", coins=10, stock=2), 10, 2),
    }
    observed = {
        name: {k: v for k, v in seen.items() if k != "succeeded"}
        for name, (seen, _, _) in cases.items()
    }
    expected = {
        "sold out": {"wallet": {"balance": 100, "version": 1}, "stock": 0, "order stored": False},
        "short of coins": {
            "wallet": {"balance": 10, "version": 1},
            "stock": 2,
            "order stored": False,
        },
    }
    for name, (seen, coins, stock) in cases.items():
        if seen["wallet"]["balance"] != coins or seen["wallet"]["version"] != 1:
            return Verdict(
                False,
                observed,
                expected,
                f"A purchase that could not go through ({name}) still changed the wallet, from "
                f"{coins} coins at version 1 to {seen['wallet']['balance']} at version "
                f"{seen['wallet']['version']}: the player paid for nothing. Put the wallet "
                "update, the stock update and the order in one transact_write_items call, so "
                f"that a failed condition cancels all three. {_deploy('buy')}",
            )
        if seen["stock"] != stock:
            return Verdict(
                False,
                observed,
                expected,
                f"A purchase that could not go through ({name}) still took a lamp from the "
                f"shelf ({stock} before, {seen['stock']} after). Put the three writes in one "
                f"transact_write_items call, so they succeed or fail together. {_deploy('buy')}",
            )
        if seen["order stored"]:
            return Verdict(
                False,
                observed,
                expected,
                f"A purchase that could not go through ({name}) still recorded an order. Put "
                "the three writes in one transact_write_items call, so they succeed or fail "
                f"together. {_deploy('buy')}",
            )
        if any(seen["succeeded"]):
            return Verdict(
                False,
                observed,
                expected,
                f"A purchase that could not go through ({name}) changed nothing, but buy "
                "answered ok: true. Catch TransactionCanceledException and answer ok: false "
                f"(its CancellationReasons say why), or let the error reach the caller. "
                + _deploy("buy"),
            )
    return Verdict(True, observed, expected)


def check_repeat_order_charges_once(cloud: Cloud) -> Verdict:
    """The same order sent twice (a client's retry) takes 30 coins and one lamp, once."""
    seen = _purchase(cloud, "again", coins=100, stock=5, orders=2)
    expected = {"wallet": {"balance": 70, "version": 2}, "stock": 4, "order stored": True}
    observed = {key: seen[key] for key in ("answers", *expected)}
    if {key: seen[key] for key in expected} == expected:
        return Verdict(True, observed, expected)
    if seen["wallet"]["balance"] == 40:
        message = (
            "The same order sent twice was charged twice: 100 coins became 40 and the stock "
            f"went from 5 to {seen['stock']}, though there is one order. Inside one "
            "transaction, the order's Put with ConditionExpression attribute_not_exists(orderId) "
            "cancels the whole repeat, coins and stock included, because the order already "
            f"exists. {_deploy('buy')}"
        )
    else:
        message = (
            "The same order sent twice should take 30 of 100 coins and one of 5 lamps, once, "
            f"and store the order: buy answered {seen['answers']} and left {seen['wallet']}, "
            f"stock {seen['stock']}, order stored: {seen['order stored']}. {_deploy('buy')}"
        )
    return Verdict(False, observed, expected, message)
