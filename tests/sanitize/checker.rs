//! The checker of sanitized HTML that the sanitizer's tests and its fuzz targets share: it knows nothing
//! of the sanitizer, only what may be in HTML given to innerHTML. Every element and attribute of the
//! output, parsed again with html5ever as a fragment (the way a browser parses `innerHTML`, scripting on)
//! and as a whole document, is held against a policy written here, separately from the one in
//! `src-tauri/sanitize.rs`: no element that runs, loads or submits anything, no foreign (SVG/MathML)
//! element at all, no event handler, no style, no class but an embed card's, and every URL absolute
//! http(s) with two narrow exceptions.

#![allow(dead_code)]

use html5ever::tendril::TendrilSink;
use html5ever::{Attribute, ParseOpts, QualName, local_name, ns, parse_document, parse_fragment};
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use offprint::sanitize::allows;
use url::Url;

/// Elements that run script, load documents or plugins, change the page's base or refresh it, submit data,
/// hold raw text, or switch the parser to a foreign namespace.
pub const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "param",
    "base",
    "meta",
    "link",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "option",
    "isindex",
    "keygen",
    "svg",
    "math",
    "template",
    "noscript",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
    "title",
    "portal",
    "dialog",
    "area",
    "map",
    "marquee",
];

/// Attributes that run code, carry CSS, load or submit somewhere we do not check, or are SVG/MathML-only
/// ways to set a link. (`on*` is handled separately.)
pub const FORBIDDEN_ATTRIBUTES: &[&str] = &[
    "style",
    "srcdoc",
    "formaction",
    "action",
    "xlink:href",
    "background",
    "lowsrc",
    "dynsrc",
    "data",
    "codebase",
    "classid",
    "archive",
    "ping",
    "manifest",
    "longdesc",
    "usemap",
    "attributename",
    "values",
    "from",
    "to",
    "by",
    "is",
    "xmlns",
    "http-equiv",
    "target",
];

pub const RASTER_DATA_PREFIXES: &[&str] = &[
    "data:image/png;base64,",
    "data:image/gif;base64,",
    "data:image/jpeg;base64,",
    "data:image/webp;base64,",
    "data:image/avif;base64,",
];

/// The classes the UI styles embed cards with; no other class may reach the window.
pub const CARD_CLASSES: &[(&str, &str)] =
    &[("a", "op-embed"), ("img", "op-embed-thumb"), ("span", "op-embed-provider"), ("span", "op-embed-title")];

/// Where the pictures of the checked HTML may come from.
#[derive(Clone, Copy, PartialEq)]
pub enum Pictures {
    /// Sanitized: the web, or a small inline raster image.
    Remote,
    /// Sanitized and localized: only `offprint-img://localhost/<key>`, one URL per picture.
    Local,
}

/// Everything in `output` that could run code once it is set as innerHTML; empty when it is safe.
pub fn problems(output: &str) -> Vec<String> {
    problems_in(output, Pictures::Remote)
}

pub fn problems_in(output: &str, pictures: Pictures) -> Vec<String> {
    let mut found = Vec::new();
    let squashed: String = output.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    for needle in ["javascript:", "vbscript:", "<script"] {
        if squashed.contains(needle) {
            found.push(format!("raw output spells {needle:?}"));
        }
    }
    found.extend(tree_problems(output, pictures));
    found
}

/// The tree walk alone, without the blunt look at the raw text: for inputs whose text may spell
/// anything (a fuzzer's).
pub fn tree_problems(output: &str, pictures: Pictures) -> Vec<String> {
    let mut found = Vec::new();
    check_node(&parse_as_inner_html(output).document, pictures, &mut found);
    check_node(&parse_as_document(output).document, pictures, &mut found);
    found.dedup();
    found
}

/// Parses like `div.innerHTML = html` in a page with scripting enabled (as the app's webview is).
pub fn parse_as_inner_html(html: &str) -> RcDom {
    let context = QualName::new(None, ns!(html), local_name!("div"));
    parse_fragment(RcDom::default(), ParseOpts::default(), context, vec![], true).one(html)
}

/// Elements and attributes the policy does not list, below the parser's own `<html>` root.
pub fn disallowed(node: &Handle, found: &mut Vec<String>) {
    if let NodeData::Element { name, attrs, .. } = &node.data {
        let tag = name.local.to_string();
        if tag != "html" {
            if !allows(&tag, None) {
                found.push(format!("<{tag}>"));
            }
            for attr in attrs.borrow().iter() {
                if !allows(&tag, Some(&attr.name.local)) {
                    found.push(format!("<{tag} {}>", attr.name.local));
                }
            }
        }
    }
    for child in node.children.borrow().iter() {
        disallowed(child, found);
    }
}

/// `html` as the browser would build it, written back with each element's attributes sorted.
pub fn canonical(html: &str) -> String {
    fn write(node: &Handle, out: &mut String) {
        match &node.data {
            NodeData::Element { name, attrs, .. } => {
                let mut attrs: Vec<(String, String)> =
                    attrs.borrow().iter().map(|a| (a.name.local.to_string(), a.value.to_string())).collect();
                attrs.sort();
                out.push_str(&format!("<{}{attrs:?}>", name.local));
                for child in node.children.borrow().iter() {
                    write(child, out);
                }
                out.push_str(&format!("</{}>", name.local));
            }
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            _ => {
                for child in node.children.borrow().iter() {
                    write(child, out);
                }
            }
        }
    }
    let mut out = String::new();
    write(&parse_as_inner_html(html).document, &mut out);
    out
}

pub fn parse_as_document(html: &str) -> RcDom {
    parse_document(RcDom::default(), ParseOpts::default()).one(html)
}

pub fn check_node(node: &Handle, pictures: Pictures, found: &mut Vec<String>) {
    if let NodeData::Element { name, attrs, template_contents, .. } = &node.data {
        let tag = name.local.to_ascii_lowercase().to_string();
        if name.ns != ns!(html) {
            found.push(format!("<{tag}> in foreign namespace {}", name.ns));
        }
        if FORBIDDEN_ELEMENTS.contains(&tag.as_str()) {
            found.push(format!("forbidden element <{tag}>"));
        }
        let attrs = attrs.borrow();
        if pictures == Pictures::Local && tag == "img" && !attrs.iter().any(|a| &*a.name.local == "src") {
            found.push("<img> without a local src".to_string());
        }
        for attr in attrs.iter() {
            check_attribute(&tag, attr, pictures, found);
        }
        if let Some(contents) = template_contents.borrow().as_ref() {
            check_node(contents, pictures, found);
        }
    }
    for child in node.children.borrow().iter() {
        check_node(child, pictures, found);
    }
}

pub fn check_attribute(tag: &str, attr: &Attribute, pictures: Pictures, found: &mut Vec<String>) {
    let local = attr.name.local.to_ascii_lowercase().to_string();
    let name = match &attr.name.prefix {
        Some(prefix) => format!("{prefix}:{local}"),
        None => local,
    };
    let value: &str = &attr.value;
    if attr.name.ns != ns!() {
        found.push(format!("<{tag}> has namespaced attribute {name}"));
    }
    if name.starts_with("on") {
        found.push(format!("<{tag}> has event handler {name}={value:?}"));
    }
    if FORBIDDEN_ATTRIBUTES.contains(&name.as_str()) {
        found.push(format!("<{tag}> has forbidden attribute {name}={value:?}"));
    }
    let is_picture = matches!((tag, name.as_str()), ("img", "src") | ("video", "poster"));
    match name.as_str() {
        _ if is_picture && pictures == Pictures::Local => check_local_picture(tag, &name, value, found),
        "srcset" if tag == "img" && pictures == Pictures::Local => {
            found.push(format!("<img srcset={value:?}> left beside a local src"));
        }
        "href" | "src" | "poster" => check_url(tag, &name, value, found),
        "srcset" => {
            for candidate in srcset_urls(value) {
                check_url(tag, "srcset", &candidate, found);
            }
        }
        "class" => {
            for class in value.split_ascii_whitespace() {
                if !CARD_CLASSES.contains(&(tag, class)) {
                    found.push(format!("<{tag}> has class {class:?}"));
                }
            }
        }
        _ => {}
    }
}

/// A localized picture loads from the app's own scheme, by a key of 32 lowercase hex digits.
pub fn check_local_picture(tag: &str, attr: &str, value: &str, found: &mut Vec<String>) {
    let key = value.strip_prefix("offprint-img://localhost/").unwrap_or_default();
    if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        found.push(format!("<{tag} {attr}={value:?}> is not a local picture"));
    }
}

/// A URL attribute must be absolute http(s); `mailto:` only on a link, a base64 raster image only in
/// `img[src]`. Parsing with the `url` crate strips what a browser strips (outer C0/space, inner tab/newline).
pub fn check_url(tag: &str, attr: &str, value: &str, found: &mut Vec<String>) {
    let url = match Url::parse(value) {
        Ok(url) => url,
        Err(err) => {
            found.push(format!("<{tag} {attr}={value:?}> is not an absolute URL ({err})"));
            return;
        }
    };
    let ok = match url.scheme() {
        "http" | "https" => url.host_str().is_some_and(|h| !h.is_empty()),
        "mailto" => tag == "a" && attr == "href",
        "data" => {
            let lower = url.as_str().to_ascii_lowercase();
            tag == "img" && attr == "src" && RASTER_DATA_PREFIXES.iter().any(|p| lower.starts_with(p))
        }
        _ => false,
    };
    if !ok {
        found.push(format!("<{tag} {attr}={value:?}> has a disallowed URL"));
    }
}

/// The URL of every `srcset` candidate, split the way the HTML standard does it: a URL runs to the next
/// whitespace (trailing commas end the candidate), descriptors run to the next comma outside parentheses.
pub fn srcset_urls(value: &str) -> Vec<String> {
    let is_space = |c: char| matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ');
    let chars: Vec<char> = value.chars().collect();
    let mut urls = Vec::new();
    let mut i = 0;
    loop {
        while i < chars.len() && (is_space(chars[i]) || chars[i] == ',') {
            i += 1;
        }
        if i >= chars.len() {
            return urls;
        }
        let start = i;
        while i < chars.len() && !is_space(chars[i]) {
            i += 1;
        }
        let raw: String = chars[start..i].iter().collect();
        if raw.ends_with(',') {
            urls.push(raw.trim_end_matches(',').to_string());
            continue;
        }
        urls.push(raw);
        let mut in_parens = false;
        while i < chars.len() {
            match chars[i] {
                '(' => in_parens = true,
                ')' => in_parens = false,
                ',' if !in_parens => break,
                _ => {}
            }
            i += 1;
        }
    }
}

/// Elements and attributes the sanitizer's own allow-list does not name, in `html` as innerHTML.
pub fn disallowed_in(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    disallowed(&parse_as_inner_html(html).document, &mut found);
    found
}
