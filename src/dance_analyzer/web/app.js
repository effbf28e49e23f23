// dance-analyzer's page: upload to /jobs, follow the job, show the annotated video,
// the timeline of moves and poses and the numbers; with every dancer (people=all), a
// chip per dancer that puts their poses and moves on the timeline, and how in sync the
// group is. Plain DOM, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const POLL_MS = 500;
// One colour per pose, stable across videos (chosen by the pose's name).
// Each at least 4.9:1 against the light page and 3:1 against the dark one, and no two
// alike (no greys: the gaps between poses are the page's own background).
const PALETTE = ["#d62728", "#2e7d32", "#1f5fbf", "#c2410c", "#7e22ce", "#0e7490",
                 "#be185d", "#8c564b", "#5b6b00", "#a16207", "#1e3a8a", "#475569"];

function colourOf(pose) {
  let h = 0;
  for (const ch of pose) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

function label(pose) { return pose.replaceAll("_", " "); }

// What each pose and move is, from the definitions in use (GET /poses, /moves): shown on
// hover, so a name like "passe" explains itself.
const ABOUT = { poses: {}, moves: {} };
async function loadDescriptions() {
  try {
    const [poses, moves] = await Promise.all(["/poses", "/moves"].map((url) => fetch(url, { headers: authHeaders() })));
    if (poses.ok) for (const p of (await poses.json()).poses) ABOUT.poses[p.name] = p.description;
    if (moves.ok) for (const m of (await moves.json()).moves) ABOUT.moves[m.name] = m.description;
  } catch (_) { /* names alone still read */ }
}
const about = (kind, name) => (ABOUT[kind][name] ? `\n${ABOUT[kind][name]}` : "");

// One colour per dancer id, the overlay's own (render.py PERSON_RGB), so a chip matches
// the skeleton drawn on the video; the id is always written beside it.
const PERSON_COLOURS = ["#00e676", "#ff40a0", "#409cff", "#ffc107", "#b46eff", "#ff7043", "#00dce6", "#ebebeb"];
function personColour(id) {
  const n = PERSON_COLOURS.length;
  return PERSON_COLOURS[(((id - 1) % n) + n) % n];
}

// A small square of a dancer's colour, for beside their id (decoration: the id says it).
function swatch(id) {
  const mark = document.createElement("span");
  mark.className = "swatch";
  mark.style.background = personColour(id);
  mark.setAttribute("aria-hidden", "true");
  return mark;
}

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
  // Each frame's details (detail=frames): a click on the video picks a dancer by their
  // box, and the job's CSV table (a row per frame) can be downloaded.
  const params = new URLSearchParams({ overlay: "true", rhythm: "true", detail: "frames" });
  if ($("sample").checked) params.set("sample_fps", "10");
  if ($("people").checked) params.set("people", "all");
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

async function follow(statusUrl, mine) {
  for (;;) {
    if (mine && mine.cancelled) return null;
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

// The cursor follows playback; a click anywhere on the timeline seeks there. Returns
// the seek functions the bands, moves and moments use.
function followPlayback(result, video) {
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
function renderTimeline(subject, playback, cuts) {
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
    const band = document.createElement("button");
    band.type = "button";
    band.className = "band";
    band.dataset.pose = seg.pose;
    band.dataset.start = seg.start_s;
    band.style.left = `${(100 * seg.start_s) / duration}%`;
    band.style.width = `${(100 * (seg.end_s - seg.start_s)) / duration}%`;
    band.style.background = colourOf(seg.pose);
    band.textContent = label(seg.pose); // bands read without colour (clipped when narrow)
    band.title = `${label(seg.pose)}: ${seg.start_s.toFixed(1)}–${seg.end_s.toFixed(1)} s`;
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
    span.title += about("moves", m.move);
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
  if (result.people) rows.push(["Dancers", `${result.people.length} (main dancer #${result.main_person})`]);
  const movement = result.movement;
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
  if (result.rhythm && result.rhythm.audio_tempo_bpm) {
    rows.push(["Music tempo", `${Math.round(result.rhythm.audio_tempo_bpm)} bpm`]);
    if (result.rhythm.on_beat_score !== undefined) {
      rows.push(["On the beat", `${Math.round(result.rhythm.on_beat_score)}%`,
        "The share of the movement's accents that fall near a beat; moving without the music scores about 30%."]);
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

// One row of a horizontal bar chart: name, a bar filled to ``percent``, the value.
function barRow(key, percent, valueText) {
  const row = document.createElement("div");
  row.className = "bar";
  const name = document.createElement("span"); name.textContent = label(key);
  const track = document.createElement("span"); track.className = "track";
  const fill = document.createElement("span");
  fill.className = "fill";
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

// ---------------------------------------------------------------- several dancers

// The analysed frame a moment of the annotated video shows: the overlay has the input's
// frames at its rate, and each shows its latest analysed frame (render.py), so match by
// frame index, not by time.
function frameAt(result, time) {
  const frames = result.frames || [];
  const index = Math.floor(time * (result.fps || 25) + 1e-3);
  let lo = 0, hi = frames.length - 1, at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (frames[mid].index <= index) { at = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return at >= 0 ? frames[at] : null;
}

// The dancer under a click on the video, or null: the picture is letterboxed in the
// element, and the bottom strip is the player's controls.
function personAt(result, video, e) {
  if (!result.frames || !video.videoWidth) return null;
  const box = video.getBoundingClientRect();
  if (e.clientY > box.bottom - 48) return null;
  const fit = Math.min(box.width / video.videoWidth, box.height / video.videoHeight);
  const w = video.videoWidth * fit, h = video.videoHeight * fit;
  const x = (e.clientX - box.left - (box.width - w) / 2) / w;
  const y = (e.clientY - box.top - (box.height - h) / 2) / h;
  const frame = frameAt(result, video.currentTime);
  if (!frame || x < 0 || x > 1 || y < 0 || y > 1) return null;
  const margin = 0.02;
  const hits = (frame.people || []).filter(({ box: [x0, y0, x1, y1] }) =>
    x >= x0 - margin && x <= x1 + margin && y >= y0 - margin && y <= y1 + margin);
  const area = ({ box: [x0, y0, x1, y1] }) => (x1 - x0) * (y1 - y0);
  hits.sort((a, b) => area(a) - area(b));  // the smaller box: the one in front, usually
  return hits.length ? hits[0].id : null;
}

// A chip per dancer (colour, id, the main dancer said in words); the chosen one's poses and
// moves fill the timeline. Returns the function that chooses a dancer (null without people).
function renderPeople(result, video, playback) {
  const people = result.people;
  const pick = $("people-pick");
  const who = $("timeline-who");
  video.onclick = null;
  video.onmousemove = null;
  video.style.cursor = "";
  $("chart-heading").textContent = "Time per pose";
  $("move-heading").textContent = "Moves";
  $("timeline").setAttribute("aria-label", "Moves and poses over time");
  delete $("timeline").dataset.person;
  if (!people) {
    pick.hidden = true;
    who.hidden = true;
    renderTimeline(result, playback, result.cuts_s);
    return null;
  }
  const name = (p) => `#${p.id}${p.id === result.main_person ? " (main dancer)" : ""}`;
  const seen = (p) => (typeof p.first_s === "number" ? `in view ${p.first_s.toFixed(1)}–${p.last_s.toFixed(1)} s` : "not in view");
  const chips = people.map((p) => {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "person-chip";
    chip.dataset.person = p.id;
    chip.setAttribute("aria-pressed", "false");
    chip.title = `${name(p)}, ${seen(p)}: show on the timeline`;
    const text = document.createElement("span");
    text.textContent = `#${p.id}`;
    chip.append(swatch(p.id), text);
    if (p.id === result.main_person) {
      const main = document.createElement("span");
      main.className = "main-tag";
      main.textContent = "main";
      chip.append(main);
    }
    chip.addEventListener("click", () => select(p.id));
    return chip;
  });
  $("people-chips").replaceChildren(...chips);
  pick.hidden = false;
  function select(id) {
    const person = people.find((p) => p.id === id);
    if (!person) return;
    for (const chip of chips) chip.setAttribute("aria-pressed", String(Number(chip.dataset.person) === id));
    $("timeline").dataset.person = id;
    $("timeline").setAttribute("aria-label", `Moves and poses of #${id} over time`);
    $("chart-heading").textContent = `Time per pose of #${id}`;
    $("move-heading").textContent = `Moves of #${id}`;
    const text = document.createElement("span");
    text.textContent = `Timeline of ${name(person)}, ${seen(person)}`;
    who.replaceChildren(swatch(id), text);
    who.hidden = false;
    renderTimeline(person, playback, result.cuts_s);
  }
  // Click a dancer on the video to choose them (the boxes come with detail=frames).
  if (result.frames) {
    video.onclick = (e) => {
      const id = personAt(result, video, e);
      if (id === null) return;
      e.preventDefault();  // choosing a dancer, not play/pause
      select(id);
    };
    video.onmousemove = (e) => { video.style.cursor = personAt(result, video, e) === null ? "" : "pointer"; };
  }
  select(people.some((p) => p.id === result.main_person) ? result.main_person : people[0].id);
  return select;
}

// How the score reads, in words (reports/sync.py: 80 or more is unison, below 60 visibly apart).
function syncVerdict(score) {
  if (typeof score !== "number") return "nothing to compare";
  if (score >= 80) return "in unison";
  if (score >= 60) return "together, with differences";
  return "visibly apart";
}

function lagText(d) {
  if (typeof d.lag_s !== "number") return "lag not measured (too little shared movement)";
  if (Math.abs(d.lag_s) < 0.05) return "on time with the others";
  const trust = typeof d.lag_correlation === "number" && d.lag_correlation < 0.5 ? " (weak match)" : "";
  return `${Math.abs(d.lag_s).toFixed(2)} s ${d.lag_s > 0 ? "behind" : "ahead of"} the others${trust}`;
}

function jointText(joint) { return label(joint.replace(/_dir$/, "")); }

// The group's sync: its 0-100 score and what it means, each dancer's score and lag, and
// the least-in-sync moments as buttons that play the video from there.
function renderSync(sync, playback, select) {
  const panel = $("group-sync");
  if (!sync) { panel.hidden = true; return; }
  const group = sync.group;
  const num = (v) => typeof v === "number";
  $("sync-score").textContent = num(group.score) ? `${Math.round(group.score)}` : "–";
  $("sync-verdict").textContent = syncVerdict(group.score);
  $("sync-meaning").textContent =
    "0–100: how alike the dancers' joint angles are at the same moment. 100 is identical, " +
    "80 or more reads as unison, below 60 the dancers visibly differ." +
    (num(group.deviation_deg) ? ` Here ${group.deviation_deg.toFixed(0)}° apart on average over ${group.compared_s} s.` : "") +
    (sync.mirror ? " A dancer mirroring the others counts as in sync." : "");
  $("sync-parts").replaceChildren(...Object.entries(group.body_parts || {})
    .filter(([, v]) => num(v))
    .map(([part, v]) => {
      const row = barRow(part, v, `${Math.round(v)}`);
      row.dataset.part = part;
      return row;
    }));
  $("sync-dancers").replaceChildren(...sync.dancers.map((d) => {
    const item = document.createElement("li");
    item.dataset.person = d.id;
    const text = document.createElement("span");
    const score = num(d.score) ? `score ${Math.round(d.score)}` : "no score";
    text.textContent = `#${d.id}: ${score}, ${lagText(d)}${d.mirrored ? ", compared as a mirror image" : ""}`;
    item.append(swatch(d.id), text);
    return item;
  }));
  const moments = sync.least_in_sync || [];
  $("sync-moments").replaceChildren(...moments.map((m) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "moment";
    button.dataset.start = m.start_s;
    const [a, b] = m.pair;
    const who = m.dancer !== null && m.dancer !== undefined ? [m.dancer] : [a, b];
    const times = `${m.start_s.toFixed(1)}–${m.end_s.toFixed(1)} s`;
    const part = label(m.body_part);
    const text = document.createElement("span");
    text.textContent = who.length === 1
      ? `${times}: #${m.dancer} out of step, ${part} (${jointText(m.joint)} ${Math.round(m.joint_deviation_deg)}° off)`
      : `${times}: #${a} and #${b} apart, ${part} (${jointText(m.joint)} of #${a}, ${Math.round(m.joint_deviation_deg)}° apart)`;
    button.append(...who.map(swatch), text);
    button.addEventListener("click", () => {
      if (who.length === 1 && select) select(m.dancer);
      playback.seekStart(m.start_s);
    });
    item.append(button);
    return item;
  }));
  if (!moments.length) {
    const item = document.createElement("li");
    item.textContent = "No moment stands out: the dancers stay close throughout.";
    $("sync-moments").append(item);
  }
  panel.hidden = false;
}

// Every pose that held in each frame (frames[].poses), one lane per pose: the timeline
// above shows only the one that wins each moment.
function renderLanes(result, playback) {
  const frames = result.frames || [];
  const box = $("lanes-box");
  box.hidden = frames.length === 0;
  if (box.hidden) return;
  const end = (k) => (k + 1 < frames.length ? frames[k + 1].t : result.duration_s);
  const spans = new Map();
  frames.forEach((frame, k) => {
    for (const pose of frame.poses) {
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

// Each pose's repetitions ("3 × squat"), each rep a button that plays it.
function renderCounts(counts, seekStart) {
  const repeated = (counts || []).filter((c) => c.count > 0);
  $("counts-facts").hidden = repeated.length === 0;
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

function renderWarnings(warnings) {
  const list = $("warnings");
  list.replaceChildren(...(warnings || []).map((w) => {
    const item = document.createElement("li");
    item.dataset.code = w.code;
    item.textContent = w.message;
    return item;
  }));
  list.hidden = list.children.length === 0;
}

// ---------------------------------------------------------------- angles over time

const JOINT_COLOURS = { left_knee: "#d62728", right_knee: "#1f5fbf", left_hip: "#c2410c", right_hip: "#0e7490",
  left_elbow: "#7e22ce", right_elbow: "#2e7d32", left_shoulder: "#be185d", right_shoulder: "#5b6b00",
  torso_tilt: "#475569" };

// The result's angles (degrees, one value per analysed frame, null where unknown) under
// the video: choose joints, hover for values, click to seek; a line follows playback.
function renderAngles(angles, video, playback) {
  const section = $("angles-facts");
  if (!angles || !angles.times || !angles.times.length) { section.hidden = true; return; }
  section.hidden = false;
  const chosen = new Set(["left_knee", "right_knee"]);
  const canvas = $("angle-plot");
  const duration = playback.duration;
  $("angle-meaning").textContent = `Degrees: 180 is a straight knee, elbow or hip; torso tilt 0 is upright. `
    + (angles.filter === "butterworth" ? `Smoothed (Butterworth, ${angles.cutoff_hz} Hz).` : "Not smoothed.")
    + ` Gaps up to ${angles.max_gap_s} s are bridged.`;
  const x = (t) => (t / duration) * canvas.width;
  const y = (deg) => canvas.height - 14 - (deg / 180) * (canvas.height - 24);
  function draw() {
    canvas.width = canvas.clientWidth * (window.devicePixelRatio || 1);
    const ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue("--muted");
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = 1;
    for (const deg of [0, 90, 180]) {
      ctx.globalAlpha = 0.3;
      ctx.beginPath(); ctx.moveTo(0, y(deg)); ctx.lineTo(canvas.width, y(deg)); ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.fillText(`${deg}°`, 2, y(deg) - 2);
    }
    ctx.lineWidth = 2 * (window.devicePixelRatio || 1);
    for (const joint of chosen) {
      const values = angles.joints[joint] || [];
      ctx.strokeStyle = JOINT_COLOURS[joint];
      ctx.beginPath();
      let drawing = false;
      values.forEach((v, k) => {
        if (v === null) { drawing = false; return; }
        if (drawing) ctx.lineTo(x(angles.times[k]), y(v)); else ctx.moveTo(x(angles.times[k]), y(v));
        drawing = true;
      });
      ctx.stroke();
    }
    ctx.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue("--fg");
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(x(video.currentTime), 0); ctx.lineTo(x(video.currentTime), canvas.height); ctx.stroke();
  }
  $("angle-joints").replaceChildren(...Object.keys(angles.joints).map((joint) => {
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = joint;
    box.checked = chosen.has(joint);
    box.addEventListener("change", () => { if (box.checked) chosen.add(joint); else chosen.delete(joint); draw(); });
    const mark = document.createElement("i");
    mark.style.background = JOINT_COLOURS[joint];
    const item = document.createElement("label");
    item.append(box, mark, label(joint));
    return item;
  }));
  const at = (e) => {
    const box = canvas.getBoundingClientRect();
    return ((e.clientX - box.left) / box.width) * duration;
  };
  canvas.onmousemove = (e) => {
    const t = at(e);
    let k = 0;
    while (k + 1 < angles.times.length && angles.times[k + 1] <= t) k++;
    const parts = [...chosen].map((j) => `${label(j)} ${angles.joints[j][k] === null ? "—" : `${angles.joints[j][k]}°`}`);
    $("angle-readout").textContent = `${angles.times[k].toFixed(2)} s: ${parts.join(", ")}`;
  };
  canvas.onclick = (e) => playback.seek(at(e));
  video.addEventListener("timeupdate", draw);
  video.addEventListener("seeked", draw);
  window.addEventListener("resize", draw);
  draw();
}

async function show(job) {
  const result = job.result;
  $("result-title").textContent = result.filename || job.filename || "";
  renderWarnings(result.warnings);
  const video = $("video");
  const source = await videoSource(job.overlay_url);
  video.src = source;
  const playback = followPlayback(result, video);
  renderCounts(result.pose_counts, playback.seekStart);
  renderAngles(result.angles, video, playback);
  renderLanes(result, playback);
  const select = renderPeople(result, video, playback);
  renderSync(result.sync, playback, select);
  renderNumbers(result);
  const json = new Blob([JSON.stringify(result, null, 2)], { type: "application/json" });
  const stem = (result.filename || "video").replace(/\.[^.]*$/, "");
  $("download-json").href = URL.createObjectURL(json);
  $("download-json").download = `${stem}-poses.json`;
  $("download-video").href = source;
  $("download-video").download = `${stem}-annotated.mp4`;
  // The table of frames, when the job kept them (the page's own uploads do).
  const csv = $("download-csv");
  csv.hidden = !result.frames;
  csv.onclick = async (e) => {
    e.preventDefault();
    const response = await fetch(`/jobs/${job.id}/result.csv`, { headers: authHeaders() });
    if (!response.ok) { showError(await errorText(response)); return; }
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = `${stem}.csv`;
    link.click();
  };
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
  $("history").hidden = true;
  document.body.dataset.state = "working";
  try {
    const created = await upload(file);
    // The result's own address: it survives a reload and can be shared (with the key).
    history.pushState(null, "", `#job=${created.id}`);
    await track(created.id, created.status_url);
  } catch (err) {
    document.body.dataset.state = "error";
    showError(err.message);
  }
}

// Follow a job to its result, with a Cancel button meanwhile.
let following = null;
async function track(id, statusUrl) {
  const mine = { id, cancelled: false };
  following = mine;
  $("cancel").hidden = false;
  $("cancel").onclick = async () => {
    mine.cancelled = true;
    $("cancel").hidden = true;
    await fetch(`/jobs/${id}`, { method: "DELETE", headers: authHeaders() });
    history.pushState(null, "", "/");
    document.body.dataset.state = "cancelled";
    $("status").hidden = true;
    $("pick").hidden = false;
    $("error").textContent = "Analysis cancelled.";
    $("error").hidden = false;
    loadHistory();
  };
  setStatus("Queued…", null);
  try {
    const job = await follow(statusUrl, mine);
    if (job && following === mine) await show(job);
  } finally {
    $("cancel").hidden = true;
  }
}

// A result's address (#job=<id>): show it, or follow it if it is still running.
async function openFromAddress() {
  const match = /^#job=([0-9a-f]{32})$/.exec(location.hash);
  if (!match) return false;
  $("pick").hidden = true;
  $("history").hidden = true;
  $("result").hidden = true;
  document.body.dataset.state = "working";
  try {
    let response = await fetch(`/jobs/${match[1]}`, { headers: authHeaders() });
    if (response.status === 401 && askForKey()) response = await fetch(`/jobs/${match[1]}`, { headers: authHeaders() });
    if (!response.ok) throw new Error(await errorText(response));
    const job = await response.json();
    if (job.status === "failed") throw new Error(job.error || "That analysis failed");
    if (job.result && job.result.similarity !== undefined) throw new Error("That is a comparison, not an analysis");
    if (job.status === "done") await show(job);
    else await track(job.id, job.status_url);
  } catch (err) {
    document.body.dataset.state = "error";
    showError(err.message);
  }
  return true;
}

// The caller's recent analyses, each a link to its result.
async function loadHistory() {
  try {
    const response = await fetch("/jobs?limit=10", { headers: authHeaders() });
    if (!response.ok) return;
    const { jobs } = await response.json();
    $("history-list").replaceChildren(...jobs.map((job) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `#job=${job.id}`;
      link.textContent = job.filename;
      const when = (job.finished_at || job.created_at || "").slice(0, 16).replace("T", " ");
      item.append(link, ` ${job.status}${when ? `, ${when}` : ""}`);
      return item;
    }));
    $("history").hidden = jobs.length === 0 || !$("result").hidden;
  } catch (_) { /* no history: the page still works */ }
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

// On /compare's scale: 100 the same angles, about 80 good, 67 is 10 degrees apart.
function scoreGrade(score) {
  if (score >= 80) return { word: "good", colour: "#2e7d32" };
  if (score >= 65) return { word: "fair", colour: "#a16207" };
  return { word: "off", colour: "#d62728" };
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
  // Body parts on a good-to-poor scale (not the poses' colours): the colour says how
  // close, and the number and a word say it too.
  $("part-scores").replaceChildren(...Object.entries(result.body_parts).map(([part, v]) => {
    const grade = scoreGrade(v.score);
    const row = barRow(part, v.score, `${Math.round(v.score)} ${grade.word}`);
    row.querySelector(".fill").style.background = grade.colour;
    row.dataset.part = part;
    row.dataset.grade = grade.word;
    return row;
  }));
  const warnings = $("compare-warnings");
  warnings.replaceChildren(...(result.warnings || []).map((w) => {
    const item = document.createElement("li");
    item.dataset.code = w.code;
    item.textContent = w.message;
    return item;
  }));
  warnings.hidden = warnings.children.length === 0;
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
    if (!response.ok) {
      // The server says which of the two ("The attempt video: ..."); the page adds its name.
      const text = (await errorText(response))
        .replace(/^The reference video/, `The reference video (${referenceFile.name})`)
        .replace(/^The attempt video/, `The attempt video (${attemptFile.name})`);
      throw new Error(text);
    }
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
    history.pushState(null, "", "/");
    loadHistory();
  });
  $("compare-go").addEventListener("click", compare);
  window.addEventListener("popstate", () => { if (!location.hash) location.reload(); });
  window.addEventListener("hashchange", openFromAddress);
  document.body.dataset.state = "ready";
  loadDescriptions();
  openFromAddress().then((opened) => { if (!opened) loadHistory(); });
}

init();
