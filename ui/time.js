// Dates as a reader sees them: "3 h ago" in the list, a full local date in the reader.

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const dayMonth = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const dayMonthYear = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" });

function parse(iso) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : new Date(t);
}

/** "just now", "12 min ago", "3 h ago", "yesterday", "4 d ago", then "9 Jan" or "9 Jan 2024". */
export function relativeTime(iso, now = new Date()) {
  const date = parse(iso);
  if (!date) return "";
  const ago = now.getTime() - date.getTime();
  if (ago < MINUTE) return "just now";
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min ago`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h ago`;
  if (ago < 2 * DAY) return "yesterday";
  if (ago < 7 * DAY) return `${Math.floor(ago / DAY)} d ago`;
  return date.getFullYear() === now.getFullYear() ? dayMonth.format(date) : dayMonthYear.format(date);
}

/** A long local date and time, for the reader and for tooltips. */
export function fullTime(iso) {
  const date = parse(iso);
  return date ? full.format(date) : "";
}

/** Unix seconds of the most recent local midnight: what "Today" lists from. */
export function localMidnight(now = new Date()) {
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.floor(midnight.getTime() / 1000);
}
