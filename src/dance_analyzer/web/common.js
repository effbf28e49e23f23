// What every part of the page shares: the element lookup, the poses' and the dancers'
// colours, what each pose and move is, the API key, the status and error lines, a bar row.

export const $ = (id) => document.getElementById(id);

// One colour per pose, stable across videos (chosen by the pose's name).
// Each at least 4.9:1 against the light page and 3:1 against the dark one, and no two
// alike (no greys: the gaps between poses are the page's own background).
const PALETTE = ["#d62728", "#2e7d32", "#1f5fbf", "#c2410c", "#7e22ce", "#0e7490",
                 "#be185d", "#8c564b", "#5b6b00", "#a16207", "#1e3a8a", "#475569"];

export function colourOf(pose) {
  let h = 0;
  for (const ch of pose) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return PALETTE[h % PALETTE.length];
}

export function label(pose) { return pose.replaceAll("_", " "); }

// A number to `digits` decimals as the server's own sentences print it (Python rounds an exact
// half to even: a 3-frame jump at 24 fps is 0.125 s, "0.12" there, where toFixed says "0.13").
export function fixed(value, digits) {
  const scaled = value * 10 ** digits;
  const floor = Math.floor(scaled);
  const whole = scaled - floor === 0.5 ? floor + (floor % 2) : Math.round(scaled);
  return (whole / 10 ** digits).toFixed(digits);
}

// MediaPipe's skeleton: pairs of landmark indices.
const BONES = [[11, 12], [11, 13], [13, 15], [12, 14], [14, 16], [11, 23], [12, 24], [23, 24], [23, 25], [25, 27],
  [27, 29], [29, 31], [27, 31], [24, 26], [26, 28], [28, 30], [30, 32], [28, 32], [0, 11], [0, 12]];

// The API's landmarks ([x, y, z, visibility] each, or null) as drawSkeleton's points.
export const skeletonPoints = (landmarks) => (landmarks ? landmarks.map(([x, y, , visibility]) => ({ x, y, visibility })) : null);

// The picture on the canvas at its own size (none: the canvas as it is, cleared), and over it
// the bones between landmarks ({x, y, visibility}, x and y normalised) seen surely.
export function drawSkeleton(canvas, picture, points) {
  if (picture) {
    canvas.width = picture.naturalWidth || picture.width;
    canvas.height = picture.naturalHeight || picture.height;
  }
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (picture) ctx.drawImage(picture, 0, 0, canvas.width, canvas.height);
  drawBones(canvas, points);
}

// One more skeleton over what the canvas shows (a group photo's people, each in their colour).
export function drawBones(canvas, points, colour = "#39ff88") {
  if (!points) return;
  const ctx = canvas.getContext("2d");
  ctx.lineWidth = Math.max(2, canvas.width / 200);
  ctx.strokeStyle = colour;
  for (const [a, b] of BONES) {
    if (points[a].visibility < 0.5 || points[b].visibility < 0.5) continue;
    ctx.beginPath();
    ctx.moveTo(points[a].x * canvas.width, points[a].y * canvas.height);
    ctx.lineTo(points[b].x * canvas.width, points[b].y * canvas.height);
    ctx.stroke();
  }
}

// What each pose and move is, from the definitions in use (GET /poses, /moves): shown on
// hover, so a name like "passe" explains itself.
const ABOUT = { poses: {}, moves: {} };
export async function loadDescriptions() {
  try {
    const [poses, moves] = await Promise.all(["/poses", "/moves"].map((url) => fetch(url, { headers: authHeaders() })));
    if (poses.ok) for (const p of (await poses.json()).poses) ABOUT.poses[p.name] = p.description;
    if (moves.ok) for (const m of (await moves.json()).moves) ABOUT.moves[m.name] = m.description;
  } catch (_) { /* names alone still read */ }
}
export const about = (kind, name) => (ABOUT[kind][name] ? `\n${ABOUT[kind][name]}` : "");

// One colour per dancer id, the overlay's own (render/drawing.py PERSON_RGB), so a chip matches
// the skeleton drawn on the video; the id is always written beside it.
const PERSON_COLOURS = ["#00e676", "#ff40a0", "#409cff", "#ffc107", "#b46eff", "#ff7043", "#00dce6", "#ebebeb"];
export function personColour(id) {
  const n = PERSON_COLOURS.length;
  return PERSON_COLOURS[(((id - 1) % n) + n) % n];
}

// A small square of a dancer's colour, for beside their id (decoration: the id says it).
export function swatch(id) {
  const mark = document.createElement("span");
  mark.className = "swatch";
  mark.style.background = personColour(id);
  mark.setAttribute("aria-hidden", "true");
  return mark;
}

// Servers started with DANCE_API_KEYS want a key on every API call; the page asks once
// and keeps it in this browser.
export const KEY_STORE = "dance-analyzer-api-key";
export function authHeaders() {
  const key = localStorage.getItem(KEY_STORE);
  return key ? { "X-API-Key": key } : {};
}
export function askForKey() {
  const key = prompt("This server needs an API key:");
  if (key) localStorage.setItem(KEY_STORE, key.trim());
  return Boolean(key);
}

export function showError(message) {
  $("error").textContent = message;
  $("error").hidden = false;
  $("status").hidden = true;
  $("pick").hidden = false;
}

export function setStatus(text, fraction) {
  $("status").hidden = false;
  $("status-text").textContent = text;
  const bar = $("status-bar");
  if (fraction === null) bar.removeAttribute("value"); else bar.value = fraction;
}

// Errors from the API are JSON {"error": "..."}; anything else gets a plain message.
export async function errorText(response) {
  try {
    const body = await response.json();
    if (body && body.error) return body.error;
  } catch (_) { /* not JSON */ }
  return `The server answered ${response.status} ${response.statusText}`;
}

// One row of a horizontal bar chart: name, a bar filled to ``percent``, the value.
export function barRow(key, percent, valueText) {
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
