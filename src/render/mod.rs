//! Renderers: one file per report format. Each takes the sorted file reports
//! and returns the whole report as a string.

pub mod checkstyle;
pub mod concise;
pub mod cost;
pub mod escape;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod mermaid;
pub mod sarif;
pub mod text;

use std::path::PathBuf;
use std::str::FromStr;

use crate::engine::{FileReport, Summary};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// miette snippets on a terminal, `concise` otherwise.
    Text,
    Concise,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
    Checkstyle,
}

impl Format {
    /// Every format, in the order of [`Format::NAMES`].
    pub const ALL: [Format; 8] = [
        Format::Text,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Junit,
        Format::Gitlab,
        Format::Checkstyle,
    ];

    pub const NAMES: &'static [&'static str] = &[
        "text",
        "concise",
        "json",
        "sarif",
        "github",
        "junit",
        "gitlab",
        "checkstyle",
    ];
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let i = Format::ALL.iter().position(|x| x == self).unwrap_or(0);
        f.write_str(Format::NAMES[i])
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "concise" => Ok(Format::Concise),
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "github" => Ok(Format::Github),
            "junit" => Ok(Format::Junit),
            "gitlab" => Ok(Format::Gitlab),
            "checkstyle" => Ok(Format::Checkstyle),
            _ => Err(format!(
                "unknown format `{s}`; expected one of: {}",
                Format::NAMES.join(", ")
            )),
        }
    }
}

/// `--format FORMAT[=FILE]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: Format,
    pub file: Option<PathBuf>,
}

impl FromStr for OutputSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (format, file) = match s.split_once('=') {
            Some((f, "")) => return Err(format!("`{f}=` needs a file name after `=`")),
            Some((f, file)) => (f, Some(PathBuf::from(file))),
            None => (s, None),
        };
        Ok(OutputSpec {
            format: format.parse()?,
            file,
        })
    }
}

pub struct RenderOptions {
    /// Render `text` with miette snippets (else it falls back to concise).
    pub rich_text: bool,
    pub color: bool,
    pub width: usize,
}

pub fn render(
    format: Format,
    reports: &[FileReport],
    summary: &Summary,
    options: &RenderOptions,
) -> String {
    match format {
        Format::Text if options.rich_text => {
            let text_options = text::TextOptions {
                color: options.color,
                width: options.width,
                links: options.color,
            };
            let mut out = String::new();
            for report in reports {
                let source = report
                    .text
                    .as_deref()
                    .filter(|_| !report.findings.is_empty())
                    .map(text::SourceText::new);
                for finding in &report.findings {
                    out.push_str(&text::render_finding_indexed(
                        finding,
                        source.as_ref(),
                        &text_options,
                    ));
                }
            }
            out
        }
        Format::Text | Format::Concise => concise::render(reports),
        Format::Json => json::render(reports, summary),
        Format::Sarif => sarif::render(reports),
        Format::Github => github::render(reports),
        Format::Junit => junit::render(reports),
        Format::Gitlab => gitlab::render(reports),
        Format::Checkstyle => checkstyle::render(reports),
    }
}

/// The closing line for people: "Found 2 errors and 1 warning in 3 files."
pub fn summary_line(summary: &Summary) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let files = plural(summary.files, "file");
    let mut parts = Vec::new();
    for (n, word) in [
        (summary.errors, "error"),
        (summary.warnings, "warning"),
        (summary.infos, "info"),
    ] {
        if n > 0 {
            parts.push(plural(n, word));
        }
    }
    if parts.is_empty() {
        return format!("No problems found in {files}.");
    }
    let fixable = match (summary.fixable, summary.unsafe_fixable) {
        (0, 0) => String::new(),
        (0, m) => format!("\n{m} fixable with --fix --unsafe-fixes."),
        (n, 0) => format!("\n[*] {n} fixable with --fix."),
        (n, m) => format!("\n[*] {n} fixable with --fix ({m} more with --unsafe-fixes)."),
    };
    let list = match parts.len() {
        1 => parts[0].clone(),
        _ => format!(
            "{} and {}",
            parts[..parts.len() - 1].join(", "),
            parts[parts.len() - 1]
        ),
    };
    format!("Found {list} in {files}.{fixable}")
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn all_and_names_agree() {
        let parsed: Vec<Format> = Format::NAMES.iter().map(|n| n.parse().unwrap()).collect();
        assert_eq!(parsed, Format::ALL);
    }
}
