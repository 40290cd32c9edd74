"""What a worker writes to stdout and stderr during one invocation, kept within a bound.

AWS streams everything a function prints to CloudWatch Logs. The emulator keeps the first
``HEAD`` and the last ``TAIL`` bytes of each invocation (init included) and replaces the
middle with one line saying how much was dropped, so a handler that prints without end
costs the emulator a fixed amount of memory and still shows how it started and ended.
"""

from __future__ import annotations

HEAD = 192 * 1024
TAIL = 64 * 1024


class Output:
    """A bounded record of one invocation's output: head, tail and a count of the rest."""

    def __init__(self, head: int = HEAD, tail: int = TAIL) -> None:
        self.head_limit = head
        self.tail_limit = tail
        self.reset()

    def reset(self) -> None:
        """Start the record of a new invocation."""
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def feed(self, chunk: bytes) -> None:
        """Add what the worker wrote."""
        room = self.head_limit - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if not chunk:
            return
        self.tail += chunk
        excess = len(self.tail) - self.tail_limit
        if excess > 0:
            del self.tail[:excess]
            self.dropped += excess

    def text(self) -> str:
        """The kept output, with a line where bytes were dropped."""
        text = self.head.decode("utf-8", "replace")
        if self.dropped:
            if not text.endswith("\n"):
                text += "\n"
            text += (
                f"[emulator] {self.dropped:,} bytes of output dropped here: the emulator "
                f"keeps the first {self.head_limit // 1024} KiB and the last "
                f"{self.tail_limit // 1024} KiB of each invocation's output\n"
            )
        return text + self.tail.decode("utf-8", "replace")
