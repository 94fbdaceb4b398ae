// Dates as a reader sees them: "3 h ago" in the list, a full local date in the reader.

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const dayMonth = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short" });
const dayMonthYear = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" });
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

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

/** The local time of day: "15:40", or "3:40 PM" where the clock has twelve hours. */
export function clockTime(date) {
  return timeOfDay.format(date);
}

/** When something last happened, to follow a verb: "at 15:40" today, else "yesterday", "3 d ago", "9 Jan". */
export function sinceText(iso, now = new Date()) {
  const date = parse(iso);
  if (!date) return "";
  return date.toDateString() === now.toDateString() ? `at ${clockTime(date)}` : relativeTime(iso, now);
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
