"""Measure cocwatch against the goals of SPEC §10, side by side, and print ratios.

Run by hand (not in CI); each benchmark prints the machine it ran on and its figures, ready
to paste into benchmarks/RESULTS.md. All registries are SYNTHETIC (see generate.py).

    python benchmarks/run.py startup
    python benchmarks/run.py check   [--trusts 5000 --figures 60 --rounds 3]
    python benchmarks/run.py letters [--trusts 1000 --rounds 5]
    python benchmarks/run.py watch   [--pages 200 --delay 0.2]
    python benchmarks/run.py all

Each comparison runs its sides alternately, round after round, so that a busy machine slows
them alike; it reports each side's best (minimum) wall-clock time and median, and the ratio
of the minima. The CPU time (user + system) of each run is printed too: on a loaded machine
it varies far less than the wall clock.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
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

TODAY = "2026-11-23"


def machine() -> str:
    """Describe the machine in one line, with the libraries that decide the figures."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
    except (ValueError, OSError, AttributeError):
        memory = ""
    load = f"; load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}, {memory}"
        f"Python {platform.python_version()}; {_versions()}{load}; {date.today().isoformat()}"
    )


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    import yaml

    found = []
    for name in ("PyYAML", "pydantic", "Jinja2", "typer"):
        with contextlib.suppress(PackageNotFoundError):
            found.append(f"{name} {version(name)}")
    found.append("with libyaml" if getattr(yaml, "__with_libyaml__", False) else "NO libyaml")
    return ", ".join(found)


class Runs:
    """Wall-clock and CPU seconds of each run of one side."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    @property
    def best(self) -> float:
        return min(self.wall)

    def line(self) -> str:
        cpu = f", CPU {min(self.cpu):.3f} s" if self.cpu else ""
        return f"{self.best:.3f} s (median {statistics.median(self.wall):.3f} s{cpu})"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def alternate(sides: dict[str, Callable[[], object]], rounds: int) -> dict[str, Runs]:
    """Run each side once per round, in turn; time every run (wall clock and CPU)."""
    runs = {name: Runs() for name in sides}
    for _ in range(rounds):
        for name, side in sides.items():
            cpu = _children_cpu()
            start = time.perf_counter()
            side()
            runs[name].wall.append(time.perf_counter() - start)
            runs[name].cpu.append(_children_cpu() - cpu)
    return runs


def run(command: list[str], env: dict[str, str] | None = None) -> Callable[[], None]:
    """A callable that runs a command in a fresh process and checks it did not crash."""
    full_env = {**os.environ, "COCWATCH_TODAY": TODAY, **(env or {})}

    def call() -> None:
        done = subprocess.run(command, capture_output=True, env=full_env)
        if done.returncode not in (0, 1):
            raise SystemExit(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}"
            )

    return call


def cocwatch_program() -> list[str]:
    """The installed `cocwatch` program of this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("cocwatch")
    if script.exists():
        return [str(script)]
    # Not installed as a program: run its entry point under the program's name.
    code = "import sys; sys.argv[0] = 'cocwatch'; from cocwatch.launch import main; main()"
    return [sys.executable, "-c", code]


def cocwatch(*args: str, env: dict[str, str] | None = None) -> Callable[[], None]:
    return run([*cocwatch_program(), *args], env)


def report(
    name: str, ours: Runs, baseline: Runs, baseline_name: str, goal: str, *, cpu: bool = True
) -> None:
    ratio = ours.best / baseline.best
    cpu_ratio = ""
    if cpu and ours.cpu and baseline.cpu and min(baseline.cpu) > 0:
        cpu_ratio = f"; CPU ratio {min(ours.cpu) / min(baseline.cpu):.2f}x"
    print(f"{name}: {ours.line()}")
    print(f"  against {baseline_name}: {baseline.line()}")
    print(f"  ratio {ratio:.2f}x{cpu_ratio} (goal {goal})")


def bench_startup(args: argparse.Namespace) -> None:
    runs = alternate(
        {
            "typer": run([sys.executable, "-c", "import typer"]),
            "version": cocwatch("--version"),
            "help": cocwatch("--help", env={"COLUMNS": "80"}),
        },
        rounds=args.rounds or 20,
    )
    base = 'python -c "import typer"'
    report("cocwatch --version", runs["version"], runs["typer"], base, "<= 1.0x")
    report("cocwatch --help", runs["help"], runs["typer"], base, "<= 1.0x")
    # `check` of one Trust on the shipped registry "feels instant" (no ratio in SPEC §10).
    import yaml

    from cocwatch.locations import shipped_registry

    shipped = str(shipped_registry())
    first = yaml.safe_load(Path(shipped).read_text(encoding="utf-8"))["trusts"][0]["id"]
    with tempfile.TemporaryDirectory() as folder:
        cache = {"COCWATCH_CACHE_DIR": folder}
        one = ("-r", shipped, "check", first, "--fail-on", "never")
        cocwatch(*one, env=cache)()  # fills the cache of parsed registries
        runs = alternate(
            {
                "cold": cocwatch(*one, env={"COCWATCH_NO_CACHE": "1"}),
                "warm": cocwatch(*one, env=cache),
            },
            rounds=5,
        )
    print(f"check {first} on the shipped registry: cold {runs['cold'].line()}")
    print(f"  warm cache {runs['warm'].line()} (goal: feels instant)")


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
        no_gc = "import gc; gc.disable(); " + parse
        command = ("-r", str(path), "check", "--all", "--format", "json", "--fail-on", "never")
        cache = {"COCWATCH_CACHE_DIR": str(Path(folder) / "cache")}
        cocwatch(*command, env=cache)()  # fills the cache of parsed registries
        runs = alternate(
            {
                "parse": run([sys.executable, "-c", no_gc]),
                "cold": cocwatch(*command, env={"COCWATCH_NO_CACHE": "1"}),
                "warm": cocwatch(*command, env=cache),
            },
            rounds=args.rounds or 3,
        )
        # The parse with the collector on is slow and only a reference: measured once.
        with_gc = alternate({"parse": run([sys.executable, "-c", parse])}, rounds=1)["parse"]
        print(f"(PyYAML CSafeLoader parse with the garbage collector on: {with_gc.line()})")
        base = "PyYAML CSafeLoader parse, garbage collector paused"
        report(
            "check --all --format json, cold (COCWATCH_NO_CACHE=1)",
            runs["cold"],
            runs["parse"],
            base,
            "<= 1.2x",
        )
        report("check --all --format json, warm cache", runs["warm"], runs["parse"], base, "< 1x")


# A mail merge a campaigner could write instead: PyYAML's C loader, a simple dict per Trust,
# a letter-sized template in plain Jinja2, one plain file per Trust. SYNTHETIC data only.
MAIL_MERGE_TEMPLATE = """{{ today }}

The Chief Executive
{{ trust.name }}
{{ trust.address }}

Dear Chief Executive,

**Midwifery continuity of carer at {{ trust.name }}**

I am writing to ask the Board of {{ trust.name }} how and when it will offer every woman
midwifery continuity of carer: one named midwife, backed by a small team, through pregnancy,
labour, birth and after. It was the change women asked for most in the National Maternity
Review, Better Births (February 2016).

[Your own paragraph: why this matters to you and to the women you work with.]

These are the latest published figures for the Trust that I could find, against the level
each was expected to reach:

{% for cohort, f in latest.items() %}
- {{ cohort_names[cohort] }}: {{ f.percent }}% of women were placed on a continuity of carer
  pathway in the month ending {{ f.as_of }} [{{ loop.index }}] (data quality: {{ f.quality }}).
{% endfor %}

{% if trust.plan %}
The Trust's continuity of carer plan, published on {{ trust.plan.published }}, is
{{ trust.plan.status }} ({{ trust.plan.url }}). Its milestones:
{% for m in trust.plan.milestones %}
- {{ m.percent }}% of {{ cohort_names[m.cohort] }} by {{ m.due }}
{% endfor %}
{% for r in trust.plan.board_reviews %}
The Board last discussed progress on {{ r.date }} ({{ r.url }}).
{% endfor %}
{% else %}
As far as I can establish, the Trust has no continuity of carer plan.
{% endif %}

The national targets were:
{% for t in targets %}
- {{ t.title }}: {{ t.percent }}% of {{ cohort_names[t.cohort] }} by {{ t.due }}
  ({{ t.source.url }}){% if t.withdrawn_on %}, withdrawn on {{ t.withdrawn_on }}{% endif %}.
{% endfor %}

I would be grateful if the Board would:

1. publish its current continuity of carer figures for all women, for women from Black,
   Asian and other ethnic-minority groups and for women from the most deprived
   neighbourhoods, every quarter, with the data-quality status of each;
2. agree and publish a plan, co-produced with the Maternity and Neonatal Voices Partnership,
   with dated milestones for each of these groups;
3. discuss progress at a public Board meeting at least every six months, and publish the
   papers.

I would be grateful for a reply by {{ reply_by }}. I will publish your answer, in full, with
this letter.

Yours sincerely,

[Your name]
[Your email or postal address]

Sources
{% for cohort, f in latest.items() %}
[{{ loop.index }}] Maternity Services Data Set, {{ f.as_of }}: {{ f.source.url }}
{% endfor %}
"""

MAIL_MERGE = f"""
import sys
from pathlib import Path
import jinja2
import yaml

TEMPLATE = {MAIL_MERGE_TEMPLATE!r}
COHORT_NAMES = {{
    "all": "all women",
    "ethnic_minority": "women from Black, Asian and other ethnic-minority groups",
    "most_deprived": "women from the most deprived neighbourhoods",
}}

registry = yaml.load(open(sys.argv[1], encoding="utf-8"), Loader=yaml.CSafeLoader)
out = Path(sys.argv[2])
out.mkdir(exist_ok=True)
template = jinja2.Environment(trim_blocks=True, lstrip_blocks=True).from_string(TEMPLATE)
targets = registry["national"]["targets"]
for trust in registry["trusts"]:
    latest = {{}}
    for figure in trust.get("figures", []):
        cohort = figure["cohort"]
        if cohort not in latest or figure["as_of"] > latest[cohort]["as_of"]:
            latest[cohort] = figure
    text = template.render(
        trust=trust, latest=latest, targets=targets, cohort_names=COHORT_NAMES,
        today="23 November 2026", reply_by="8 December 2026",
    )
    (out / f"board-{{trust['id']}}.md").write_text(text, encoding="utf-8")
"""

# The letter phase (contexts and sandboxed render, no files) against the bare render: the
# same letters rendered with plain Jinja2 from contexts prepared beforehand (untimed). Both in
# one process, alternately, after the registry is loaded; prints JSON.
LETTER_PHASE = """
import json, sys, time
from datetime import date
import jinja2
from cocwatch.core import letters as L
from cocwatch.core.assessment import assess
from cocwatch.core.models import Sender, Thresholds
from cocwatch.locations import builtin_templates_dir
from cocwatch.registry import load_registry
from cocwatch.templating.rendering import Letters
from cocwatch.templating.sandbox import make_environment
from cocwatch.templating.templates import split_front_matter

day = date(2026, 11, 23)
registry = load_registry(sys.argv[1], today=day).registry
rounds = int(sys.argv[2])
letters = Letters(builtin_templates_dir(), None)
compiled = letters.compile("board")
info = L.LetterInfo("board", "t", "d", "trust", "md", False)
sender = Sender(name="A", address="B")
thresholds = Thresholds()


class Loader(jinja2.BaseLoader):
    def get_source(self, environment, name):
        name = name.removeprefix("builtin/")
        path = builtin_templates_dir() / (name if name.endswith(".md.j2") else name + ".md.j2")
        return split_front_matter(path.read_text("utf-8"), str(path))[1], str(path), lambda: True


bare_env = jinja2.Environment(loader=Loader(), trim_blocks=True, lstrip_blocks=True)
sandboxed = make_environment(builtin_templates_dir(), None)
bare_env.filters.update(sandboxed.filters)
bare_env.globals.update(sandboxed.globals)  # the closed sets templates compare with
bare_template = bare_env.get_template("board")


def assessed():
    return assess(registry, list(registry.trusts), as_of=day, thresholds=thresholds).trusts


def letter_phase(trusts):
    facts = L.run_facts(
        registry, trusts, as_of=day, reply_by=day, thresholds=thresholds, sender=sender
    )
    return [
        letters.render(compiled, L.letter_context(
            facts, letter=info, recipient_role="chief_executive",
            cc_roles=("chair", "board_safety_champion"), assessed=a))
        for a in trusts
    ]


def bare(contexts):
    for context in contexts:
        state = L.LetterState()
        bare_template.render(**context, cite=state.cite, references=state.references,
                             placeholder=state.placeholder)


trusts = assessed()
facts = L.run_facts(
    registry, trusts, as_of=day, reply_by=day, thresholds=thresholds, sender=sender
)
contexts = [  # prepared once, not timed
    L.letter_context(
        facts, letter=info, recipient_role="chief_executive",
        cc_roles=("chair", "board_safety_champion"), assessed=a,
    ).variables()
    for a in trusts
]
# Views are made when a template first reads them: one untimed render makes every view the
# board letter reads, so the bare render below gets its contexts as ready as a dict would be.
bare(contexts)
times = {"assessment": [], "letter phase": [], "bare render": []}
for _ in range(rounds):
    start = time.perf_counter()
    trusts = assessed()
    times["assessment"].append(time.perf_counter() - start)
    start = time.perf_counter()
    done = letter_phase(trusts)
    times["letter phase"].append(time.perf_counter() - start)
    start = time.perf_counter()
    bare(contexts)
    times["bare render"].append(time.perf_counter() - start)
chars = sum(len(r.markdown) for r in done) / len(done)
print(json.dumps({"times": times, "letters": len(done), "chars": chars}))
"""


def _fresh(folder: Path, side: Callable[[], None]) -> Callable[[], None]:
    """Run `side` with `folder` gone first, so that every run writes new files."""

    def call() -> None:
        shutil.rmtree(folder, ignore_errors=True)
        side()

    return call


def bench_letters(args: argparse.Namespace) -> None:
    rounds = args.rounds or 5
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.yaml"
        path.write_text(generate(args.trusts, 12), encoding="utf-8")
        print(f"synthetic registry: {args.trusts} trusts x 12 figures")
        ours_out, theirs_out = Path(folder) / "letters", Path(folder) / "mail-merge"
        cache = {"COCWATCH_CACHE_DIR": str(Path(folder) / "cache")}
        command = ("-q", "-r", str(path), "letter", "board", "--all", "--out", str(ours_out),
                   "--format", "md", "--as-of", TODAY)  # fmt: skip
        cocwatch(*command, env=cache)()  # fills the cache of parsed registries
        mail_merge = run([sys.executable, "-c", MAIL_MERGE, str(path), str(theirs_out)])
        runs = alternate(
            {
                "mail merge": _fresh(theirs_out, mail_merge),
                "cold": _fresh(ours_out, cocwatch(*command, env={"COCWATCH_NO_CACHE": "1"})),
                "warm": _fresh(ours_out, cocwatch(*command, env=cache)),
            },
            rounds=rounds,
        )
        ours_files = list(ours_out.iterdir())
        theirs_files = list(theirs_out.iterdir())
        size = statistics.mean(f.stat().st_size for f in ours_files)
        their_size = statistics.mean(f.stat().st_size for f in theirs_files)
        print(
            f"letters written: cocwatch {len(ours_files)} (mean {size:.0f} bytes), "
            f"mail merge {len(theirs_files)} (mean {their_size:.0f} bytes)"
        )
        base = "mail merge (PyYAML C loader, plain Jinja2, plain writes)"
        name = f"letter board --all --out DIR --format md, {args.trusts} Trusts"
        report(f"{name}, cold", runs["cold"], runs["mail merge"], base, "<= 1x")
        report(f"{name}, warm cache", runs["warm"], runs["mail merge"], base, "<= 1x")
        done = subprocess.run(
            [sys.executable, "-c", LETTER_PHASE, str(path), str(rounds)],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "COCWATCH_NO_CACHE": "1"},
        )
        found = json.loads(done.stdout)
        phase = {key: Runs() for key in found["times"]}
        for key, times in found["times"].items():
            phase[key].wall = times
        print(
            f"in one process: {found['letters']} letters of {found['chars']:.0f} characters; "
            f"assessing the Trusts first (not part of the phase) {phase['assessment'].line()}"
        )
        report(
            "letter phase (contexts + sandboxed, strict render; no files)",
            phase["letter phase"],
            phase["bare render"],
            f"bare render (the same {found['letters']} letters, plain Jinja2, prepared contexts)",
            "<= 3x",
            cpu=False,
        )


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
            for attempt in range(2):
                state = Path(folder) / f"state{attempt}.sqlite3"
                watch = cocwatch(
                    "-r", str(path), "watch", "--pages", "--state", str(state), "--per-host", "16"
                )
                results.append(alternate({"watch": watch}, rounds=1)["watch"].best)
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
    parser.add_argument("--rounds", type=int, default=None, help="runs of each side")
    args = parser.parse_args()
    if not Path(sys.executable).with_name("cocwatch").exists():
        print("note: cocwatch is not installed as a program here; running its entry point")
    print(f"machine: {machine()}")
    chosen = ["startup", "check", "letters", "watch"] if args.which == "all" else [args.which]
    for name in chosen:
        print(f"\n## {name}")
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
