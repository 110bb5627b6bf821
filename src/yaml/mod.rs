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
