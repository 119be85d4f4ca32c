//! The page's address: embed-mode parameters in the query string, a shared session in the
//! fragment (`#s=…`, see `kafka_sim::link`), and the links and `<iframe>` snippets the page
//! hands out.
//!
//! Query parameters: `embed=1` (minimal chrome for an iframe), `scenario=<preset id>`,
//! `tour=1` (open the scenario's guided tour), `autoplay=0|1`, `readonly=1` (hide every
//! control that changes the cluster), `origin=<https://host>` (the embedding page allowed to
//! drive the playground with `postMessage`; default: the origin of `document.referrer`).

/// What the query string asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageParams {
    pub embed: bool,
    pub scenario: Option<String>,
    pub tour: bool,
    pub autoplay: Option<bool>,
    pub readonly: bool,
    pub origin: Option<String>,
}

fn truthy(v: &str) -> bool {
    matches!(v, "" | "1" | "true" | "yes" | "on")
}

/// Decode `%XX` and `+` in a query value; invalid escapes are kept as they are.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                match s
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encode a query value (RFC 3986 unreserved characters stay as they are).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl PageParams {
    /// Parse `location.search` (with or without the leading `?`). Unknown parameters are
    /// ignored; the last occurrence of a parameter wins.
    pub fn parse(search: &str) -> PageParams {
        let mut p = PageParams::default();
        let q = search.strip_prefix('?').unwrap_or(search);
        for kv in q.split('&').filter(|s| !s.is_empty()) {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            let v = percent_decode(v);
            match k {
                "embed" => p.embed = truthy(&v),
                "scenario" | "preset" => p.scenario = Some(v).filter(|s| !s.is_empty()),
                "tour" => p.tour = truthy(&v),
                "autoplay" => p.autoplay = Some(truthy(&v)),
                "readonly" => p.readonly = truthy(&v),
                "origin" => p.origin = normalize_origin(&v),
                _ => {}
            }
        }
        p
    }

    /// The query string for these parameters (with `?`, or empty).
    pub fn to_query(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.embed {
            parts.push("embed=1".into());
        }
        if let Some(s) = &self.scenario {
            parts.push(format!("scenario={}", percent_encode(s)));
        }
        if self.tour {
            parts.push("tour=1".into());
        }
        if let Some(a) = self.autoplay {
            parts.push(format!("autoplay={}", u8::from(a)));
        }
        if self.readonly {
            parts.push("readonly=1".into());
        }
        if let Some(o) = &self.origin {
            parts.push(format!("origin={}", percent_encode(o)));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// `scheme://host[:port]` of a URL, or `None` when it has none (e.g. `about:blank`, "").
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    // Drop credentials.
    let host = host.rsplit('@').next().unwrap_or(host);
    if host.is_empty() {
        return None;
    }
    Some(format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    ))
}

fn normalize_origin(v: &str) -> Option<String> {
    origin_of(v.trim())
}

/// The options of an `<iframe>` snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedOptions {
    pub tour: bool,
    pub autoplay: bool,
    pub readonly: bool,
    /// Embed the current session (`#s=…`) rather than just the preset.
    pub with_state: bool,
}

/// An `<iframe>` snippet for `base` (the page URL without query or fragment).
pub fn embed_snippet(
    base: &str,
    preset: Option<&str>,
    fragment: Option<&str>,
    o: &EmbedOptions,
    title: &str,
) -> String {
    let params = PageParams {
        embed: true,
        scenario: preset.map(str::to_string),
        tour: o.tour,
        autoplay: Some(o.autoplay),
        readonly: o.readonly,
        origin: None,
    };
    let mut src = format!("{base}{}", params.to_query());
    if let Some(f) = fragment.filter(|_| o.with_state) {
        src.push('#');
        src.push_str(f);
    }
    format!(
        "<iframe src=\"{}\" width=\"800\" height=\"500\" style=\"border:0;max-width:100%\" title=\"{}\" loading=\"lazy\"></iframe>",
        html_attr(&src),
        html_attr(title)
    )
}

fn html_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters() {
        let p = PageParams::parse(
            "?embed=1&scenario=acks-1-loss&tour=1&autoplay=0&readonly=true&origin=https%3A%2F%2Fexample.org%2Fpath",
        );
        assert_eq!(
            p,
            PageParams {
                embed: true,
                scenario: Some("acks-1-loss".into()),
                tour: true,
                autoplay: Some(false),
                readonly: true,
                origin: Some("https://example.org".into()),
            }
        );
        assert_eq!(PageParams::parse(""), PageParams::default());
        assert!(!PageParams::parse("?embed=0&x=%zz").embed);
        assert!(PageParams::parse("embed").embed);
        assert_eq!(PageParams::parse(&p.to_query()), p);
    }

    #[test]
    fn origins() {
        assert_eq!(
            origin_of("http://127.0.0.1:8080/embed.html?x#y").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin_of("HTTPS://User@Example.ORG").as_deref(),
            Some("https://example.org")
        );
        assert_eq!(origin_of(""), None);
        assert_eq!(origin_of("about:blank"), None);
        assert_eq!(origin_of("://x"), None);
    }

    #[test]
    fn percent_coding() {
        assert_eq!(percent_decode("a%20b+c%2"), "a b c%2");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%e2%9c%93"), "✓");
        assert_eq!(percent_encode("a b/ü"), "a%20b%2F%C3%BC");
    }

    #[test]
    fn snippet_escapes_and_carries_options() {
        let s = embed_snippet(
            "https://h/kp/",
            Some("acks-1-loss"),
            Some("s=abc"),
            &EmbedOptions {
                tour: true,
                autoplay: false,
                readonly: true,
                with_state: true,
            },
            "Kafka \"Playground\"",
        );
        assert!(s.starts_with("<iframe src=\"https://h/kp/?embed=1&amp;scenario=acks-1-loss&amp;tour=1&amp;autoplay=0&amp;readonly=1#s=abc\""), "{s}");
        assert!(s.contains("title=\"Kafka &quot;Playground&quot;\""), "{s}");
    }
}
