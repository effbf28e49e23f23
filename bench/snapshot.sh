#!/usr/bin/env bash
# Write every output a refactor must leave byte-identical into DIR: the CLI's JSON for every
# shared clip (per frame for the seven solo clips, also in one process), rhythm, sampling,
# comparisons, an annotated video, the pose listing, error messages and exit codes, help
# texts, and, through the real app, the OpenAPI document and the answers of /analyze,
# /compare, /poses, /poses/learn and both kinds of job.
#
# Usage:  bash bench/snapshot.sh DIR        (about two minutes on two cores)
#         then, after the change:  bash bench/snapshot.sh DIR2 && diff -r DIR DIR2
set -u
out=$(realpath -m "$1")
mkdir -p "$out"
cd "$(dirname "$0")/.."
M=../shared/media
[ -d "$M" ] || { echo "no ../shared/media beside the repo" >&2; exit 1; }
CLI=".venv/bin/python -m dance_analyzer.cli"
run() { # run NAME ARGS...: stdout to NAME, stderr and the exit code to NAME.err
  local name=$1; shift
  $CLI "$@" >"$out/$name" 2>"$out/$name.err"
  echo "exit $?" >>"$out/$name.err"
}
for c in balance_short_1 ballet_spin_1 dance_solo_1 dance_solo_2 one_leg_arms_up_1 squat_band_1 taichi_solo_1; do
  run "analyze_$c.json" analyze "$M/$c.mp4" --detail frames -q
done
for c in dance_solo_2 one_leg_arms_up_1 balance_short_1; do
  run "analyze1_$c.json" analyze "$M/$c.mp4" --workers 1 --detail frames -q
done
for f in "$M"/solo_dance/* "$M"/multi_person/*; do
  run "analyze_$(basename "$f").json" analyze "$f" -q
done
run rhythm_dance_solo_2.json analyze "$M/dance_solo_2.mp4" --rhythm -q
run rhythm_dance_solo_1.json analyze "$M/dance_solo_1.mp4" --rhythm --sample-fps 10 -q --compact
run sampled_taichi.json analyze "$M/taichi_solo_1.mp4" --sample-fps 7 -q
run compare_same.json compare "$M/dance_solo_2.mp4" "$M/dance_solo_2.mp4"
run compare_taichi.json compare "$M/dance_solo_2.mp4" "$M/taichi_solo_1.mp4"
run compare_taichi_mirror1.json compare "$M/dance_solo_2.mp4" "$M/taichi_solo_1.mp4" --mirror --workers 1
run compare_rev.json compare "$M/taichi_solo_1.mp4" "$M/dance_solo_2.mp4" --sample-fps 10
run overlay.json analyze "$M/squat_band_1.mp4" -q --overlay "$out/overlay.mp4"
run poses.txt poses
run err_image.txt analyze "$M/standing_man.jpg"
run err_missing.txt analyze /nonexistent.mp4
run err_text.txt analyze "$M/SOURCES.md"
run help.txt --help
run help_analyze.txt analyze --help
run help_compare.txt compare --help
.venv/bin/python bench/snapshot_api.py "$out" 2>/dev/null
