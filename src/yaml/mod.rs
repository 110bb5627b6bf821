//! YAML, read once: one parser (`yaml-rust2`) builds a positioned tree ([`tree`]), and
//! everything bashgah reads from YAML — `club.yaml`, policy tests, plugin manifests, the
//! keys file — is checked and typed from that tree by [`load`]: unknown keys and choices
//! against the type's JSON Schema ([`keys`]), the whole schema with a real validator
//! ([`schema`]), then serde through a deserializer over the tree ([`de`]), so that every
//! problem has the line and column of the node it is about.

pub mod de;
mod keys;
mod load;
pub mod schema;
pub mod tree;

pub use load::{from_str, load, FileKind, Loaded};
pub use tree::{Node, NodeValue, PathSegment, Resolved, MAX_ALIAS_NODES, MAX_DEPTH};

/// Names in backticks, listed as the current language lists them: `` `a`, `b` ``.
pub fn quoted<S: AsRef<str>>(names: &[S]) -> String {
    list(names.iter().map(|n| format!("`{}`", n.as_ref())))
}

/// Items separated as the current language separates them (`, ` or `، `).
pub fn list(items: impl IntoIterator<Item = String>) -> String {
    items
        .into_iter()
        .collect::<Vec<_>>()
        .join(&crate::tr!("yaml-list-separator"))
}

/// `a`, `a or b`, `a, b or c`, in the current language.
pub fn either(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => crate::tr!("yaml-or", first = list(init.to_vec()), last = last),
    }
}
