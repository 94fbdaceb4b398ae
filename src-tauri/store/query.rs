//! Reading entries: the newest-first list with its filters and keyset cursor, one entry in full.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params_from_iter};

use super::{Store, rfc3339};
use crate::error::{Error, Result};
use crate::model::{Cursor, EntryDetail, EntryFilter, EntryPage, EntrySummary};

const SUMMARY_COLUMNS: &str = "e.id, e.source_id,
    coalesce(s.custom_title, s.title, e.removed_source_title || ' (removed)', ''), e.title, e.url, e.author,
    coalesce(e.published_at, e.updated_at, e.first_seen_at), e.updated_at, e.summary,
    coalesce(st.read, 0), coalesce(st.bookmarked, 0)";

const FROM: &str = "FROM entries e
    LEFT JOIN sources s ON s.id = e.source_id
    LEFT JOIN entry_state st ON st.entry_id = e.id";

impl Store {
    /// Entries matching `filter`, newest first.
    pub fn list_entries(&self, filter: &EntryFilter) -> Result<Vec<EntrySummary>> {
        Ok(self.list_page(filter)?.entries)
    }

    /// A page of entries matching `filter`, newest first, with the cursor that continues it when the
    /// page is full.
    pub fn list_page(&self, filter: &EntryFilter) -> Result<EntryPage> {
        let Some((mut sql, mut values)) = matching(filter, &format!("{SUMMARY_COLUMNS}, e.sort_at"), true) else {
            return Ok(EntryPage::default());
        };
        sql.push_str(" ORDER BY e.sort_at DESC, e.id DESC LIMIT ?");
        values.push(i64::from(filter.limit).into());
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(values), |r| Ok((summary_from_row(r)?, r.get::<_, i64>(11)?)))?;
        let rows: Vec<(EntrySummary, i64)> = rows.collect::<rusqlite::Result<_>>()?;
        let next = match rows.last() {
            Some((last, at)) if rows.len() == filter.limit as usize => Some(Cursor { at: *at, id: last.id }),
            _ => None,
        };
        Ok(EntryPage { entries: rows.into_iter().map(|(e, _)| e).collect(), next })
    }

    /// The ids of the unread entries matching `filter` (its cursor and limit aside), for "mark all read".
    pub fn unread_ids(&self, filter: &EntryFilter) -> Result<Vec<i64>> {
        let filter = EntryFilter { unread_only: true, before: None, ..filter.clone() };
        let Some((sql, values)) = matching(&filter, "e.id", false) else { return Ok(Vec::new()) };
        let mut stmt = self.conn.prepare(&sql)?;
        let ids = stmt.query_map(params_from_iter(values), |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    /// One entry with its sanitized body.
    pub fn get_entry(&self, id: i64) -> Result<EntryDetail> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, coalesce(c.content_html, ''), e.lang, e.dir,
                    c.extract_status IS 'ok', c.feed_html, c.extract_error {FROM}
               LEFT JOIN entry_contents c ON c.entry_id = e.id
              WHERE e.id = ?1"
        );
        let detail = self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], |r| {
                let full_text: bool = r.get(14)?;
                Ok(EntryDetail {
                    summary: summary_from_row(r)?,
                    content_html: r.get(11)?,
                    lang: r.get(12)?,
                    dir: r.get(13)?,
                    full_text,
                    feed_html: if full_text { r.get(15)? } else { None },
                    full_text_error: r.get(16)?,
                    images: Vec::new(),
                })
            })
            .optional()?;
        let mut detail = detail.ok_or(Error::NotFound { what: "entry", id })?;
        detail.images = self.entry_images(id)?;
        Ok(detail)
    }
}

/// `SELECT columns FROM ... WHERE <filter>` and its parameters; `None` when the filter can match nothing
/// (a search with no word in it).
fn matching(filter: &EntryFilter, columns: &str, with_cursor: bool) -> Option<(String, Vec<Value>)> {
    let mut conditions: Vec<&str> = Vec::new();
    let mut values: Vec<Value> = Vec::new();
    if let Some(source_id) = filter.source_id {
        conditions.push("e.source_id = ?");
        values.push(source_id.into());
    }
    if let Some(folder) = &filter.folder {
        conditions.push("s.folder = ?");
        values.push(folder.clone().into());
    }
    if filter.unread_only {
        conditions.push("coalesce(st.read, 0) = 0");
    }
    if filter.bookmarked_only {
        conditions.push("st.bookmarked = 1");
    }
    if let Some(since) = filter.since {
        conditions.push("e.sort_at >= ?");
        values.push(since.into());
    }
    if let Some(search) = &filter.search {
        conditions.push("e.id IN (SELECT rowid FROM entry_search WHERE entry_search MATCH ?)");
        values.push(fts_query(search)?.into());
    }
    if let (true, Some(cursor)) = (with_cursor, filter.before) {
        conditions.push("(e.sort_at, e.id) < (?, ?)");
        values.push(cursor.at.into());
        values.push(cursor.id.into());
    }
    let mut sql = format!("SELECT {columns} {FROM}");
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    Some((sql, values))
}

fn summary_from_row(r: &Row) -> rusqlite::Result<EntrySummary> {
    Ok(EntrySummary {
        id: r.get(0)?,
        source_id: r.get(1)?,
        source_title: r.get(2)?,
        title: r.get(3)?,
        url: r.get(4)?,
        author: r.get(5)?,
        published: rfc3339(r.get(6)?),
        updated: r.get::<_, Option<i64>>(7)?.map(rfc3339),
        summary: r.get(8)?,
        read: r.get(9)?,
        bookmarked: r.get(10)?,
    })
}

/// The version of [`search_words`]. Change what it writes, bump it: opening a cache indexed with an older
/// one indexes every entry again (`Store::refold_search`).
pub(crate) const SEARCH_FOLD_VERSION: i64 = 2;

/// A story's words as the index holds them: its title's, its author's and its text's (see
/// [`search_words`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchWords {
    pub title: String,
    pub author: String,
    pub text: String,
}

impl SearchWords {
    /// The words of a story described by `meta` whose text is `text`.
    pub fn of_story(meta: &crate::model::EntryMeta, text: &str) -> SearchWords {
        SearchWords::of(&meta.title, meta.author.as_deref().unwrap_or(""), text)
    }

    /// Each word once per field: the index records which stories hold a word, not how often or where
    /// (`detail = none`), so a repeated word would only cost the writer its tokenizing and hashing again.
    pub fn of(title: &str, author: &str, text: &str) -> SearchWords {
        let words = |s: &str| {
            let mut words = String::with_capacity(s.len());
            // About one word in six characters, sized once so the table is not hashed again as it grows,
            // up to what a long story needs: its distinct words are fewer.
            let mut seen = Distinct { places: hashbrown::HashTable::with_capacity((s.len() / 6).min(4096)) };
            fold_words(s, &mut words, |out, start| seen.is_new(out, start));
            words
        };
        SearchWords { title: words(title), author: words(author), text: words(text) }
    }
}

/// The words written so far, as places in the string they are written to, to tell a word seen before.
struct Distinct {
    places: hashbrown::HashTable<(usize, usize)>,
}

impl Distinct {
    /// Whether the last word of `out`, from `start`, is not one before it; if so, it is remembered.
    fn is_new(&mut self, out: &str, start: usize) -> bool {
        let hash_of = |word: &[u8]| std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, word);
        let out = out.as_bytes();
        let word = &out[start..];
        let hash = hash_of(word);
        if self.places.find(hash, |&(at, len)| out[at..at + len] == *word).is_some() {
            return false;
        }
        self.places.insert_unique(hash, (start, word.len()), |&(at, len)| hash_of(&out[at..at + len]));
        true
    }
}

/// Writes the words of `text` to `out` as the index holds them, one space between words, for stories and
/// queries alike. FTS5's `ascii` tokenizer then only splits at the spaces: every script is read the same
/// way, at a fraction of what the `unicode61` tokenizer's category look-ups cost for every character. A
/// sync takes a story's words in its cleaning stage ([`SearchWords::of_story`]), not in the store's
/// single writer.
///
/// A word is a run of letters and digits. Folded on the way, as readers type them interchangeably: case;
/// the diacritics of Latin letters (`café`, `cafe`); Russian ё and е; the Arabic yeh, kaf and teh marbuta
/// that Arabic keyboards give for the Persian letters; Persian and Arabic digits. Arabic-script vowel marks
/// and the tatweel that stretches a word are dropped, so a word reads the same with or without them.
/// Everything else (punctuation, spaces, the zero-width non-joiner inside Persian words) parts words.
pub(crate) fn search_words(text: &str, out: &mut String) {
    fold_words(text, out, |_, _| true);
}

/// [`search_words`], asking `keep` at the end of each word whether to keep it (given `out` and where
/// the word starts in it); a word not kept is taken off again.
fn fold_words(text: &str, out: &mut String, mut keep: impl FnMut(&str, usize) -> bool) {
    // Where the word being written starts in `out`, while there is one.
    let mut word: Option<usize> = None;
    let mut end_word = |out: &mut String, word: &mut Option<usize>| {
        if let Some(start) = word.take()
            && !keep(out, start)
        {
            out.truncate(start.saturating_sub(1));
        }
    };
    let start_word = |out: &mut String, word: &mut Option<usize>| {
        if word.is_none() {
            if !out.is_empty() {
                out.push(' ');
            }
            *word = Some(out.len());
        }
    };
    let two_bytes = &*TWO_BYTES;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            if b.is_ascii_alphanumeric() {
                start_word(out, &mut word);
                out.push(char::from(b.to_ascii_lowercase()));
            } else {
                end_word(out, &mut word);
            }
            i += 1;
            continue;
        }
        // Cyrillic and Arabic-script letters, Latin-1 and Latin Extended-A and -B letters, and their marks
        // take two bytes: their verdicts are looked up. Every other character is judged as it comes.
        let (c, fold) = if b & 0xE0 == 0xC0 {
            let c = u32::from(b & 0x1F) << 6 | u32::from(bytes[i + 1] & 0x3F);
            i += 2;
            (c, two_bytes[c as usize - 0x80])
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            i += c.len_utf8();
            (c as u32, fold_char(c))
        };
        match fold {
            Fold::Parts => end_word(out, &mut word),
            Fold::Dropped => {}
            Fold::As(letter) => {
                start_word(out, &mut word);
                out.push(letter);
            }
            Fold::Spelled => {
                start_word(out, &mut word);
                spell(char::from_u32(c).unwrap_or_default(), out);
            }
        }
    }
    end_word(out, &mut word);
}

/// What a character beyond ASCII does in a word.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Fold {
    /// It parts words.
    Parts,
    /// It is left out, and the word goes on.
    Dropped,
    /// It is written as this letter.
    As(char),
    /// It is written as [`spell`] writes it: lowercased, its diacritics taken off, in as many letters.
    Spelled,
}

/// [`fold_char`] for every character written in two bytes of UTF-8 (U+0080 to U+07FF), by code point
/// less 0x80: the Cyrillic and Arabic alphabets and Latin-1's letters, which most words beyond ASCII are
/// made of. A letter that [`spell`] writes as one letter is that letter here.
static TWO_BYTES: std::sync::LazyLock<Vec<Fold>> = std::sync::LazyLock::new(|| {
    (0x80..0x800u32)
        .map(|code| {
            let c = char::from_u32(code).unwrap_or_default();
            match fold_char(c) {
                Fold::Spelled => {
                    let mut spelled = String::new();
                    spell(c, &mut spelled);
                    let mut letters = spelled.chars();
                    match (letters.next(), letters.next()) {
                        (Some(letter), None) => Fold::As(letter),
                        _ => Fold::Spelled,
                    }
                }
                fold => fold,
            }
        })
        .collect()
});

/// What `c`, a character beyond ASCII, does in a word.
fn fold_char(c: char) -> Fold {
    if is_mark_dropped(c) {
        return Fold::Dropped;
    }
    let c = fold_letter(c);
    if !c.is_alphanumeric() {
        Fold::Parts
    } else if c.is_uppercase() || is_latin(c) {
        Fold::Spelled
    } else {
        Fold::As(c)
    }
}

/// Writes the letter `c` lowercased, without its diacritics.
fn spell(c: char, out: &mut String) {
    fold_letter(c).to_lowercase().for_each(|lower| push_without_diacritics(lower, out));
}

/// A Latin letter with its diacritics taken off (`é` to `e`); any other character as it is, but a mark
/// that lowercasing left (`İ` lowercases to `i` and a dot above).
fn push_without_diacritics(c: char, out: &mut String) {
    if is_latin(c) {
        unicode_normalization::char::decompose_canonical(c, |part| {
            if !is_mark_dropped(part) {
                out.push(part);
            }
        });
    } else if !is_mark_dropped(c) {
        out.push(c);
    }
}

/// Letters beyond ASCII that may carry diacritics: Latin-1, Latin Extended-A and -B, Latin Extended
/// Additional.
fn is_latin(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}')
}

/// Combining diacritics, the Arabic-script vowel and Quranic marks, and the tatweel.
fn is_mark_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
            | '\u{0610}'..='\u{061A}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0640}'
            | '\u{0670}'
            | '\u{06D6}'..='\u{06ED}'
    )
}

fn fold_letter(c: char) -> char {
    match c {
        'ё' | 'Ё' => 'е',
        'ي' | 'ى' => 'ی',
        'ك' => 'ک',
        'ة' => 'ه',
        // Persian and Arabic-Indic digits.
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        _ => c,
    }
}

/// Plain words to an FTS5 query: every word must be in the story, the last as a prefix. The words are
/// those [`search_words`] takes, so a typed word it parts (`e-mail`, a Persian compound with a zero-width
/// non-joiner) asks for each of its parts. Each is quoted, so nothing the reader types is FTS5 syntax.
/// `None` when no word is left to search for.
pub(crate) fn fts_query(search: &str) -> Option<String> {
    let mut folded = String::new();
    search_words(search, &mut folded);
    // One space between words, none of them holding a quote: `e mail` becomes `"e" "mail"*`.
    (!folded.is_empty()).then(|| format!("\"{}\"*", folded.replace(' ', "\" \"")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of `text` with every character beyond ASCII judged as it comes ([`fold_char`]), none
    /// looked up: what [`fold_words`] must write.
    fn folded_one_by_one(text: &str) -> String {
        let mut words: Vec<String> = vec![String::new()];
        for c in text.chars() {
            let fold = if c.is_ascii() {
                match c.is_ascii_alphanumeric() {
                    true => Fold::As(c.to_ascii_lowercase()),
                    false => Fold::Parts,
                }
            } else {
                fold_char(c)
            };
            let word = words.last_mut().expect("never empty");
            match fold {
                Fold::Parts if !word.is_empty() => words.push(String::new()),
                Fold::Parts | Fold::Dropped => {}
                Fold::As(letter) => word.push(letter),
                Fold::Spelled => spell(c, word),
            }
        }
        words.retain(|word| !word.is_empty());
        words.join(" ")
    }

    fn folded(text: &str) -> String {
        let mut out = String::new();
        search_words(text, &mut out);
        out
    }

    #[test]
    fn every_two_byte_character_folds_as_judged_on_its_own() {
        for code in 0x80..0x800 {
            let c = char::from_u32(code).expect("no surrogates below U+0800");
            for text in [c.to_string(), format!("a{c}b"), format!("{c}{c} Б{c}ж {c}")] {
                assert_eq!(folded(&text), folded_one_by_one(&text), "U+{code:04X} in {text:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn text_in_every_script_folds_as_judged_one_character_at_a_time(
            text in "[aZ9 ,.\u{e9}\u{c9}\u{130}\u{df}\u{451}\u{401}\u{416}\u{4d9}\u{4b0}\u{627}\u{64a}\u{64b}\u{640}\u{6f3}\u{301}\u{200c}\u{2014}\u{1e9e}\u{1ea0}\u{4e2d}\u{1f600}]{0,40}"
        ) {
            proptest::prop_assert_eq!(folded(&text), folded_one_by_one(&text));
        }
    }
}
