// dance-analyzer's page: upload to /jobs, follow the job, show the annotated video,
// the timeline of moves and poses and the numbers; with every dancer (people=all), a
// chip per dancer that puts their poses and moves on the timeline, and how in sync the
// group is. Plain DOM and native ES modules, no build step: this one is the page's flow
// (upload, follow, show, reopen from the address, the history); the views are the others.

import { $, KEY_STORE, askForKey, authHeaders, errorText, loadDescriptions, setStatus, showError } from "./common.js";
import { followPlayback, renderCounts, renderLanes, renderNumbers, renderWarnings } from "./timeline.js";
import { renderPeople, renderSync } from "./people.js";
import { renderAngles } from "./angles.js";
import { compare } from "./compare.js";
import { renderPhoto } from "./photo.js";

const POLL_MS = 500;

// The photo being analysed, drawn with its skeleton once the result is in (the server
// keeps no copy of an upload).
let chosenPhoto = null;
const isPhoto = (file) => file.type.startsWith("image/");

function upload(file) {
  // Each frame's details (detail=frames): a click on the video picks a dancer by their
  // box, and the job's CSV table (a row per frame) can be downloaded. A photo's annotated
  // copy is a picture, and it has no music.
  const params = new URLSearchParams({ detail: "frames", overlay: "true" });
  if (!isPhoto(file)) params.set("rhythm", "true");
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

async function servedFile(url) {
  // A <video> (or a download link) cannot send headers: with a key, fetch the file and
  // use it from memory.
  if (!localStorage.getItem(KEY_STORE)) return url;
  const response = await fetch(url, { headers: authHeaders() });
  if (!response.ok) throw new Error(await errorText(response));
  return URL.createObjectURL(await response.blob());
}

// A video's result: the annotated video, the timeline, the counts, the angles, the dancers.
async function showVideo(result, job, stem) {
  const video = $("video");
  const source = await servedFile(job.overlay_url);
  video.src = source;
  const playback = followPlayback(result, video);
  // The main dancer's counts, angles and numbers; with people=all, renderPeople puts the
  // chosen dancer's in their place.
  renderCounts(result.pose_counts, playback.seekStart);
  renderAngles(result.angles, video, playback);
  renderLanes(result, playback);
  renderNumbers(result);
  const select = renderPeople(result, video, playback);
  renderSync(result.sync, playback, select, result.people || []);
  $("download-video").href = source;
  $("download-video").download = `${stem}-annotated.mp4`;
}

async function show(job) {
  const result = job.result;
  $("result-title").textContent = result.filename || job.filename || "";
  renderWarnings(result.warnings);
  const stem = (result.filename || "video").replace(/\.[^.]*$/, "");
  $("result").dataset.kind = result.photo ? "photo" : "video";
  if (result.photo) {
    const mine = chosenPhoto && chosenPhoto.name === result.filename ? chosenPhoto : null;
    // The server's annotated picture: the photo at its own size, the skeletons and the poses on
    // it; shown where this browser cannot show the photo itself (a HEIC) or no longer has it.
    const annotated = job.overlay_url ? await servedFile(job.overlay_url) : null;
    await renderPhoto(result, mine, annotated);
    const picture = $("download-picture");
    picture.hidden = !annotated;
    if (annotated) {
      picture.href = annotated;
      picture.download = `${stem}-annotated.jpg`;
    }
  } else {
    await showVideo(result, job, stem);
  }
  const json = new Blob([JSON.stringify(result, null, 2)], { type: "application/json" });
  $("download-json").href = URL.createObjectURL(json);
  $("download-json").download = `${stem}-poses.json`;
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
  chosenPhoto = isPhoto(file) ? file : null;
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
