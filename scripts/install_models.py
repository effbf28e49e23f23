"""Install MediaPipe's lite and heavy pose landmark models next to the full one, at install time.

mediapipe==0.10.21 ships only the full landmark model; for the other two its legacy pose
solution downloads a file at run time, which dance-analyzer must never do. The same
family's three models (Apache-2.0) are published in the npm package @mediapipe/pose; this
fetches that exact version from the npm registry (or takes a copy already fetched), checks
the package's and each model's sha256, and puts lite and heavy where the solution looks
for them (mediapipe/modules/pose_landmark/), so model_complexity 0 and 2 load from disk.

Standard library only: it runs in a bare Python (the Dockerfile's builder) as well as in
the project's venv. Usage: python scripts/install_models.py [--cache DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import os
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

PACKAGE = "@mediapipe/pose"
VERSION = "0.5.1675469404"
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/pose-{VERSION}.tgz"
TARBALL_SHA256 = "8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84"
MODELS = {  # file -> sha256; full must already be the one inside the mediapipe wheel
    "pose_landmark_lite.tflite": "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
    "pose_landmark_full.tflite": "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
    "pose_landmark_heavy.tflite": "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def model_dir() -> Path:
    """Where MediaPipe's pose solution looks for its landmark models (without importing
    mediapipe, whose own __init__ needs packages the slim install leaves out)."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("error: mediapipe is not installed in this Python (install it first: scripts/install.sh)")
    return Path(list(spec.submodule_search_locations)[0]) / "modules" / "pose_landmark"


def tarball(cache: Path) -> bytes:
    cached = cache / f"mediapipe-pose-{VERSION}.tgz"
    if cached.exists() and sha256(data := cached.read_bytes()) == TARBALL_SHA256:
        return data
    print(f"fetching {PACKAGE}@{VERSION} from the npm registry", file=sys.stderr)
    with urllib.request.urlopen(TARBALL, timeout=120) as response:
        data = response.read()
    if sha256(data) != TARBALL_SHA256:
        sys.exit(f"error: {TARBALL} does not have the expected sha256; not installing it")
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


def install(cache: Path) -> None:
    target = model_dir()
    missing = [name for name, digest in MODELS.items() if not _installed(target / name, digest)]
    if not missing:
        print(f"pose models lite, full and heavy are installed in {target}", file=sys.stderr)
        return
    with tarfile.open(fileobj=io.BytesIO(tarball(cache)), mode="r:gz") as archive:
        for name in missing:
            member = archive.extractfile(f"package/{name}")
            data = member.read() if member is not None else b""
            if sha256(data) != MODELS[name]:
                sys.exit(f"error: {name} in {PACKAGE}@{VERSION} does not have the expected sha256")
            fd, partial = tempfile.mkstemp(dir=target, prefix=f".{name}.")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(partial, 0o644)
            os.replace(partial, target / name)
            print(f"installed {name} ({len(data) / 1e6:.1f} MB) in {target}", file=sys.stderr)


def _installed(path: Path, digest: str) -> bool:
    return path.exists() and sha256(path.read_bytes()) == digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dance-analyzer"
    parser.add_argument("--cache", type=Path, default=default_cache, help="where the npm package is kept")
    install(parser.parse_args().cache)


if __name__ == "__main__":
    main()
