//! The template line of a render error. Tera names the line of a syntax error, but an error
//! while rendering (an unknown variable, filter or function, a loop over a number) names only
//! the template, which in a theme of a dozen templates and their parents leaves the user to
//! search. The error does name what failed (`page.nope`, 'nofilter'), so the line is found by
//! looking for it in the templates the error names first, then in the others.

use super::theme::Theme;

/// `templates/<name>:<line>: <that line>` for the first use of what the error message names,
/// or `None` when it names nothing found in a template.
pub fn locate(message: &str, theme: &Theme) -> Option<String> {
    let mut named: Vec<String> = Vec::new();
    let mut needles: Vec<&str> = Vec::new();
    for token in quoted(message, '\'').chain(quoted(message, '`')) {
        let path = format!("templates/{token}");
        if theme.files.contains_key(&path) {
            named.push(path);
        } else {
            needles.push(token);
        }
    }
    // The innermost template is named last ("… while rendering 'x.html'").
    named.reverse();
    let others = theme
        .files
        .keys()
        .filter(|p| p.starts_with("templates/") && !named.contains(p));
    let order: Vec<&String> = named.iter().chain(others).collect();
    needles.iter().find_map(|needle| {
        order.iter().find_map(|path| {
            let text = std::str::from_utf8(&theme.files[*path]).ok()?;
            let (n, line) = text
                .lines()
                .enumerate()
                .find(|(_, l)| in_a_tag(l, needle))?;
            Some(format!("{path}:{}: {}", n + 1, line.trim()))
        })
    })
}

/// The pieces of `text` between pairs of `quote`.
fn quoted(text: &str, quote: char) -> impl Iterator<Item = &str> {
    text.split(quote)
        .skip(1)
        .step_by(2)
        .filter(|t| !t.is_empty() && !t.contains(char::is_whitespace))
}

/// Whether `line` uses `needle` as a whole name inside a `{{ }}` or `{% %}` tag.
fn in_a_tag(line: &str, needle: &str) -> bool {
    if !(line.contains("{{") || line.contains("{%")) {
        return false;
    }
    let is_name = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    line.match_indices(needle).any(|(i, _)| {
        let before = line[..i].chars().next_back();
        let after = line[i + needle.len()..].chars().next();
        !before.is_some_and(is_name) && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme(files: &[(&str, &str)]) -> Theme {
        Theme {
            files: files
                .iter()
                .map(|(p, t)| (format!("templates/{p}"), t.as_bytes().to_vec()))
                .collect(),
            overridden: Vec::new(),
        }
    }

    #[test]
    fn finds_the_line_of_what_failed() {
        let t = theme(&[
            ("base.html", "<html>\n{% block body %}{% endblock %}\n</html>"),
            (
                "article.html",
                "{% extends \"base.html\" %}\n{% block body %}\n<p>{{ page.nopey }}</p>\n<p>{{ page.nope }}</p>\n{% endblock %}",
            ),
            ("f.html", "a nofilter\n{{ x | nofilter }}\n"),
        ]);
        let msg = "Failed to render 'article.html': Variable `page.nope` not found in context \
                   while rendering 'article.html'";
        assert_eq!(
            locate(msg, &t).as_deref(),
            Some("templates/article.html:4: <p>{{ page.nope }}</p>")
        );
        let msg = "Failed to render 'f.html': Filter 'nofilter' not found";
        assert_eq!(
            locate(msg, &t).as_deref(),
            Some("templates/f.html:2: {{ x | nofilter }}")
        );
        assert_eq!(locate("Failed to render 'f.html': no such thing", &t), None);
    }
}
