//! Profiles: what a user writes (`raw`), read with locations (`load`, `node`), composed with
//! `extends` (`inherit`), and checked into the strict form the rest of vprof uses (`resolve`).
//!
//! A profile is `profiles/NAME.toml`; a partial is `profiles/_NAME.toml` and only exists to
//! be extended. Every resolved value keeps the file and span it came from.

pub mod batch;
pub mod inherit;
pub mod load;
pub mod name;
pub mod node;
pub mod raw;
pub mod resolve;

pub use inherit::Loader;
pub use resolve::Profile;
