//! The built-in library, embedded at build time from policies/ (see build.rs).

include!(concat!(env!("OUT_DIR"), "/policies.rs"));
