//! Just enough of a W3C WebDriver client to drive the real Offprint window: Xvfb for a display,
//! tauri-driver (which starts WebKitWebDriver) for the session. Everything runs in process groups of
//! its own and is stopped with SIGTERM when the value is dropped, so no WebKitWebDriver is left behind.

#![allow(dead_code)]

use std::io::Read;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A display, a driver, and one running app window.
pub struct Desktop {
    session: String,
    base: String,
    xvfb: Child,
    driver: Child,
}

/// An element of the page, by its WebDriver reference.
#[derive(Clone, Debug)]
pub struct Element(String);

impl Desktop {
    /// Starts Xvfb and tauri-driver, then the app at `binary` with `args`.
    pub fn launch(binary: &Path, args: &[String]) -> Desktop {
        let (mut xvfb, display) = start_xvfb();
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new(tauri_driver())
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("DISPLAY", &display)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                stop(&mut xvfb);
                panic!("cannot start tauri-driver ({e}): `make test` installs it with cargo install tauri-driver")
            });
        let base = format!("http://127.0.0.1:{port}");
        let mut desktop = Desktop { session: String::new(), base, xvfb, driver };
        desktop.wait_until_ready();
        desktop.session = desktop.new_session(binary, args);
        desktop
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if ureq::get(format!("{}/status", self.base)).call().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("tauri-driver did not answer on {}", self.base);
    }

    fn new_session(&self, binary: &Path, args: &[String]) -> String {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "tauri:options": {"application": binary, "args": args}
        }}});
        let value = self.post("/session", caps);
        value["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {value}")).to_owned()
    }

    fn request(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{}", self.base, path);
        let response = match (method, body) {
            ("GET", _) => ureq::get(&url).config().http_status_as_error(false).build().call(),
            ("DELETE", _) => ureq::delete(&url).config().http_status_as_error(false).build().call(),
            (_, body) => ureq::post(&url)
                .config()
                .http_status_as_error(false)
                .build()
                .send_json(body.unwrap_or_else(|| json!({}))),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let value: Value = response.body_mut().read_json().unwrap_or(Value::Null);
        value["value"].clone()
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.request("POST", path, Some(body))
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    /// Runs `script` in the page (as a function body, `arguments` bound) and returns its value.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.post(&self.session_path("/execute/sync"), json!({"script": script, "args": args}))
    }

    /// Runs `script` with a callback as its last argument and returns what it passes to it.
    pub fn execute_async(&self, script: &str, args: Value) -> Value {
        self.post(&self.session_path("/execute/async"), json!({"script": script, "args": args}))
    }

    /// The first element matching `css`, waiting up to 20 s for it to appear.
    pub fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(element) = self.find(css) {
                return element;
            }
            if Instant::now() > deadline {
                let html =
                    self.execute("return document.body ? document.body.innerHTML.slice(0, 3000) : ''", json!([]));
                panic!("no element matches {css:?} after 20 s; the page holds: {html}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `script` (a function body) returns something truthy, and returns it.
    pub fn wait_until(&self, what: &str, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let value = self.execute(script, json!([]));
            if !(value.is_null() || value == json!(false) || value == json!("") || value == json!(0)) {
                return value;
            }
            if Instant::now() > deadline {
                panic!("waited 20 s for {what}; last value {value}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The element a script returns (a function body), waiting up to 20 s for it to return one.
    pub fn wait_for_script(&self, what: &str, script: &str) -> Element {
        let value = self.wait_until(what, script);
        Element(value[ELEMENT].as_str().unwrap_or_else(|| panic!("{what}: not an element: {value}")).to_owned())
    }

    pub fn find(&self, css: &str) -> Option<Element> {
        let value = self.post(&self.session_path("/element"), json!({"using": "css selector", "value": css}));
        value[ELEMENT].as_str().map(|id| Element(id.to_owned()))
    }

    /// Clicks `element`; panics with WebDriver's reason if it cannot.
    pub fn click(&self, element: &Element) {
        let value = self.post(&self.session_path(&format!("/element/{}/click", element.0)), json!({}));
        if let Some(error) = value.get("error") {
            panic!("cannot click: {error} {}", value["message"]);
        }
    }

    /// Clicks the element matching `css`, finding it again if the page re-rendered it in between.
    pub fn click_css(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let element = self.wait_for(css);
            let value = self.post(&self.session_path(&format!("/element/{}/click", element.0)), json!({}));
            match value.get("error").and_then(Value::as_str) {
                None => return,
                Some("stale element reference") if Instant::now() < deadline => continue,
                Some(error) => panic!("cannot click {css:?}: {error} {}", value["message"]),
            }
        }
    }

    /// The URL of the page the window shows.
    pub fn url(&self) -> String {
        self.request("GET", &self.session_path("/url"), None).as_str().unwrap_or_default().to_owned()
    }

    /// Saves a PNG of the window.
    pub fn screenshot(&self, path: &Path) {
        use base64_decode::decode;
        let value = self.request("GET", &self.session_path("/screenshot"), None);
        let png = decode(value.as_str().unwrap_or_default());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    /// Closes the app window, ending the session.
    pub fn quit(&mut self) {
        if !self.session.is_empty() {
            self.request("DELETE", &self.session_path(""), None);
            self.session.clear();
        }
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        self.quit();
        stop(&mut self.driver);
        stop(&mut self.xvfb);
    }
}

/// Where `make test` writes what the e2e tests save (screenshots).
pub fn output_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e")
}

fn tauri_driver() -> PathBuf {
    let installed = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|home| home.join("bin/tauri-driver"));
    installed.filter(|p| p.exists()).unwrap_or_else(|| PathBuf::from("tauri-driver"))
}

/// Xvfb on the first free display, which it reports itself (`-displayfd`).
fn start_xvfb() -> (Child, String) {
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start Xvfb ({e}): `make test` installs it (apt package xvfb)"));
    let mut number = String::new();
    let mut stdout = child.stdout.take().unwrap();
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).unwrap_or(0) == 1 && byte[0] != b'\n' {
        number.push(byte[0] as char);
    }
    assert!(!number.is_empty(), "Xvfb did not report its display");
    (child, format!(":{}", number.trim()))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// SIGTERM to the child's whole process group (tauri-driver's WebKitWebDriver included), then reap it.
fn stop(child: &mut Child) {
    let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", child.id())]).status();
    let _ = child.wait();
}

/// Base64 for screenshots, without a crate for it.
mod base64_decode {
    pub fn decode(text: &str) -> Vec<u8> {
        let value = |c: u8| match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        };
        let digits: Vec<u8> = text.bytes().filter_map(value).collect();
        let mut out = Vec::with_capacity(digits.len() * 3 / 4);
        for chunk in digits.chunks(4) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, d)| n | (u32::from(*d) << (18 - 6 * i)));
            let bytes = n.to_be_bytes();
            out.extend_from_slice(&bytes[1..chunk.len()]);
        }
        out
    }
}
