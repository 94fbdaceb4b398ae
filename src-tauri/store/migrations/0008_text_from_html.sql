-- A story's text is no longer stored beside its HTML: it is the text of `content_html`, taken again when
-- wanted (`text::html_to_text`: the search index built anew, a full text kept over another sync). It was
-- two fifths of what a sync wrote. Rows stored from now on hold '' in `plain_text`; older rows keep
-- theirs until they are stored again.
--
-- What a sync still needs of the text is its length: `feed_words` holds the words of the text stored,
-- counted up to `extract::SUMMARY_WORDS`, which decide whether the article page is fetched (they matter
-- only while no page's full text is kept). NULL on the older rows, whose `plain_text` is counted instead.
ALTER TABLE entry_contents ADD COLUMN feed_words INTEGER;
