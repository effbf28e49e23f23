import pytest

from dance_analyzer.labels.definitions import DefinitionError
from dance_analyzer.labels.moves import KINDS, load_moves, parse_moves


def test_the_built_in_file_defines_every_kind_with_a_description():
    moves = load_moves()
    assert moves.names == tuple(KINDS)
    assert all(m.enabled and len(m.description) > 20 for m in moves.moves)


def test_a_short_file_tunes_a_threshold_and_keeps_the_rest():
    moves = parse_moves({"moves": {"jump": {"min_rise": 0.3}, "sway": {"enabled": False}}})
    by_name = {m.name: m for m in moves.moves}
    assert by_name["jump"].params.min_rise == 0.3
    assert by_name["jump"].params.edge_rise == load_moves().moves[1].params.edge_rise
    assert not by_name["sway"].enabled and by_name["turn"].enabled


def test_a_users_file_changes_the_built_in_moves_only_where_it_says_so(tmp_path):
    built_in = {m.name: m for m in load_moves().moves}
    mine = tmp_path / "moves.yaml"
    mine.write_text("moves:\n  bounce:\n    min_cycles: 3\n")
    by_name = {m.name: m for m in load_moves(mine).moves}
    # Where the built-in file differs from a detector's own default, the built-in value holds.
    assert built_in["bounce"].params.min_amplitude != type(built_in["bounce"].params)().min_amplitude
    assert by_name["bounce"].params.min_amplitude == built_in["bounce"].params.min_amplitude
    assert by_name["bounce"].params.min_cycles == 3 and by_name["bounce"].description == built_in["bounce"].description
    assert all(by_name[name] == built_in[name] for name in KINDS if name != "bounce")  # kinds left out


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"moves": {"twirl": {}}}, "unknown move 'twirl'"),
        ({"moves": {"jump": {"min_rize": 0.3}}}, "unknown key 'min_rize'"),
        ({"moves": {"jump": {"min_rise": "high"}}}, "expected a number"),
        ({"moves": {"jump": {"min_rise": -1}}}, "at least 0"),
        ({"moves": {"jump": {"min_rise": float("nan")}}}, "finite"),
        ({"moves": {"floor_work": {"positions": "lie"}}}, "list of names"),
        ({"moves": {"jump": {"enabled": "yes"}}}, "enabled true or false"),
        ({"moves": []}, "a 'moves' mapping"),
    ],
)
def test_mistakes_are_refused_naming_the_move_and_the_key(data, message):
    with pytest.raises(DefinitionError, match=message):
        parse_moves(data, "mine.yaml")


def test_a_move_file_set_in_the_environment_is_used_and_a_broken_one_stops_the_server(tmp_path, monkeypatch):
    from dance_analyzer.api.app import create_app
    from dance_analyzer.config import Settings
    from dance_analyzer.pipeline import AnalysisOptions

    good = tmp_path / "moves.yaml"
    good.write_text("moves:\n  jump:\n    min_rise: 0.3\n")
    monkeypatch.setenv("DANCE_MOVES_FILE", str(good))
    options = AnalysisOptions.from_settings(Settings())
    assert options.moves_file == good and load_moves(options.moves_file).moves[1].params.min_rise == 0.3
    bad = tmp_path / "typo.yaml"
    bad.write_text("moves:\n  jump:\n    min_rize: 0.3\n")
    with pytest.raises(DefinitionError, match="typo.yaml: move 'jump': unknown key 'min_rize'"):
        create_app(Settings(moves_file=bad, data_dir=tmp_path / "data"))
