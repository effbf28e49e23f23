// A photo's result: the picture with the skeleton found in it, and every pose that holds in
// it (a photo is one moment: no timeline, no moves, no video). With everyone described
// (people=all), each person's skeleton in their colour, their poses, and how alike they are.

import { $, about, drawBones, drawSkeleton, label, personColour, skeletonPoints, swatch } from "./common.js";

const BLANK_SIDE = 480; // the skeleton alone, when the photo is not in this page any more

// A file chosen in this page, or an address (the server's annotated picture); null when this
// browser cannot decode it (Chromium and Firefox cannot decode HEIC).
function loaded(source) {
  return new Promise((resolve) => {
    const picture = new Image();
    const own = typeof source !== "string";
    const url = own ? URL.createObjectURL(source) : source;
    // Decoded, the picture no longer needs an address of its own (each one would hold the file).
    const done = (value) => { if (own) URL.revokeObjectURL(url); resolve(value); };
    picture.onload = () => done(picture);
    picture.onerror = () => done(null);
    picture.src = url;
  });
}

// ``file``: the photo as chosen in this page, or null (a result opened from its address);
// ``annotated``: the address of the server's annotated picture, or null (none was asked for).
export async function renderPhoto(result, file, annotated = null) {
  const picture = file ? await loaded(file) : null;
  const drawn = !picture && annotated ? await loaded(annotated) : null;  // the skeletons already on it
  const canvas = $("photo-canvas");
  if (!picture && !drawn) {
    const scale = BLANK_SIDE / Math.max(result.width || 1, result.height || 1);
    canvas.width = Math.round((result.width || 1) * scale);
    canvas.height = Math.round((result.height || 1) * scale);
  }
  const frame = drawn ? null : (result.frames || [])[0];
  const people = (result.people || []).length >= 2 ? result.people : null;
  drawSkeleton(canvas, picture || drawn, people ? null : skeletonPoints(frame && frame.landmarks));
  for (const person of (people && frame && frame.people) || []) {
    drawBones(canvas, skeletonPoints(person.landmarks), personColour(person.id));
  }
  canvas.dataset.drawn = picture ? "photo" : drawn ? "annotated" : "skeleton";
  $("photo-heading").textContent = people ? "Poses of each person" : "Poses in this photo";
  $("photo-poses").replaceChildren(...(people ? people.map((p) => personItem(p, result.main_person)) : poseItems(result.poses)));
  const poses = result.poses || [];
  $("photo-none").hidden = poses.length > 0 || people !== null;
  $("photo-none").textContent = result.frames_with_person ? "None of the poses the analysis knows holds in it." :
    "Nobody was found in the photo.";
  const score = result.sync && result.sync.group ? result.sync.group.score : null;
  const alike = typeof score === "number";
  $("photo-sync").hidden = !alike;
  $("photo-sync").textContent = alike ? `How alike their poses are: ${Math.round(score)}/100` : "";
}

function poseItems(poses, tag = "li") {
  return (poses || []).map((pose) => {
    const item = document.createElement(tag);
    item.dataset.pose = pose;
    item.textContent = label(pose);
    item.title = `${label(pose)}${about("poses", pose)}`;
    return item;
  });
}

// One person of a group photo: their colour and id, then their poses.
function personItem(person, main) {
  const item = document.createElement("li");
  item.dataset.person = person.id;
  const who = document.createElement("span");
  who.textContent = `#${person.id}${person.id === main ? " (main)" : ""}: `;
  const poses = poseItems(person.poses, "span");
  const list = poses.length ? poses.flatMap((p, k) => (k ? [", ", p] : [p])) : ["none of the known poses"];
  item.append(swatch(person.id), who, ...list);
  return item;
}
