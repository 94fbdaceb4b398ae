//! Feed dates: RFC 3339, RFC 822/2822 and the broken variants found in the wild, always to UTC.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses a feed date. Returns `None` rather than guessing when nothing fits.
pub fn parse_date(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    parse_rfc3339_like(s).or_else(|| parse_rfc2822_like(s)).map(|t| t.with_timezone(&Utc))
}

/// `2026-01-09T14:05:00Z`, with a space for `T`, a lower-case `t`/`z`, no seconds, no zone (UTC), or a bare date.
fn parse_rfc3339_like(s: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    let normal = s.replacen(' ', "T", 1).replace(['t', 'z'], "").replace('Z', "+00:00");
    let normal = normal.trim_end_matches("UTC").trim_end_matches("GMT");
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%:z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M%z"] {
        if let Ok(t) = DateTime::parse_from_str(normal, fmt) {
            return Some(t);
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(normal, fmt) {
            return Some(Utc.from_utc_datetime(&t).fixed_offset());
        }
    }
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?).fixed_offset())
}

/// `Fri, 09 Jan 2026 14:05:00 GMT` and friends: a missing or wrong weekday, full month names, `Sept`,
/// single-digit days, no seconds, named zones, a comment after the zone.
fn parse_rfc2822_like(s: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t);
    }
    let s = s.split('(').next().unwrap_or(s);
    let mut words: Vec<&str> = s.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    // Drop a weekday, which is often wrong and never needed.
    if words.first().is_some_and(|w| w.chars().all(|c| c.is_ascii_alphabetic()) && month(w).is_none()) {
        words.remove(0);
    }
    // Day Month Year Time [Zone], or Month Day Year Time [Zone].
    let (day, mon, year, time, zone) = match words.as_slice() {
        [d, m, y, t, rest @ ..] if month(m).is_some() => (*d, *m, *y, *t, rest.first().copied()),
        [m, d, y, t, rest @ ..] if month(m).is_some() => (*d, *m, *y, *t, rest.first().copied()),
        [d, m, y] if month(m).is_some() => (*d, *m, *y, "00:00:00", None),
        _ => return None,
    };
    let day: u32 = day.parse().ok()?;
    let mut year: i32 = year.parse().ok()?;
    if year < 100 {
        year += if year < 70 { 2000 } else { 1900 };
    }
    let mut hms = time.split(':').map(|p| p.parse::<u32>().ok());
    let (h, m, sec) = (hms.next()??, hms.next().flatten().unwrap_or(0), hms.next().flatten().unwrap_or(0));
    let naive = NaiveDate::from_ymd_opt(year, month(mon)?, day)?.and_hms_opt(h, m, sec.min(59))?;
    let offset = zone.map_or(Some(0), zone_offset)?;
    FixedOffset::east_opt(offset)?.from_local_datetime(&naive).single()
}

fn month(word: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let w = word.to_ascii_lowercase();
    let prefix = w.get(..3)?;
    let i = MONTHS.iter().position(|m| *m == prefix)?;
    Some(i as u32 + 1)
}

/// Seconds east of UTC for `+0300`, `-05:00`, `GMT`, `EST`...
fn zone_offset(zone: &str) -> Option<i32> {
    let named = match zone.to_ascii_uppercase().as_str() {
        "GMT" | "UT" | "UTC" | "Z" | "WET" => Some(0),
        "BST" | "CET" | "WEST" => Some(1),
        "CEST" | "EET" => Some(2),
        "EEST" | "MSK" => Some(3),
        "IRST" => return Some(3 * 3600 + 1800),
        "EDT" => Some(-4),
        "EST" | "CDT" => Some(-5),
        "CST" | "MDT" => Some(-6),
        "MST" | "PDT" => Some(-7),
        "PST" => Some(-8),
        _ => None,
    };
    if let Some(hours) = named {
        return Some(hours * 3600);
    }
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return Some(0),
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    Some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_dates_feeds_actually_send() {
        let cases = [
            ("2026-01-09T14:05:00Z", "2026-01-09T14:05:00+00:00"),
            ("2026-01-09T17:05:00+03:00", "2026-01-09T14:05:00+00:00"),
            ("2026-01-09 14:05:00", "2026-01-09T14:05:00+00:00"),
            ("2026-01-09T14:05Z", "2026-01-09T14:05:00+00:00"),
            ("2026-01-09", "2026-01-09T00:00:00+00:00"),
            ("Fri, 09 Jan 2026 14:05:00 GMT", "2026-01-09T14:05:00+00:00"),
            ("Fri, 09 Jan 2026 17:05:00 +0300", "2026-01-09T14:05:00+00:00"),
            ("Mon, 09 Jan 2026 14:05:00 GMT", "2026-01-09T14:05:00+00:00"),
            ("9 Jan 2026 14:05 GMT", "2026-01-09T14:05:00+00:00"),
            ("Friday, 09 January 2026 09:05:00 EST", "2026-01-09T14:05:00+00:00"),
            ("Fri, 09 Sept 2026 14:05:00 +00:00", "2026-09-09T14:05:00+00:00"),
            ("Fri, 09 Jan 26 14:05:00 UT", "2026-01-09T14:05:00+00:00"),
            ("Fri, 09 Jan 2026 14:05:00 +0000 (UTC)", "2026-01-09T14:05:00+00:00"),
            ("Jan 09 2026 14:05:00 GMT", "2026-01-09T14:05:00+00:00"),
            ("Fri, 9 Jan 2026 17:35:00 IRST", "2026-01-09T14:05:00+00:00"),
        ];
        for (raw, want) in cases {
            let got = parse_date(raw).map(|t| t.to_rfc3339());
            assert_eq!(got.as_deref(), Some(want), "parsing {raw:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_date() {
        for raw in ["", "yesterday", "2026-13-45", "Fri, 32 Jan 2026 10:00:00 GMT", "soon 12:00"] {
            assert_eq!(parse_date(raw), None, "parsing {raw:?}");
        }
    }
}
