// Several dancers (people=all): a chip per dancer, or a click on one in the video, puts their
// poses and moves on the timeline, and their numbers, counts, joint angles and every pose
// they held beside it; and how in sync the group is.

import { renderAngles } from "./angles.js";
import { $, barRow, label, swatch } from "./common.js";
import { bounceText, renderCounts, renderLanes, renderNumbers, renderTimeline } from "./timeline.js";

// The analysed frame a moment of the annotated video shows: the overlay has the input's
// frames at its rate, and each shows its latest analysed frame (render/annotate.py), so match by
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
// moves fill the timeline, their numbers, counts, angles and pose lanes the panels beside
// it. Returns the function that chooses a dancer (null without people).
export function renderPeople(result, video, playback) {
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
    renderNumbers(result, person);
    renderLanes(result, playback, id);
    renderCounts(person.pose_counts, playback.seekStart, id);
    renderAngles(person.angles, video, playback, id);
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

// How the score reads (reports/sync.py: 80 or more is unison, below 60 visibly apart): the
// verdict in words, and a body part's bar in a word and a colour on the same scale.
const UNISON = 80, CLOSE = 60;

function syncVerdict(score) {
  if (typeof score !== "number") return "nothing to compare";
  if (score >= UNISON) return "in unison";
  if (score >= CLOSE) return "together, with differences";
  return "visibly apart";
}

function syncGrade(score) {
  if (score >= UNISON) return { word: "unison", colour: "#2e7d32" };
  if (score >= CLOSE) return { word: "close", colour: "#a16207" };
  return { word: "apart", colour: "#d62728" };
}

function lagText(d) {
  if (typeof d.lag_s !== "number") return "lag not measured (too little shared movement)";
  if (Math.abs(d.lag_s) < 0.05) return "on time with the others";
  const trust = typeof d.lag_correlation === "number" && d.lag_correlation < 0.5 ? " (weak match)" : "";
  return `${Math.abs(d.lag_s).toFixed(2)} s ${d.lag_s > 0 ? "behind" : "ahead of"} the others${trust}`;
}

function jointText(joint) { return label(joint.replace(/_dir$/, "")); }

// The group's sync: its 0-100 score and what it means, each dancer's score and lag (and,
// with music, whether their bounce keeps time), and the least-in-sync moments as buttons
// that play the video from there.
export function renderSync(sync, playback, select, people = []) {
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
      const grade = syncGrade(v);
      const row = barRow(part, v, `${Math.round(v)} ${grade.word}`);
      row.querySelector(".fill").style.background = grade.colour;
      row.dataset.part = part;
      row.dataset.grade = grade.word;
      return row;
    }));
  $("sync-dancers").replaceChildren(...sync.dancers.map((d) => {
    const item = document.createElement("li");
    item.dataset.person = d.id;
    const text = document.createElement("span");
    const score = num(d.score) ? `score ${Math.round(d.score)}` : "no score";
    text.textContent = `#${d.id}: ${score}, ${lagText(d)}${d.mirrored ? ", compared as a mirror image" : ""}`;
    const bounce = ((people.find((p) => p.id === d.id) || {}).rhythm || {}).bounce;
    if (bounce) {
      text.textContent += `; bounce ${bounceText(bounce)}`;
      item.dataset.bounce = bounce.in_time ? "in_time" : "not_in_time";
    }
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
