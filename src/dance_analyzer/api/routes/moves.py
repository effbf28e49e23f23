"""The move definitions in use: what each kind of move is and the thresholds that find it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ...labels.moves import load_moves
from ..deps import SettingsDep
from ..schemas import MoveDefinitions

router = APIRouter(prefix="/moves", tags=["moves"])


@router.get(
    "",
    response_model=MoveDefinitions,
    summary="The moves an analysis finds (turn, jump, kick, step, sway, bounce, floor_work), described, "
    "with their thresholds",
    description="Each kind of move with a description a dancer recognises and every threshold its detector "
    "uses (seconds, degrees, torso lengths), from the built-in moves.yaml or `DANCE_MOVES_FILE`.\n\n"
    "Example: `curl http://localhost:5000/moves`",
)
def list_moves(settings: SettingsDep) -> dict[str, Any]:
    # Read per request (a few kilobytes of YAML, on a worker thread): it says what the
    # next analysis will use. The file was checked when the app was created.
    move_set = load_moves(settings.moves_file)
    return {"source": move_set.source, "moves": [m.to_dict() for m in move_set.moves]}
