//! Input rules: reading and parsing the file (JSON, YAML, templates, linked files).

pub mod byte_order_mark;
pub mod definition_too_large;
pub mod duplicate_key;
pub mod file_too_large;
pub mod internal_error;
pub mod invalid_json;
pub mod invalid_yaml;
pub mod io_error;
pub mod missing_definition_file;
pub mod unlintable_definition;
pub mod yaml_implicit_type;
