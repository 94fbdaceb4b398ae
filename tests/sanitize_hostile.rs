//! Hostile post HTML must come out of `sanitize_html` with no way left to run code.
//!
//! The UI sets the sanitizer's output as `innerHTML`, so that is what these tests check, and they check it
//! without trusting the sanitizer (`sanitize/checker.rs`, shared with the fuzz targets).
//!
//! On top of the tree walk, the raw output must not spell `javascript:`, `vbscript:` or `<script` anywhere,
//! even with its whitespace removed. That check is deliberately blunt: it would also flag those words in
//! harmless text or a `title`, so the hostile rows below keep their payloads out of plain text and out of
//! `title`/`alt` values, and the random generator never puts URLs there either.
//!
//! What is stored has its pictures localized as well (`localize_images`): there, every picture must load
//! from the app's own `offprint-img` scheme and nothing else.

#[path = "sanitize/checker.rs"]
mod checker;
mod common;

use checker::*;
use offprint::localize::{clean_body, clean_stored_again, localize_images};
use offprint::sanitize::sanitize_html;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use url::Url;

const BASE: &str = "https://news.example.org/2026/11/story.html";

fn clean(html: &str) -> String {
    let base = Url::parse(BASE).unwrap();
    sanitize_html(html, Some(&base))
}

/// Runs every row through the sanitizer and the checker; returns one report per failing row.
fn failures<'a>(rows: impl IntoIterator<Item = (&'a str, String)>) -> Vec<String> {
    rows.into_iter()
        .filter_map(|(name, input)| {
            let output = clean(&input);
            let found = problems(&output);
            (!found.is_empty()).then(|| format!("{name}: {found:?}\n    in:  {input:?}\n    out: {output:?}"))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------
// The hostile table.
// ---------------------------------------------------------------------------------------------------------

const HOSTILE: &[(&str, &str)] = &[
    // <script> in its disguises.
    ("plain script", "<script>alert(1)</script>"),
    ("script src", "<SCRIPT SRC=https://evil.example/xss.js></SCRIPT>"),
    ("mixed-case script", "<ScRiPt>alert(1)</sCrIpT>"),
    ("script with slash before attribute", "<script/src=\"https://evil.example/x.js\"></script>"),
    ("script with tab and newline in tag", "<script\t\n>alert(1)</script>"),
    ("script with form feed", "<script\x0csrc=//evil.example/x.js></script>"),
    ("script with null after name", "<script\0>alert(1)</script>"),
    ("null inside script tag name", "<scr\0ipt>alert(1)</scr\0ipt>"),
    ("double open bracket", "<<script>alert(1);//<</script>"),
    ("unclosed script", "<script>alert(1)"),
    ("script with no closing bracket", "<script src=https://evil.example/x.js?<b>"),
    ("nested script tags", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("script split by comment", "<script>/*</script><script>*/alert(1)</script>"),
    ("script attribute holding >", "<SCRIPT a=\">\" SRC=\"https://evil.example/xss.js\"></SCRIPT>"),
    ("script with =\">\" attribute", "<SCRIPT =\">\" SRC=\"https://evil.example/xss.js\"></SCRIPT>"),
    ("script with quoted junk", "<SCRIPT \"a='>'\" SRC=\"https://evil.example/xss.js\"></SCRIPT>"),
    ("script type attribute", "<script type=\"text/javascript\">alert(1)</script>"),
    ("script in table", "<table><tr><td>a</td></tr><script>alert(1)</script></table>"),
    ("script in select", "<select><option>a</option><script>alert(1)</script></select>"),
    ("script writing markup", "<div><script>document.write('<img src=x onerror=alert(1)>')</script></div>"),
    ("conditional comment script", "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->"),
    ("leading end tag then script", "</script><script>alert(1)</script>"),
    ("script inside svg", "<svg><script>alert(1)</script></svg>"),
    ("svg script with href", "<svg><script xlink:href=\"data:,alert(1)\"/></svg>"),
    ("script inside math", "<math><script>alert(1)</script></math>"),
    ("script in svg cdata", "<svg><![CDATA[<script>]]>alert(1)<![CDATA[</script>]]></svg>"),
    ("script after svg namespace", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
    ("script in head", "<head><script>alert(1)</script></head><p>x</p>"),
    (
        "script joined by removed pixels",
        "<<img src=t.gif width=1 height=1>script>alert(1)<<img src=t.gif width=1 height=1>/script>",
    ),
    // Event handlers on many elements.
    ("img onerror", "<img src=x onerror=alert(1)>"),
    ("img onmouseover", "<IMG SRC=# onmouseover=\"alert('xxs')\">"),
    ("img mixed-case handler", "<img src=x OnErRoR=alert(1)>"),
    ("img handler after slashes", "<img/src=x/onerror=alert(1)>"),
    ("img handler with vertical tab", "<img src=x onerror\x0b=alert(1)>"),
    ("img handler unterminated", "<img src=x onerror=alert(1)//"),
    ("img src eval alt", "<img src=x:alert(alt) onerror=eval(src) alt=0>"),
    ("img onload and onerror", "<img src=x onload=alert(1) onerror=alert(2)>"),
    ("img malformed quotes", "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">"),
    ("img handler entity-encoded", "<img src=x onerror=\"&#0000097&#0000108&#0000101&#0000114&#0000116(1)\">"),
    ("image alias", "<image src=x onerror=alert(1)>"),
    ("body onload", "<body onload=alert(1)><p>x</p>"),
    ("html onmouseover", "<html onmouseover=alert(1)><p>x</p></html>"),
    ("p onclick", "<p onclick=\"alert(1)\">x</p>"),
    ("p handler after slash", "<p/onclick=alert(1)>x</p>"),
    ("link onmouseover", "<a href=\"https://ok.example/\" onmouseover=alert(1)>x</a>"),
    ("link handler after slash", "<a href=\"https://ok.example/\" / onclick=alert(1)>x</a>"),
    ("div onpointerenter", "<div onpointerenter=alert(1)>x</div>"),
    ("video onerror", "<video src=x onerror=alert(1)></video>"),
    ("video source onerror", "<video><source onerror=\"alert(1)\"></video>"),
    ("audio onerror", "<audio src=x onerror=alert(1)></audio>"),
    ("details ontoggle", "<details open ontoggle=alert(1)><summary>s</summary></details>"),
    ("input autofocus onfocus", "<input autofocus onfocus=alert(1)>"),
    ("marquee onstart", "<marquee onstart=alert(1)>x</marquee>"),
    ("svg onload", "<svg onload=alert(1)>"),
    ("svg slash onload", "<svg/onload=alert(1)>"),
    ("td onmouseover", "<table><tr><td onmouseover=alert(1)>x</td></tr></table>"),
    ("span onanimationstart", "<span onanimationstart=alert(1) style=\"animation-name:x\">x</span>"),
    ("time onfocusin", "<time onfocusin=alert(1) tabindex=1>x</time>"),
    ("h1 onbeforecopy", "<h1 onbeforecopy=alert(1)>x</h1>"),
    ("custom element handler", "<xss onafterscriptexecute=alert(1)>x</xss>"),
    ("picture source onerror", "<picture><source srcset=x onerror=alert(1)><img src=x></picture>"),
    ("track onerror", "<video><track src=x onerror=alert(1)></video>"),
    ("keygen onfocus", "<keygen autofocus onfocus=alert(1)>"),
    ("frameset onload", "<frameset onload=alert(1)>"),
    ("dialog onclose", "<dialog open onclose=alert(1)>x</dialog>"),
    ("blockquote oncopy", "<blockquote oncopy=alert(1)>x</blockquote>"),
    ("li onclick in list", "<ul><li onclick=alert(1)>x</li></ul>"),
    ("img onerror running js url", "<img src=1 href=1 onerror=\"javascript:alert(1)\"></img>"),
    ("isindex handler", "<isindex type=image src=1 onerror=alert(1)>"),
    // Script schemes in links.
    ("href javascript", "<a href=\"javascript:alert(1)\">x</a>"),
    ("href upper-case javascript", "<a href=\"JAVASCRIPT:alert(1)\">x</a>"),
    ("href unquoted javascript", "<a href=javascript:alert(1)>x</a>"),
    ("href spaced equals", "<a href = javascript:alert(1)>x</a>"),
    ("href leading spaces", "<a href=\"  javascript:alert(1)\">x</a>"),
    ("href leading control char", "<a href=\"\x01javascript:alert(1)\">x</a>"),
    ("href leading form feed entity", "<a href=\" &#14;  javascript:alert(1)\">x</a>"),
    ("href tab entity", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>"),
    ("href newline entity", "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>"),
    ("href carriage return entity", "<a href=\"jav&#x0D;ascript:alert(1)\">x</a>"),
    ("href literal tab", "<a href=\"jav\tascript:alert(1)\">x</a>"),
    ("href named tab and newline", "<a href=\"java&Tab;scr&NewLine;ipt:alert(1)\">x</a>"),
    ("href decimal entity first char", "<a href=\"&#106;avascript:alert(1)\">x</a>"),
    (
        "href hex entities",
        "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)\">x</a>",
    ),
    (
        "href padded entities no semicolons",
        "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)\">x</a>",
    ),
    ("href entity mid-scheme", "<a href=\"javas&#99;ript:alert(1)\">x</a>"),
    ("href colon entity", "<a href=\"javascript&colon;alert(1)\">x</a>"),
    ("href decimal colon", "<a href=\"javascript&#58;alert(1)\">x</a>"),
    ("href hex colon", "<a href=\"javascript&#x3A;alert(1)\">x</a>"),
    ("href null mid-scheme", "<a href=\"java\0script:alert(1)\">x</a>"),
    ("href null entity mid-scheme", "<a href=\"java&#0;script:alert(1)\">x</a>"),
    ("href leading null", "<a href=\"\0javascript:alert(1)\">x</a>"),
    ("href percent-encoded first char", "<a href=\"%6Aavascript:alert(1)\">x</a>"),
    ("href percent-encoded colon", "<a href=\"javascript%3Aalert(1)\">x</a>"),
    ("href javascript comment newline", "<a href=\"javascript://%0Aalert(1)\">x</a>"),
    ("href javascript posing as https", "<a href=\"javascript://https://ok.example/%0aalert(1)\">x</a>"),
    ("href backticks", "<a href=`javascript:alert(1)`>x</a>"),
    ("href duplicate attribute", "<a href=\"javascript:alert(1)\" href=\"https://ok.example/\">x</a>"),
    ("href vbscript", "<a href=\"vbscript:msgbox(1)\">x</a>"),
    ("href upper-case vbscript", "<a href=\"VBSCRIPT:msgbox(1)\">x</a>"),
    ("href livescript", "<a href=\"livescript:alert(1)\">x</a>"),
    ("href data html base64", "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>"),
    ("href data html plain", "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>"),
    ("href upper-case data", "<a href=\" DATA:text/html,<script>alert(1)</script>\">x</a>"),
    ("href data svg", "<a href=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">x</a>"),
    ("href credentials spelling javascript", "<a href=\"https://javascript:alert(1)@ok.example/\">x</a>"),
    ("href path spelling javascript", "<a href=\"/javascript:alert(1)\">x</a>"),
    ("mailto spelling javascript", "<a href=\"mailto:javascript:alert(1)\">x</a>"),
    (
        "href polyglot",
        "<a href=\"jaVasCript:/*-/*`/*\\`/*'/*&quot;/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert()//>\\x3e\">x</a>",
    ),
    // Script schemes in every other URL-carrying attribute.
    ("img src javascript", "<img src=\"javascript:alert(1)\">"),
    ("img src mixed case", "<IMG SRC=JaVaScRiPt:alert('XSS')>"),
    ("img src with quot entities", "<IMG SRC=javascript:alert(&quot;XSS&quot;)>"),
    ("img src backticks", "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>"),
    ("img src spaced scheme", "<IMG SRC=\"jav   ascript:alert('XSS');\">"),
    (
        "img src data with smuggled type",
        "<img src=\"data:image/png;text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">",
    ),
    ("img src data with look-alike type", "<img src=\"data:image/pngx;base64,PHNjcmlwdD4=\">"),
    ("img src data svg", "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">"),
    ("img src vbscript", "<img src=\"vbscript:msgbox(1)\">"),
    ("img dynsrc", "<IMG DYNSRC=\"javascript:alert('XSS')\">"),
    ("img lowsrc", "<IMG LOWSRC=\"javascript:alert('XSS')\">"),
    ("img srcset javascript", "<img srcset=\"javascript:alert(1)\">"),
    ("srcset javascript after comma", "<img src=a.jpg srcset=\"https://ok.example/a.jpg 1x, javascript:alert(1) 2x\">"),
    ("srcset javascript glued by comma", "<img srcset=\"https://ok.example/a.jpg 1x,javascript:alert(1) 2x\">"),
    ("srcset javascript inside url", "<img srcset=\"https://ok.example/a.jpg,javascript:alert(1) 2x\">"),
    ("srcset javascript in parens", "<img srcset=\"a.jpg (1x, javascript:alert(1)) 2x\">"),
    ("srcset entity-obfuscated", "<img srcset=\"a.jpg 1x, jav&#x09;ascript:alert(1) 2x\">"),
    ("picture source srcset", "<picture><source srcset=\"javascript:alert(1)\"><img src=a.jpg></picture>"),
    ("video source src", "<video><source src=\"javascript:alert(1)\"></video>"),
    ("video poster javascript", "<video poster=\"javascript:alert(1)\"></video>"),
    ("video poster data html", "<video poster=\"data:text/html,<script>alert(1)</script>\"></video>"),
    ("video src vbscript", "<video src=\"vbscript:msgbox(1)\"></video>"),
    ("audio src javascript", "<audio src=\"javascript:alert(1)\"></audio>"),
    ("track src javascript", "<video><track src=\"javascript:alert(1)\"></video>"),
    ("button formaction", "<button formaction=\"javascript:alert(1)\">X</button>"),
    ("input formaction", "<form><input type=submit formaction=javascript:alert(1)></form>"),
    ("form action", "<form action=\"javascript:alert(1)\"><input type=submit></form>"),
    ("input image src", "<input type=\"image\" src=\"javascript:alert(1)\">"),
    ("isindex action", "<isindex action=\"javascript:alert(1)\" type=image>"),
    ("table background", "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>"),
    ("td background", "<table><tr><td background=\"javascript:alert(1)\">x</td></tr></table>"),
    ("body background", "<body background=\"javascript:alert(1)\">"),
    ("xlink href on html element", "<a xlink:href=\"javascript:alert(1)\">x</a>"),
    ("blockquote cite", "<blockquote cite=\"javascript:alert(1)\">x</blockquote>"),
    (
        "area href",
        "<img src=a.jpg usemap=#m><map name=m><area href=\"javascript:alert(1)\" shape=rect coords=0,0,9,9></map>",
    ),
    ("link ping", "<a href=\"https://ok.example/\" ping=\"https://evil.example/\">x</a>"),
    // Plugins, frames and documents inside documents.
    ("object data javascript", "<object data=\"javascript:alert(1)\"></object>"),
    ("object data html", "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>"),
    ("object param", "<object><param name=src value=javascript:alert(1)></object>"),
    ("embed javascript", "<embed src=\"javascript:alert(1)\">"),
    ("embed svg", "<embed src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\" type=\"image/svg+xml\">"),
    ("applet", "<applet code=\"Evil.class\" codebase=\"https://evil.example/\"></applet>"),
    ("iframe javascript", "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>"),
    ("iframe spaced javascript", "<iframe src=\" javascript:alert(1)\"></iframe>"),
    ("iframe data html", "<iframe src=\"data:text/html,<script>alert(1)</script>\"></iframe>"),
    ("iframe srcdoc", "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>"),
    ("iframe srcdoc escaped", "<iframe srcdoc=\"&lt;img src=x onerror=alert(1)&gt;\"></iframe>"),
    (
        "iframe srcdoc beside a good src",
        "<iframe src=\"https://video.example/embed/1\" srcdoc=\"<script>alert(1)</script>\" onload=alert(1)></iframe>",
    ),
    ("iframe with script inside", "<iframe src=\"https://video.example/embed/1\"><script>alert(1)</script></iframe>"),
    (
        "iframe src breaking out with entities",
        "<iframe src=\"https://video.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>",
    ),
    (
        "iframe src breaking out with quotes",
        "<iframe src='https://video.example/\"><script>alert(1)</script>'></iframe>",
    ),
    ("iframe entity-obfuscated src", "<iframe src=\"jav&#x61;script:alert(1)\"></iframe>"),
    ("frameset frame", "<frameset><frame src=\"javascript:alert(1)\"></frameset>"),
    ("portal", "<portal src=\"https://evil.example/\"></portal>"),
    // The page's own plumbing.
    ("base href javascript", "<base href=\"javascript:alert(1)//\"><a href=\"/x\">x</a>"),
    ("base href elsewhere", "<base href=\"https://evil.example/\"><a href=\"x\">x</a>"),
    ("meta refresh javascript", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1);\">"),
    (
        "meta refresh data",
        "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg\">",
    ),
    ("meta set-cookie", "<meta http-equiv=\"Set-Cookie\" content=\"a=b\">"),
    ("meta csp", "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src *\">"),
    ("link import", "<link rel=\"import\" href=\"https://evil.example/x.html\">"),
    ("link stylesheet javascript", "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">"),
    ("link preload script", "<link rel=preload as=script href=https://evil.example/x.js>"),
    // CSS.
    ("style element url javascript", "<style>body{background:url(\"javascript:alert(1)\")}</style><p>x</p>"),
    ("style element import", "<style>@import 'https://evil.example/x.css';</style>"),
    ("style element escaped import", "<STYLE>@im\\port'\\ja\\vasc\\ript:alert(\"XSS\")';</STYLE>"),
    (
        "style list-style-image",
        "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    ),
    ("style expression", "<style>*{x:expression(alert(1))}</style>"),
    ("style binding", "<style>p{-moz-binding:url(https://evil.example/xss.xml#xss)}</style>"),
    ("style attribute expression", "<div style=\"width: expression(alert(1));\">x</div>"),
    ("style attribute commented expression", "<img src=a.jpg style=\"xss:expr/*XSS*/ession(alert('XSS'))\">"),
    ("style attribute url javascript", "<p style=\"background:url(javascript:alert(1))\">x</p>"),
    ("style attribute url with control char", "<p style=\"background:url(&#1;javascript:alert(1))\">x</p>"),
    ("style attribute binding", "<div style=\"-moz-binding:url(https://evil.example/xss.xml#xss)\">x</div>"),
    ("style attribute behavior", "<div style=\"behavior: url(https://evil.example/x.htc)\">x</div>"),
    ("style attribute escaped", "<div style=\"background:\\75\\72\\6c(javascript:alert(1))\">x</div>"),
    ("style attribute on custom element", "<xss style=\"xss:expression(alert('XSS'))\">x</xss>"),
    // SVG and MathML.
    (
        "svg animate href",
        "<svg><a><animate attributeName=href values=javascript:alert(1) /><text x=20 y=20>Click</text></a></svg>",
    ),
    ("svg set href", "<svg><a><set attributeName=href to=javascript:alert(1) /><text>Click</text></a></svg>"),
    ("svg a xlink href", "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>"),
    (
        "svg use data",
        "<svg><use href=\"data:image/svg+xml;base64,PHN2ZyBpZD0neCc+PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pjwvc3ZnPg==#x\"/></svg>",
    ),
    ("svg image href", "<svg><image href=\"javascript:alert(1)\"/></svg>"),
    ("svg animate onbegin", "<svg><animate onbegin=alert(1) attributeName=x dur=1s>"),
    ("svg discard onbegin", "<svg><discard onbegin=alert(1)>"),
    (
        "svg foreignObject iframe",
        "<svg><foreignObject><iframe srcdoc=\"<script>alert(1)</script>\"></iframe></foreignObject></svg>",
    ),
    ("svg style breaking out to img", "<svg><style><img src=x onerror=alert(1)></style></svg>"),
    ("svg title integration point", "<svg><title><img src=x onerror=alert(1)></title></svg>"),
    ("svg desc integration point", "<svg><desc><style><img src=x onerror=alert(1)></style></desc></svg>"),
    ("svg p style confusion", "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">"),
    ("math mglyph style", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    (
        "math mglyph style comment",
        "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;\">",
    ),
    ("math form confusion", "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>"),
    ("math malignmark", "<math><mtext><table><malignmark><style><img src=x onerror=alert(1)>"),
    ("math href", "<math href=\"javascript:alert(1)\">x</math>"),
    ("math mi xlink", "<math><mi//xlink:href=\"data:x,<script>alert(4)</script>\">"),
    ("math maction", "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">x</maction></math>"),
    (
        "math annotation-xml html",
        "<math><annotation-xml encoding=\"text/html\"><style><img src=x onerror=alert(1)></style></annotation-xml></math>",
    ),
    (
        "math nested svg mtext",
        "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style><img src onerror=alert(1)>\"></style></h1>",
    ),
    ("svg inside table", "<table><tr><td><svg><foreignObject><p><style><img src onerror=alert(1)>"),
    // Raw-text and escapable-text elements, comments, CDATA: parser-differential (mutation) tricks.
    ("noscript title breakout", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">"),
    ("noscript style breakout", "<noscript><style></noscript><img src=x onerror=alert(1)>"),
    ("template script", "<template><script>alert(1)</script></template>"),
    ("template img", "<template><img src=x onerror=alert(1)></template>"),
    ("select template style", "<select><template><style><img src=x onerror=alert(1)>"),
    ("comment hiding a quote", "<!--<img src=\"--><img src=x onerror=alert(1)//\">"),
    ("bang comment end", "<!-- --!><img src=x onerror=alert(1)> -->"),
    ("empty comment", "<!--><img src=x onerror=alert(1)>-->"),
    ("dash comment", "<!---><img src=x onerror=alert(1)>-->"),
    ("bogus comment", "<!a><img src=x onerror=alert(1)>"),
    ("processing instruction", "<?xml-stylesheet href=\"https://evil.example/x.xsl\"?><img src=x onerror=alert(1)>"),
    ("cdata script", "<![CDATA[<script>alert(1)</script>]]>"),
    ("cdata img", "<![CDATA[><img src=x onerror=alert(1)>]]>"),
    ("xmp breakout", "<xmp><p title=\"</xmp><img src=x onerror=alert(1)>\"></xmp>"),
    ("plaintext", "<plaintext><script>alert(1)</script>"),
    ("textarea script", "<textarea><script>alert(1)</script></textarea>"),
    ("textarea breakout", "<textarea></textarea><img src=x onerror=alert(1)>"),
    ("textarea title breakout", "<textarea><p title=\"</textarea><img src=x onerror=alert(1)>\"></textarea>"),
    ("title element", "<title><img src=x onerror=alert(1)></title>"),
    ("noembed breakout", "<noembed><img title=\"</noembed><img src=x onerror=alert(1)>\"></noembed>"),
    ("noframes breakout", "<noframes><p title=\"</noframes><img src=x onerror=alert(1)>\"></noframes>"),
    ("iframe text breakout", "<iframe><img title=\"</iframe><img src=x onerror=alert(1)>\"></iframe>"),
    ("style text breakout", "<style><img title=\"</style><img src=x onerror=alert(1)>\"></style>"),
    ("title attribute closing comment", "<div title=\"--><img src=x onerror=alert(1)>\">x</div>"),
    (
        "title attribute closing element",
        "<a href=\"https://ok.example/\" title=\"</a><script>alert(1)</script>\">x</a>",
    ),
    ("alt attribute with markup", "<img src=a.jpg alt=\"<script>alert(1)</script>\">"),
    ("unclosed attribute", "<img src=\"x onerror=alert(1)//"),
    ("unclosed tag at end", "<img src=x onerror=alert(1)"),
    ("unclosed handler value", "<a href=\"https://ok.example/\" title='x' onclick=\"alert(1)"),
    ("backtick attributes", "<img src=`x` onerror=`alert(1)`>"),
    ("attribute name with quote", "<img src=x \"onerror=alert(1)>"),
    ("self-closing p with handler", "<p onclick=alert(1)/ >x</p>"),
    ("unknown element keeps no attributes", "<foo href=\"javascript:alert(1)\" onclick=alert(1)>x</foo>"),
    ("custom element is attribute", "<p is=\"evil-element\">x</p>"),
    ("dom clobbering form", "<form name=body><input name=cookie></form>"),
    // Markup the rewrite pass writes itself: embed cards, lazy pictures, `<noscript>` copies. A player's
    // title becomes the card's text, escaped, so the first rows may put markup in it.
    (
        "card title breaking out",
        "<iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" title='\"><script>alert(1)</script>'></iframe>",
    ),
    (
        "card title with markup",
        "<iframe src=\"https://video.example/1\" title=\"&lt;img src=x onerror=alert(1)&gt;\"></iframe>",
    ),
    (
        "card label breaking out",
        "<embed src=\"https://video.example/1\" aria-label=\"</span></a><img src=x onerror=alert(1)>\">",
    ),
    (
        "media title breaking out",
        "<video src=\"https://video.example/v.mp4\" title=\"</a><script>alert(1)</script>\"></video>",
    ),
    ("card href breaking out", "<iframe src='https://video.example/\"><img src=x onerror=alert(1)>'></iframe>"),
    (
        "soundcloud track javascript",
        "<iframe src=\"https://w.soundcloud.com/player/?url=javascript:alert(1)\"></iframe>",
    ),
    (
        "soundcloud track data html",
        "<iframe src=\"https://w.soundcloud.com/player/?url=data:text/html,%3Cscript%3Ealert(1)%3C/script%3E\"></iframe>",
    ),
    (
        "video poster javascript beside a source",
        "<video poster=\"javascript:alert(1)\"><source src=\"https://video.example/v.mp4\"></video>",
    ),
    (
        "video lazy poster javascript",
        "<video data-poster=\"javascript:alert(1)\" src=\"https://video.example/v.mp4\"></video>",
    ),
    (
        "video source javascript then script",
        "<video><source src=\"javascript:alert(1)\"><script>alert(1)</script></video>",
    ),
    ("lazy src javascript", "<img data-src=\"javascript:alert(1)\">"),
    ("lazy src entity-obfuscated", "<img src=\"/blank.gif\" data-original=\"jav&#x09;ascript:alert(1)\">"),
    ("lazy srcset javascript", "<img data-srcset=\"https://ok.example/a.jpg 1x, javascript:alert(1) 2x\">"),
    ("lazy source srcset javascript", "<picture><source data-srcset=\"javascript:alert(1)\"><img src=a.jpg></picture>"),
    ("lazy player javascript", "<iframe data-src=\"javascript:alert(1)\" src=\"about:blank\"></iframe>"),
    ("noscript img onerror", "<noscript><img src=x onerror=alert(1)></noscript>"),
    ("noscript img beside a script", "<noscript><img src=a.jpg><script>alert(1)</script></noscript>"),
    ("noscript img then unclosed script", "<noscript><img src=a.jpg><script>alert(1)</noscript><p>x</p>"),
    ("noscript img then svg script", "<noscript><img src=a.jpg><svg><script>alert(1)</script></svg></noscript>"),
    ("noscript img then unclosed comment", "<noscript><img src=a.jpg><!--</noscript><img src=x onerror=alert(1)>-->"),
    (
        "noscript img with unclosed attribute",
        "<noscript><img src=a.jpg title=\"</noscript><img src=x onerror=alert(1)>\">",
    ),
    ("noscript in noscript", "<noscript><noscript><img src=x onerror=alert(1)></noscript></noscript>"),
    ("class naming the app", "<div class=\"op-embed app-shell\" onclick=alert(1)>x</div>"),
    ("card class on a forged link", "<a class=\"op-embed\" href=\"javascript:alert(1)\">x</a>"),
];

// ---------------------------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------------------------

#[test]
fn no_hostile_input_yields_a_way_to_run_code() {
    assert!(HOSTILE.len() >= 120, "the table shrank to {} rows", HOSTILE.len());
    let failed = failures(HOSTILE.iter().map(|(name, html)| (*name, html.to_string())));
    assert!(
        failed.is_empty(),
        "{} of {} hostile rows got through:\n{}",
        failed.len(),
        HOSTILE.len(),
        failed.join("\n")
    );
}

/// The same table through the real pipeline: served as a JSON Feed (JSON carries every character, NUL
/// included) by a real HTTP server, synced into a real SQLite file, and checked as stored, with its
/// pictures localized.
#[tokio::test]
async fn no_hostile_input_is_stored_with_a_way_to_run_code() {
    let items: Vec<serde_json::Value> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, (name, html))| {
            serde_json::json!({
                "id": format!("row-{i}"),
                "url": format!("https://news.example.org/2026/11/story-{i}.html"),
                "title": format!("row {i}: {name}"),
                "content_html": html,
            })
        })
        .collect();
    let feed = serde_json::json!({"version": "https://jsonfeed.org/version/1.1", "title": "Hostile", "items": items});
    let server = common::Server::start();
    server.route("/hostile.json", common::Route::feed(feed.to_string(), "application/feed+json"));
    let dir = common::data_dir();
    let store = offprint::sync::SharedStore::new(offprint::store::Store::open_in(dir.path()).unwrap());
    let fetcher = offprint::fetch::Fetcher::new(offprint::fetch::FetchConfig::default()).unwrap();
    let (_, outcome) =
        offprint::sync::subscribe(&store, &fetcher, &server.url("/hostile.json"), None, Default::default())
            .await
            .unwrap();
    assert_eq!(outcome.new, HOSTILE.len() as u64);

    let store = store.lock().unwrap();
    let filter = offprint::model::EntryFilter { limit: 10_000, ..Default::default() };
    let mut failed = Vec::new();
    for entry in store.list_entries(&filter).unwrap() {
        let stored = store.get_entry(entry.id).unwrap();
        let found = problems_in(&stored.content_html, Pictures::Local);
        if !found.is_empty() {
            failed.push(format!("{}: {found:?}\n    stored: {:?}", entry.title, stored.content_html));
        }
        // Titles and summaries are plain text (set with textContent); they may spell `<script>` as
        // characters, as the stored body then shows it as text too.
    }
    assert!(failed.is_empty(), "{} stored rows carry a way to run code:\n{}", failed.len(), failed.join("\n"));
}

const EVENT_HANDLERS: &[&str] = &[
    "onabort",
    "onafterprint",
    "onanimationend",
    "onanimationiteration",
    "onanimationstart",
    "onauxclick",
    "onbeforeinput",
    "onbeforeprint",
    "onbeforetoggle",
    "onbeforeunload",
    "onbegin",
    "onblur",
    "oncanplay",
    "onchange",
    "onclick",
    "oncontextmenu",
    "oncopy",
    "oncut",
    "ondblclick",
    "ondrag",
    "ondrop",
    "onend",
    "onerror",
    "onfocus",
    "onfocusin",
    "onhashchange",
    "oninput",
    "oninvalid",
    "onkeydown",
    "onload",
    "onloadeddata",
    "onmessage",
    "onmousedown",
    "onmouseenter",
    "onmouseleave",
    "onmouseover",
    "onpageshow",
    "onpaste",
    "onplay",
    "onpointerdown",
    "onpointerover",
    "onpopstate",
    "onrepeat",
    "onresize",
    "onscroll",
    "onscrollend",
    "onsearch",
    "onselect",
    "onstart",
    "onsubmit",
    "ontoggle",
    "ontouchstart",
    "ontransitionend",
    "onunload",
    "onwheel",
    "onafterscriptexecute",
];

const HANDLER_ELEMENTS: &[&str] = &[
    "a",
    "img",
    "p",
    "div",
    "span",
    "video",
    "audio",
    "source",
    "track",
    "details",
    "summary",
    "table",
    "td",
    "li",
    "ol",
    "blockquote",
    "h2",
    "pre",
    "picture",
    "figure",
    "time",
    "body",
    "svg",
    "math",
    "input",
    "xss",
];

#[test]
fn no_event_handler_survives_on_any_element() {
    let mut rows = Vec::new();
    for (i, tag) in HANDLER_ELEMENTS.iter().enumerate() {
        for (j, handler) in EVENT_HANDLERS.iter().enumerate() {
            // Every other row shouts the handler's name: attribute names are case-insensitive.
            let handler = if (i + j) % 2 == 0 { handler.to_string() } else { handler.to_ascii_uppercase() };
            rows.push(("handler", format!("<{tag} src=\"a.jpg\" {handler}=\"alert(1)\" title=\"t\">x</{tag}>")));
        }
    }
    let failed = failures(rows);
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Ways to write a script-running URL so that a naive prefix check misses it.
const SCRIPT_URLS: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " \t javascript:alert(1)",
    "\x01\x02javascript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "jav&#10;ascript:alert(1)",
    "java&#13;script:alert(1)",
    "java&Tab;script&colon;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6a;avascript&#x3a;alert(1)",
    "&#0000106avascript&#0000058alert(1)",
    "java\0script:alert(1)",
    "\0javascript:alert(1)",
    "`javascript:alert(1)`",
    "javascript:/*\n*/alert(1)",
    "vbscript:msgbox(1)",
    "VbScRiPt&#58;msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DaTa:text/html;charset=utf-8,%3Cscript%3Ealert(1)%3C/script%3E",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "data:image/png;text/html;base64,PHNjcmlwdD4=",
    "data:application/x-shockwave-flash;base64,AAAA",
    "file:///etc/passwd",
    "blob:https://news.example.org/7b3c",
];

const URL_SLOTS: &[(&str, &str)] = &[
    ("a", "href"),
    ("img", "src"),
    ("img", "srcset"),
    ("img", "lowsrc"),
    ("img", "dynsrc"),
    ("source", "src"),
    ("source", "srcset"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("track", "src"),
    ("iframe", "src"),
    ("frame", "src"),
    ("embed", "src"),
    ("object", "data"),
    ("form", "action"),
    ("button", "formaction"),
    ("input", "src"),
    ("table", "background"),
    ("td", "background"),
    ("a", "xlink:href"),
    ("blockquote", "cite"),
    ("link", "href"),
    ("base", "href"),
    ("area", "href"),
];

#[test]
fn no_url_attribute_keeps_a_script_scheme() {
    let mut rows = Vec::new();
    for (tag, attr) in URL_SLOTS {
        for url in SCRIPT_URLS {
            let inner = match *tag {
                "source" => format!("<video><source {attr}=\"{url}\"></video>"),
                "track" => format!("<video><track {attr}=\"{url}\"></video>"),
                "td" => format!("<table><tr><td {attr}=\"{url}\">x</td></tr></table>"),
                "frame" => format!("<frameset><frame {attr}=\"{url}\"></frameset>"),
                _ => format!("<{tag} {attr}=\"{url}\">x</{tag}>"),
            };
            rows.push(("url slot", inner));
            // The same with the URL unquoted, and hidden behind a harmless candidate for srcset.
            rows.push(("url slot unquoted", format!("<{tag} {attr}={url}>x</{tag}>")));
            rows.push((
                "url slot second candidate",
                format!("<{tag} {attr}=\"https://ok.example/a.jpg 1x, {url} 2x\">x</{tag}>"),
            ));
        }
    }
    let failed = failures(rows);
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Safe markup must survive, or the hostile tests could pass by deleting everything.
const KEPT: &[(&str, &str, &[&str])] = &[
    (
        "paragraph with a link",
        "<p>Read <a href=\"https://example.com/story\">the story</a>.</p>",
        &["<p>", "href=\"https://example.com/story\"", ">the story</a>"],
    ),
    ("relative image", "<img src=\"/a.jpg\" alt=\"x\">", &["src=\"https://news.example.org/a.jpg\"", "alt=\"x\""]),
    (
        "relative link",
        "<a href=\"../10/older.html\">older</a>",
        &["href=\"https://news.example.org/2026/10/older.html\"", ">older</a>"],
    ),
    ("mail link", "<a href=\"mailto:editor@example.org\">write</a>", &["href=\"mailto:editor@example.org\""]),
    (
        "inline png",
        "<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"dot\">",
        &["src=\"data:image/png;base64,iVBORw0KGgo=\""],
    ),
    (
        "srcset",
        "<img src=\"a.jpg\" srcset=\"a.jpg 1x, b.jpg 2x\">",
        &["srcset=\"https://news.example.org/2026/11/a.jpg 1x, https://news.example.org/2026/11/b.jpg 2x\""],
    ),
    (
        "lazy image",
        "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" data-src=\"/a.jpg\" alt=\"A\">",
        &["src=\"https://news.example.org/a.jpg\"", "alt=\"A\""],
    ),
    (
        "lazy image behind a spacer",
        "<img src=\"/img/spacer.gif\" data-original=\"b.jpg\">",
        &["src=\"https://news.example.org/2026/11/b.jpg\""],
    ),
    (
        "lazy srcset",
        "<img data-lazy-srcset=\"a.jpg 1x, b.jpg 2x\">",
        &["srcset=\"https://news.example.org/2026/11/a.jpg 1x, https://news.example.org/2026/11/b.jpg 2x\""],
    ),
    (
        "lazy picture source",
        "<picture><source data-srcset=\"a.webp\" type=\"image/webp\"><img src=\"a.jpg\"></picture>",
        &["srcset=\"https://news.example.org/2026/11/a.webp\""],
    ),
    (
        "noscript picture",
        "<p>a</p><noscript><img src=\"/real.jpg\" alt=\"Real\"></noscript><p>b</p>",
        &["<p>a</p><img src=\"https://news.example.org/real.jpg\" alt=\"Real\"><p>b</p>"],
    ),
    (
        "noscript picture after a forged stand-in mark",
        "<img data-offprint-stand-in=\"0\" src=\"/a.jpg\"><noscript><img src=\"/b.jpg\"></noscript>",
        &["src=\"https://news.example.org/a.jpg\"", "src=\"https://news.example.org/b.jpg\""],
    ),
    (
        "youtube player",
        "<iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=3\" title=\"The talk\"></iframe>",
        &[
            "<a class=\"op-embed\" href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\"",
            "<img class=\"op-embed-thumb\" src=\"https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg\" alt=\"\">",
            "<span class=\"op-embed-provider\">YouTube</span>",
            "<span class=\"op-embed-title\">The talk</span>",
        ],
    ),
    (
        "vimeo player",
        "<iframe src=\"https://player.vimeo.com/video/76979871?badge=0\"></iframe>",
        &["href=\"https://vimeo.com/76979871\"", "<span class=\"op-embed-provider\">Vimeo</span>"],
    ),
    (
        "soundcloud player",
        "<iframe src=\"https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/293&amp;color=ff5500\"></iframe>",
        &["href=\"https://api.soundcloud.com/tracks/293\"", "<span class=\"op-embed-provider\">SoundCloud</span>"],
    ),
    (
        "embed element",
        "<embed src=\"//media.example.net/player?id=7\" title=\"Clip\">",
        &["href=\"https://media.example.net/player?id=7\"", ">media.example.net</span>", ">Clip</span>"],
    ),
    (
        "object element",
        "<object data=\"https://www.maps.example/embed?q=1\"><param name=\"a\" value=\"b\">Fallback</object>",
        &["href=\"https://www.maps.example/embed?q=1\"", "<span class=\"op-embed-provider\">maps.example</span>"],
    ),
    (
        "video with poster",
        "<video src=\"v.mp4\" poster=\"p.jpg\"></video>",
        &[
            "<a class=\"op-embed\" href=\"https://news.example.org/2026/11/v.mp4\"",
            "<img class=\"op-embed-thumb\" src=\"https://news.example.org/2026/11/p.jpg\" alt=\"\">",
            "<span class=\"op-embed-provider\">Video · news.example.org</span>",
        ],
    ),
    (
        "video with sources",
        "<video poster=\"https://cdn.example/p.jpg\" aria-label=\"Launch\"><source src=\"/v.webm\" type=\"video/webm\">\
         <source src=\"/v.mp4\">Your browser cannot play this.</video>",
        &[
            "href=\"https://news.example.org/v.webm\"",
            "<img class=\"op-embed-thumb\" src=\"https://cdn.example/p.jpg\" alt=\"\">",
            ">Launch</span>",
        ],
    ),
    (
        "audio",
        "<audio src=\"https://www.cdn.example/e4.mp3\" controls></audio>",
        &["href=\"https://www.cdn.example/e4.mp3\"", "<span class=\"op-embed-provider\">Audio · cdn.example</span>"],
    ),
    (
        "card classes only",
        "<p class=\"op-embed\">a</p><span class=\"evil op-embed-title\">b</span><a class=\"op-embed-thumb\" href=\"/x\">c</a>",
        &[
            "<p>a</p>",
            "<span class=\"op-embed-title\">b</span>",
            // The checker flags any class left on the `<p>` or the link.
            "href=\"https://news.example.org/x\">c</a>",
        ],
    ),
    (
        "text of a hostile paragraph",
        "<p onclick=\"alert(1)\">kept <b>text</b></p><script>alert(1)</script>",
        &["<p>kept <b>text</b></p>"],
    ),
    (
        "escaped markup stays text",
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        &["<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"],
    ),
];

#[test]
fn safe_markup_survives_sanitizing() {
    let mut failed = Vec::new();
    for (name, input, expected) in KEPT {
        let output = clean(input);
        let found = problems(&output);
        let missing: Vec<_> = expected.iter().filter(|e| !output.contains(**e)).collect();
        if !found.is_empty() || !missing.is_empty() {
            failed.push(format!(
                "{name}: problems {found:?}, missing {missing:?}\n    in:  {input:?}\n    out: {output:?}"
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// What the rewrite pass takes out must be gone, or a stand-in shows beside its picture and fallback text
/// beside its card.
const GONE: &[(&str, &str, &[&str])] = &[
    (
        "lazy stand-in before a noscript picture",
        "<img src=\"/blank.gif\" data-src=\"/lazy.jpg\">\n<noscript><img src=\"/real.jpg\"></noscript>",
        &["blank.gif", "lazy.jpg"],
    ),
    ("noscript without a picture", "<p>a</p><noscript><p>Please turn on JavaScript</p></noscript>", &["JavaScript"]),
    (
        "noscript with only a pixel",
        "<img data-src=\"/a.jpg\"><noscript><img src=\"https://t.example/p.gif\" width=\"1\" height=\"1\"></noscript>",
        &["t.example"],
    ),
    ("player with a script address", "<iframe src=\"javascript:alert(1)\" title=\"t\"></iframe>", &["op-embed", "<a"]),
    ("player with a relative address and no base", "<iframe src=\"/embed/1\"></iframe>", &["<a"]),
    (
        "invisible player",
        "<iframe src=\"https://www.googletagmanager.com/ns.html?id=GTM-1\" height=\"0\" width=\"0\"></iframe>",
        &["googletagmanager"],
    ),
    (
        "video fallback content",
        "<video src=\"/v.mp4\">Your browser cannot play <a href=\"/v.mp4\">this video</a>.</video>",
        &["browser", "this video", "<video"],
    ),
    (
        "video with no web source",
        "<video><source src=\"rtsp://e.example/v\"><track src=\"/t.vtt\"></video>",
        &["<a", "<video", "track"],
    ),
];

#[test]
fn what_the_rewrite_takes_out_is_gone() {
    let mut failed = Vec::new();
    for (name, input, gone) in GONE {
        let output = if name.ends_with("no base") { sanitize_html(input, None) } else { clean(input) };
        let found = problems(&output);
        let left: Vec<_> = gone.iter().filter(|g| output.contains(**g)).collect();
        if !found.is_empty() || !left.is_empty() {
            failed.push(format!("{name}: problems {found:?}, left {left:?}\n    in:  {input:?}\n    out: {output:?}"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn tracking_pixels_go_however_they_are_spelled() {
    for html in [
        "<p>a<img src=\"https://t.example/p.gif\" width=\"1\" height=\"1\"></p>",
        "<p>a<Img src=\"https://t.example/p.gif\" width=\"1\" height=\"1\"></p>",
        "<p>a<image src=\"https://t.example/p.gif\" width=\"1\" height=\"1\"></p>",
        "<p>a<img src=\"https://t.example/p.gif\" width=\"&#49;\" height=\"&#x31;\"></p>",
        // Markup that makes a streaming rewriter unsure of the parse must not switch the filter off.
        "<frameset></frameset><iframe></iframe><p>a<img src=\"https://t.example/p.gif\" width=1 height=1></p>",
        "<select><style></style></select><p>a<img src=\"https://t.example/p.gif\" width=1 height=1></p>",
    ] {
        assert_eq!(clean(html), "<p>a</p>", "{html}");
    }
}

/// The checker itself must see what it is there to see, or every test above passes vacuously.
#[test]
fn the_checker_catches_live_markup() {
    let live = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a href=\"/relative\">x</a>",
        "<img srcset=\"https://ok.example/a.jpg 1x, https://ok.example/b.jpg (2x, x) 3x, data:text/html,x 4x\">",
        "<svg><a>x</a></svg>",
        "<p style=\"color:red\">x</p>",
        "<video poster=\"data:image/png;base64,AAAA\"></video>",
        "<a href=\"data:image/png;base64,AAAA\">x</a>",
        "<img src=\"mailto:a@example.org\">",
        "<img src=\"data:image/png;text/html;base64,AAAA\">",
        "<noscript><p>x</p></noscript>",
        "<template><b onclick=x()>x</b></template>",
        "<p class=\"op-embed\">x</p>",
        "<span class=\"op-embed-title app-shell\">x</span>",
    ];
    for html in live {
        assert!(!problems(html).is_empty(), "checker missed {html:?}");
    }
    let not_local = [
        "<img src=\"https://ok.example/a.jpg\">",
        "<img src=\"data:image/png;base64,AAAA\">",
        "<img alt=\"x\">",
        "<img src=\"offprint-img://localhost/0123456789abcdef0123456789ABCDEF\">",
        "<img src=\"offprint-img://localhost/0123456789abcdef0123456789abcdef\" srcset=\"https://ok.example/a.jpg 2x\">",
        "<video poster=\"https://ok.example/p.jpg\"></video>",
    ];
    for html in not_local {
        assert!(!problems_in(html, Pictures::Local).is_empty(), "checker missed {html:?}");
    }
    assert!(problems("<p><a href=\"https://ok.example/\">x</a></p>").is_empty());
    assert!(
        problems("<a class=\"op-embed\" href=\"https://ok.example/\"><span class=\"op-embed-title\">x</span></a>")
            .is_empty()
    );
    let local = "<img src=\"offprint-img://localhost/0123456789abcdef0123456789abcdef\">";
    assert!(problems_in(local, Pictures::Local).is_empty());
    assert!(!problems(local).is_empty());
    assert_eq!(srcset_urls("a 1x,b 2x , c, d (1x, 2x) 3x,e,f"), vec!["a", "b", "c", "d", "e,f"]);
}

// ---------------------------------------------------------------------------------------------------------
// Random HTML-ish input.
// ---------------------------------------------------------------------------------------------------------

const GEN_TAGS: &[&str] = &[
    "p",
    "a",
    "img",
    "div",
    "span",
    "b",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "pre",
    "video",
    "audio",
    "source",
    "picture",
    "blockquote",
    "details",
    "h2",
    "script",
    "style",
    "svg",
    "math",
    "mtext",
    "mglyph",
    "malignmark",
    "annotation-xml",
    "foreignObject",
    "desc",
    "title",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "option",
    "noscript",
    "template",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
    "base",
    "meta",
    "link",
    "isindex",
    "image",
    "animate",
    "set",
    "use",
    "frameset",
    "applet",
    "xss",
    "dialog",
];

const GEN_ATTRIBUTES: &[&str] = &[
    "onclick",
    "onerror",
    "onload",
    "OnMouseOver",
    "onfocus",
    "onbegin",
    "ontoggle",
    "href",
    "src",
    "srcset",
    "poster",
    "action",
    "formaction",
    "xlink:href",
    "style",
    "background",
    "lowsrc",
    "dynsrc",
    "srcdoc",
    "data",
    "attributeName",
    "values",
    "to",
    "is",
    "xmlns",
    "http-equiv",
    "content",
    "title",
    "alt",
    "width",
    "height",
    "dir",
    "lang",
    "autofocus",
    "open",
    "sizes",
    "media",
    "label",
    "datetime",
    "encoding",
    "class",
    "data-src",
    "data-srcset",
    "data-poster",
    "aria-label",
];

/// Attributes the sanitizer may keep as free text. The blunt raw-output check would flag a script URL in
/// them even though it is inert there, so the generator gives them text only.
const TEXT_ATTRIBUTES: &[&str] = &[
    "title",
    "alt",
    "width",
    "height",
    "dir",
    "lang",
    "open",
    "autofocus",
    "sizes",
    "media",
    "label",
    "datetime",
    "aria-label",
];

const SCHEMES: &[&str] = &[
    "javascript:",
    "vbscript:",
    "data:text/html,",
    "data:text/html;base64,",
    "data:image/svg+xml,",
    "data:image/png;base64,",
    "data:image/png;text/html;base64,",
    "https://",
    "http://",
    "//",
    "/",
    "../",
    "",
    "mailto:",
    "file:///",
    "livescript:",
    "feed:javascript:",
];

const PAYLOADS: &[&str] = &[
    "alert(1)",
    "alert(document.domain)",
    "//%0aalert(1)",
    "evil.example/x.js",
    "ok.example/a.png",
    "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "iVBORw0KGgo=",
    "<script>alert(1)</script>",
    "editor@example.org",
    "alert&#40;1&#41;",
    "a.jpg 1x, b.jpg 2x",
];

const TEXT_BITS: &[&str] = &[
    "hello",
    "a < b",
    "x > y",
    "&",
    "&amp;",
    "&lt;script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "\"",
    "'",
    "`",
    "<",
    ">",
    "</",
    "<!",
    "<!--",
    "-->",
    "--!>",
    "<![CDATA[",
    "]]>",
    "<?",
    "<scr",
    "ipt>",
    "alert(1)",
    "\0",
    "&#0;",
    "/",
    "=",
];

fn mix_case(s: &str, bits: u32) -> String {
    s.chars().enumerate().map(|(i, c)| if bits >> (i % 32) & 1 == 1 { c.to_ascii_uppercase() } else { c }).collect()
}

/// A scheme spelled so that a prefix check misses it: entities, whitespace and control characters, nulls,
/// percent-encoding and case, each put at a random place.
fn obfuscate(scheme: &str, how: usize, at: Index, case_bits: u32) -> String {
    let at = at.index(scheme.len() + 1);
    let (head, tail) = scheme.split_at(at);
    let first = tail.chars().next();
    let after_first = tail.get(1..).unwrap_or("");
    let insert = |what: &str| format!("{head}{what}{tail}");
    match how {
        0 => scheme.to_string(),
        1 => insert("&#x09;"),
        2 => insert("\t"),
        3 => insert("&#10;"),
        4 => insert("\n"),
        5 => insert("&Tab;"),
        6 => insert("&NewLine;"),
        7 => insert("\0"),
        8 => insert("\u{200b}"),
        9 => insert(" "),
        10 => match first {
            Some(c) => format!("{head}&#{};{after_first}", c as u32),
            None => scheme.to_string(),
        },
        11 => match first {
            Some(c) => format!("{head}&#x{:X};{after_first}", c as u32),
            None => scheme.to_string(),
        },
        12 => match first {
            Some(c) => format!("{head}&#000000{}{after_first}", c as u32),
            None => scheme.to_string(),
        },
        13 => match first {
            Some(c) => format!("{head}%{:02X}{after_first}", c as u32),
            None => scheme.to_string(),
        },
        14 => scheme.replacen(':', "&colon;", 1),
        15 => scheme.replacen(':', "&#58;", 1),
        16 => format!("  {scheme}"),
        17 => format!("\x01\x1f{scheme}"),
        18 => format!("&#x20;&#14;{scheme}"),
        _ => mix_case(scheme, case_bits),
    }
}

fn url_value() -> impl Strategy<Value = String> {
    (select(SCHEMES), select(PAYLOADS), 0usize..20, any::<Index>(), any::<u32>(), prop::option::of(select(SCHEMES)))
        .prop_map(|(scheme, payload, how, at, case_bits, second)| {
            let first = format!("{}{payload}", obfuscate(scheme, how, at, case_bits));
            // Sometimes a second candidate, as in a srcset that hides the bad one after a comma.
            match second {
                Some(second) => format!("{first} 1x, {second}{payload} 2x"),
                None => first,
            }
        })
}

fn text_value() -> impl Strategy<Value = String> {
    prop_oneof![select(TEXT_BITS).prop_map(str::to_string), "[a-z<>&\"' /!-]{0,10}",]
}

fn script_value() -> impl Strategy<Value = String> {
    select(
        &[
            "alert(1)",
            "javascript:alert(1)",
            "eval(atob('YWxlcnQoMSk='))",
            "background:url(javascript:alert(1))",
            "width:expression(alert(1))",
            "-moz-binding:url(https://evil.example/x.xml#x)",
            "<script>alert(1)</script>",
            "0;url=javascript:alert(1)",
        ][..],
    )
    .prop_map(str::to_string)
}

fn attribute() -> impl Strategy<Value = String> {
    (
        select(GEN_ATTRIBUTES),
        any::<u32>(),
        prop_oneof![url_value(), script_value(), text_value()],
        text_value(),
        0usize..6,
        select(&[" ", "/", "\t", "\n", "\x0c", " / "][..]),
    )
        .prop_map(|(name, case_bits, any_value, text, quoting, sep)| {
            let name = mix_case(name, case_bits);
            if TEXT_ATTRIBUTES.contains(&name.to_ascii_lowercase().as_str()) {
                // Text only, and always properly quoted, so it cannot swallow a neighbour's script URL.
                let text = text.replace('"', "&quot;").replace('>', "&gt;");
                return format!("{sep}{name}=\"{text}\"");
            }
            // Quotes may break out of the value (that is the point), but a raw `>` would end the tag and
            // spill the rest of the attributes, script URLs and all, into inert text that the blunt raw
            // check cannot tell from live markup. The entity keeps the character in the value.
            let value = any_value.replace('>', "&gt;");
            match quoting {
                0 | 1 => format!("{sep}{name}=\"{value}\""),
                2 => format!("{sep}{name}='{value}'"),
                3 => format!("{sep}{name}={value}"),
                4 => format!("{sep}{name}=`{value}`"),
                _ => format!("{sep}{name}=\"{value}"),
            }
        })
}

fn html_fragment() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        3 => text_value(),
        1 => (select(&["img", "iframe", "image"][..]), prop::collection::vec(attribute(), 0..4), 0u8..3)
            .prop_map(|(tag, attrs, size)| {
                // Void-ish elements, sometimes sized as a tracking pixel so the pre-pass removes them.
                let size = match size {
                    0 => " width=1 height=1",
                    1 => " width=0",
                    _ => "",
                };
                format!("<{tag}{}{size}>", attrs.concat())
            }),
    ];
    leaf.prop_recursive(4, 64, 5, |inner| {
        (
            select(GEN_TAGS),
            any::<u32>(),
            prop::collection::vec(attribute(), 0..4),
            prop::collection::vec(inner, 0..5),
            0usize..6,
        )
            .prop_map(|(tag, case_bits, attrs, children, closing)| {
                let open_tag = mix_case(tag, case_bits);
                let attrs = attrs.concat();
                let children = children.concat();
                match closing {
                    0 | 1 => format!("<{open_tag}{attrs}>{children}</{tag}>"),
                    2 => format!("<{open_tag}{attrs}>{children}"),
                    3 => format!("<{open_tag}{attrs}/>{children}"),
                    4 => format!("<{open_tag}{attrs}>{children}</{tag} >"),
                    _ => format!("<{open_tag}{attrs}>{children}</{tag}"),
                }
            })
    })
}

fn html_document() -> impl Strategy<Value = String> {
    prop::collection::vec(html_fragment(), 1..5).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_html_never_yields_script(html in html_document()) {
        let output = clean(&html);
        let found = problems(&output);
        prop_assert!(found.is_empty(), "{found:?}\n    out: {output:?}");
        // Without a base nothing relative can be resolved, which must not open a hole either.
        let output = sanitize_html(&html, None);
        let found = problems(&output);
        prop_assert!(found.is_empty(), "without base: {found:?}\n    out: {output:?}");
    }

    /// Cleaning a stored body again (as a newer policy does) changes nothing: the same elements,
    /// attributes, text and pictures (the order in which an element lists its attributes means nothing).
    #[test]
    fn cleaning_a_stored_body_again_changes_nothing(html in html_document()) {
        let base = Url::parse(BASE).unwrap();
        let once = clean_body(&html, Some(&base));
        let twice = clean_stored_again(&once.html, &once.images);
        prop_assert_eq!(canonical(&twice.html), canonical(&once.html), "input: {:?}\n once: {:?}\ntwice: {:?}", html, once.html, twice.html);
        prop_assert_eq!(&twice.images, &once.images);
        // The texts keep their whitespace as written, which parsing may change (a newline after `<pre>`):
        // their words are compared.
        let words = offprint::text::collapse_whitespace(&once.plain_text);
        prop_assert_eq!(offprint::text::collapse_whitespace(&twice.plain_text), words.clone());
        // The text is taken in the pass that localizes the pictures: it has the stored body's words.
        prop_assert_eq!(words, offprint::text::html_to_text(&once.html));
    }

    /// Nothing but what the policy lists comes out: no other element, no other attribute.
    #[test]
    fn random_html_yields_only_allowed_elements_and_attributes(html in html_document()) {
        let output = clean(&html);
        let mut found = Vec::new();
        disallowed(&parse_as_inner_html(&output).document, &mut found);
        prop_assert!(found.is_empty(), "{found:?}\n    out: {output:?}");
    }

    /// What is stored: sanitized, then every picture pointed at its local copy.
    #[test]
    fn random_html_stays_safe_with_its_pictures_localized(html in html_document()) {
        let localized = localize_images(&clean(&html));
        let found = problems_in(&localized.html, Pictures::Local);
        prop_assert!(found.is_empty(), "{found:?}\n    out: {:?}", localized.html);
        // The downloader is handed only what a picture may load, and only pictures the HTML shows.
        for remote in &localized.images {
            let mut found = Vec::new();
            check_url("img", "src", remote, &mut found);
            prop_assert!(found.is_empty(), "{found:?}");
            let local = offprint::localize::local_url(remote);
            prop_assert!(localized.html.contains(&local), "{remote} is listed but not shown");
        }
    }
}

/// Inputs that once cleaned differently the second time: markup the first pass reads inside `<script>`
/// in an `<svg>` (foreign content), an attribute order that changed, a 1×1 picture the first pass read as
/// the text of an `<xmp>` the tree builder never opened, and players it read as text: inside an `<svg>`
/// whose end it saw at a pixel it then removed, and after a `<![CDATA[` in a self-closing `<svg/>`.
#[test]
fn cleaning_again_is_stable_for_inputs_that_once_were_not() {
    let base = Url::parse(BASE).unwrap();
    for html in [
        "<embed><svg><img width=1 height=1></embed><script><p><img width=1 height=1></p></script>",
        "<a dir=\"hello\" onclick=\"javascript:alert(1)></a><p onclick=\"javascript:alert(1)\" href=\"eval(atob('YWxlcnQoMSk='))\"></p>",
        "<input><svg><img width=1 height=1></input><tr><xmp></tr><p><p><image srcset=\"d&#x09;ata:text/html,alert(1)\" width=1 height=1></p></p>",
        "<svg><source><img width=1 height=1><mtext><xmp></mtext><p></p></source><video></video>",
        "<svg onclick=\"javascript:alert(1)><p onclick=\"javascript:alert(1)/><![CDATA[<p><p><video></video></p></p>",
    ] {
        let once = clean_body(html, Some(&base));
        let twice = clean_stored_again(&once.html, &once.images);
        assert_eq!(canonical(&twice.html), canonical(&once.html), "{html}");
        assert!(disallowed_in(&once.html).is_empty(), "{html}: {:?}", disallowed_in(&once.html));
    }
}
