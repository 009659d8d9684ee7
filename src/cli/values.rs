//! helm's values flags, shared by `template` and `scan` so both read values the same way.

use crate::chart::UserValues;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug, Clone, Default)]
pub struct ValuesArgs {
    /// Values files (may repeat; commas split like helm).
    #[arg(
        short = 'f',
        long = "values",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    pub values: Vec<PathBuf>,
    /// Set values (key1=val1,key2=val2).
    #[arg(long, allow_hyphen_values = true)]
    pub set: Vec<String>,
    /// Set STRING values.
    #[arg(long, allow_hyphen_values = true)]
    pub set_string: Vec<String>,
    /// Set values from files (key=path).
    #[arg(long, allow_hyphen_values = true)]
    pub set_file: Vec<String>,
    /// Set JSON values (key=jsonval).
    #[arg(long, allow_hyphen_values = true)]
    pub set_json: Vec<String>,
    /// Set a literal STRING value.
    #[arg(long, allow_hyphen_values = true)]
    pub set_literal: Vec<String>,
}

impl ValuesArgs {
    pub fn user_values(&self) -> UserValues {
        UserValues {
            value_files: self.values.clone(),
            set_json: self.set_json.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_file: self.set_file.clone(),
            set_literal: self.set_literal.clone(),
        }
    }
}
