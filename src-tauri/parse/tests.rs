use url::Url;

use super::*;

fn feed_url() -> Url {
    Url::parse("https://feeds.example.org/news.xml").unwrap()
}

fn parse(xml: &str) -> ParsedFeed {
    parse_feed(xml.as_bytes(), None, &feed_url()).unwrap()
}

#[test]
fn takes_the_name_out_of_an_rss_author_with_an_address() {
    let feed = parse(
        "<rss version=\"2.0\"><channel><title>T</title><item><title>x</title>\
         <author>jane@example.org (Jane Doe)</author></item></channel></rss>",
    );
    assert_eq!(feed.entries[0].meta.author.as_deref(), Some("Jane Doe"));
}

#[test]
fn an_html_page_or_an_empty_body_is_not_a_feed() {
    for body in ["", "   \n", "<!DOCTYPE html><html><body>hi</body></html>", "<html><p>x</p></html>", "plain {text}"] {
        let err = parse_feed(body.as_bytes(), None, &feed_url()).unwrap_err();
        assert_eq!(err.code(), "not_a_feed", "{body:?}");
    }
}

#[test]
fn a_broken_document_is_a_parse_error() {
    let err = parse_feed(b"<rss version=\"2.0\"><channel><title>T</ti", None, &feed_url()).unwrap_err();
    assert_eq!(err.code(), "parse");
}

#[test]
fn an_untitled_entry_borrows_the_start_of_its_text() {
    let feed = parse(
        "<rss version=\"2.0\"><channel><title>T</title><item><description>&lt;p&gt;Only words here.&lt;/p&gt;\
         </description></item></channel></rss>",
    );
    let mut meta = feed.entries[0].meta.clone();
    assert_eq!((meta.title.as_str(), meta.summary.as_str()), ("", ""), "left for the body's text");
    complete_from_body(&mut meta, "Only words here.");
    assert_eq!(meta.title, "Only words here.");
    assert_eq!(meta.summary, "Only words here.");
    // A body's text keeps its whitespace as written; what is borrowed from it reads on one line.
    let mut meta = feed.entries[0].meta.clone();
    complete_from_body(&mut meta, " Only\n\twords \u{a0} here. ");
    assert_eq!((meta.title.as_str(), meta.summary.as_str()), ("Only words here.", "Only words here."));
    let mut meta = feed.entries[0].meta.clone();
    complete_from_body(&mut meta, &"A  long\ntext ".repeat(40));
    assert_eq!(meta.title, "A long text A long text A long text A long text A long text A long text A long…");
    assert!(meta.summary.ends_with('…') && !meta.summary.contains("  "), "{}", meta.summary);
}

#[test]
fn a_summary_beside_the_body_is_kept_and_direction_follows_the_text() {
    let feed = parse(
        "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>T</title>\
         <item><title></title><description>خلاصه</description>\
         <content:encoded>&lt;p&gt;متن کامل&lt;/p&gt;</content:encoded></item></channel></rss>",
    );
    let mut meta = feed.entries[0].meta.clone();
    assert_eq!(meta.summary, "خلاصه");
    complete_from_body(&mut meta, "متن کامل");
    assert_eq!(meta.title, "متن کامل");
    assert_eq!(meta.dir, "rtl");
}

#[test]
fn keys_are_stable_and_distinct() {
    let xml = "<rss version=\"2.0\"><channel><title>T</title>\
               <item><title>a</title><guid>g</guid><link>https://e.example/a</link></item>\
               <item><title>b</title><guid>g</guid><link>https://e.example/b</link></item>\
               <item><title>c</title><link>https://e.example/c</link></item></channel></rss>";
    let once: Vec<String> = parse(xml).entries.into_iter().map(|e| e.meta.key).collect();
    let twice: Vec<String> = parse(xml).entries.into_iter().map(|e| e.meta.key).collect();
    assert_eq!(once, twice);
    let distinct: std::collections::HashSet<_> = once.iter().collect();
    assert_eq!(distinct.len(), 3);
}

/// Two entries share a guid, link and title, so the second is told apart by a suffix; a third's guid
/// spells that very suffix (JSON Feed allows the separator in an id). All three keep their own key.
#[test]
fn a_guid_that_spells_the_disambiguation_suffix_still_gets_its_own_key() {
    let json = r##"{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [
        {"id": "g", "url": "https://e.example/a", "title": "a", "content_text": "one"},
        {"id": "g", "url": "https://e.example/a", "title": "a", "content_text": "two"},
        {"id": "g\u001fhttps://e.example/a\u001fa\u001f#2", "content_text": "three"}]}"##;
    let feed = parse(json);
    assert_eq!(feed.entries.len(), 3);
    let distinct: std::collections::HashSet<_> = feed.entries.iter().map(|e| &e.meta.key).collect();
    assert_eq!(distinct.len(), 3, "{:?}", feed.entries.iter().map(|e| (&e.meta.guid, &e.meta.key)).collect::<Vec<_>>());
}

#[test]
fn a_feed_of_more_entries_than_the_bound_keeps_the_newest() {
    // Oldest first, as some archives are, with two undated entries at the front.
    let mut items = String::from("<item><title>undated a</title></item><item><title>undated b</title></item>");
    for day in 0..(MAX_ENTRIES + 10) {
        let date = chrono::DateTime::from_timestamp(1_700_000_000 + day as i64 * 3600, 0).unwrap().to_rfc2822();
        items.push_str(&format!("<item><title>story {day}</title><guid>g{day}</guid><pubDate>{date}</pubDate></item>"));
    }
    let feed = parse(&format!("<rss version=\"2.0\"><channel><title>T</title>{items}</channel></rss>"));
    assert_eq!(feed.entries.len(), MAX_ENTRIES);
    assert_eq!(feed.entries[0].meta.title, "story 10", "the 10 oldest and the two undated went");
    assert_eq!(feed.entries.last().unwrap().meta.title, format!("story {}", MAX_ENTRIES + 9));
    assert!(feed.entries.iter().all(|e| !e.meta.title.starts_with("undated")));

    let few = parse("<rss version=\"2.0\"><channel><title>T</title><item><title>only</title></item></channel></rss>");
    assert_eq!(few.entries.len(), 1, "an undated entry is kept when there is room");
}

/// quick-xml (under feed-rs) panics on a second XML declaration that names another encoding; the feed
/// is refused as broken instead, and the thread goes on.
#[test]
fn a_second_xml_declaration_naming_another_encoding_is_a_parse_error() {
    let xml = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>\
               <?xml version=\"1.0\" encoding=\"windows-1251\"?><item><title>a</title></item></channel></rss>";
    let err = parse_feed(xml.as_bytes(), None, &feed_url()).unwrap_err();
    assert_eq!(err.code(), "parse", "{err}");
}

/// A feed that shows an XML declaration inside CDATA, as a post about XML would, is read as usual.
#[test]
fn an_xml_declaration_inside_cdata_is_text() {
    let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>T</title>\
               <item><title>a</title><description><![CDATA[<pre>&lt;?xml version=\"1.0\" encoding=\"koi8-r\"?&gt;</pre>\
               <?xml version=\"1.0\" encoding=\"koi8-r\"?>]]></description></item></channel></rss>";
    let feed = parse(xml);
    assert_eq!(feed.entries.len(), 1);
    assert!(feed.entries[0].raw_html.contains("encoding=\"koi8-r\"?>"), "{}", feed.entries[0].raw_html);
}

#[test]
fn an_enclosed_picture_goes_above_a_text_with_none_of_its_own_in_any_case() {
    let item = |description: &str| {
        format!(
            "<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><title>T</title><item>\
             <title>x</title><description>{description}</description>\
             <enclosure url=\"https://img.example.org/court.jpg\" length=\"1\" type=\"image/jpeg\"/>\
             </item></channel></rss>"
        )
    };
    let without = parse(&item("&lt;p&gt;Words only.&lt;/p&gt;"));
    assert_eq!(
        without.entries[0].raw_html,
        "<figure><img src=\"https://img.example.org/court.jpg\" alt=\"\"></figure><p>Words only.</p>"
    );
    for own in
        ["&lt;img src=\"a.jpg\"&gt;", "&lt;IMG SRC=\"a.jpg\"&gt;", "&lt;p&gt;x&lt;/p&gt;&lt;Img src=\"a.jpg\"&gt;"]
    {
        let with = parse(&item(own));
        assert!(!with.entries[0].raw_html.contains("court.jpg"), "{own}: {}", with.entries[0].raw_html);
    }
}
