// A photo's result: the picture with the skeleton found in it, and every pose that holds in
// it (a photo is one moment: no timeline, no moves, no video).

import { $, about, drawSkeleton, label, skeletonPoints } from "./common.js";

const BLANK_SIDE = 480; // the skeleton alone, when the photo is not in this page any more

function loaded(file) {
  return new Promise((resolve) => {
    const picture = new Image();
    const url = URL.createObjectURL(file);
    // Decoded, the picture no longer needs its address (each one would hold the file).
    picture.onload = () => { URL.revokeObjectURL(url); resolve(picture); };
    picture.onerror = () => { URL.revokeObjectURL(url); resolve(null); };
    picture.src = url;
  });
}

// ``file``: the photo as chosen in this page, or null (a result opened from its address).
export async function renderPhoto(result, file) {
  const picture = file ? await loaded(file) : null;
  const canvas = $("photo-canvas");
  if (!picture) {
    const scale = BLANK_SIDE / Math.max(result.width || 1, result.height || 1);
    canvas.width = Math.round((result.width || 1) * scale);
    canvas.height = Math.round((result.height || 1) * scale);
  }
  const frame = (result.frames || [])[0];
  drawSkeleton(canvas, picture, skeletonPoints(frame && frame.landmarks));
  canvas.dataset.drawn = picture ? "photo" : "skeleton";
  const poses = result.poses || [];
  $("photo-poses").replaceChildren(...poses.map((pose) => {
    const item = document.createElement("li");
    item.dataset.pose = pose;
    item.textContent = label(pose);
    item.title = `${label(pose)}${about("poses", pose)}`;
    return item;
  }));
  $("photo-none").hidden = poses.length > 0;
  $("photo-none").textContent = result.frames_with_person ? "None of the poses the analysis knows holds in it." :
    "Nobody was found in the photo.";
}
