"""record-sale: writes one ticket sale into the shop's database.

The real function opens its database connection once per execution environment, in the
init code, and keeps it for every request that environment serves. So each environment
holds one connection, and the number of environments running at once is the number of
connections the database sees. Here the connection and the INSERT are stand-ins: no
database runs in this lab, only the time the work takes.
"""

import time

CONNECTION = {"host": "tickets-db.internal", "open": True}  # opened once per environment


def handler(event, context):
    time.sleep(0.25)  # INSERT INTO sales ... and COMMIT: about a quarter of a second
    return {"saved": True, "sale": event.get("sale_id")}
