//! Pure helpers of the scenario editor: find the text of a failing field in a JSON document
//! from the path the engine reports (`topics[0].partitons`), so the editor can select it.

/// One step of a path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// Split `a.b[2].c` into segments.
pub fn parse_path(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push(Segment::Key(name.to_string()));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            if let Ok(n) = idx.trim_end_matches(']').parse() {
                out.push(Segment::Index(n));
            }
        }
    }
    out
}

/// Skip whitespace from `i`.
fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The end of the JSON value starting at `i` (exclusive), string- and nesting-aware.
fn value_end(b: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    let mut in_str = false;
    while j < b.len() {
        let c = b[j];
        if in_str {
            if c == b'\\' {
                j += 1;
            } else if c == b'"' {
                in_str = false;
                if depth == 0 {
                    return j + 1;
                }
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    if depth == 0 {
                        return j;
                    }
                    depth -= 1;
                    if depth == 0 {
                        return j + 1;
                    }
                }
                b',' if depth == 0 => return j,
                _ => {}
            }
        }
        j += 1;
    }
    j
}

/// Byte range of the failing field in `json` (the key for an object member, the element for
/// an array index), as far as the path can be followed. `None` for an empty path.
pub fn locate(json: &str, path: &str) -> Option<(usize, usize)> {
    let b = json.as_bytes();
    let mut i = ws(b, 0);
    let mut found = None;
    for seg in parse_path(path) {
        match seg {
            Segment::Key(k) => {
                if b.get(i) != Some(&b'{') {
                    break;
                }
                // Walk the members of this object.
                let mut j = ws(b, i + 1);
                let mut hit = None;
                while j < b.len() && b[j] == b'"' {
                    let key_end = value_end(b, j);
                    let key = &json[j + 1..key_end.saturating_sub(1).max(j + 1)];
                    let colon = ws(b, key_end);
                    let v = ws(b, colon + 1);
                    if key == k {
                        hit = Some((j, key_end, v));
                        break;
                    }
                    let end = value_end(b, v);
                    j = ws(b, end);
                    if b.get(j) == Some(&b',') {
                        j = ws(b, j + 1);
                    }
                }
                match hit {
                    Some((ks, ke, v)) => {
                        found = Some((ks, ke));
                        i = v;
                    }
                    None => break,
                }
            }
            Segment::Index(n) => {
                if b.get(i) != Some(&b'[') {
                    break;
                }
                let mut j = ws(b, i + 1);
                let mut k = 0;
                while k < n && j < b.len() && b[j] != b']' {
                    j = ws(b, value_end(b, j));
                    if b.get(j) == Some(&b',') {
                        j = ws(b, j + 1);
                    }
                    k += 1;
                }
                if k != n || b.get(j) == Some(&b']') {
                    break;
                }
                found = Some((j, value_end(b, j)));
                i = j;
            }
        }
    }
    found
}

/// Narrow a located range to the field a serde message names (`unknown field \`x\``,
/// `invalid type … for key \`x\``): the engine's paths can stop at the list element.
pub fn refine(json: &str, range: (usize, usize), message: &str) -> (usize, usize) {
    let field = message
        .split('`')
        .nth(1)
        .filter(|_| message.contains("unknown field") || message.contains("duplicate field"));
    if let Some(f) = field {
        let needle = format!("\"{f}\"");
        if let Some(i) = json.get(range.0..range.1).and_then(|t| t.find(&needle)) {
            return (range.0 + i, range.0 + i + needle.len());
        }
    }
    range
}

/// 1-based line of byte offset `at`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|&&c| c == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "name": "x",
  "topics": [
    { "name": "a", "config": { "k": "v" } },
    { "name": "b, [tricky]", "partitons": 2 }
  ]
}"#;

    #[test]
    fn unknown_fields_are_narrowed_to_their_key() {
        let r = locate(DOC, "topics[1]").unwrap();
        let (s, e) = refine(DOC, r, "unknown field `partitons`, expected one of `name`");
        assert_eq!(&DOC[s..e], "\"partitons\"");
        assert_eq!(refine(DOC, r, "missing field `name`"), r);
    }

    #[test]
    fn paths_split() {
        assert_eq!(
            parse_path("topics[1].partitons"),
            vec![
                Segment::Key("topics".into()),
                Segment::Index(1),
                Segment::Key("partitons".into())
            ]
        );
        assert_eq!(parse_path(""), vec![]);
    }

    #[test]
    fn locates_keys_and_elements() {
        let (s, e) = locate(DOC, "topics[1].partitons").unwrap();
        assert_eq!(&DOC[s..e], "\"partitons\"");
        assert_eq!(line_of(DOC, s), 5);
        let (s, e) = locate(DOC, "topics[0].config.k").unwrap();
        assert_eq!(&DOC[s..e], "\"k\"");
        let (s, e) = locate(DOC, "topics[1]").unwrap();
        assert!(DOC[s..e].starts_with("{ \"name\": \"b, [tricky]\""));
        // As far as the path can be followed.
        let (s, e) = locate(DOC, "topics[0].missing").unwrap();
        assert!(DOC[s..e].starts_with('{'));
        assert_eq!(locate(DOC, ""), None);
        assert_eq!(locate("not json", "a.b"), None);
        let _ = locate("{\"a\": [1, 2", "a[5]");
        let _ = locate("{\"a\"", "a");
    }
}
