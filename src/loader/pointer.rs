//! RFC 6901 JSON pointers. State names may contain `/`, `~` and any Unicode,
//! so every segment is escaped.

use std::borrow::Cow;

/// Appends one escaped segment to `base`.
pub fn push(base: &str, segment: &str) -> String {
    let mut out = String::with_capacity(base.len() + segment.len() + 1);
    out.push_str(base);
    out.push('/');
    if segment.contains(['~', '/']) {
        for c in segment.chars() {
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c => out.push(c),
            }
        }
    } else {
        out.push_str(segment);
    }
    out
}

pub fn push_index(base: &str, index: usize) -> String {
    format!("{base}/{index}")
}

/// Builds a pointer from unescaped segments.
pub fn join<'a>(segments: impl IntoIterator<Item = &'a str>) -> String {
    segments
        .into_iter()
        .fold(String::new(), |acc, s| push(&acc, s))
}

/// The unescaped segments of a pointer (`""` has none).
pub fn segments(ptr: &str) -> impl Iterator<Item = Cow<'_, str>> {
    ptr.split('/').skip(1).map(|raw| {
        if raw.contains('~') {
            Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(raw)
        }
    })
}

/// Whether `prefix` is `ptr` or one of its ancestors, segment-wise.
pub fn is_prefix(prefix: &str, ptr: &str) -> bool {
    ptr.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_round_trips_awkward_names() {
        let ptr = join(["States", "a/b~c", "Next"]);
        assert_eq!(ptr, "/States/a~1b~0c/Next");
        let back: Vec<_> = segments(&ptr).collect();
        assert_eq!(back, ["States", "a/b~c", "Next"]);
        // "~01" must decode to "~1", not "/".
        assert_eq!(segments("/~01").collect::<Vec<_>>(), ["~1"]);
    }

    #[test]
    fn prefix_is_segment_wise() {
        assert!(is_prefix("/States/A", "/States/A/Next"));
        assert!(is_prefix("/States/A", "/States/A"));
        assert!(!is_prefix("/States/A", "/States/AB"));
        assert!(is_prefix("", "/States"));
    }
}
