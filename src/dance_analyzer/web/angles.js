// The joint angles over time, plotted under the video.

import { $, label } from "./common.js";

const JOINT_COLOURS = { left_knee: "#d62728", right_knee: "#1f5fbf", left_hip: "#c2410c", right_hip: "#0e7490",
  left_elbow: "#7e22ce", right_elbow: "#2e7d32", left_shoulder: "#be185d", right_shoulder: "#5b6b00",
  torso_tilt: "#475569" };

// The joints plotted, kept when another dancer is chosen.
const chosen = new Set(["left_knee", "right_knee"]);
// The listeners on the video and the window are added once and draw whatever was rendered
// last: choosing another dancer renders their angles without stacking a second set.
let redraw = null;
let listening = null;

// The angles of the result, or of the dancer chosen with people=all (``who``: their id),
// in degrees, one value per analysed frame, null where unknown, under the video: choose
// joints, hover for values, click to seek; a line follows playback.
export function renderAngles(angles, video, playback, who = null) {
  const section = $("angles-facts");
  $("angles-heading").textContent = who === null ? "Joint angles over time" : `Joint angles of #${who} over time`;
  $("angle-readout").textContent = "";
  if (who === null) delete section.dataset.person; else section.dataset.person = who;
  if (!angles || !angles.times || !angles.times.length) {
    section.hidden = true;
    redraw = null;
    return;
  }
  section.hidden = false;
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
    const parts = [...chosen].map((j) => {
      const v = (angles.joints[j] || [])[k];
      return `${label(j)} ${v === null || v === undefined ? "—" : `${v}°`}`;
    });
    $("angle-readout").textContent = `${angles.times[k].toFixed(2)} s: ${parts.join(", ")}`;
  };
  canvas.onclick = (e) => playback.seek(at(e));
  redraw = draw;
  if (listening !== video) {
    listening = video;
    const again = () => { if (redraw) redraw(); };
    video.addEventListener("timeupdate", again);
    video.addEventListener("seeked", again);
    window.addEventListener("resize", again);
  }
  draw();
}
