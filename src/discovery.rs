//! Which files to lint: paths from the command line, directories walked with
//! walkdir (sorted, symlinks not followed, only regular files, default
//! excludes), plus stdin.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::loader::{self, FileKind};

/// Where a file's bytes come from.
#[derive(Debug, Clone)]
pub enum Source {
    Path(PathBuf),
    Stdin(Vec<u8>),
}

/// One file to lint.
#[derive(Debug, Clone)]
pub struct Input {
    /// The path as reported: forward slashes, no leading `./`.
    pub display: String,
    pub source: Source,
    /// Named on the command line (always linted, never sniffed).
    pub explicit: bool,
}

pub use crate::config::DEFAULT_EXCLUDES;

#[derive(Debug, PartialEq, Eq)]
pub enum DiscoveryError {
    /// A path named on the command line does not exist (exit 2).
    Missing(String),
}

/// Expands command-line paths into inputs, sorted by display path with
/// duplicates removed. `stdin` holds the bytes for `-`, if read.
pub fn discover(
    paths: &[impl AsRef<std::ffi::OsStr>],
    stdin: Option<(String, Vec<u8>)>,
) -> Result<Vec<Input>, Vec<DiscoveryError>> {
    let excludes = crate::config::Config::default().excludes();
    discover_with(
        paths,
        stdin,
        &|path: &Path, below: &str| {
            excludes.matches_below(&normalize(&path.to_string_lossy()), below)
        },
        false,
    )
}

/// Whether a path is excluded: the path as walked, and the part of it below
/// the folder the user named (name patterns look only there, so naming an
/// excluded folder such as `cdk.out` still lints it). The caller knows
/// which configuration governs the path and what its globs are relative to.
pub type Excluded<'a> = &'a (dyn Fn(&Path, &str) -> bool + 'a);

/// [`discover`] with excludes (config `exclude` / `extend-exclude`, per the
/// configuration governing each path). Files named on the command line are
/// excluded only with `force_exclude`.
///
/// Paths stay `OsStr` to the end: a file name that is not UTF-8 is shown
/// lossily but never merged with another whose lossy form is the same.
pub fn discover_with(
    paths: &[impl AsRef<std::ffi::OsStr>],
    stdin: Option<(String, Vec<u8>)>,
    excluded: Excluded<'_>,
    force_exclude: bool,
) -> Result<Vec<Input>, Vec<DiscoveryError>> {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut stdin = stdin;
    for raw in paths {
        let raw_os = raw.as_ref();
        let raw = raw_os.to_string_lossy();
        if raw_os == "-" {
            if let Some((name, bytes)) = stdin.take() {
                inputs.push(Input {
                    display: normalize(&name),
                    source: Source::Stdin(bytes),
                    explicit: true,
                });
            }
            continue;
        }
        let path = Path::new(raw_os);
        // `symlink_metadata` so a dangling symlink named explicitly is an
        // io-error on read, not "does not exist".
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            errors.push(DiscoveryError::Missing(raw.into_owned()));
            continue;
        };
        let is_dir = meta.is_dir() || (meta.file_type().is_symlink() && path.is_dir());
        if is_dir {
            walk(path, excluded, &mut inputs);
        } else if force_exclude && excluded(path, &normalize(&raw)) {
            continue;
        } else {
            inputs.push(Input {
                display: normalize(&raw),
                source: Source::Path(path.to_path_buf()),
                explicit: true,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Sorted by what is shown, then by the real path, so two names whose
    // lossy forms agree stay two inputs (and in a fixed order).
    // The key drops `.` components, so `d.asl.json ./d.asl.json`, or a
    // folder and a file in it, name one file once.
    let key = |i: &Input| match &i.source {
        Source::Path(p) => Some(
            p.components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .collect::<PathBuf>()
                .as_os_str()
                .as_encoded_bytes()
                .to_vec(),
        ),
        Source::Stdin(_) => None,
    };
    inputs.sort_by(|a, b| a.display.cmp(&b.display).then_with(|| key(a).cmp(&key(b))));
    inputs.dedup_by(|later, kept| {
        let same = later.display == kept.display && key(later) == key(kept);
        if same {
            kept.explicit |= later.explicit;
        }
        same
    });
    Ok(inputs)
}

fn walk(root: &Path, excluded: Excluded<'_>, inputs: &mut Vec<Input>) {
    // A CDK app's cloud assembly is where its state machines are: the
    // definitions its code builds exist nowhere else. It is walked as if
    // named on the command line (excludes by name look below it).
    let assemblies: std::cell::RefCell<Vec<PathBuf>> = std::cell::RefCell::new(Vec::new());
    let walker = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if is_cdk_assembly(e.path()) {
                assemblies.borrow_mut().push(e.path().to_path_buf());
                return true;
            }
            let base = assemblies
                .borrow()
                .iter()
                .rev()
                .find(|a| e.path().starts_with(a))
                .cloned()
                .unwrap_or_else(|| root.to_path_buf());
            let below = e.path().strip_prefix(&base).unwrap_or(e.path());
            !excluded(e.path(), &normalize(&below.to_string_lossy()))
        });
    for entry in walker {
        // A folder that cannot be read (permissions, a path longer than
        // the system takes) is an input of its own: reading it fails, and
        // the report has an `io-error` for it instead of a silent skip.
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                if let Some(path) = e.path() {
                    inputs.push(Input {
                        display: normalize(&path.to_string_lossy()),
                        source: Source::Path(path.to_path_buf()),
                        explicit: true,
                    });
                }
                continue;
            }
        };
        // Only regular files: FIFOs, sockets, devices and symlinks are never opened.
        if !entry.file_type().is_file() {
            continue;
        }
        let display = normalize(&entry.path().to_string_lossy());
        if is_candidate(&display) {
            inputs.push(Input {
                display,
                source: Source::Path(PathBuf::from(entry.path())),
                explicit: false,
            });
        }
    }
}

/// `cdk.out` beside a `cdk.json`: the output of `cdk synth` in a CDK app.
pub fn is_cdk_assembly(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "cdk.out")
        && path
            .parent()
            .is_some_and(|app| app.join("cdk.json").is_file())
        && path.is_dir()
}

/// `*.asl.*` files always; other JSON files are sniffed when read. Plain YAML
/// is not a candidate until template support lands.
fn is_candidate(path: &str) -> bool {
    loader::is_asl_name(path)
        || FileKind::from_path(path).is_some()
        || path.to_ascii_lowercase().ends_with(".asl")
}

/// [`normalize`], and `a/../b` folded to `b` (a `DefinitionUri` such as
/// `../statemachines/x.asl.json` joined to its template's folder).
pub fn normalize_lexically(path: &str) -> String {
    let normalized = normalize(path);
    let mut parts: Vec<&str> = Vec::new();
    for part in normalized.split('/') {
        match part {
            "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// Forward slashes, no leading `./`, no doubled separators. A `\` is a
/// separator only where the system says so (Windows); on Unix it is a
/// character a file name may hold, and `a\b.asl.json` stays that name.
pub fn normalize(path: &str) -> String {
    let mut s = if std::path::MAIN_SEPARATOR == '\\' {
        path.replace('\\', "/")
    } else {
        path.to_string()
    };
    while s.contains("//") {
        s = s.replace("//", "/");
    }
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.to_string();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_display_paths() {
        assert_eq!(normalize("./examples//a.asl.json"), "examples/a.asl.json");
        assert_eq!(normalize("././x.json"), "x.json");
        if cfg!(windows) {
            assert_eq!(normalize("dir\\x.json"), "dir/x.json");
        } else {
            assert_eq!(normalize("dir\\x.json"), "dir\\x.json");
        }
    }

    #[test]
    fn folds_parent_segments() {
        assert_eq!(
            normalize_lexically("sam/app/../statemachines/x.asl.json"),
            "sam/statemachines/x.asl.json"
        );
        assert_eq!(normalize_lexically("./a/./b.json"), "a/b.json");
        assert_eq!(normalize_lexically("../x.json"), "../x.json");
    }

    #[test]
    fn candidates() {
        assert!(is_candidate("a/b.asl.json"));
        assert!(is_candidate("a/b.ASL.YAML"));
        assert!(is_candidate("a/package.json"));
        assert!(is_candidate("a/template.yaml"));
        assert!(!is_candidate("a/README.md"));
        assert!(!is_candidate("a/readme.md"));
    }
}
