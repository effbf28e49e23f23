// One subject's timeline under the video (the result, or one dancer of people=all): the cursor
// that follows playback, pose bands, the moves' lane and list, every pose's own lane, the
// counts, the numbers and the time per pose.

import { $, about, barRow, colourOf, fixed, label } from "./common.js";

// Times in a result are rounded to the millisecond, so a start can read up to 0.5 ms
// before its frame: seeking a hair after it shows that frame, not the one before.
const ROUNDING_S = 0.001;

// A move's name and its key measure, as the overlay and the CLI say it (captions.py).
function moveCaption(m) {
  const num = (v) => typeof v === "number";
  const words = [label(m.move)];
  if (m.move === "turn") words.push(num(m.rotations) ? `${m.rotations}×` : null, m.direction);
  else if (m.move === "jump") words.push(num(m.airtime_s) ? `${fixed(m.airtime_s, 2)} s` : null, m.shape);
  else if (m.move === "kick") words.push(m.direction, num(m.height_deg) ? `${Math.round(m.height_deg)}°` : null);
  else if (m.move === "step") words.push(m.direction);
  else if (m.move === "sway" || m.move === "bounce") words.push(num(m.cycles) ? `${m.cycles} cycles` : null);
  else if (m.move === "floor_work" && m.lowest) words.push(`(${m.lowest})`);
  if (m.on_count) words.push(`on ${m.on_count}`);  // counted to the music (rhythm)
  return words.filter(Boolean).join(" ");
}

// The bounce's timing in a dancer's words (the result's own: on the beat, on the "and", or how far off).
export function bounceText(bounce) {
  const steady = ` · steady ${bounce.steadiness}/100`;
  return bounce.in_time && bounce.where ? `in time: down ${bounce.where}${steady}` : `no steady bounce to the beat${steady}`;
}

// A move summary entry in words: the result's own sentence, else its count and kind.
function summaryText(entry) {
  if (entry.text) return entry.text;
  const name = label(entry.move);
  if (typeof entry.count !== "number") return name;
  return entry.move === "floor_work" || entry.count === 1 ? `${entry.count} ${name}` : `${entry.count} ${name}s`;
}

// Moves may overlap (a kick at the end of a turn): each goes on the first row where it
// fits, so every label stays readable.
function moveRows(moves) {
  const ends = [];
  return moves.map((m) => {
    let row = ends.findIndex((end) => end <= m.start_s + 1e-9);
    if (row < 0) { row = ends.length; ends.push(0); }
    ends[row] = m.end_s;
    return row;
  });
}

// The cursor follows playback; a click anywhere on the timeline seeks there. Returns
// the seek functions the bands, moves and moments use.
export function followPlayback(result, video) {
  const duration = result.duration_s || 1;
  const cursor = $("cursor");
  const seek = (t) => { video.currentTime = t; move(); };
  const seekStart = (t) => seek(Math.min(duration, t + ROUNDING_S));
  function move() {
    cursor.style.left = `${Math.min(100, (100 * video.currentTime) / duration)}%`;
  }
  // Follow playback smoothly while playing; seeking moves the cursor at once.
  const track = () => { move(); if (!video.paused) requestAnimationFrame(track); };
  video.onplay = track;
  video.onseeked = move;
  video.ontimeupdate = move;
  move();
  // Click anywhere on the timeline (not only on a band) to seek there.
  $("timeline").onclick = (e) => {
    if (e.target.closest(".band, .move")) return;
    const box = $("timeline").getBoundingClientRect();
    seek(((e.clientX - box.left) / box.width) * duration);
  };
  return { duration, seek, seekStart };
}

// The timeline of one subject (the result itself, or one dancer of people=all): pose
// bands, the moves' lane, the legend, the move list and the time per pose.
export function renderTimeline(subject, playback, cuts) {
  const { duration, seekStart } = playback;
  const bands = $("bands");
  bands.replaceChildren();
  // A dancer who came later or left early: the time they were not in view, shaded.
  const away = [];
  if (typeof subject.first_s === "number" && subject.first_s > 0.1) away.push([0, subject.first_s]);
  if (typeof subject.last_s === "number" && duration - subject.last_s > 0.25) away.push([subject.last_s, duration]);
  for (const [start, end] of away) {
    const shade = document.createElement("div");
    shade.className = "absent";
    shade.style.left = `${(100 * start) / duration}%`;
    shade.style.width = `${(100 * (end - start)) / duration}%`;
    bands.append(shade);
  }
  for (const seg of subject.segments) {
    const band = spanButton("band", seg.start_s, seg.end_s, duration);
    band.dataset.pose = seg.pose;
    band.style.background = colourOf(seg.pose);
    band.textContent = label(seg.pose); // bands read without colour (clipped when narrow)
    const counted = seg.counts ? ` for ${seg.counts} count${seg.counts === 1 ? "" : "s"}` : "";
    const held = seg.on_count ? `, on ${seg.on_count}${counted}` : "";
    band.title = `${label(seg.pose)}: ${seg.start_s.toFixed(1)}–${seg.end_s.toFixed(1)} s${held}`;
    band.setAttribute("aria-label", band.title);
    band.title += about("poses", seg.pose);
    band.addEventListener("click", () => seekStart(seg.start_s));
    bands.append(band);
  }
  // Where an edited video cuts to another shot: moves are read within each shot.
  for (const cut of cuts || []) {
    const mark = document.createElement("div");
    mark.className = "cut";
    mark.style.left = `${(100 * cut) / duration}%`;
    mark.title = `cut to another shot at ${cut.toFixed(2)} s`;
    bands.append(mark);
  }
  renderMoves(subject.moves || [], subject.move_summary || [], duration, seekStart);
  const poses = [...new Set(subject.segments.map((s) => s.pose))];
  const items = poses.map((pose) => {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.style.background = colourOf(pose);
    item.append(swatch, label(pose));
    item.title = about("poses", pose).trim();
    return item;
  });
  // The gaps between bands: no pose held long enough (or nobody in view) there.
  const gap = document.createElement("li");
  const blank = document.createElement("span");
  blank.className = "no-pose";
  gap.append(blank, "no pose held (or nobody in view)");
  $("legend").replaceChildren(...items, gap);
  renderChart(subject);
}

// A button over start..end seconds of a lane `duration` seconds wide (a pose band, a move).
function spanButton(className, start, end, duration) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = className;
  button.dataset.start = start;
  button.style.left = `${(100 * start) / duration}%`;
  button.style.width = `${(100 * (end - start)) / duration}%`;
  return button;
}

// The moves' lane, above the pose bands: one labelled span per move (a short one may
// show only the start of its label; the list under the timeline has them in full); a
// click on either seeks to the move.
function renderMoves(moves, summary, duration, seekStart) {
  $("move-summary").textContent = summary.length ? summary.map(summaryText).join(" · ") : "No move found.";
  $("move-list").replaceChildren(...moves.map((m) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "moment";
    button.dataset.move = m.move;
    const eight = m.eight ? ` (eight ${m.eight})` : "";
    button.textContent = `${m.start_s.toFixed(2)}–${m.end_s.toFixed(2)} s: ${moveCaption(m)}${eight}`;
    button.addEventListener("click", () => seekStart(m.start_s));
    item.append(button);
    return item;
  }));
  const lane = $("moves");
  const rows = moveRows(moves);
  lane.hidden = moves.length === 0;
  lane.style.height = `${(Math.max(...rows, -1) + 1) * 24}px`;
  lane.replaceChildren(...moves.map((m, k) => {
    const span = spanButton("move", m.start_s, m.end_s, duration);
    span.dataset.move = m.move;
    span.style.top = `${rows[k] * 24}px`;
    span.textContent = moveCaption(m);
    span.title = `${moveCaption(m)}: ${m.start_s.toFixed(2)}–${m.end_s.toFixed(2)} s`;
    span.setAttribute("aria-label", `${span.title} (play from here)`);
    span.title += about("moves", m.move);
    span.addEventListener("click", () => seekStart(m.start_s));
    return span;
  }));
}

// The video's numbers, and the dancer's: the main dancer's, or with people=all the one
// chosen (``subject``, an entry of result.people), as the chart beside them.
export function renderNumbers(result, subject = result) {
  const own = subject !== result;
  const rows = [
    ["Duration", `${result.duration_s.toFixed(1)} s`],
    ["Frames", `${result.total_frames}`],
    ["Analysed", `${result.processed_frames}`],
    ["Frame rate", result.fps ? `${result.fps.toFixed(1)} fps` : "–"],
    ["Size", `${result.width} × ${result.height}`],
  ];
  if (result.people) rows.push(["Dancers", `${result.people.length} (main dancer #${result.main_person})`]);
  rows.push([own ? `#${subject.id} found in` : "Dancer found in",
    `${own ? subject.frames_present : result.frames_with_person} frames`]);
  const movement = subject.movement;
  if (movement) {
    rows.push(
      ["Movement tempo", movement.tempo ? `${Math.round(movement.tempo.bpm)} bpm` : "–",
        "How often the movement repeats, in beats per minute; none when it does not repeat."],
      ["Symmetry", `arms ${Math.round(movement.symmetry.arms)} · legs ${Math.round(movement.symmetry.legs)} / 100`,
        "100: both sides move through the same ranges; 50: one side moves through twice the range of the other."],
      ["Energy", `${movement.mean_energy.toFixed(2)} torso lengths/s`,
        "How fast the main joints move on average, in torso lengths per second (0 is still)."],
    );
  }
  if (result.rhythm && result.rhythm.audio && !result.rhythm.audio_tempo_bpm && typeof result.rhythm.beat_clarity === "number") {
    rows.push(["Music", "no steady beat heard",
      "The sound has no beat clear enough to count to (speech, room noise or silence), so no move is given a count."]);
  }
  if (result.rhythm && result.rhythm.audio_tempo_bpm) {
    rows.push(["Music tempo", `${Math.round(result.rhythm.audio_tempo_bpm)} bpm`]);
    const bounce = (subject.rhythm || {}).bounce;  // the result's rhythm is the main dancer's
    if (bounce) {
      rows.push(["Bounce to the beat", bounceText(bounce),
        "Where the hips come down in each bounce, against the beats: in time when they come down at the "
        + "same point of the beat more steadily than chance would (steady 100: every time at the same point). "
        + "Not every dance bounces."]);
    }
    if (result.rhythm.beats && result.rhythm.beats.length >= 2) {
      rows.push(["Counted from", `${result.rhythm.beats[0].toFixed(2)} s`,
        "Each move says the count it starts on (\"on 5\", \"on 5&\"), in eights from the first beat heard: "
        + "count 1 is the music's own 1 only when the music starts on it."]);
    }
  }
  // Every figure with its unit; the ones that need it say what they mean, in words.
  $("numbers").replaceChildren(...rows.flatMap(([k, v, meaning]) => {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = v;
    if (meaning) {
      const hint = document.createElement("small");
      hint.className = "meaning";
      hint.textContent = meaning;
      dd.append(hint);
    }
    return [dt, dd];
  }));
}

function renderChart(result) {
  const seconds = {};
  for (const seg of result.segments) seconds[seg.pose] = (seconds[seg.pose] || 0) + seg.end_s - seg.start_s;
  const entries = Object.entries(seconds).sort((a, b) => b[1] - a[1]);
  const longest = entries.length ? entries[0][1] : 1;
  const chart = $("chart");
  if (!entries.length) { chart.textContent = "No pose held long enough to count."; return; }
  chart.replaceChildren(...entries.map(([pose, s]) => {
    const row = barRow(pose, (100 * s) / longest, `${s.toFixed(1)} s`);
    row.dataset.pose = pose;
    return row;
  }));
}

// Every pose that held in each frame (frames[].poses), one lane per pose: the timeline
// above shows only the one that wins each moment. With people=all, ``who`` (an id) shows
// that dancer's own (frames[].people[].poses).
export function renderLanes(result, playback, who = null) {
  const frames = result.frames || [];
  const box = $("lanes-box");
  box.hidden = frames.length === 0;
  if (box.hidden) return;
  box.querySelector("summary").textContent = who === null
    ? "Every pose that held, each on its own lane (several can hold at once)"
    : `Every pose #${who} held, each on its own lane (several can hold at once)`;
  const posesIn = (frame) => (who === null
    ? frame.poses
    : ((frame.people || []).find((p) => p.id === who) || {}).poses || []);
  const end = (k) => (k + 1 < frames.length ? frames[k + 1].t : result.duration_s);
  const spans = new Map();
  frames.forEach((frame, k) => {
    for (const pose of posesIn(frame)) {
      const list = spans.get(pose) || [];
      const last = list[list.length - 1];
      if (last && last.k === k - 1) { last.end = end(k); last.k = k; } else list.push({ start: frame.t, end: end(k), k });
      spans.set(pose, list);
    }
  });
  $("lanes").replaceChildren(...[...spans.entries()].map(([pose, list]) => {
    const lane = document.createElement("div");
    lane.className = "lane";
    lane.dataset.pose = pose;
    const name = document.createElement("span");
    name.textContent = label(pose);
    const track = document.createElement("div");
    track.className = "lane-track";
    for (const span of list) {
      const button = document.createElement("button");
      button.type = "button";
      button.style.left = `${(100 * span.start) / playback.duration}%`;
      button.style.width = `${(100 * (span.end - span.start)) / playback.duration}%`;
      button.style.background = colourOf(pose);
      button.setAttribute("aria-label", `${label(pose)}: ${span.start.toFixed(1)}–${span.end.toFixed(1)} s`);
      button.addEventListener("click", () => playback.seekStart(span.start));
      track.append(button);
    }
    lane.append(name, track);
    return lane;
  }));
}

// Each pose's repetitions ("3 × squat"), each rep a button that plays it: the result's, or
// (``who``: their id) the chosen dancer's with people=all.
export function renderCounts(counts, seekStart, who = null) {
  const repeated = (counts || []).filter((c) => c.count > 0);
  $("counts-facts").hidden = repeated.length === 0;
  $("counts-heading").textContent = who === null ? "Counts" : `Counts of #${who}`;
  $("counts").replaceChildren(...repeated.map((c) => {
    const item = document.createElement("li");
    item.dataset.pose = c.pose;
    item.append(`${c.count} × ${label(c.pose)}: `);
    c.reps.forEach((rep, k) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${rep.start_s.toFixed(1)} s`;
      button.setAttribute("aria-label", `${label(c.pose)} number ${k + 1}, at ${rep.start_s.toFixed(1)} s`);
      button.addEventListener("click", () => seekStart(rep.start_s));
      item.append(button);
    });
    return item;
  }));
}

// What a warning's advice is on this page, where the API's own words name a parameter.
const ON_THIS_PAGE = { several_people: "On this page: tick “Every dancer” and analyse it again." };

export function renderWarnings(warnings) {
  const list = $("warnings");
  list.replaceChildren(...(warnings || []).map((w) => {
    const item = document.createElement("li");
    item.dataset.code = w.code;
    item.textContent = ON_THIS_PAGE[w.code] ? `${w.message} ${ON_THIS_PAGE[w.code]}` : w.message;
    return item;
  }));
  list.hidden = list.children.length === 0;
}
