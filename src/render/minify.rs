//! Minification of HTML pages and of the theme's CSS and JS, all with minify-html's engines.

/// minify-html settings that keep the output valid HTML5 (the W3C validator runs on it in CI).
fn cfg() -> minify_html::Cfg {
    minify_html::Cfg {
        minify_css: true,
        minify_js: true,
        // Closing tags kept: tools that read the pages (Pagefind among them) expect `</head>`.
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        allow_noncompliant_unquoted_attribute_values: false,
        allow_optimal_entities: false,
        allow_removing_spaces_between_attributes: false,
        minify_doctype: false,
        keep_comments: false,
        ..minify_html::Cfg::default()
    }
}

/// Minifies an HTML page.
pub fn html(src: &[u8]) -> Vec<u8> {
    minify_html::minify(src, &cfg())
}

/// Minifies a CSS or JS asset by passing it through minify-html inside a `<style>` or
/// `<script>` element (the same lightningcss and JS engines), then unwrapping it. Anything
/// else, or anything the wrapper cannot round-trip, is returned unchanged.
pub fn asset(name: &str, bytes: &[u8]) -> Vec<u8> {
    let (open, close) = if name.ends_with(".css") {
        ("<style>", "</style>")
    } else if name.ends_with(".js") {
        ("<script>", "</script>")
    } else {
        return bytes.to_vec();
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return bytes.to_vec();
    };
    if text.contains(close) {
        return bytes.to_vec();
    }
    let wrapped = format!("{open}{text}{close}");
    let out = minify_html::minify(wrapped.as_bytes(), &cfg());
    let Ok(out) = String::from_utf8(out) else {
        return bytes.to_vec();
    };
    match out.strip_prefix(open).and_then(|s| s.strip_suffix(close)) {
        Some(inner) if !inner.is_empty() || text.trim().is_empty() => inner.as_bytes().to_vec(),
        _ => bytes.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_and_js_get_smaller_and_keep_meaning() {
        let css = asset("a.css", b"body {\n  color : red ;\n}\n");
        assert_eq!(String::from_utf8(css).unwrap(), "body{color:red}");
        let js = asset(
            "a.js",
            b"function add(a, b) {\n  return a + b;\n}\nwindow.add = add;\n",
        );
        let js = String::from_utf8(js).unwrap();
        assert!(js.len() < 50 && js.contains("window.add"), "{js}");
        assert_eq!(asset("a.txt", b"x  y"), b"x  y");
    }
}
