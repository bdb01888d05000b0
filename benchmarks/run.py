"""Measure cocwatch against the goals of SPEC §10, side by side, and print ratios.

Run by hand (not in CI); each benchmark prints the machine it ran on and its figures, ready
to paste into benchmarks/RESULTS.md. All registries are SYNTHETIC (see generate.py).

    python benchmarks/run.py startup
    python benchmarks/run.py check   [--trusts 5000 --figures 60]
    python benchmarks/run.py letters [--trusts 1000]
    python benchmarks/run.py watch   [--pages 200 --delay 0.2]
    python benchmarks/run.py all
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def machine() -> str:
    """Describe the machine in one line."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}, "
        f"Python {platform.python_version()}"
    )


def timed(fn: Callable[[], object], repeat: int = 1) -> float:
    """Best wall-clock time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def cocwatch(*args: str, env: dict[str, str] | None = None) -> Callable[[], None]:
    """A callable that runs cocwatch in a fresh process and checks it did not crash."""
    command = [sys.executable, "-m", "cocwatch", *args]
    full_env = {**os.environ, "COCWATCH_TODAY": "2026-11-23", **(env or {})}

    def call() -> None:
        done = subprocess.run(command, capture_output=True, env=full_env)
        if done.returncode not in (0, 1):
            raise SystemExit(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}"
            )

    return call


def report(name: str, ours: float, baseline: float, baseline_name: str, goal: str) -> None:
    print(
        f"{name}: {ours:.3f} s; {baseline_name}: {baseline:.3f} s; "
        f"ratio {ours / baseline:.2f}x (goal {goal})"
    )


def bench_startup(_: argparse.Namespace) -> None:
    ours = timed(cocwatch("--version"), repeat=15)
    help_time = timed(cocwatch("--help"), repeat=15)
    base = timed(
        lambda: subprocess.run([sys.executable, "-c", "import typer"], check=True), repeat=15
    )
    report("cocwatch --version", ours, base, 'python -c "import typer"', "close to 1x")
    report("cocwatch --help", help_time, base, 'python -c "import typer"', "close to 1x")


def bench_check(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.yaml"
        path.write_text(generate(args.trusts, args.figures), encoding="utf-8")
        size = path.stat().st_size / 1e6
        print(f"synthetic registry: {args.trusts} trusts x {args.figures} figures, {size:.0f} MB")
        parse = (
            f"import yaml; yaml.load(open({str(path)!r}, encoding='utf-8'), "
            "Loader=yaml.CSafeLoader)"
        )
        base = timed(lambda: subprocess.run([sys.executable, "-c", parse], check=True))
        no_gc = "import gc; gc.disable(); " + parse
        base_no_gc = timed(lambda: subprocess.run([sys.executable, "-c", no_gc], check=True))
        print(
            f"(the same parse with the garbage collector paused, as cocwatch does: "
            f"{base_no_gc:.1f} s)"
        )
        command = ("-r", str(path), "check", "--all", "--format", "json", "--fail-on", "never")
        cold = timed(cocwatch(*command, env={"COCWATCH_NO_CACHE": "1"}))
        cache = {"COCWATCH_CACHE_DIR": str(Path(folder) / "cache")}
        cocwatch(*command, env=cache)()  # fills the cache of parsed registries
        warm = timed(cocwatch(*command, env=cache))
        report("check --all --format json, cold", cold, base, "PyYAML CSafeLoader parse", "<= 1.5x")
        report("check --all --format json, warm cache", warm, base, "the same parse", "<= 1.5x")


BARE_LETTERS = """
import sys, time
from datetime import date
import jinja2
from cocwatch.core import letters as L
from cocwatch.core.assessment import assess
from cocwatch.core.models import Sender, Thresholds
from cocwatch.locations import builtin_templates_dir
from cocwatch.registry import load_registry
from cocwatch.templating import make_environment, split_front_matter

# One real letter context, prepared once (not timed).
day = date(2026, 11, 23)
registry = load_registry(sys.argv[1], today=day).registry
assessed = assess(registry, list(registry.trusts[:1]), as_of=day, thresholds=Thresholds())
facts = L.run_facts(registry, assessed.trusts, as_of=day, reply_by=day,
                    thresholds=Thresholds(), sender=Sender(name="A", address="B"))
info = L.LetterInfo("board", "t", "d", "trust", "md", False)
context = L.letter_context(facts, letter=info, recipient_role="chief_executive",
                           assessed=assessed.trusts[0]).variables()

class Loader(jinja2.BaseLoader):
    def get_source(self, environment, name):
        name = name.removeprefix("builtin/")
        path = builtin_templates_dir() / (name if name.endswith(".md.j2") else name + ".md.j2")
        return split_front_matter(path.read_text("utf-8"), str(path))[1], str(path), lambda: True

start = time.perf_counter()
env = jinja2.Environment(loader=Loader(), trim_blocks=True, lstrip_blocks=True)
env.filters.update(make_environment(builtin_templates_dir(), None).filters)
template = env.get_template("board")
for _ in range(int(sys.argv[2])):
    state = L.LetterState()
    template.render(**context, cite=state.cite, references=state.references,
                    placeholder=state.placeholder)
print(time.perf_counter() - start)
"""


def bench_letters(args: argparse.Namespace) -> None:
    from cocwatch.registry import load_registry

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.yaml"
        path.write_text(generate(args.trusts, 12), encoding="utf-8")
        out = Path(folder) / "letters"
        command = ("-q", "-r", str(path), "letter", "board", "--all", "--out", str(out),
                   "--overwrite", "--as-of", "2026-11-23")  # fmt: skip
        cold = timed(cocwatch(*command, env={"COCWATCH_NO_CACHE": "1"}), repeat=3)
        cache = {"COCWATCH_CACHE_DIR": str(Path(folder) / "cache")}
        cocwatch(*command, env=cache)()  # fills the cache of parsed registries
        ours = timed(cocwatch(*command, env=cache), repeat=3)
        written = len(list(out.iterdir()))
        startup = timed(cocwatch("--version"), repeat=5)
        os.environ["COCWATCH_CACHE_DIR"] = cache["COCWATCH_CACHE_DIR"]
        load = timed(lambda: load_registry(str(path), today=date(2026, 11, 23)), repeat=3)
        bare = min(
            float(
                subprocess.run(
                    [sys.executable, "-c", BARE_LETTERS, str(path), str(args.trusts)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            for _ in range(3)
        )
        print(f"letters written: {written}; registry load alone (warm cache): {load:.2f} s")
        report(
            f"letter board --all --out ({args.trusts}), end to end, cold", cold, bare,
            f"bare Jinja2 loop ({args.trusts} renders)", "<= 2x",
        )  # fmt: skip
        report(
            f"letter board --all --out ({args.trusts}), end to end, warm cache", ours, bare,
            f"bare Jinja2 loop ({args.trusts} renders)", "<= 2x",
        )  # fmt: skip
        report(
            "  the same without start-up and registry load", ours - startup - load, bare,
            "bare Jinja2 loop", "<= 2x",
        )  # fmt: skip


def bench_watch(args: argparse.Namespace) -> None:
    import http.server

    delay = args.delay

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(delay)
            body = f"<html><body><p>Board papers {self.path}</p></body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "synthetic.yaml"
            text = generate(args.pages, 3, pages_base=base_url)
            path.write_text(text, encoding="utf-8")
            pages = text.count(base_url)
            results = []
            for run in range(2):
                state = Path(folder) / f"state{run}.sqlite3"
                results.append(
                    timed(
                        cocwatch(
                            "-r",
                            str(path),
                            "watch",
                            "--pages",
                            "--state",
                            str(state),
                            "--per-host",
                            "16",
                        )
                    )
                )
            serial = pages * delay
            floor = pages * delay / 16
            print(
                f"watch --pages, {args.pages} Trusts, {pages} pages answering in "
                f"{delay * 1000:.0f} ms each: {statistics.mean(results):.2f} s (serial would be "
                f"{serial:.1f} s; 16 at a time could not beat {floor:.1f} s)"
            )
    finally:
        server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description="cocwatch benchmarks (SPEC §10)")
    parser.add_argument("which", choices=["startup", "check", "letters", "watch", "all"])
    parser.add_argument("--trusts", type=int, default=None)
    parser.add_argument("--figures", type=int, default=60)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.2)
    args = parser.parse_args()
    if shutil.which("cocwatch") is None:
        print("note: running `python -m cocwatch` from this interpreter")
    print(f"machine: {machine()}")
    chosen = ["startup", "check", "letters", "watch"] if args.which == "all" else [args.which]
    for name in chosen:
        trusts = args.trusts or (5000 if name == "check" else 1000)
        ns = argparse.Namespace(**{**vars(args), "trusts": trusts})
        {
            "startup": bench_startup,
            "check": bench_check,
            "letters": bench_letters,
            "watch": bench_watch,
        }[name](ns)


if __name__ == "__main__":
    main()
