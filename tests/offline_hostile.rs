use offprint::extract::extract_article;
use std::time::Instant;
use url::Url;

fn para(i: usize) -> String {
    format!(
        "<p>Paragraph {i}: the court heard the defence ask for more time, and the judge, after a pause, agreed, adjourning until later in the month.</p>"
    )
}

#[test]
fn probe() {
    let url = Url::parse("https://news.example/a").unwrap();
    let n: usize = std::env::var("N").unwrap().parse().unwrap();
    let kind = std::env::var("K").unwrap();
    let page = match kind.as_str() {
        "deep" => format!(
            "<html><body>{}{}{}</body></html>",
            "<div>".repeat(n),
            (0..20).map(para).collect::<String>(),
            "</div>".repeat(n)
        ),
        "deepp" => {
            format!("<html><body>{}</body></html>", (0..n).map(|i| format!("<div>{}", para(i))).collect::<String>())
        }
        "wide" => format!("<html><body><div>{}</div></body></html>", (0..n).map(para).collect::<String>()),
        "tables" => format!(
            "<html><body>{}{}{}</body></html>",
            "<table><tr><td>".repeat(n / 3),
            (0..20).map(para).collect::<String>(),
            "</td></tr></table>".repeat(n / 3)
        ),
        "lists" => format!(
            "<html><body>{}{}{}</body></html>",
            "<ul><li>".repeat(n / 2),
            (0..20).map(para).collect::<String>(),
            "</li></ul>".repeat(n / 2)
        ),
        "sections" => format!(
            "<html><body>{}{}{}</body></html>",
            "<section><div>".repeat(n / 2),
            (0..20).map(para).collect::<String>(),
            "</div></section>".repeat(n / 2)
        ),
        _ => panic!(),
    };
    println!("page bytes {}", page.len());
    let t = Instant::now();
    let r = extract_article(page.as_bytes(), Some("text/html"), &url);
    println!("{kind} n={n} took {:?} ok={}", t.elapsed(), r.is_ok());
    if let Err(e) = r {
        println!("{e}");
    }
}
