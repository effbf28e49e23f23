"""The commands and their arguments, declared with argparse."""

from __future__ import annotations

import argparse
import math

from ..pose.models import MODELS
from . import commands, definitions

DESCRIPTION = "Command line: dance-analyzer analyze | compare | learn | serve | check | worker | poses | moves."
EPILOG = """exit codes:
  0    done
  1    the analysis failed for another reason
  2    bad arguments
  64   learn --time is past the video's end
  65   a pose or move file is not valid (the message says where), or the video is empty
  66   an input file is missing, a directory, or neither a video nor a photo (or a photo where a video is needed)
  67   the video or photo is damaged, or nobody was found to compare
  68   the video's frames are larger than the limit, or more than DANCE_MAX_UPLOAD_MB was piped in
  69   the video is longer than the limit, or the analysis took too long
  73   the output file (-o, --overlay) cannot be written
  78   the chosen landmark model is not installed (run scripts/install.sh), or a
       DANCE_* setting is invalid (the message names it)
  130  interrupted"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dance-analyzer")
    except PackageNotFoundError:
        return "(not installed)"


def _positive_float(text: str) -> float:
    value = float(text)
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError("must be a positive number")
    return value


def _not_negative_float(text: str) -> float:
    value = float(text)
    if not (value >= 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _add_workers(p: argparse.ArgumentParser, text: str) -> None:
    p.add_argument("--workers", type=_positive_int, default=None, help=text)


def _add_model(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--model",
        choices=MODELS,
        default=None,
        help="landmark model: lite (fastest), full or heavy (most accurate); default DANCE_MODEL or full",
    )
    p.add_argument(
        "--precision",
        choices=("auto", "every_frame"),
        default=None,
        help="every_frame: the model on every frame; auto: on a coarse stride, refined to every frame wherever "
        "the answer could change (faster); default DANCE_PRECISION or every_frame",
    )


def _command(sub: argparse._SubParsersAction, name: str, text: str) -> argparse.ArgumentParser:
    """A command that reads media: its help ends with the exit codes a script can branch on."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=text, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dance-analyzer",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = _command(sub, "analyze", "analyse videos or photos: a table on a terminal, JSON when piped")
    p.add_argument(
        "video",
        nargs="+",
        help="the video file (MP4, MOV, WebM, ...), or a photo (JPEG, PNG, WebP, BMP, PNM, HEIC: the poses in it); "
        "- reads it from standard input. Several files: a JSON list (a failed file's entry says why), "
        "the tables one after the other, or one CSV with a file column",
    )
    p.add_argument(
        "--detail",
        choices=["summary", "frames"],
        default="summary",
        help="frames: also every analysed frame's poses and landmarks",
    )
    p.add_argument("--sample-fps", type=_positive_float, default=None, help="analyse at most N frames per second")
    _add_workers(p, "processes to use (default: DANCE_WORKERS or the cores this process may use)")
    _add_model(p)
    p.add_argument("--rhythm", action="store_true", help="find the music's beats and score the timing")
    p.add_argument(
        "--filter",
        choices=["butterworth", "none"],
        default=None,
        help="angles over time: zero-phase 6 Hz low-pass, or raw (default DANCE_ANGLE_FILTER: butterworth)",
    )
    p.add_argument(
        "--people",
        choices=["main", "all"],
        default="main",
        help="all: follow every person in view (each with an id, and the group's sync); main: the main dancer",
    )
    p.add_argument(
        "--max-people",
        type=_positive_int,
        default=None,
        help="at most N people followed (1: a solo, quicker; default DANCE_MAX_PEOPLE)",
    )
    p.add_argument(
        "--overlay",
        metavar="OUT.mp4",
        default=None,
        help="also write the annotated video (H.264 MP4, sound as AAC); of a photo, the annotated picture "
        "(OUT.jpg, .png or .webp); a folder: each file's copy in it (NAME-annotated.mp4 or .jpg)",
    )
    p.add_argument(
        "--format",
        choices=["json", "table", "csv"],
        default=None,
        help="json (the result), table (for reading: poses, counts, moves and their times), or csv (a row "
        "per analysed frame: time, poses, joint angles); default: table on a terminal, json when piped",
    )
    p.add_argument("-o", "--output", metavar="FILE", default=None, help="write the output to FILE, not stdout")
    p.add_argument("--compact", action="store_true", help="print JSON on one line")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--progress", action="store_true", help="show progress even when stderr is not a terminal")
    p.add_argument("--verbose", "-v", action="store_true", help="keep MediaPipe's native log messages")
    p.set_defaults(run=commands.analyze)

    p = _command(sub, "compare", "score an attempt against a reference dance (a table on a terminal, JSON when piped)")
    p.add_argument(
        "reference", help="the reference video (the choreography, the teacher), or a photo of a pose to reach"
    )
    p.add_argument("attempt", help="the video (or photo) of the attempt to score")
    p.add_argument("--mirror", action="store_true", help="compare the attempt's left side with the reference's right")
    p.add_argument(
        "--reference-person", type=_positive_int, default=None, help="compare this person id of the reference"
    )
    p.add_argument("--attempt-person", type=_positive_int, default=None, help="compare this person id of the attempt")
    p.add_argument("--sample-fps", type=_positive_float, default=None, help="analyse at most N frames per second")
    _add_workers(p, "processes to use (default: DANCE_WORKERS or the cores this process may use)")
    _add_model(p)
    p.add_argument(
        "--format",
        choices=["json", "table"],
        default=None,
        help="json (the result) or table (for reading: the score, body parts, moves made and missed, worst "
        "moments); default: table on a terminal, json when piped",
    )
    p.add_argument("-o", "--output", metavar="FILE", default=None, help="write the output to FILE, not stdout")
    p.add_argument("--compact", action="store_true", help="print JSON on one line")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    p.add_argument("--progress", action="store_true", help="show progress even when stderr is not a terminal")
    p.add_argument("--verbose", "-v", action="store_true", help="keep MediaPipe's native log messages")
    p.set_defaults(run=commands.compare)

    p = _command(
        sub, "learn", "derive a pose definition from a photo (or a video at --time), printed as YAML for review"
    )
    p.add_argument(
        "example", help="a photo (JPEG, PNG, ...) or a video of someone holding the pose; - reads standard input"
    )
    p.add_argument("--name", required=True, help="the new pose's name, e.g. my_arabesque")
    p.add_argument(
        "--time", type=_not_negative_float, default=None, help="for a video: the second at which the pose is held"
    )
    p.add_argument(
        "--by",
        choices=("measures", "likeness"),
        default="measures",
        help="measures: conditions around the body's measures; likeness: the body itself as the pose's example "
        "(the whole body must be in view)",
    )
    p.add_argument("--description", default="", help="the new pose's description, as a dancer would say it")
    p.add_argument("--model", choices=MODELS, default=None, help="landmark model (default DANCE_MODEL or full)")
    written = p.add_mutually_exclusive_group()
    written.add_argument("-o", "--output", metavar="FILE", default=None, help="write the YAML to FILE, not stdout")
    written.add_argument(
        "--into",
        metavar="POSES.yaml",
        default=None,
        help="add the pose to this pose file (made if absent) and check it; with --by likeness, a pose of that "
        "name known by its examples gains this one",
    )
    p.add_argument("--verbose", "-v", action="store_true", help="keep MediaPipe's native log messages")
    p.set_defaults(run=definitions.learn)

    p = sub.add_parser("serve", help="run the HTTP server")
    p.add_argument("--host", default=None, help="address to listen on (default DANCE_HOST, 0.0.0.0)")
    p.add_argument("--port", type=int, default=None, help="port to listen on (default DANCE_PORT, 5000)")
    p.set_defaults(run=commands.serve)

    p = sub.add_parser(
        "check", help="check the settings, data folder, model and pose and move files a server would start with"
    )
    p.set_defaults(run=commands.check)

    p = sub.add_parser("worker", help="run a Celery worker for /jobs (needs DANCE_BROKER_URL)")
    _add_workers(p, "processes (default: DANCE_WORKERS or the cores this process may use)")
    p.add_argument("--name", default=None, help="Celery node name (default: celery@hostname)")
    p.set_defaults(run=commands.worker)

    p = sub.add_parser("poses", help="print the pose definitions and features")
    p.add_argument("--file", default=None, help="a pose file to validate and show (default: the one in use)")
    p.set_defaults(run=definitions.poses)

    p = sub.add_parser("moves", help="print the move definitions: what each move is and its thresholds")
    p.add_argument("--file", default=None, help="a move file to validate and show (default: the one in use)")
    p.set_defaults(run=definitions.moves)
    return parser
