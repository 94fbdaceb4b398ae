// Pictures and embed cards in the story body. Stored HTML points every picture at the local picture scheme;
// one that is not in the cache fails to load and is replaced by a quiet placeholder (a picture glyph and the
// alt text) instead of the browser's broken-image icon. It takes the room the picture said it would (its
// width and height attributes) when that is narrower than the column, and the column's width otherwise. An
// embed card whose thumbnail is missing keeps its provider and title and simply drops the thumbnail.

import { svgUse, textSpan } from "./dom.js";

const NOT_SAVED = "Picture not saved";
/** Pictures no bigger than this (by their width and height attributes) are icons or emoji: a glyph is enough. */
const SMALL_PX = 48;
/** A box of the picture's own size shows its alt text only when the text has this much room. */
const TEXT_WIDTH_PX = 160;
const TEXT_HEIGHT_PX = 72;

/** The picture's width and height attributes, or null when it does not give both. */
function declaredSize(img) {
  const width = Number(img.getAttribute("width"));
  const height = Number(img.getAttribute("height"));
  return width > 0 && height > 0 ? { width, height } : null;
}

/** Only the glyph; the alt text is for screen readers and the tooltip. */
function glyphOnly(box, alt) {
  box.title = alt ? `${NOT_SAVED}: ${alt}` : NOT_SAVED;
  box.append(textSpan("visually-hidden", alt || NOT_SAVED));
  return box;
}

/** The placeholder for `img`; `column` is the width of the story's column in pixels (0 when unknown). */
function placeholderFor(img, column) {
  const alt = (img.getAttribute("alt") ?? "").trim();
  const size = declaredSize(img);
  const box = document.createElement("span");
  box.className = "picture-missing";
  box.title = NOT_SAVED;
  box.append(svgUse("#i-picture", "picture-missing-glyph"));
  if (size && size.width <= SMALL_PX && size.height <= SMALL_PX) {
    box.classList.add("is-small");
    return glyphOnly(box, alt);
  }
  if (size && (column === 0 || size.width < column)) {
    // The room the picture would have taken (style properties, which the CSP allows, unlike style attributes).
    box.classList.add("is-sized");
    box.style.width = `${size.width}px`;
    box.style.aspectRatio = `${size.width} / ${size.height}`;
    if (size.width < TEXT_WIDTH_PX || size.height < TEXT_HEIGHT_PX) return glyphOnly(box, alt);
  }
  // Screen readers hear that the picture is missing; the eye sees the glyph and the words it would show.
  if (alt) box.append(textSpan("visually-hidden", `${NOT_SAVED}: `));
  const text = textSpan("picture-missing-text", alt || NOT_SAVED);
  text.dir = "auto";
  box.append(text);
  return box;
}

/** Swaps a picture of `body` that could not load for its placeholder, or drops an embed card's thumbnail. */
function pictureFailed(img, body) {
  if (!img.isConnected) return;
  if (img.classList.contains("op-embed-thumb")) {
    img.remove();
    return;
  }
  img.replaceWith(placeholderFor(img, body.clientWidth));
}

/**
 * Watches the pictures of `body` (listening in the capture phase, as error events do not bubble) and returns a
 * `sweep()` to call after each new body: it catches pictures that had already failed before anyone listened.
 */
export function watchPictures(body) {
  body.addEventListener(
    "error",
    (event) => {
      if (event.target instanceof HTMLImageElement && body.contains(event.target)) pictureFailed(event.target, body);
    },
    true,
  );

  return function sweep() {
    for (const img of body.querySelectorAll("img")) {
      // complete with no width is broken, or an SVG without a size: decode() tells the two apart.
      if (img.complete && img.naturalWidth === 0) img.decode().catch(() => pictureFailed(img, body));
    }
  };
}
