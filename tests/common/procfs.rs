//! What Linux's `/proc` says of a process, for the bounds the tests set and the figures the benchmarks
//! print.

/// The number, in kB, on the line `name` (`VmHWM:`, `VmRSS:`, `Pss:`) of `/proc/PID/FILE`; `pid` may be
/// `self`. `None` where the file or the line cannot be read.
pub fn kib(pid: &str, file: &str, name: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/{file}")).ok()?;
    let line = text.lines().find_map(|line| line.strip_prefix(name))?;
    line.split_whitespace().next()?.parse().ok()
}

/// The median of `values` (the upper one of an even count).
pub fn median(values: &[f64]) -> f64 {
    let mut values = values.to_vec();
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
