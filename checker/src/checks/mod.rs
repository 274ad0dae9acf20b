//! The analyses, each a pure function of the resolved workspace.

pub mod campaigns;
pub mod commission;
pub mod coverage;
pub mod grading;
pub mod jargon;
pub mod support;
pub mod wording;
