// Live mode: the camera, MediaPipe's pose model running in this browser (served by this
// server from /live-assets, nothing from elsewhere), and a WebSocket to /live that answers
// each frame's landmarks with the pose and, once over, each move (docs/live.md).
import { $, KEY_STORE, authHeaders, colourOf, drawSkeleton, fixed, label, skeletonPoints } from "./common.js";

const FLOATS = 1 + 33 * 4 + 33 * 3;
const STRIP_S = 30;
const COMPLEXITY = { lite: 0, full: 1, heavy: 2 };

const live = {
  running: false, ws: null, pose: null, stream: null, started: 0, processed: 0,
  strip: [], moves: [], counts: {}, result: null,
  log: [], // what the tests read: each frame sent, and what the server answered for it
  answered: 0, // answers come in the order the frames went
};
window.liveLog = live.log;

// Names and pose colours as the main page shows them (none yet: a dash, no colour).
const readable = (pose) => (pose ? label(pose) : "—");
const shade = (pose) => (pose ? colourOf(pose) : "transparent");

function setState(state, text) {
  document.body.dataset.live = state;
  if (text) $("live-status").textContent = text;
}

function defaultModel() {
  // Phones get the lite model: the full one is several times slower there.
  return /Android|iPhone|iPad|Mobile/i.test(navigator.userAgent) ? "lite" : "full";
}

// Finished analyses with an annotated video can be danced along with (a photo's picture cannot).
async function listReferences() {
  try {
    const response = await fetch("/jobs?status=done&limit=50", { headers: authHeaders() });
    if (!response.ok) return;
    const select = $("live-follow");
    for (const job of (await response.json()).jobs) {
      if (!job.overlay_url?.endsWith(".mp4")) continue;
      const option = document.createElement("option");
      option.value = job.id;
      option.textContent = `${job.filename} (${job.finished_at ? job.finished_at.slice(0, 16).replace("T", " ") : ""})`;
      option.dataset.video = job.overlay_url;
      select.append(option);
    }
  } catch (err) {
    // No list (e.g. a key is needed and none is saved): dancing freely still works.
  }
}

// A new reference: analysed here as a job with its annotated video, then chosen.
async function uploadReference(file) {
  const select = $("live-follow");
  setState("uploading", `Analysing ${file.name} to follow along with…`);
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const created = await fetch("/jobs?overlay=true", { method: "POST", body: form, headers: authHeaders() });
    const body = await created.json();
    if (created.status !== 202) throw new Error(body.error || `The upload failed (${created.status})`);
    for (;;) {
      const job = await (await fetch(body.status_url, { headers: authHeaders(), cache: "no-store" })).json();
      if (job.status === "failed") throw new Error(job.error || "The analysis failed");
      if (job.status === "done") {
        const option = document.createElement("option");
        option.value = job.id;
        option.textContent = job.filename;
        option.dataset.video = job.overlay_url;
        select.append(option);
        select.value = job.id;
        setState("idle", `${file.name} is ready: press Start to follow along with it.`);
        return;
      }
      setState("uploading", `Analysing ${file.name}: ${Math.round(100 * (job.progress || 0))}%`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } catch (err) {
    setState("error", err.message);
  }
}

// With "keep a recording", the camera is recorded in the browser (MediaRecorder) and
// offered as a download at the end; it never goes to the server.
function startRecording(stream) {
  live.chunks = [];
  live.recorder = null;
  if (!$("live-keep").checked || typeof MediaRecorder === "undefined") return;
  live.recorder = new MediaRecorder(stream);
  live.recorder.ondataavailable = (e) => { if (e.data.size) live.chunks.push(e.data); };
  live.recorder.onstop = () => {
    const link = $("live-recording");
    link.href = URL.createObjectURL(new Blob(live.chunks, { type: live.recorder.mimeType || "video/webm" }));
    link.hidden = false;
  };
  live.recorder.start(1000);
}

async function prepareReference() {
  const option = $("live-follow").selectedOptions[0];
  live.follow = option && option.value ? option.value : null;
  $("live-reference-view").hidden = !live.follow;
  $("live-score-box").hidden = !live.follow;
  if (!live.follow) return;
  const video = $("live-reference");
  let url = option.dataset.video;
  if (localStorage.getItem(KEY_STORE)) {  // a <video> cannot send headers
    url = URL.createObjectURL(await (await fetch(url, { headers: authHeaders() })).blob());
  }
  video.src = url;
  await new Promise((resolve) => { video.onloadeddata = resolve; video.onerror = resolve; });
}

async function countIn() {
  for (const n of ["3", "2", "1"]) {
    $("live-countin").textContent = n;
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
  $("live-countin").textContent = "";
  $("live-reference").play().catch(() => {});
}

async function start() {
  if (live.running) return;
  live.mode = $("live-where").value;
  await prepareReference();
  if (live.mode === "browser" && typeof Pose === "undefined") {
    setState("error", "The pose model's files are not installed on this server (scripts/install_assets.py).");
    return;
  }
  const model = $("live-model").value;
  $("live-start").disabled = true;
  setState("starting", "Starting the camera…");
  try {
    live.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  } catch (err) {
    $("live-start").disabled = false;
    setState("error", `No camera: ${err.message}. Allow the camera for this page and try again.`);
    return;
  }
  const video = $("live-video");
  video.srcObject = live.stream;
  await video.play();
  if (live.mode === "browser") {
    setState("loading", `Loading the ${model} model in this browser…`);
    live.pose = new Pose({ locateFile: (file) => `/live-assets/${file}` });
    live.pose.setOptions({ modelComplexity: COMPLEXITY[model], smoothLandmarks: true, enableSegmentation: false,
      minDetectionConfidence: 0.5, minTrackingConfidence: 0.5 });
    live.pose.onResults(onResults);
    await live.pose.initialize();
  }
  openSocket(model, video.videoWidth, video.videoHeight);
}

function openSocket(model, width, height) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/live`);
  ws.binaryType = "arraybuffer";
  live.ws = ws;
  ws.onopen = () => {
    const key = localStorage.getItem(KEY_STORE);
    ws.send(JSON.stringify({ type: "start", width, height, model, mode: live.mode,
      ...(live.follow ? { follow: live.follow } : {}), ...(key ? { api_key: key } : {}) }));
  };
  ws.onmessage = (event) => onAnswer(JSON.parse(event.data));
  ws.onclose = (event) => {
    if (live.running) stopCamera();
    if (!live.result && event.code !== 1000) setState("error", event.reason || "The live session ended.");
  };
}

function onAnswer(msg) {
  if (msg.type === "ready") {
    if (live.follow) {
      $("live-stage").hidden = false;
      setState("countin", "Get ready…");
      countIn().then(() => begin());
    } else {
      begin();
    }
  } else if (msg.type === "pose") {
    const entry = live.log[live.answered++];
    if (entry) { entry.pose = msg.pose; entry.poses = msg.poses; entry.answer_t = msg.t; entry.follow = msg.follow; }
    showPose(msg);
    if (msg.follow) showFollow(msg.follow);
    for (const move of msg.moves) addMove(move);
    if (live.mode === "server") {
      drawServerFrame(msg.landmarks);
      if (live.inFlight) live.inFlight(); // the next picture goes once this one is answered
    }
  } else if (msg.type === "result") {
    for (const move of msg.moves) addMove(move);
    showResult(msg.result);
  } else if (msg.type === "error") {
    if (live.running && msg.error.startsWith("frame refused")) {
      live.answered++;
      if (live.mode === "server" && live.inFlight) live.inFlight();
    }
    setState(live.running ? "running" : "error", msg.error);
  }
}

function begin() {
  startRecording(live.stream);
  live.running = true;
  live.started = performance.now();
  $("live-stage").hidden = false;
  $("live-result").hidden = true;
  $("live-stop").disabled = false;
  setState("running", "Live: dance!");
  loop();
}

function showFollow(follow) {
  $("live-score").textContent = follow.score.toFixed(0);
  $("live-worst").textContent = `Most off: ${readable(follow.worst_part)} (${follow.worst_part_deg}° on average)`;
}

async function loop() {
  const video = $("live-video");
  if (live.mode === "server") return serverLoop(video);
  while (live.running) {
    await live.pose.send({ image: video });
    // Let the page breathe between frames (answers, drawing, the Stop button): on a slow
    // machine one frame of the model takes longer than the camera's frame interval.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function onResults(results) {
  if (!live.running) return;
  const t = Math.round(performance.now()) / 1000;
  drawFrame(results);
  const frame = new Float32Array(FLOATS).fill(NaN);
  frame[0] = t;
  const image = results.poseLandmarks, world = results.poseWorldLandmarks;
  if (image && world) {
    image.forEach((p, k) => frame.set([p.x, p.y, p.z, p.visibility ?? 0], 1 + 4 * k));
    world.forEach((p, k) => frame.set([p.x, p.y, p.z], 1 + 33 * 4 + 3 * k));
  }
  live.log.push({ t: frame[0], frame: Array.from(frame) });
  live.processed += 1;
  if (live.ws && live.ws.readyState === WebSocket.OPEN) live.ws.send(frame.buffer);
  const seconds = (performance.now() - live.started) / 1000;
  $("live-rate").textContent = `${(live.processed / seconds).toFixed(1)} frames/s in this browser`;
}

function drawFrame(results) {
  drawSkeleton($("live-canvas"), results.image, results.poseLandmarks);
}

// Server-side model: the page sends downscaled JPEG pictures (t as float64 first) and
// draws the skeleton the server answers with; one picture in flight at a time, so a slow
// link or server drops frames here instead of queueing them.
async function serverLoop(video) {
  const grab = document.createElement("canvas");
  const scale = Math.min(1, 640 / Math.max(video.videoWidth, video.videoHeight));
  grab.width = Math.round(video.videoWidth * scale);
  grab.height = Math.round(video.videoHeight * scale);
  const ctx = grab.getContext("2d");
  while (live.running) {
    ctx.drawImage(video, 0, 0, grab.width, grab.height);
    live.lastPicture = grab;
    const jpeg = await new Promise((resolve) => grab.toBlob(resolve, "image/jpeg", 0.8));
    const t = Math.round(performance.now()) / 1000;
    const head = new Float64Array([t]);
    const answered = new Promise((resolve) => { live.inFlight = resolve; });
    live.log.push({ t, sent_at: performance.now() });
    live.processed += 1;
    if (!live.ws || live.ws.readyState !== WebSocket.OPEN) break;
    live.ws.send(new Blob([head.buffer, jpeg]));
    await answered;
    const seconds = (performance.now() - live.started) / 1000;
    $("live-rate").textContent = `${(live.processed / seconds).toFixed(1)} frames/s through the server`;
  }
}

function drawServerFrame(landmarks) {
  const entry = live.log[live.answered - 1];
  if (entry) entry.latency_ms = performance.now() - entry.sent_at;
  const picture = live.lastPicture;
  if (!picture) return;
  drawFrame({ image: picture, poseLandmarks: skeletonPoints(landmarks) });
}

function showPose(msg) {
  $("live-pose").textContent = readable(msg.pose);
  $("live-pose").dataset.pose = msg.pose || "";
  const now = msg.t;
  live.strip.push({ t: now, pose: msg.pose });
  while (live.strip.length && live.strip[0].t < now - STRIP_S) live.strip.shift();
  const strip = $("live-strip");
  strip.replaceChildren();
  for (let k = 0; k < live.strip.length; k++) {
    const next = k + 1 < live.strip.length ? live.strip[k + 1].t : now;
    const span = document.createElement("span");
    span.style.width = `${(100 * (next - live.strip[k].t)) / STRIP_S}%`;
    span.style.background = shade(live.strip[k].pose);
    span.title = readable(live.strip[k].pose);
    strip.append(span);
  }
}

function moveText(move) {
  if (move.move === "turn") return `turn ${move.rotations}× ${move.direction || ""}`.trim();
  if (move.move === "jump") return typeof move.airtime_s === "number" ? `jump! ${fixed(move.airtime_s, 2)} s` : "jump!";
  if (move.move === "kick") return typeof move.height_deg === "number" ? `kick ${Math.round(move.height_deg)}°` : "kick";
  return readable(move.move);
}

function addMove(move) {
  if (live.moves.some((m) => m.move === move.move && m.start_s === move.start_s)) return;
  live.moves.push(move);
  live.counts[move.move] = (live.counts[move.move] || 0) + 1;
  const item = document.createElement("li");
  item.className = "fresh";
  item.dataset.move = move.move;
  item.textContent = `${moveText(move)} (${move.start_s.toFixed(1)} s)`;
  $("live-moves").prepend(item);
  $("live-counts").textContent = Object.entries(live.counts).map(([m, n]) => `${n} ${readable(m)}`).join(", ");
}

function stopCamera() {
  live.running = false;
  if (live.recorder && live.recorder.state !== "inactive") live.recorder.stop();
  if (live.stream) live.stream.getTracks().forEach((track) => track.stop());
  $("live-stop").disabled = true;
  $("live-start").disabled = false;
}

function stop() {
  if (!live.running) return;
  stopCamera();
  setState("finishing", "Putting your session together…");
  if (live.ws && live.ws.readyState === WebSocket.OPEN) live.ws.send(JSON.stringify({ type: "stop" }));
}

function showResult(result) {
  live.result = result;
  window.liveResult = result;
  $("live-result").hidden = false;
  const top = result.pose_summary.slice(0, 3).map((p) => `${readable(p.pose)} (${p.frames_detected} frames)`);
  const moves = (result.move_summary || []).map((m) => m.text || `${m.count} ${m.move}`);
  $("live-summary").textContent = `${result.duration_s.toFixed(1)} s, ${result.processed_frames} frames. `
    + (top.length ? `Mostly ${top.join(", ")}. ` : "No pose held. ")
    + (moves.length ? `Moves: ${moves.join("; ")}.` : "");
  const list = $("live-segments");
  list.replaceChildren(...result.segments.map((s) => {
    const li = document.createElement("li");
    li.textContent = `${s.start_s.toFixed(1)}–${s.end_s.toFixed(1)} s: ${readable(s.pose)}`;
    return li;
  }));
  const follow = result.follow;
  $("live-follow-result").textContent = !follow ? "" : follow.error ? follow.error
    : `Against the reference: ${follow.similarity.toFixed(0)} / 100 (100: the same angles throughout; about 80 is good)`
      + (follow.worst_moments && follow.worst_moments.length
        ? `. Worst moment: ${readable(follow.worst_moments[0].body_part)} at ${follow.worst_moments[0].attempt_start_s.toFixed(1)} s.`
        : ".")
      + (follow.warnings && follow.warnings.length ? ` ${follow.warnings[0].message}` : "");
  $("live-reference").pause();
  const blob = new Blob([JSON.stringify(result, null, 2)], { type: "application/json" });
  $("live-download").href = URL.createObjectURL(blob);
  setState("done", "Session over: your result is below.");
}

document.addEventListener("DOMContentLoaded", () => {
  $("live-model").value = defaultModel();
  listReferences();
  $("live-start").addEventListener("click", start);
  $("live-stop").addEventListener("click", stop);
  $("live-reference-file").addEventListener("change", (e) => {
    if (e.target.files[0]) uploadReference(e.target.files[0]);
  });
});
