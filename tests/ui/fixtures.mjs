// Synthetic sources and stories (English, Russian, Persian) for the UI tests, written for this project.
// Times are relative to NOW, the fixed clock every test page runs at.

export const NOW = new Date("2026-01-09T15:00:00Z");
export const TIMEZONE = "Europe/Berlin";

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const ago = (ms) => new Date(NOW.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export const SOURCES = {
  rights: { id: 1, url: "https://rights.example.org/feed.xml", site_url: "https://rights.example.org/", title: "Rights Desk", folder: null },
  courts: { id: 2, url: "https://sud.example.org/feed.xml", site_url: "https://sud.example.org/", title: "Судебный вестник", folder: "Courts" },
  azadi: { id: 3, url: "https://azadi.example.org/feed.xml", site_url: "https://azadi.example.org/", title: "دیدبان آزادی مطبوعات", folder: null },
  monitor: { id: 4, url: "https://monitor.example.org/feed.xml", site_url: "https://monitor.example.org/", title: "Press Freedom Monitor", folder: "Courts" },
};

export const MONITOR_ERROR = {
  code: "http_503",
  message: "the server answered 503 Service Unavailable",
  at: ago(2 * HOUR),
};

function story(source, fields) {
  return {
    source_id: source.id,
    source_title: source.title,
    author: null,
    updated: null,
    read: false,
    bookmarked: false,
    lang: "en",
    dir: "ltr",
    ...fields,
  };
}

export const STORY = {
  protest: 108,
  persian: 104,
  appeal: 101,
  markup: 102,
  russian: 103,
  asylum: 105,
  raid: 106,
  monitor: 107,
};

export function baseFixture() {
  const { rights, courts, azadi, monitor } = SOURCES;
  const entries = [
    story(rights, {
      id: 108,
      title: "Protest for press freedom draws thousands to the capital",
      url: "https://rights.example.org/2026/01/protest",
      author: "Dana Whitfield",
      published: ago(40 * MIN),
      summary: "Marchers carried photographs of jailed reporters and called for their release.",
      content_html:
        "<p>Thousands marched through the capital on Friday carrying photographs of jailed reporters.</p>" +
        "<p>Organisers said it was the largest protest for press freedom in a decade.</p>",
    }),
    story(azadi, {
      id: 104,
      title: "دادگاه تجدیدنظر حکم زندان روزنامه‌نگار را تأیید کرد",
      url: "https://azadi.example.org/news/appeal-upheld",
      author: "مریم احمدی",
      published: ago(1 * HOUR + 5 * MIN),
      summary: "دادگاه تجدیدنظر روز پنجشنبه حکم دو سال زندان برای یک روزنامه‌نگار محلی را تأیید کرد.",
      lang: "fa",
      dir: "rtl",
      content_html:
        "<p>دادگاه تجدیدنظر روز پنجشنبه حکم دو سال زندان برای یک روزنامه‌نگار محلی را تأیید کرد. " +
        "وکیل او می‌گوید موکلش فقط گزارش داده است.</p>" +
        "<p>سازمان‌های مدافع آزادی مطبوعات این حکم را محکوم کردند و خواستار آزادی فوری او شدند.</p>" +
        "<blockquote><p>«روزنامه‌نگاری جرم نیست.»</p></blockquote>",
    }),
    story(rights, {
      id: 101,
      title: "Appeal court hears the case of a jailed newspaper editor",
      url: "https://rights.example.org/2026/01/appeal-hearing",
      author: "Tomás Ferreira",
      published: ago(3 * HOUR + 10 * MIN),
      summary: "The editor's lawyers argued that the articles cited by prosecutors were ordinary reporting.",
      content_html:
        "<p>The appeal court heard arguments on Thursday in the case of a newspaper editor sentenced last " +
        "spring to three years in prison over a series of articles about local land deals.</p>" +
        '<figure><img src="/__fixtures__/courthouse.svg" alt="The court building at dusk" width="640" height="300">' +
        "<figcaption>The appeal court, where the hearing resumed on Thursday.</figcaption></figure>" +
        "<p>His lawyers told the three judges that every article cited by prosecutors was ordinary reporting, " +
        'and filed the <a href="https://rights.example.org/documents/appeal-brief.pdf" rel="noopener noreferrer">full ' +
        "appeal brief</a> with the court.</p>" +
        "<blockquote><p>“Reporting on a land deal is not a crime,” one of the lawyers said outside the court.</p></blockquote>" +
        "<h2>What happens next</h2>" +
        "<p>A ruling is expected within a month. Rights groups have asked observers from three embassies to " +
        'attend. Read <a href="https://rights.example.org/2025/11/first-hearing" rel="noopener noreferrer">our report ' +
        "on the first hearing</a>.</p>",
    }),
    story(rights, {
      id: 102,
      title: "Title with <b>tags</b> & <img src=x onerror=alert(1)> stays text",
      url: "https://rights.example.org/2026/01/markup",
      published: ago(4 * HOUR),
      summary: "A summary that mentions <script>alert(1)</script> as text.",
      content_html: "<p>The title of this story contains characters that look like markup.</p>",
    }),
    story(courts, {
      id: 103,
      title: "Суд отложил рассмотрение дела журналиста до февраля",
      url: "https://sud.example.org/news/delo-otlozheno",
      author: "Анна Петрова",
      published: ago(5 * HOUR),
      summary: "Городской суд перенёс заседание по делу редактора независимой газеты.",
      lang: "ru",
      read: true,
      content_html:
        "<p>Городской суд в четверг перенёс заседание по делу редактора независимой газеты до 12 февраля. " +
        "Защита просила приобщить к делу новые документы.</p>" +
        "<p>Правозащитники называют преследование редактора давлением на прессу.</p>",
    }),
    story(rights, {
      id: 105,
      title: "Asylum seekers wait months for a first hearing",
      url: "https://rights.example.org/2026/01/asylum-backlog",
      author: "Dana Whitfield",
      published: ago(26 * HOUR),
      summary: "A backlog of cases leaves families without a decision for most of a year.",
      read: true,
      bookmarked: true,
      content_html: "<p>A backlog of cases leaves families without a decision for most of a year.</p>",
    }),
    story(courts, {
      id: 106,
      title: "Обыски в редакции: что известно",
      url: "https://sud.example.org/news/obyski",
      published: ago(3 * DAY),
      summary: "Полиция изъяла компьютеры и телефоны сотрудников.",
      lang: "ru",
      content_html: "<p>Полиция изъяла компьютеры и телефоны сотрудников редакции.</p>",
    }),
    story(monitor, {
      id: 107,
      title: "Weekly press-freedom roundup",
      url: "https://monitor.example.org/roundup/2",
      published: ago(10 * DAY),
      summary: "Trials, raids and releases from the past week.",
      content_html: "<p>Trials, raids and releases from the past week.</p>",
    }),
  ];
  return {
    sources: [
      { ...rights, last_ok_at: ago(20 * MIN), last_error: null },
      { ...courts, last_ok_at: ago(20 * MIN), last_error: null },
      { ...azadi, last_ok_at: ago(20 * MIN), last_error: null },
      { ...monitor, last_ok_at: ago(3 * DAY), last_error: MONITOR_ERROR },
    ],
    entries,
    settings: { theme: "light", text_size: "medium", font: "serif", column_width: "medium" },
  };
}

/** The base fixture plus one source with `count` older stories, for paging. */
export function bulkFixture(count) {
  const fixture = baseFixture();
  const archive = { id: 5, url: "https://archive.example.org/feed.xml", site_url: null, title: "Wire Archive", folder: null };
  fixture.sources.push({ ...archive, last_ok_at: ago(HOUR), last_error: null });
  for (let i = 0; i < count; i += 1) {
    fixture.entries.push(story(archive, {
      id: 1000 + i,
      title: `Archive story ${i + 1}`,
      url: `https://archive.example.org/${i + 1}`,
      published: ago(20 * DAY + i * HOUR),
      summary: `Number ${i + 1} of the archive.`,
      content_html: `<p>Archive story ${i + 1}.</p>`,
    }));
  }
  return fixture;
}

/** First run: nothing subscribed yet. */
export function emptyFixture() {
  return { sources: [], entries: [], settings: { theme: "light", text_size: "medium", font: "serif", column_width: "medium" } };
}

/** Pictures as stored HTML points at them. "Cached" ones are served to the test page from tests/ui/fixtures
 * (Chromium has no offprint-img: scheme); the offprint-img: ones are not in the cache and fail to load. */
export const PICTURES = {
  pressRoom: "/__fixtures__/press-room.png",
  verdictThumb: "/__fixtures__/verdict-thumb.png",
  rightsIcon: "/__fixtures__/rights-icon.png",
  missingFigure: "offprint-img://localhost/5d0c3e8a91b24f7c8e6a1d2b3c4f5a6b",
  missingInline: "offprint-img://localhost/a17e4c2b9d8f3e6a5b4c3d2e1f0a9b8c",
  missingNoAlt: "offprint-img://localhost/6e1d4f9b02c35e8d9f7b2e3c4d5e6f7a",
  missingThumb: "offprint-img://localhost/0b9a8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
  missingIcon: "offprint-img://localhost/e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8",
  missingSeal: "offprint-img://localhost/7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a29",
};

export const OFFLINE_STORY = { verdict: 109, blocked: 110 };

export const EMBED = {
  youtube: "https://www.youtube.com/watch?v=Vx3rD1ct9aQ",
  vimeo: "https://vimeo.com/881234567",
};

/**
 * The base fixture after offline capture: site icons (one cached, one not), full-text modes, a story whose
 * full text came from its page (with pictures in and out of the cache and two embed cards), one whose page
 * could not be fetched, and the cache's size and settings.
 */
export function offlineFixture() {
  const fixture = baseFixture();
  const { rights, monitor } = SOURCES;
  const modes = { 1: "always", 2: "auto", 3: "off", 4: "auto" };
  const icons = { 1: PICTURES.rightsIcon, 2: PICTURES.missingIcon };
  fixture.sources = fixture.sources.map((s) => ({ ...s, full_text: modes[s.id], icon_url: icons[s.id] ?? null }));
  const image = (url, status, bytes = null) => ({ url, local_url: url, bytes, status });
  fixture.entries.unshift(
    story(rights, {
      id: OFFLINE_STORY.verdict,
      title: "Verdict day: reporters wait outside the court",
      url: "https://rights.example.org/2026/01/verdict-day",
      author: "Tomás Ferreira",
      published: ago(12 * MIN),
      summary: "The court is expected to rule on the editor's appeal this afternoon.",
      full_text: true,
      content_html:
        "<p>Reporters and families gathered outside the appeal court on Friday morning, hours before the " +
        "ruling on the jailed editor's appeal was due.</p>" +
        `<figure><img src="${PICTURES.missingFigure}" alt="Families holding portraits of the editor on the court steps" width="1200" height="800">` +
        "<figcaption>Families on the court steps on Friday morning.</figcaption></figure>" +
        "<p>Inside, the press room filled up long before the judges arrived " +
        `<img src="${PICTURES.missingInline}" alt="" width="20" height="20"> and the doors were closed at nine.</p>` +
        `<figure><img src="${PICTURES.pressRoom}" alt="The press room of the appeal court" width="640" height="360">` +
        "<figcaption>The press room, an hour before the ruling.</figcaption></figure>" +
        `<p><img src="${PICTURES.missingNoAlt}" alt=""></p>` +
        `<p><img src="${PICTURES.missingSeal}" alt="Seal of the appeal court" width="64" height="64"> The ruling ` +
        "will carry the court's seal.</p>" +
        `<a class="op-embed" href="${EMBED.youtube}"><img class="op-embed-thumb" src="${PICTURES.verdictThumb}" alt="">` +
        '<span class="op-embed-provider">YouTube</span><span class="op-embed-title">The verdict, explained in three minutes</span></a>' +
        "<p>The editor's lawyers said they would appeal again if the sentence stood, as they did after the " +
        '<a href="https://rights.example.org/2025/11/first-hearing">first hearing</a>.</p>' +
        `<a class="op-embed" href="${EMBED.vimeo}"><img class="op-embed-thumb" src="${PICTURES.missingThumb}" alt="">` +
        '<span class="op-embed-provider">Vimeo</span><span class="op-embed-title">Interview with the defence team</span></a>',
      feed_html:
        "<p>The court is expected to rule on the editor's appeal this afternoon. Read the full story on our site.</p>",
      full_text_error: null,
      images: [
        image(PICTURES.missingFigure, "failed"),
        image(PICTURES.missingInline, "skipped"),
        image(PICTURES.missingNoAlt, "failed"),
        image(PICTURES.missingSeal, "failed"),
        image(PICTURES.pressRoom, "cached", 4350),
        image(PICTURES.verdictThumb, "cached", 2806),
        image(PICTURES.missingThumb, "pending"),
      ],
    }),
    story(monitor, {
      id: OFFLINE_STORY.blocked,
      title: "Monitor: court access restricted for foreign reporters",
      url: "https://monitor.example.org/2026/01/court-access",
      published: ago(30 * MIN),
      summary: "Foreign reporters were refused accreditation for the hearing.",
      content_html: "<p>Foreign reporters were refused accreditation for the hearing.</p>",
      full_text: false,
      feed_html: null,
      // As the backend sends it for now: the error's code, then its message.
      full_text_error: "http_403: the article page answered 403 Forbidden",
    }),
  );
  fixture.cacheSettings = { keep_read_days: 60, keep_unread_days: 180, image_budget_mb: 1024 };
  fixture.cacheInfo = {
    entries: 1234, bookmarked: 12, images: 56, image_bytes: Math.round(12.3 * 1024 * 1024),
    database_bytes: Math.round(8.1 * 1024 * 1024),
  };
  fixture.cleanup = { purged_entries: 12, evicted_images: 3, freed_bytes: Math.round(4.5 * 1024 * 1024) };
  return fixture;
}

/** When the monitor's server asked to be left alone until: 17:30 UTC, 18:30 in Berlin. */
export const RETRY_AFTER = new Date(NOW.getTime() + 2 * HOUR + 30 * MIN).toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * The base fixture with two folders: Courts (Судебный вестник and Press Freedom Monitor, 2 unread) and Watch
 * (دیدبان آزادی مطبوعات, 1 unread), with Rights Desk in none. The monitor has settings of its own, and its
 * server asked to be left alone until RETRY_AFTER.
 */
export function foldersFixture() {
  const fixture = baseFixture();
  fixture.sources = fixture.sources.map((s) => {
    if (s.id === SOURCES.azadi.id) return { ...s, folder: "Watch" };
    if (s.id === SOURCES.monitor.id) {
      return {
        ...s, refresh_interval: 60, proxy: "socks5h://127.0.0.1:9050", user_agent: "Mozilla/5.0 (compatible; Monitor)",
        notify: false, retry_after: RETRY_AFTER,
      };
    }
    return s;
  });
  return fixture;
}
