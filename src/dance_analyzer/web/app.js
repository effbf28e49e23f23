// dance-analyzer's page: upload to /jobs, follow the job, show the annotated video,
// the timeline of moves and poses and the numbers. Plain DOM, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const POLL_MS = 500;
// One colour per pose, stable across videos (chosen by the pose's name).
const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
                 "#f032e6", "#9a6324", "#469990", "#808000", "#000075", "#a9a9a9"];

function colourOf(pose) {
  let h = 0;
  for (const ch of pose) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

function label(pose) { return pose.replaceAll("_", " "); }

// Times in a result are rounded to the millisecond, so a start can read up to 0.5 ms
// before its frame: seeking a hair after it shows that frame, not the one before.
const ROUNDING_S = 0.001;

// A move's name and its key measure, as the overlay and the CLI say it (captions.py).
function moveCaption(m) {
  const num = (v) => typeof v === "number";
  const words = [label(m.move)];
  if (m.move === "turn") words.push(num(m.rotations) ? `${m.rotations}×` : null, m.direction);
  else if (m.move === "jump") words.push(num(m.airtime_s) ? `${m.airtime_s.toFixed(2)} s` : null, m.shape);
  else if (m.move === "kick") words.push(m.direction, num(m.height_deg) ? `${Math.round(m.height_deg)}°` : null);
  else if (m.move === "step") words.push(m.direction);
  else if (m.move === "sway" || m.move === "bounce") words.push(num(m.cycles) ? `${m.cycles} cycles` : null);
  else if (m.move === "floor_work" && m.lowest) words.push(`(${m.lowest})`);
  return words.filter(Boolean).join(" ");
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

// Servers started with DANCE_API_KEYS want a key on every API call; the page asks once
// and keeps it in this browser.
const KEY_STORE = "dance-analyzer-api-key";
function authHeaders() {
  const key = localStorage.getItem(KEY_STORE);
  return key ? { "X-API-Key": key } : {};
}
function askForKey() {
  const key = prompt("This server needs an API key:");
  if (key) localStorage.setItem(KEY_STORE, key.trim());
  return Boolean(key);
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
  $("status").hidden = true;
  $("pick").hidden = false;
}

function setStatus(text, fraction) {
  $("status").hidden = false;
  $("status-text").textContent = text;
  const bar = $("status-bar");
  if (fraction === null) bar.removeAttribute("value"); else bar.value = fraction;
}

// Errors from the API are JSON {"error": "..."}; anything else gets a plain message.
async function errorText(response) {
  try {
    const body = await response.json();
    if (body && body.error) return body.error;
  } catch (_) { /* not JSON */ }
  return `The server answered ${response.status} ${response.statusText}`;
}

function upload(file) {
  const params = new URLSearchParams({ overlay: "true", rhythm: "true" });
  if ($("sample").checked) params.set("sample_fps", "10");
  const form = new FormData();
  form.append("file", file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/jobs?${params}`);
    xhr.responseType = "json";
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setStatus(`Uploading ${file.name}…`, e.loaded / e.total);
    };
    xhr.onload = () => {
      const body = xhr.response || {};
      if (xhr.status === 202) resolve(body);
      else if (xhr.status === 401) reject(new Error(askForKey() ? "API key saved: choose the video again" : body.error));
      else if (xhr.status === 429) reject(new Error(`${body.error || "The server is busy"} (try again in ${xhr.getResponseHeader("Retry-After") || "a few"} s)`));
      else reject(new Error(body.error || `Upload failed (${xhr.status})`));
    };
    xhr.onerror = () => reject(new Error("The upload failed: is the server reachable?"));
    xhr.send(form);
  });
}

async function follow(statusUrl) {
  for (;;) {
    const response = await fetch(statusUrl, { cache: "no-store", headers: authHeaders() });
    if (!response.ok) throw new Error(await errorText(response));
    const job = await response.json();
    if (job.status === "done") return job;
    if (job.status === "failed") throw new Error(job.error || "The analysis failed");
    if (job.status === "queued") setStatus("Waiting for a free worker…", null);
    else if (job.frames_total && job.frames_done >= job.frames_total) setStatus("Drawing the skeleton on the video…", null);
    else setStatus(`Analysing: ${job.frames_done} of ${job.frames_total ?? "?"} frames`, job.progress);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function renderTimeline(result, video) {
  const bands = $("bands");
  bands.replaceChildren();
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
  for (const seg of result.segments) {
    const band = document.createElement("button");
    band.type = "button";
    band.className = "band";
    band.dataset.pose = seg.pose;
    band.dataset.start = seg.start_s;
    band.style.left = `${(100 * seg.start_s) / duration}%`;
    band.style.width = `${(100 * (seg.end_s - seg.start_s)) / duration}%`;
    band.style.background = colourOf(seg.pose);
    band.title = `${label(seg.pose)}: ${seg.start_s.toFixed(1)}–${seg.end_s.toFixed(1)} s`;
    band.setAttribute("aria-label", band.title);
    band.addEventListener("click", () => seekStart(seg.start_s));
    bands.append(band);
  }
  renderMoves(result.moves || [], result.move_summary || [], duration, seekStart);
  const poses = [...new Set(result.segments.map((s) => s.pose))];
  $("legend").replaceChildren(...poses.map((pose) => {
    const item = document.createElement("li");
    const swatch = document.createElement("span");
    swatch.style.background = colourOf(pose);
    item.append(swatch, label(pose));
    return item;
  }));
  // Click anywhere on the timeline (not only on a band) to seek there.
  $("timeline").onclick = (e) => {
    if (e.target.closest(".band, .move")) return;
    const box = $("timeline").getBoundingClientRect();
    seek(((e.clientX - box.left) / box.width) * duration);
  };
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
    button.textContent = `${m.start_s.toFixed(2)}–${m.end_s.toFixed(2)} s: ${moveCaption(m)}`;
    button.addEventListener("click", () => seekStart(m.start_s));
    item.append(button);
    return item;
  }));
  const lane = $("moves");
  const rows = moveRows(moves);
  lane.hidden = moves.length === 0;
  lane.style.height = `${(Math.max(...rows, -1) + 1) * 24}px`;
  lane.replaceChildren(...moves.map((m, k) => {
    const span = document.createElement("button");
    span.type = "button";
    span.className = "move";
    span.dataset.move = m.move;
    span.dataset.start = m.start_s;
    span.style.left = `${(100 * m.start_s) / duration}%`;
    span.style.width = `${(100 * (m.end_s - m.start_s)) / duration}%`;
    span.style.top = `${rows[k] * 24}px`;
    span.textContent = moveCaption(m);
    span.title = `${moveCaption(m)}: ${m.start_s.toFixed(2)}–${m.end_s.toFixed(2)} s`;
    span.setAttribute("aria-label", `${span.title} (play from here)`);
    span.addEventListener("click", () => seekStart(m.start_s));
    return span;
  }));
}

function renderNumbers(result) {
  const rows = [
    ["Duration", `${result.duration_s.toFixed(1)} s`],
    ["Frames", `${result.total_frames}`],
    ["Analysed", `${result.processed_frames}`],
    ["Frame rate", result.fps ? `${result.fps.toFixed(1)} fps` : "–"],
    ["Size", `${result.width} × ${result.height}`],
    ["Dancer found in", `${result.frames_with_person} frames`],
  ];
  const movement = result.movement;
  if (movement) {
    rows.push(
      ["Movement tempo", movement.tempo ? `${Math.round(movement.tempo.bpm)} bpm` : "–"],
      ["Symmetry", `arms ${Math.round(movement.symmetry.arms)} · legs ${Math.round(movement.symmetry.legs)}`],
    );
  }
  if (result.rhythm && result.rhythm.audio_tempo_bpm) {
    rows.push(["Music tempo", `${Math.round(result.rhythm.audio_tempo_bpm)} bpm`]);
    if (result.rhythm.on_beat_score !== undefined) rows.push(["On the beat", `${Math.round(result.rhythm.on_beat_score)}%`]);
  }
  $("numbers").replaceChildren(...rows.flatMap(([k, v]) => {
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = v;
    return [dt, dd];
  }));
}

// One row of a horizontal bar chart: name, a bar filled to ``percent``, the value.
function barRow(key, percent, valueText) {
  const row = document.createElement("div");
  row.className = "bar";
  const name = document.createElement("span"); name.textContent = label(key);
  const track = document.createElement("span"); track.className = "track";
  const fill = document.createElement("span");
  fill.style.width = `${percent}%`;
  fill.style.background = colourOf(key);
  track.append(fill);
  const value = document.createElement("span"); value.textContent = valueText;
  row.append(name, track, value);
  return row;
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

async function videoSource(url) {
  // A <video> cannot send headers: with a key, fetch the file and play it from memory.
  if (!localStorage.getItem(KEY_STORE)) return url;
  const response = await fetch(url, { headers: authHeaders() });
  if (!response.ok) throw new Error(await errorText(response));
  return URL.createObjectURL(await response.blob());
}

async function show(job) {
  const result = job.result;
  const video = $("video");
  const source = await videoSource(job.overlay_url);
  video.src = source;
  renderTimeline(result, video);
  renderNumbers(result);
  renderChart(result);
  const json = new Blob([JSON.stringify(result, null, 2)], { type: "application/json" });
  const stem = (result.filename || "video").replace(/\.[^.]*$/, "");
  $("download-json").href = URL.createObjectURL(json);
  $("download-json").download = `${stem}-poses.json`;
  $("download-video").href = source;
  $("download-video").download = `${stem}-annotated.mp4`;
  $("status").hidden = true;
  $("result").hidden = false;
  $("result").dataset.job = job.id;
  document.body.dataset.state = "done";
}

async function analyse(file) {
  $("error").hidden = true;
  $("result").hidden = true;
  $("comparison").hidden = true;
  $("pick").hidden = true;
  document.body.dataset.state = "working";
  try {
    const created = await upload(file);
    setStatus("Queued…", null);
    await show(await follow(created.status_url));
  } catch (err) {
    document.body.dataset.state = "error";
    showError(err.message);
  }
}

// ---------------------------------------------------------------- compare two dances

// The reference second that goes with an attempt second, from the server's sync map.
function referenceTime(syncMap, t) {
  if (!syncMap.length) return t;
  let k = 0;
  while (k + 1 < syncMap.length && syncMap[k + 1][0] <= t) k++;
  const [a0, r0] = syncMap[k];
  const [a1, r1] = syncMap[Math.min(k + 1, syncMap.length - 1)];
  return a1 > a0 ? r0 + ((t - a0) * (r1 - r0)) / (a1 - a0) : r0;
}

function showComparison(result, referenceFile, attemptFile) {
  const ref = $("reference-video");
  const att = $("attempt-video");
  ref.src = URL.createObjectURL(referenceFile);
  att.src = URL.createObjectURL(attemptFile);
  $("similarity").textContent = `${Math.round(result.similarity)}%`;
  $("sync-facts").textContent =
    `· offset ${result.offset_s.toFixed(1)} s · tempo ×${result.tempo_ratio.toFixed(2)}` +
    (result.mirror ? " · mirrored" : ` · mirrored: ${Math.round(result.mirrored_similarity)}%`);
  $("part-scores").replaceChildren(...Object.entries(result.body_parts).map(([part, v]) => {
    const row = barRow(part, v.score, `${Math.round(v.score)}`);
    row.dataset.part = part;
    return row;
  }));
  // Keep the reference where the sync map says while the attempt plays or seeks.
  const follow = () => {
    const target = referenceTime(result.sync_map, att.currentTime);
    if (Math.abs(ref.currentTime - target) > 0.15) ref.currentTime = target;
  };
  att.ontimeupdate = follow;
  att.onseeked = follow;
  att.onplay = () => { follow(); ref.play(); };
  att.onpause = () => ref.pause();
  const seekMoment = (m) => {
    att.pause();
    att.currentTime = m.attempt_start_s;
    ref.currentTime = m.reference_start_s;
  };
  // The worst moments marked on the attempt's timeline.
  const length = result.attempt.duration_s || 1;
  $("moments-timeline").replaceChildren(...result.worst_moments.map((m) => {
    const mark = document.createElement("button");
    mark.type = "button";
    mark.className = "mark";
    mark.style.left = `${(100 * m.attempt_start_s) / length}%`;
    mark.style.width = `${(100 * (m.attempt_end_s - m.attempt_start_s)) / length}%`;
    mark.title = `${label(m.body_part)} off by ${Math.round(m.deviation_deg)}°`;
    mark.addEventListener("click", () => seekMoment(m));
    return mark;
  }));
  $("worst").replaceChildren(...result.worst_moments.map((m) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "moment";
    button.dataset.start = m.attempt_start_s;
    button.textContent = `${m.attempt_start_s.toFixed(1)}–${m.attempt_end_s.toFixed(1)} s: ` +
      `${label(m.body_part)} off by ${Math.round(m.deviation_deg)}°`;
    button.addEventListener("click", () => seekMoment(m));
    item.append(button);
    return item;
  }));
  $("status").hidden = true;
  $("comparison").hidden = false;
  document.body.dataset.state = "compared";
}

async function compare() {
  const referenceFile = $("reference-file").files[0];
  const attemptFile = $("attempt-file").files[0];
  if (!referenceFile || !attemptFile) { showError("Choose both videos to compare."); return; }
  $("error").hidden = true;
  $("result").hidden = true;
  $("comparison").hidden = true;
  document.body.dataset.state = "working";
  setStatus("Analysing both dances and lining them up…", null);
  const form = new FormData();
  form.append("reference", referenceFile, referenceFile.name);
  form.append("attempt", attemptFile, attemptFile.name);
  const params = new URLSearchParams({ sample_fps: "15", mirror: String($("mirror").checked) });
  try {
    const response = await fetch(`/compare?${params}`, { method: "POST", body: form, headers: authHeaders() });
    if (!response.ok) throw new Error(await errorText(response));
    showComparison(await response.json(), referenceFile, attemptFile);
  } catch (err) {
    document.body.dataset.state = "error";
    showError(err.message);
  }
}

function init() {
  const input = $("file");
  input.addEventListener("change", () => { if (input.files[0]) analyse(input.files[0]); });
  const drop = $("drop");
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") input.click(); });
  for (const type of ["dragenter", "dragover"]) {
    drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); });
  }
  for (const type of ["dragleave", "drop"]) {
    drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.remove("over"); });
  }
  drop.addEventListener("drop", (e) => { if (e.dataTransfer.files[0]) analyse(e.dataTransfer.files[0]); });
  $("again").addEventListener("click", () => {
    $("result").hidden = true;
    $("pick").hidden = false;
    $("video").removeAttribute("src");
    input.value = "";
  });
  $("compare-go").addEventListener("click", compare);
  document.body.dataset.state = "ready";
}

init();
