// Teach the analysis a pose of your own: learn a definition from a photo (/poses/learn),
// review it, save it (/poses), list and remove your poses. Uses common.js's
// authHeaders, errorText, label and loadDescriptions, as the rest of the page does.

import { authHeaders, errorText, label, loadDescriptions } from "./common.js";

const teach = { definition: null };

function teachStatus(text, failed = false) {
  const status = document.getElementById("teach-status");
  status.textContent = text;
  status.classList.toggle("failed", failed);
  document.getElementById("teach").dataset.state = failed ? "error" : "";
}

async function listMyPoses() {
  const list = document.getElementById("teach-list");
  const response = await fetch("/poses", { headers: authHeaders() });
  if (!response.ok) { teachStatus(await errorText(response), true); return; }
  const everything = await response.json();
  const mine = everything.custom;
  const byName = Object.fromEntries(everything.poses.map((p) => [p.name, p]));
  list.replaceChildren();
  if (!mine.length) {
    const none = document.createElement("li");
    none.textContent = "None yet.";
    list.append(none);
  }
  for (const name of mine) {
    const item = document.createElement("li");
    item.dataset.pose = name;
    item.textContent = label(name);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${label(name)}`);
    remove.addEventListener("click", async () => {
      const gone = await fetch(`/poses/${encodeURIComponent(name)}`, { method: "DELETE", headers: authHeaders() });
      if (!gone.ok) { teachStatus(await errorText(gone), true); return; }
      teachStatus(`${label(name)} removed.`);
      listMyPoses();
    });
    item.append(remove);
    const bodies = byName[name] && byName[name].examples && byName[name].examples.bodies;
    if (bodies) item.append(` (${bodies.length} example${bodies.length === 1 ? "" : "s"})`, exampleAdder(name));
    list.append(item);
  }
}

// A pose known by its examples carries to more people with more of them: one more from a
// photo (the whole body in view), saved at once.
function exampleAdder(name) {
  const input = document.createElement("input");
  input.type = "file";
  input.accept = "image/*";
  input.hidden = true;
  const add = document.createElement("button");
  add.type = "button";
  add.textContent = "Add an example";
  add.setAttribute("aria-label", `Add an example of ${label(name)}`);
  add.addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    if (!input.files[0]) return;
    const form = new FormData();
    form.append("file", input.files[0], input.files[0].name);
    teachStatus(`Adding an example of ${label(name)}…`);
    const response = await fetch(`/poses/${encodeURIComponent(name)}/examples`, {
      method: "POST", body: form, headers: authHeaders(),
    });
    if (!response.ok) { teachStatus(await errorText(response), true); return; }
    const pose = (await response.json()).poses.find((p) => p.name === name);
    teachStatus(`${label(name)} now has ${pose.examples.bodies.length} examples.`);
    listMyPoses();
  });
  const holder = document.createElement("span");
  holder.append(add, input);
  return holder;
}

async function learnPose() {
  const file = document.getElementById("teach-file").files[0];
  const name = document.getElementById("teach-name").value.trim();
  const time = document.getElementById("teach-time").value;
  document.getElementById("teach-review").hidden = true;
  if (!file) { teachStatus("Choose a photo (or a video) of the pose.", true); return; }
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) {
    teachStatus("Give the pose a name of letters, digits and underscores, e.g. my_arabesque.", true);
    return;
  }
  const params = new URLSearchParams({ name, by: document.getElementById("teach-by").value });
  if (time !== "") params.set("time_s", time);
  const form = new FormData();
  form.append("file", file, file.name);
  teachStatus("Finding the body and learning the pose…");
  const response = await fetch(`/poses/learn?${params}`, { method: "POST", body: form, headers: authHeaders() });
  if (!response.ok) { teachStatus(await errorText(response), true); return; }
  const learned = await response.json();
  teach.definition = learned.definition;
  document.getElementById("teach-yaml").textContent = learned.yaml;
  document.getElementById("teach-review").hidden = false;
  teachStatus(`Learned ${label(name)}: review it, then use it.`);
}

async function savePose() {
  const response = await fetch("/poses", {
    method: "POST",
    body: JSON.stringify({ poses: [teach.definition] }),
    headers: { ...authHeaders(), "Content-Type": "application/json" },
  });
  if (!response.ok) { teachStatus(await errorText(response), true); return; }
  document.getElementById("teach-review").hidden = true;
  teachStatus(`${label(teach.definition.name)} is used by every analysis from now on.`);
  loadDescriptions();
  listMyPoses();
}

function initTeach() {
  document.getElementById("teach-go").addEventListener("click", () => learnPose().catch((e) => teachStatus(e.message, true)));
  document.getElementById("teach-save").addEventListener("click", () => savePose().catch((e) => teachStatus(e.message, true)));
  document.getElementById("teach").addEventListener("toggle", () => {
    if (document.getElementById("teach").open) listMyPoses().catch((e) => teachStatus(e.message, true));
  });
}

initTeach();
