// Compare two dances (/compare): the attempt beside the reference, kept in step by the
// server's sync map, each body part's score and the worst moments, each one a button.
// Either side may be a photo, a pose to reach: it shows beside the moment of the other
// side that comes closest to it.

import { $, authHeaders, barRow, errorText, label, setStatus, showError } from "./common.js";

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

// A side's file in its video element, or, for a photo, in its picture (the video then goes).
function showSide(side, file, photo) {
  const video = $(`${side}-video`);
  const picture = $(`${side}-photo`);
  video.hidden = photo;
  picture.hidden = !photo;
  video.removeAttribute("src");
  picture.removeAttribute("src");
  (photo ? picture : video).src = URL.createObjectURL(file);
  return video;
}

function showComparison(result, referenceFile, attemptFile) {
  const ref = showSide("reference", referenceFile, Boolean(result.reference.photo));
  const att = showSide("attempt", attemptFile, Boolean(result.attempt.photo));
  const closest = result.closest_moment;
  $("similarity").textContent = `${Math.round(result.similarity)}%`;
  const timing = closest ? "" : `· offset ${result.offset_s.toFixed(1)} s · tempo ×${result.tempo_ratio.toFixed(2)} `;
  $("sync-facts").textContent =
    timing + (result.mirror ? "· mirrored" : `· mirrored: ${Math.round(result.mirrored_similarity)}%`);
  ref.controls = Boolean(closest);  // beside a photo, the reference video plays on its own
  showClosest(result, ref, att);
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
  $("worst-heading").hidden = $("moments-timeline").hidden = result.worst_moments.length === 0;
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
  const both = !closest;  // two videos: the reference follows the attempt
  att.ontimeupdate = both ? follow : null;
  att.onseeked = both ? follow : null;
  att.onplay = both ? () => { follow(); ref.play(); } : null;
  att.onpause = both ? () => ref.pause() : null;
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
  showMoves(result.moves, (attemptS, referenceS) => seekMoment({ attempt_start_s: attemptS, reference_start_s: referenceS }));
  $("status").hidden = true;
  $("comparison").hidden = false;
  document.body.dataset.state = "compared";
}

// The reference's turns, jumps, kicks and floor work, each made or missed in the attempt (the
// server's pairing, compare_moves.py); a click shows both videos there.
function showMoves(moves, seek) {
  $("compare-moves").hidden = !moves;
  if (!moves) return;  // a photo on a side: no moves
  $("moves-summary").textContent = moves.summary;
  const item = (text, kind, attemptS, referenceS) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "moment";
    button.dataset.kind = kind;
    button.textContent = text;
    button.addEventListener("click", () => seek(attemptS, referenceS));
    li.append(button);
    return li;
  };
  // Each in the server's words ("made, 0.20 s late, 1 of 2 turns"; "missed").
  const said = (m, kind, attemptS) => [m.reference_s,
    item(`${m.reference_s.toFixed(1)} s ${label(m.move)}: ${m.text}`, kind, attemptS, m.reference_s)];
  const made = moves.made.map((m) => said(m, "made", m.attempt_s));
  const missed = moves.missed.map((m) => said(m, "missed", m.expected_attempt_s));
  $("move-pairs").replaceChildren(...made.concat(missed).sort((a, b) => a[0] - b[0]).map(([, li]) => li));
}

// With a photo on a side: the moment of the other side closest to it, a button that shows it.
function showClosest(result, ref, att) {
  const closest = result.closest_moment;
  $("closest").hidden = !closest || (result.reference.photo && result.attempt.photo);
  if ($("closest").hidden) return;
  const [video, at, whose] = result.reference.photo
    ? [att, closest.attempt_s, "your attempt"]
    : [ref, closest.reference_s, "the reference"];
  const photo = result.reference.photo ? "the reference photo" : "your photo";
  const go = $("closest-go");
  go.dataset.at = at;
  go.textContent = `Closest to ${photo}: ${at.toFixed(1)} s into ${whose}`;
  const seek = () => { video.pause(); video.currentTime = at; };
  go.onclick = seek;
  video.addEventListener("loadedmetadata", seek, { once: true });
}

export async function compare() {
  const referenceFile = $("reference-file").files[0];
  const attemptFile = $("attempt-file").files[0];
  if (!referenceFile || !attemptFile) { showError("Choose both files to compare."); return; }
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
      // The server says which of the two ("The attempt video: ...", "... photo: ..."); the page adds its name.
      const text = (await errorText(response))
        .replace(/^The reference (video|photo)/, `The reference $1 (${referenceFile.name})`)
        .replace(/^The attempt (video|photo)/, `The attempt $1 (${attemptFile.name})`);
      throw new Error(text);
    }
    showComparison(await response.json(), referenceFile, attemptFile);
  } catch (err) {
    document.body.dataset.state = "error";
    showError(err.message);
  }
}
