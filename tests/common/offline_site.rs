//! The site the offline tests read from: summary-only feeds whose article pages hold the full text and
//! every kind of picture (see `tests/fixtures/offline/README.md`).

use super::{Route, Server};

/// The article pages, at the paths the feeds' items link to: (path, fixture, Content-Type). The Russian
/// page is windows-1251 and says so only in its `<meta charset>`, as many Russian sites do.
pub const PAGES: &[(&str, &str, &str)] = &[
    ("/news/court-hearing.html", "pages/court-hearing.html", "text/html; charset=utf-8"),
    ("/ru/newsroom.html", "pages/newsroom_windows1251.html", "text/html"),
    ("/fa/river-festival.html", "pages/river-festival.html", "text/html; charset=utf-8"),
    ("/news/ferry-timetable.html", "pages/ferry-timetable.html", "text/html; charset=utf-8"),
];

/// Tracking pixels in the pages (`width=1 height=1`). The server answers them with a real GIF, so only
/// never asking for them keeps their hit count at 0.
pub const TRACKERS: &[&str] =
    &["/px/court.gif?story=bridge-hearing&src=rss", "/px/ru.gif?id=1042", "/px/fa.gif?id=festival"];

/// Pictures served under a path other than their file's: two URLs with the same bytes on purpose.
pub const SHARED: &[(&str, &str)] = &[
    ("/img/shared/lighthouse.png", "lighthouse.png"),
    ("/img/shared/harbour-a.jpg", "harbour.jpg"),
    ("/img/shared/harbour-b.jpg", "harbour.jpg"),
];

pub fn offline_fixture(name: &str) -> Vec<u8> {
    super::read_fixture(&format!("offline/{name}"))
}

pub fn picture_file(name: &str) -> Vec<u8> {
    offline_fixture(&format!("img/{name}"))
}

pub fn picture_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("png") => "image/png",
        Some("jpg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("svg") => "image/svg+xml",
        other => panic!("no content type for {other:?}"),
    }
}

/// A fixture with `{{BASE}}` replaced by the server's address (its port changes on every run).
pub fn with_base(name: &str, server: &Server) -> Vec<u8> {
    let text = String::from_utf8(offline_fixture(name)).expect("feed fixtures are UTF-8");
    text.replace("{{BASE}}", &base(server)).into_bytes()
}

/// `http://127.0.0.1:PORT`, without a trailing slash.
pub fn base(server: &Server) -> String {
    server.url("")
}

/// A server for the Riverside Courier and its neighbours: the four feeds, the article pages, every
/// picture of `img/` under `/img/`, the tracking pixels, and the shared pictures. `/img/missing-map.png`
/// is not there (404).
pub fn site() -> Server {
    let server = Server::start();
    let pictures = std::fs::read_dir(super::fixtures_dir().join("offline/img")).expect("offline/img");
    for file in pictures {
        let name = file.unwrap().file_name().into_string().unwrap();
        server.route(&format!("/img/{name}"), Route::feed(picture_file(&name), picture_type(&name)));
    }
    for (path, name) in SHARED {
        server.route(path, Route::feed(picture_file(name), picture_type(name)));
    }
    for tracker in TRACKERS {
        server.route(tracker, Route::feed(picture_file("pixel.gif"), "image/gif"));
    }
    for (path, fixture, content_type) in PAGES {
        server.route(path, Route::feed(offline_fixture(fixture), content_type));
    }
    for feed in ["summary.xml", "long.xml", "failing.xml", "shared.xml"] {
        server.route(&format!("/{feed}"), Route::feed(with_base(feed, &server), "application/rss+xml"));
    }
    server
}

/// Stops the server and waits until its port refuses connections: from here on nothing can come from it.
pub fn stop(server: Server) {
    let addr = base(&server).trim_start_matches("http://").to_owned();
    drop(server);
    for _ in 0..500 {
        if std::net::TcpStream::connect(&addr).is_err() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the test server at {addr} still accepts connections after it was dropped");
}
