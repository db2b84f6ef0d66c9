"""One progress line per batch, on stderr: a bar, people done of the target, the rates of this
invocation (people and events per second) and the time left at that pace."""

import sys
import time


def _duration(seconds: float) -> str:
    seconds = int(max(seconds, 0))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


class Progress:
    def __init__(self, total: int, done: int = 0, stream=None, width: int = 24, clock=None):
        self.total, self.start_done, self.width = total, done, width
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock or time.monotonic
        self.started = self.clock()
        self.events = 0

    def line(self, done: int, events: int = 0) -> str:
        """The line for ``done`` people of ``total``, ``events`` more events written."""
        self.events += events
        elapsed = max(self.clock() - self.started, 1e-9)
        made = done - self.start_done
        rate = made / elapsed
        left = (self.total - done) / rate if rate > 0 else 0.0
        filled = round(self.width * done / self.total) if self.total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        return (
            f"[{bar}] {done:,}/{self.total:,} people ({100 * done / max(self.total, 1):.0f} %)"
            f"  {rate:,.0f} people/s  {self.events / elapsed:,.0f} events/s"
            f"  elapsed {_duration(elapsed)}  ETA {_duration(left)}"
        )

    def step(self, done: int, events: int = 0) -> None:
        self.stream.write(self.line(done, events) + "\n")
        self.stream.flush()
