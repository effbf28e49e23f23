"""Install, at install time, what dance-analyzer serves or loads from disk and no wheel carries.

- MediaPipe's lite and heavy pose landmark models, next to the full one. mediapipe==0.10.21
  ships only the full model; for the other two its legacy pose solution downloads a file
  at run time, which dance-analyzer must never do. The family's three models (Apache-2.0)
  are published in the npm package @mediapipe/pose; they go where the solution looks for
  them (mediapipe/modules/pose_landmark/), so model_complexity 0 and 2 load from disk.
- MediaPipe's in-browser pose runtime from the same package (pose.js, its WebAssembly, the
  packed detector, the graph) and the three models again, for the page's live mode, where
  the dancer's own browser runs the model. They go under
  <prefix>/share/dance-analyzer/live/, where api/routes/web.py serves them.
- The interactive API docs' viewers, Swagger UI (swagger-ui-dist, Apache-2.0) and ReDoc
  (redoc, MIT), which FastAPI would otherwise load from a CDN (blank pages offline). They go
  under <prefix>/share/dance-analyzer/docs/ (the venv's, or /opt/venv in the container),
  where api/docs.py serves them.

Each npm package is fetched at its exact version from the npm registry (or taken from the
cache), and the package's and each file's sha256 checked. Standard library only: it runs in
a bare Python (the Dockerfile's builder) as well as in the project's venv.
Usage: python scripts/install_assets.py [--cache DIR]
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
from dataclasses import dataclass
from pathlib import Path

@dataclass(frozen=True)
class NpmPackage:
    name: str
    version: str
    sha256: str  # of the registry's tarball

    @property
    def tarball_url(self) -> str:
        return f"https://registry.npmjs.org/{self.name}/-/{self.name.split('/')[-1]}-{self.version}.tgz"

    @property
    def cache_name(self) -> str:
        return f"{self.name.strip('@').replace('/', '-')}-{self.version}.tgz"


POSE = NpmPackage("@mediapipe/pose", "0.5.1675469404", "8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84")
SWAGGER_UI = NpmPackage("swagger-ui-dist", "5.35.0", "1b8e891893404ea4c3558b6a87e2a3e494e7eedba41168c2ece5800a391a6ea6")
REDOC = NpmPackage("redoc", "2.5.4", "44922df4d0eb45c1b066c09ec251e6bd9bd7ded16bc69e87613337b9d911a56e")
MODELS = {  # file -> sha256; full must already be the one inside the mediapipe wheel
    "pose_landmark_lite.tflite": "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
    "pose_landmark_full.tflite": "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
    "pose_landmark_heavy.tflite": "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
}

LIVE_FILES = {  # the web solution, as pose.js asks for its files
    "pose.js": "fcb703afcce65d0a1c540f6a70c3bb45fc84521498c21a9d4160265dde648ab4",
    "pose_solution_packed_assets.data": "a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85",
    "pose_solution_packed_assets_loader.js": "d7aa29b7d8e11b5c97a58d719e982dd15c2de72995d95112d60492b854840a36",
    "pose_solution_simd_wasm_bin.js": "3983d1dca31d945d81abb70b18dd61f28ef4736e112463d7cfb1cbadef588127",
    "pose_solution_simd_wasm_bin.wasm": "195a929430e2ce130b3efb82e64ba27c8e68cb0f6bad870b715688060ea6f7e2",
    "pose_solution_wasm_bin.js": "3fcfd9574a04fcf4a0b9271b9b4429c6b9a70278300a5e54c45ddf2001e41422",
    "pose_solution_wasm_bin.wasm": "a5589369289e1f1e007c106e8ffb26e85a5be762c6db9551ed36213f8f58378d",
    "pose_web.binarypb": "dc8efd1c2d62007b34278467407fda5f70847f41310e0e39f0f59fc17b1d01f7",
    **MODELS,
}
SWAGGER_UI_FILES = {
    "swagger-ui-bundle.js": "e6a898692f2d768e807c3ba4626068a69a2c5dd960dd6c76f3e4d3a3de180af2",
    "swagger-ui.css": "5ed08757e53da3e026d6cbecc61fe5d43585c9560b302d534ad56692519a273d",
    "favicon-32x32.png": "3ed612f41e050ca5e7000cad6f1cbe7e7da39f65fca99c02e99e6591056e5837",
}
REDOC_FILES = {"bundles/redoc.standalone.js": "dcaf76612bc4a3fbcc923a8966dee2f6146a5f32e5ce1b6f02dd60cbbf89500b"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def model_dir() -> Path:
    """Where MediaPipe's pose solution looks for its landmark models (without importing
    mediapipe, whose own __init__ needs packages the slim install leaves out)."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("error: mediapipe is not installed in this Python (install it first: scripts/install.sh)")
    return Path(list(spec.submodule_search_locations)[0]) / "modules" / "pose_landmark"


def docs_dir() -> Path:
    """Where api/docs.py looks for the docs viewers: beside this Python's own files."""
    return Path(sys.prefix) / "share" / "dance-analyzer" / "docs"


def live_dir() -> Path:
    """Where the page's live mode finds MediaPipe's in-browser runtime."""
    return Path(sys.prefix) / "share" / "dance-analyzer" / "live"


def tarball(package: NpmPackage, cache: Path) -> bytes:
    cached = cache / package.cache_name
    if cached.exists() and sha256(data := cached.read_bytes()) == package.sha256:
        return data
    print(f"fetching {package.name}@{package.version} from the npm registry", file=sys.stderr)
    with urllib.request.urlopen(package.tarball_url, timeout=120) as response:
        data = response.read()
    if sha256(data) != package.sha256:
        sys.exit(f"error: {package.tarball_url} does not have the expected sha256; not installing it")
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(data)
    return data


def install_files(package: NpmPackage, files: dict[str, str], target: Path, cache: Path) -> None:
    """Put ``files`` (path in the package -> sha256) into ``target``, each checked, each
    written whole or not at all; files already there with the right digest are kept."""
    target.mkdir(parents=True, exist_ok=True)
    missing = [name for name, digest in files.items() if not _installed(target / Path(name).name, digest)]
    if not missing:
        print(f"{package.name}@{package.version}: installed in {target}", file=sys.stderr)
        return
    with tarfile.open(fileobj=io.BytesIO(tarball(package, cache)), mode="r:gz") as archive:
        for name in missing:
            member = archive.extractfile(f"package/{name}")
            data = member.read() if member is not None else b""
            if sha256(data) != files[name]:
                sys.exit(f"error: {name} in {package.name}@{package.version} does not have the expected sha256")
            base = Path(name).name
            fd, partial = tempfile.mkstemp(dir=target, prefix=f".{base}.")
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(partial, 0o644)
            os.replace(partial, target / base)
            print(f"installed {base} ({len(data) / 1e6:.1f} MB) in {target}", file=sys.stderr)


def install(cache: Path) -> None:
    install_files(POSE, MODELS, model_dir(), cache)
    install_files(POSE, LIVE_FILES, live_dir(), cache)
    install_files(SWAGGER_UI, SWAGGER_UI_FILES, docs_dir(), cache)
    install_files(REDOC, REDOC_FILES, docs_dir(), cache)


def _installed(path: Path, digest: str) -> bool:
    return path.exists() and sha256(path.read_bytes()) == digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dance-analyzer"
    parser.add_argument("--cache", type=Path, default=default_cache, help="where the npm packages are kept")
    install(parser.parse_args().cache)


if __name__ == "__main__":
    main()
