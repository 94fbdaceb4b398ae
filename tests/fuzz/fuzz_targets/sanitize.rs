#![no_main]

#[path = "../../sanitize/checker.rs"]
mod checker;
#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::sanitize(data));
