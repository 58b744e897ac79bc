//! Article bodies to HTML. Seed text is plain text and is always escaped here.

use crate::seed::Block;
use crate::site::Body;
use crate::urls::slugify;

/// Escapes `& < > " '` for HTML text and attribute values. Every page passes most of its text
/// through here, so runs without special characters are copied in one piece.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    escape_into(&mut out, text);
    out
}

/// [`escape`], appended to `out`: what a page written without its template (the sitemap) uses.
pub fn escape_into(out: &mut String, text: &str) {
    let mut copied = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // The special characters are ASCII, so `i` is always a character boundary.
        out.push_str(&text[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&text[copied..]);
}

/// The body as HTML: blocks escaped, headings given stable `id`s for `#anchor` links; an
/// override's Markdown HTML as rendered by pulldown-cmark (raw HTML already escaped there).
pub fn body_html(body: &Body) -> String {
    match body {
        Body::Html { html, .. } => html.clone(),
        Body::Blocks { blocks, .. } => {
            let mut out = String::new();
            let mut ids: Vec<String> = Vec::new();
            for b in blocks.iter() {
                match b {
                    Block::Paragraph { text } => {
                        out.push_str("<p>");
                        out.push_str(&escape(text));
                        out.push_str("</p>\n");
                    }
                    Block::Heading { text } => {
                        let base = slugify(text);
                        let mut id = base.clone();
                        let mut n = 2;
                        while ids.contains(&id) {
                            id = format!("{base}-{n}");
                            n += 1;
                        }
                        out.push_str(&format!("<h2 id=\"{id}\">{}</h2>\n", escape(text)));
                        ids.push(id);
                    }
                    Block::List { items } => {
                        out.push_str("<ul>");
                        for item in items {
                            out.push_str("<li>");
                            out.push_str(&escape(item));
                            out.push_str("</li>");
                        }
                        out.push_str("</ul>\n");
                    }
                }
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character_and_keeps_the_rest() {
        assert_eq!(escape(""), "");
        assert_eq!(escape("Israël à Tel-Aviv"), "Israël à Tel-Aviv");
        assert_eq!(
            escape("<a href='x'>\"é\" & ü</a>"),
            "&lt;a href=&#39;x&#39;&gt;&quot;é&quot; &amp; ü&lt;/a&gt;"
        );
        assert_eq!(escape("«&»"), "«&amp;»");
    }

    #[test]
    fn blocks_are_escaped() {
        let body = Body::blocks(vec![
            Block::Paragraph {
                text: "<script>alert(1)</script>".into(),
            },
            Block::Heading {
                text: "NSO dément".into(),
            },
            Block::Heading {
                text: "NSO dément".into(),
            },
        ]);
        let html = body_html(&body);
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("<h2 id=\"nso-dement\">"));
        assert!(html.contains("<h2 id=\"nso-dement-2\">"));
    }
}
