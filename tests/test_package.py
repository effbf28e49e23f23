"""The package's shape: imports point one way down the flow, no circles, small modules,
and every module (and every library any code path imports) imports on this install."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import dance_analyzer

PACKAGE = Path(dance_analyzer.__file__).parent
# The flow, lowest first: a module may import from its own stage and the stages before it.
LAYERS = [
    {"dance_analyzer", "errors", "cores", "config", "logs", "metrics"},  # what every stage may use
    {"media"},  # bytes -> frames and sound
    {"pose"},  # frames -> landmarks
    {"features"},  # landmarks -> body measurements
    {"labels"},  # measurements -> pose names
    {"reports"},  # track and labels -> result sections
    {"render"},  # result -> annotated video
    {"pipeline", "options", "live", "preload"},  # the order of the steps (live: the same steps, a frame at a time)
    {"workers"},  # where files are read: worker processes, or here
    {"jobs"},  # shells
    {"api"},
    {"cli"},
]
MAX_LINES = 400
# Imports with side effects on the importing process (it is a worker's set-up).
SET_UP_ONLY = {"dance_analyzer.workers.process_setup"}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = modules()


def imported(name: str, path: Path) -> tuple[set[str], set[str]]:
    """The package's modules and the outside modules that ``name`` imports anywhere in it
    (at the top, in functions, under TYPE_CHECKING)."""
    inside, outside = set(), set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
            if module.split(".")[0] != "dance_analyzer":
                outside.add(module)  # ``from x import y``: y may be any name, x is a module
                continue
        else:
            continue
        for target in targets:
            if target.split(".")[0] != "dance_analyzer":
                outside.add(target)
                continue
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                inside.add(target)
    return inside, {t for t in outside if t}


def stage(name: str) -> int:
    parts = name.split(".")
    key = parts[1] if len(parts) > 1 else parts[0]
    return next(i for i, names in enumerate(LAYERS) if key in names)


def test_every_module_belongs_to_a_stage_of_the_flow():
    for name in MODULES:
        stage(name)  # raises StopIteration for a module outside every stage


def test_imports_point_down_the_flow():
    upward = [
        f"{name} -> {target}"
        for name, path in MODULES.items()
        for target in imported(name, path)[0]
        if stage(target) > stage(name)
    ]
    assert upward == []


def test_no_import_circles():
    graph = {name: imported(name, path)[0] for name, path in MODULES.items()}
    graph = {name: {t for t in targets if not name.startswith(t + ".")} for name, targets in graph.items()}
    circles = []
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            circles.append(trail[trail.index(name) :] + [name])
            return
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert circles == []


def test_no_module_is_longer_than_a_reader_can_hold():
    long = {name: n for name, path in MODULES.items() if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_every_module_and_every_library_any_code_path_imports_is_installed():
    """Imports inside functions run only on their code path (rhythm, overlays, Celery):
    a slim install that lacks one of them would fail there, in production, not here."""
    outside = set().union(*(imported(name, path)[1] for name, path in MODULES.items()))
    ours = sorted(set(MODULES) - SET_UP_ONLY)
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\nprint('ok')"
    run = subprocess.run(
        [sys.executable, "-c", code, *ours, *sorted(m for m in outside if m != "__future__")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-3000:]


def test_a_workers_set_up_ignores_the_groups_signals_and_releases_standard_output():
    code = (
        "import os, signal, sys\n"
        "import dance_analyzer.workers.process_setup\n"
        "sys.stderr.write(f'{signal.getsignal(signal.SIGTERM) == signal.SIG_IGN} '"
        "f'{signal.getsignal(signal.SIGINT) == signal.SIG_IGN} {os.readlink(\"/proc/self/fd/1\")} '"
        "f'{os.environ[\"OPENCV_IO_MAX_IMAGE_PIXELS\"]}')\n"
        "print('lost')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.stdout == "" and run.stderr == f"True True {os.devnull} {4096 * 4096}", run.stderr
