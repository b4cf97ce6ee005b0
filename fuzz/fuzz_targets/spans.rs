//! The loader's promise to every renderer: each span of a parsed tree lies
//! inside the text and on character boundaries, so slicing it never panics.

use asl_lint::loader::LoadedFile;
use asl_lint::loader::tree::{self, Node, Span};

fn check(text: &str, span: Span, what: &str) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert!(
        start <= end && end <= text.len(),
        "{what} span {span:?} outside the text ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what} span {span:?} splits a character"
    );
}

fn check_tree(text: &str, root: &Node) {
    check(text, root.span, "root");
    tree::walk(root, |_, _, node| {
        check(text, node.span, "node");
        if let tree::Value::Object(o) = &node.value {
            for m in &o.members {
                check(text, m.key_span, "key");
            }
        }
        true
    });
}

pub fn check_loaded(file: &LoadedFile) {
    if let Some(root) = &file.tree {
        check_tree(&file.text, root);
    }
    for definition in file.definitions() {
        check_tree(&file.text, definition.root);
    }
}
