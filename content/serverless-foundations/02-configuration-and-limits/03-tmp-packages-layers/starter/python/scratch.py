"""The platform team's scratch folders: space in /tmp that never outlives its request.

A copy, for reading, of what the team's scratch-tools layer holds. Lambda unpacks the
layer's python/ folder into /opt/python, which is on the import path of every Python
function that uses the layer: ``from scratch import scratch_folder``.
"""

import contextlib
import shutil
import tempfile
from pathlib import Path


@contextlib.contextmanager
def scratch_folder(name="job"):
    """A new, empty folder in /tmp for one request, removed with all its files afterwards.

    The folder goes when the ``with`` block ends, whether the work succeeded or raised,
    so the next request in the same execution environment finds /tmp as this one did:

        with scratch_folder("statements") as folder:
            (folder / "part-1.txt").write_text("...")
    """
    folder = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
