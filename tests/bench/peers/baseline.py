"""The sync benchmark's Python baseline: the small reader anyone could write, with feedparser.

Reads the feeds of an OPML file with 8 threads, each request conditional on the ETag and Last-Modified
the last run stored; parses RSS and Atom with feedparser, which also sanitizes their HTML, and JSON Feed
with the json module, its HTML through feedparser's sanitizer (feedparser 6.0 does not read JSON Feed);
stores every entry in SQLite, one transaction per feed. Prints nothing; exits non-zero only when it could
not run at all (a feed that fails is counted on stderr, as the other readers do).

    baseline.py FEEDS.opml CACHE.sqlite3
"""

import json
import sqlite3
import sys
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import feedparser
from feedparser.sanitizer import _sanitize_html

THREADS = 8

SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, etag TEXT, modified TEXT);
CREATE TABLE IF NOT EXISTS entries (
    feed TEXT NOT NULL, guid TEXT NOT NULL, title TEXT, link TEXT, content TEXT, published TEXT,
    PRIMARY KEY (feed, guid)
);
"""


def fetch(url, etag, modified):
    """(status, body, etag, modified); status 304 has no body."""
    request = urllib.request.Request(url, headers={"User-Agent": "baseline/1"})
    if etag:
        request.add_header("If-None-Match", etag)
    if modified:
        request.add_header("If-Modified-Since", modified)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            headers = response.headers
            return response.status, response.read(), headers.get("ETag"), headers.get("Last-Modified")
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return 304, None, etag, modified
        raise


def json_entries(body):
    feed = json.loads(body)
    for item in feed.get("items", []):
        html = item.get("content_html") or ""
        yield (
            str(item.get("id", "")),
            item.get("title", ""),
            item.get("url", ""),
            _sanitize_html(html, "utf-8", "text/html") if html else item.get("content_text", ""),
            item.get("date_published", ""),
        )


def xml_entries(body):
    parsed = feedparser.parse(body)
    for entry in parsed.entries:
        content = entry.get("content")
        yield (
            entry.get("id") or entry.get("link", ""),
            entry.get("title", ""),
            entry.get("link", ""),
            content[0].value if content else entry.get("summary", ""),
            entry.get("published", ""),
        )


def main(opml, path):
    urls = [o.get("xmlUrl") for o in ET.parse(opml).iter("outline") if o.get("xmlUrl")]
    db = sqlite3.connect(path, check_same_thread=False)
    db.executescript(SCHEMA)
    known = dict(((url, (etag, modified)) for url, etag, modified in db.execute("SELECT * FROM feeds")))
    writer = threading.Lock()
    failures = []

    def sync(url):
        try:
            status, body, etag, modified = fetch(url, *known.get(url, (None, None)))
            if status == 304:
                return
            entries = list(json_entries(body) if body.lstrip().startswith(b"{") else xml_entries(body))
            with writer, db:
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)",
                               [(url, *entry) for entry in entries])
                db.execute("INSERT OR REPLACE INTO feeds VALUES (?, ?, ?)", (url, etag, modified))
        except Exception as error:  # one feed's failure never stops the others
            failures.append(f"{url}: {error}")

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(sync, urls))
    db.close()
    for failure in failures:
        print(failure, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
