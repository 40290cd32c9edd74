"""statement-export: a month of customer statements, one file per region, built in /tmp."""

import os
import tempfile
from pathlib import Path

#: The one folder a function may write to: /tmp on Lambda (tempfile finds it).
TMP = Path(tempfile.gettempdir())
MB = 1024 * 1024
REGIONS = ("north", "south", "east", "west", "central", "online")
#: A region's statements for one month fill a file of about this many megabytes.
FILE_MB = 96


def tmp_in_use_mb():
    """How many megabytes of files /tmp holds right now, whoever left them there."""
    device = TMP.stat().st_dev  # /tmp's own files, not folders mounted from elsewhere
    total = 0
    for folder, folders, files in os.walk(TMP):
        folders[:] = [f for f in folders if os.lstat(os.path.join(folder, f)).st_dev == device]
        total += sum(os.lstat(os.path.join(folder, f)).st_size for f in files)
    return total // MB


def write_statements(path, month, region):
    """Write the region's statements for the month into ``path``: FILE_MB megabytes.

    In this lab a statement is a sample line, repeated until the file is as big as a
    real month's file would be.
    """
    line = f"{month};{region};statement;account;opening;charges;payments;closing\n"
    block = (line * (MB // len(line) + 1)).encode()[:MB]
    with path.open("wb") as out:
        for _ in range(FILE_MB):
            out.write(block)


def lambda_handler(event, context):
    """Build the statement files of event["month"], e.g. {"month": "2026-03"}."""
    month = event.get("month", "2026-03")
    at_start = tmp_in_use_mb()
    print(f"/tmp holds {at_start} MB before this run")
    # One folder per request, named after it, so two runs never mix their files.
    work = TMP / f"statements-{context.aws_request_id}"
    work.mkdir()
    for number, region in enumerate(REGIONS, start=1):
        write_statements(work / f"{month}-{region}.txt", month, region)
        print(
            f"file {number} of {len(REGIONS)} ({region}, {FILE_MB} MB) written; "
            f"{tmp_in_use_mb()} MB of /tmp in use"
        )
    # Here the files would be sent to the accountants' bucket (left out of this lab).
    return {
        "month": month,
        "files": len(REGIONS),
        "megabytes": len(REGIONS) * FILE_MB,
        "tmp_at_start_mb": at_start,
    }
