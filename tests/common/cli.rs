//! Running `offprint-cli` as a subprocess and reading its JSON, for the tests of the CLI contract.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_offprint-cli");

/// The binary with a clean environment: no inherited data directory and no proxy in the way of 127.0.0.1.
pub fn command() -> Command {
    let mut command = Command::new(BIN);
    command.env_remove("OFFPRINT_DATA_DIR");
    for var in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"] {
        command.env_remove(var);
    }
    command.env("NO_PROXY", "127.0.0.1,localhost").env("no_proxy", "127.0.0.1,localhost");
    command
}

/// Runs `offprint-cli --data-dir DIR ARGS...`.
pub fn cli(dir: &Path, args: &[&str]) -> Output {
    command().arg("--data-dir").arg(dir).args(args).output().expect("cannot run offprint-cli")
}

pub fn describe(args: &[&str], output: &Output) -> String {
    format!(
        "offprint-cli {args:?}: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs a command that must succeed and returns its stdout.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    String::from_utf8(ok_bytes(dir, args)).expect("stdout is not UTF-8")
}

/// Runs a command that must succeed and returns its stdout as bytes (a picture, say).
pub fn ok_bytes(dir: &Path, args: &[&str]) -> Vec<u8> {
    let output = cli(dir, args);
    assert!(output.status.success(), "expected success from {}", describe(args, &output));
    output.stdout
}

/// Parses the whole of stdout as exactly one JSON document.
pub fn parse_one_document(args: &[&str], output: &Output) -> Value {
    let stdout = std::str::from_utf8(&output.stdout).expect("stdout is not UTF-8");
    serde_json::from_str(stdout)
        .unwrap_or_else(|e| panic!("stdout is not exactly one JSON document ({e}): {}", describe(args, output)))
}

/// Runs a command that must succeed and parses its stdout as one JSON document.
pub fn json(dir: &Path, args: &[&str]) -> Value {
    let output = cli(dir, args);
    assert!(output.status.success(), "expected success from {}", describe(args, &output));
    parse_one_document(args, &output)
}

/// Runs a command that must fail; returns the last line of stderr, which must start with `error: `.
pub fn fails(dir: &Path, args: &[&str]) -> String {
    let output = cli(dir, args);
    assert_failed_with_error_line(args, &output)
}

pub fn assert_failed_with_error_line(args: &[&str], output: &Output) -> String {
    assert!(!output.status.success(), "expected failure from {}", describe(args, output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or("").to_owned();
    assert!(
        last.starts_with("error: ") && last.len() > "error: ".len(),
        "last stderr line is not `error: <what went wrong>`: {}",
        describe(args, output)
    );
    last
}

pub fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap_or_else(|| panic!("not an object: {value}")).keys().cloned().collect()
}

pub fn set(fields: &[&str]) -> BTreeSet<String> {
    fields.iter().map(|f| f.to_string()).collect()
}

pub fn array(value: &Value) -> &Vec<Value> {
    value.as_array().unwrap_or_else(|| panic!("not an array: {value}"))
}

pub fn int(value: &Value, field: &str) -> i64 {
    value[field].as_i64().unwrap_or_else(|| panic!("`{field}` is not an integer in {value}"))
}

pub fn string<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field].as_str().unwrap_or_else(|| panic!("`{field}` is not a string in {value}"))
}

/// `add URL [EXTRA...]`, then the id `sources --json` gives that URL.
pub fn add(dir: &Path, url: &str, extra: &[&str]) -> i64 {
    let mut args = vec!["add", url];
    args.extend_from_slice(extra);
    ok(dir, &args);
    let sources = json(dir, &["sources", "--json"]);
    let source = array(&sources)
        .iter()
        .find(|s| s["url"] == url)
        .unwrap_or_else(|| panic!("{url} is not among the sources after `add`: {sources}"));
    int(source, "id")
}
