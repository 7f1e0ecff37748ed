"""Worker processes forked from the test process, for the tests that race or kill them.

They are real processes — their own pid, their own file descriptors and locks, killed with
SIGKILL at any instant — talking over real pipes, one line at a time, like the worker
scripts started with `subprocess.Popen` before. What they no longer pay is a Python start
and the app's imports (a quarter of a second each, 100 times in test_trust and test_store):
the test process has imported both already, and a fork inherits them.

`Forked` has the part of `subprocess.Popen`'s interface the tests use: `stdin`, `stdout`,
`stderr` (text), `pid`, `returncode` (-9 after a kill -9), `poll`, `wait`, `communicate`,
`send_signal`, `kill`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO


class Forked:
    def __init__(
        self,
        main: Callable[[list[str]], int | None],
        argv: Sequence[object],
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        stdin: bool = True,
    ) -> None:
        self.args = [getattr(main, "__module__", "?"), *map(str, argv)]
        in_r, in_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into pytest
            code = 1
            try:
                os.dup2(in_r, 0)
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # as Popen's close_fds: the
                # pipes of other workers stay with them (a worker reading to EOF gets it)
                if not stdin:
                    os.close(0)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.environ.update(env or {})
                if cwd is not None:
                    os.chdir(cwd)
                sys.stdin = open(0, encoding="utf-8", closefd=False) if stdin else None  # noqa: SIM115
                sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
                result = main([str(a) for a in argv])
                code = result if isinstance(result, int) else 0
            except SystemExit as exc:
                if isinstance(exc.code, int) or exc.code is None:
                    code = exc.code or 0
                else:
                    print(exc.code, file=sys.stderr)
                    code = 1
            except BaseException:  # noqa: BLE001 - a worker reports, whatever happened
                traceback.print_exc()
            finally:
                for stream in (sys.stdout, sys.stderr):
                    with contextlib.suppress(Exception):  # the pipe may be gone
                        stream.flush()
                os._exit(code)
        for fd in (in_r, out_w, err_w):
            os.close(fd)
        self.pid = pid
        self.returncode: int | None = None
        self.stdin: IO[str] | None = open(in_w, "w", encoding="utf-8")  # noqa: SIM115
        if not stdin:
            self.stdin.close()
            self.stdin = None
        self.stdout: IO[str] = open(out_r, encoding="utf-8")  # noqa: SIM115
        self.stderr: IO[str] = open(err_r, encoding="utf-8")  # noqa: SIM115

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.0005
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
            time.sleep(delay)
            delay = min(delay * 2, 0.02)
        return self.returncode  # type: ignore[return-value]

    def communicate(
        self, input: str | None = None, timeout: float | None = None
    ) -> tuple[str, str]:
        """Write `input`, close stdin, read stdout and stderr to their ends, wait for the exit."""
        if self.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                if input:
                    self.stdin.write(input)
                self.stdin.close()
            self.stdin = None
        read: dict[str, str] = {}
        readers = [
            threading.Thread(target=lambda k=k, f=f: read.update({k: f.read()}), daemon=True)
            for k, f in (("out", self.stdout), ("err", self.stderr))
        ]
        deadline = None if timeout is None else time.monotonic() + timeout
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            if reader.is_alive():
                raise subprocess.TimeoutExpired(self.args, timeout or 0)
        self.wait(timeout)
        self.stdout.close()
        self.stderr.close()
        return read.get("out", ""), read.get("err", "")

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)
