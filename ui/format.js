// Numbers and sizes in words: "1,234 stories", "12.3 MB". A number and its unit or noun are joined by a
// no-break space, so a line never ends between them.

const count = new Intl.NumberFormat();
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const NBSP = "\u00a0";

/** "1,234" */
export function number(n) {
  return count.format(n);
}

/** "1 story", "1,234 stories". */
export function plural(n, one, many) {
  return `${count.format(n)}${NBSP}${n === 1 ? one : many}`;
}

/** `n` and its `unit` on one line: "36,500 days". */
export function withUnit(n, unit) {
  return `${count.format(n)}${NBSP}${unit}`;
}

/** Bytes as KB, MB or GB (of 1024), with one decimal at most: "4.5 MB". Picture space is set in the same MB. */
export function bytes(n) {
  const value = Math.max(0, Number(n) || 0);
  const units = ["KB", "MB", "GB", "TB"];
  let size = value / 1024;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  if (value > 0 && size < 0.1) return `0.1${NBSP}${units[unit]}`;
  return `${oneDecimal.format(size)}${NBSP}${units[unit]}`;
}
