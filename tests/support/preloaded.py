"""Run `python -m cocwatch ARGS` as a fresh process without paying for its imports each time.

Tests that run cocwatch as cron would (a process of its own, no terminal, stdin from
/dev/null, a minimal environment, its own exit code) start it dozens of times, and almost
all of each start is importing Python modules. Here a *preloaded* process imports every
cocwatch module once; each run is a child forked from it, which gets the environment, the
working folder, the standard streams and the arguments of the run, runs `cocwatch` as
``python -m`` does, and exits with its exit code. The child is a new process: nothing one
run does (files, caches, state in memory) reaches the next.

What differs from `subprocess.run`: the interpreter started with the environment of the
preloaded process, so one is kept per value of the variables that shape an interpreter's
start (locale, I/O encoding, UTF-8 mode, module path); its modules were imported before the
run's environment was set (cocwatch reads its environment when it runs, not on import).
Tests of the program's start itself (`tests/cli/test_startup.py`, standard streams that fail)
start a real interpreter.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Variables read while an interpreter starts: a run whose values differ gets its own parent.
STARTUP_VARIABLES = (
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "PYTHONPATH",
    "PYTHONHASHSEED",
)

_parents: dict[tuple[str | None, ...], _Parent] = {}


def run_cocwatch(
    args: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    timeout: float = 120,
    input: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m cocwatch ARGS` in a fresh process; like `subprocess.run`, output as bytes."""
    key = tuple(env.get(name) for name in STARTUP_VARIABLES)
    parent = _parents.get(key)
    if parent is None or not parent.alive():
        parent = _parents[key] = _Parent(env)
    return parent.run(args, env=env, cwd=cwd, timeout=timeout, input=input)


def run_cocwatch_text(
    args: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`run_cocwatch` with stdout and stderr decoded as `subprocess.run(text=True)` does."""
    done = run_cocwatch(args, env=env, cwd=cwd, timeout=timeout)
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        _universal(done.stdout.decode("utf-8")),
        _universal(done.stderr.decode("utf-8")),
    )


def _universal(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _Parent:
    """A process with cocwatch imported, forking one child per run (one run at a time)."""

    def __init__(self, env: dict[str, str], command: list[str] | None = None) -> None:
        """Start the preloaded process (or COMMAND in its place, for testing this class)."""
        startup = {name: env[name] for name in STARTUP_VARIABLES if name in env}
        self.process = subprocess.Popen(
            command or [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **startup},
        )
        self._unread = b""
        atexit.register(self.close)

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(
        self,
        args: list[str],
        *,
        env: dict[str, str],
        cwd: Path,
        timeout: float,
        input: bytes | None,
    ) -> subprocess.CompletedProcess[bytes]:
        assert self.process.stdin is not None and self.process.stdout is not None
        with tempfile.TemporaryDirectory(prefix="cocwatch-run-") as folder:
            streams = {name: Path(folder) / name for name in ("stdin", "stdout", "stderr")}
            streams["stdin"].write_bytes(input or b"")
            request = {
                "args": args,
                "env": env,
                "cwd": str(cwd),
                "streams": {name: str(path) for name, path in streams.items()},
                "stdin": input is not None,
            }
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
            pid = int(self._answer(deadline=time.monotonic() + 30))
            try:
                status = int(self._answer(deadline=time.monotonic() + timeout))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                self._answer(deadline=time.monotonic() + 30)
                raise subprocess.TimeoutExpired(args, timeout) from None
            return subprocess.CompletedProcess(
                [sys.executable, "-m", "cocwatch", *args],
                status,
                streams["stdout"].read_bytes(),
                streams["stderr"].read_bytes(),
            )

    def _answer(self, *, deadline: float) -> str:
        """The next line the preloaded process wrote, waiting until DEADLINE at most.

        Reads the pipe's file descriptor directly and keeps what follows the line: both
        answers of a quick run can arrive in one read, and a buffered reader would hold the
        second where `select` cannot see it (the run would then seem to hang).
        """
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self._unread:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise subprocess.TimeoutExpired("cocwatch", deadline)
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError("the preloaded cocwatch process ended unexpectedly")
            self._unread += chunk
        line, self._unread = self._unread.split(b"\n", 1)
        return line.decode().strip()

    def close(self) -> None:
        if self.alive():
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# In the preloaded process ---------------------------------------------------------------------


def serve() -> None:
    """Import cocwatch, then fork a child for each request read from stdin, one at a time.

    A request is one line of JSON (arguments, environment, folder, files for the standard
    streams); the answers are two lines: the child's process id, then its exit status
    (negative: killed by that signal, as `subprocess` says it).
    """
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    _import_everything()
    buffered = b""
    while True:
        while b"\n" not in buffered:
            chunk = requests.read(65536)
            if not chunk:
                return
            buffered += chunk
        line, buffered = buffered.split(b"\n", 1)
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            requests.close()
            answers.close()
            _child(request)  # never returns
        answers.write(f"{pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        answers.write(f"{code}\n".encode())


def _import_everything() -> None:
    """Import every cocwatch module, and with them every library the commands import lazily."""
    import importlib
    import pkgutil

    import cocwatch

    for module in pkgutil.walk_packages(cocwatch.__path__, "cocwatch."):
        if module.name not in ("cocwatch.__main__",):
            importlib.import_module(module.name)


def _child(request: dict[str, object]) -> None:
    """Become `python -m cocwatch ARGS` with the request's environment, folder and streams."""
    import runpy

    code = 1
    try:
        streams = request["streams"]
        assert isinstance(streams, dict)
        stdin = streams["stdin"] if request["stdin"] else os.devnull
        for fd, path, flags in (
            (0, stdin, os.O_RDONLY),
            (1, streams["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
            (2, streams["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        ):
            opened = os.open(path, flags, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        env = request["env"]
        assert isinstance(env, dict)
        os.environ.clear()
        os.environ.update(env)
        cwd = str(request["cwd"])
        os.chdir(cwd)
        sys.path[0] = cwd
        args = request["args"]
        assert isinstance(args, list)
        sys.argv = ["-m", *args]
        try:
            runpy.run_module("cocwatch", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as stop:
            code = _exit_code(stop.code)
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                code = code or 120  # as Python's own exit does when flushing fails
    finally:
        os._exit(code)


def _exit_code(code: object) -> int:
    """The process's exit status for `SystemExit(code)`, as Python's own exit gives it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    sys.stderr.write(f"{code}\n")
    return 1


if __name__ == "__main__":
    serve()
