//! lol_html's `element!` and `text!` with each selector parsed once per process rather than on every
//! rewrite: every post goes through three rewrites of a dozen selectors each, and parsing them again was
//! a twentieth of a cold sync's CPU. Used as the originals are, with a selector known at compile time.

/// `lol_html::element!`, its selector parsed on first use and kept.
macro_rules! element {
    ($selector:expr, $handler:expr) => {{
        static SELECTOR: std::sync::LazyLock<lol_html::Selector> =
            std::sync::LazyLock::new(|| $selector.parse().expect("a valid selector"));
        // As in lol_html's macro: without it the handler's argument type cannot always be inferred.
        #[inline(always)]
        const fn type_hint<'h, T, H: lol_html::HandlerTypes>(h: T) -> T
        where
            T: FnMut(&mut lol_html::html_content::Element<'_, '_, H>) -> lol_html::HandlerResult + 'h,
        {
            h
        }
        (
            std::borrow::Cow::Borrowed(&*SELECTOR),
            lol_html::ElementContentHandlers::default().element(type_hint($handler)),
        )
    }};
}

/// `lol_html::text!`, its selector parsed on first use and kept.
macro_rules! text {
    ($selector:expr, $handler:expr) => {{
        static SELECTOR: std::sync::LazyLock<lol_html::Selector> =
            std::sync::LazyLock::new(|| $selector.parse().expect("a valid selector"));
        #[inline(always)]
        const fn type_hint<'h, T>(h: T) -> T
        where
            T: FnMut(&mut lol_html::html_content::TextChunk<'_>) -> lol_html::HandlerResult + 'h,
        {
            h
        }
        (std::borrow::Cow::Borrowed(&*SELECTOR), lol_html::ElementContentHandlers::default().text(type_hint($handler)))
    }};
}

pub(crate) use {element, text};
