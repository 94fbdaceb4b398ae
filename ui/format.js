// Numbers and sizes in words: "1,234 stories", "12.3 MB".

const count = new Intl.NumberFormat();
const oneDecimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** "1 story", "1,234 stories". */
export function plural(n, one, many) {
  return `${count.format(n)} ${n === 1 ? one : many}`;
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
  if (value > 0 && size < 0.1) return `0.1 ${units[unit]}`;
  return `${oneDecimal.format(size)} ${units[unit]}`;
}
