// Which version of a story the reader shows. When its text came from the article page and the feed's own
// version was kept, a "Full article | Feed version" switch (a radio group: arrow keys move, Tab leaves) picks
// between them; every story opens on the full article. When fetching the full text failed, a quiet note says
// so, and the reason is there for the curious, in the tooltip.

/**
 * Why the full text failed, in words only: the backend may put its error code first ("http_404: …"), which
 * means nothing to a reader. The first letter is made a capital, as the tooltip is a sentence on its own.
 */
function reasonText(raw) {
  const words = raw.trim().replace(/^[a-z][a-z0-9_]*:\s+/, "");
  return /^[a-z]+:\/\//.test(words) ? words : words.charAt(0).toUpperCase() + words.slice(1);
}

export function createVersionSwitch(onChange) {
  const group = document.getElementById("version-switch");
  const note = document.getElementById("version-note");
  let entry = null;

  group.addEventListener("change", (event) => {
    const input = event.target;
    if (entry && input instanceof HTMLInputElement && input.checked) onChange(htmlOf(input.value));
  });

  function htmlOf(version) {
    return version === "feed" ? entry.feed_html : entry.content_html;
  }

  return {
    /** Sets the switch up for a newly opened `entry`; returns the HTML to show first (the full article). */
    reset(next) {
      entry = next;
      const both = next.full_text === true && typeof next.feed_html === "string" && next.feed_html.trim() !== "";
      group.hidden = !both;
      for (const input of group.querySelectorAll("input")) input.checked = input.value === "full";
      const failed = !next.full_text && typeof next.full_text_error === "string" && next.full_text_error.trim() !== "";
      note.hidden = !failed;
      note.title = failed ? reasonText(next.full_text_error) : "";
      return htmlOf("full");
    },
  };
}
