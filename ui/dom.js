// Small DOM helpers shared by the views.

const SVG_NS = "http://www.w3.org/2000/svg";

/** An icon from the sprite in index.html (`href` like "#i-feed"), hidden from assistive technology. */
export function svgUse(href, className) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("aria-hidden", "true");
  if (className) svg.setAttribute("class", className);
  const use = document.createElementNS(SVG_NS, "use");
  use.setAttribute("href", href);
  svg.append(use);
  return svg;
}

/** A <span> of `text` with `className`. */
export function textSpan(className, text) {
  const span = document.createElement("span");
  span.className = className;
  span.textContent = text;
  return span;
}
