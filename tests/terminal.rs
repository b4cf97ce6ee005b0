//! Nothing a repository holds may drive the terminal or the CI log: names,
//! keys and paths from it are escaped in every message asl-lint prints, a
//! diff header quotes a file name as git does, SARIF encodes a name rather
//! than reading its `\` as a separator, and a folder that cannot be read is
//! reported, not skipped.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_asl-lint"))
}

const BAD: &str = "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Bee\"}, \"B\": {\"Type\": \"Succeed\"}}}";

#[test]
fn a_config_key_cannot_start_a_workflow_command_or_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    // A rule name with a newline and a GitHub workflow command, an OSC 52
    // clipboard write and a bell.
    std::fs::write(
        dir.path().join(".asl-lint.toml"),
        "select = [\"x\\n::error file=a.yml::owned\\u001b]52;c;aGk=\\u0007\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("m.asl.json"), BAD).unwrap();
    let out = bin().arg(".").current_dir(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown rule"), "{stderr}");
    assert!(!stderr.contains("\n::error"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr}"
    );
    assert!(stderr.contains("\\u{a}::error"), "{stderr}");
}

#[test]
fn usage_errors_escape_the_argument_they_echo() {
    let out = bin()
        .args(["--explain", "x\n::warning::hi\u{1b}[2J"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("\n::warning") && !stderr.contains('\u{1b}'),
        "{stderr}"
    );
    let out = bin().arg("missing\n::error::x").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("\n::error"), "{stderr}");
}

#[test]
fn diff_headers_quote_a_name_that_could_forge_another_header() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("x\n+++ b");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(
        sub.join("m.asl.json"),
        "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Dnoe\"}, \"Done\": {\"Type\": \"Succeed\"}}}",
    )
    .unwrap();
    let out = bin()
        .args(["--no-config", "--diff", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("--- \"a/x\\n+++ b/m.asl.json\""), "{diff}");
    assert!(diff.contains("+++ \"b/x\\n+++ b/m.asl.json\""), "{diff}");
    // Every header is one line: no line of the diff starts a forged one.
    assert_eq!(
        diff.lines().filter(|l| l.starts_with("+++ ")).count(),
        1,
        "{diff}"
    );
    assert_eq!(
        asl_lint::fix::git_quoted("a/", "d\u{e9}j\u{e0}/\"q\"\\t.json"),
        "\"a/d\\303\\251j\\303\\240/\\\"q\\\"\\\\t.json\""
    );
    assert_eq!(
        asl_lint::fix::git_quoted("b/", "plain/x.json"),
        "b/plain/x.json"
    );
}

#[test]
fn sarif_keeps_a_backslash_in_a_unix_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("C:\\evil\\x.asl.json"), BAD).unwrap();
    let out = bin()
        .args(["--no-config", "--format", "sarif", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(uri, "C%3A%5Cevil%5Cx.asl.json");
}

#[test]
fn a_folder_that_cannot_be_read_is_an_io_error() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("m.asl.json"), BAD).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let binary = env!("CARGO_BIN_EXE_asl-lint");
    // Root reads any folder: run as `nobody` then, where `su` can.
    let root = std::fs::read_dir(&locked).is_ok();
    let out = if root {
        let Ok(out) = Command::new("su")
            .args(["nobody", "-s", "/bin/sh", "-c"])
            .arg(format!(
                "'{binary}' --no-config --format concise '{}'",
                dir.path().display()
            ))
            .output()
        else {
            println!("NOTICE: running as root without `su`: the unreadable folder is not tested");
            return;
        };
        if String::from_utf8_lossy(&out.stderr).contains("Permission denied")
            && out.stdout.is_empty()
        {
            println!("NOTICE: `nobody` cannot run the test binary here; skipped");
            return;
        }
        out
    } else {
        Command::new(binary)
            .args(["--no-config", "--format", "concise"])
            .arg(dir.path())
            .output()
            .unwrap()
    };
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("locked:1:1: error: cannot read file: the folder cannot be read")
            && stdout.contains("[io-error]"),
        "{stdout}"
    );
}

#[test]
fn a_path_longer_than_the_system_allows_is_an_io_error() {
    // Folders nested past PATH_MAX (4096 bytes on Linux), made one level
    // at a time with `cd` so that no single call names the whole path.
    let dir = tempfile::tempdir().unwrap();
    let name = "d".repeat(200);
    let script = format!(
        "set -e; cd '{}'; for i in $(seq 1 24); do mkdir {name}; cd {name}; done; \
         printf '{{}}' > deep.asl.json",
        dir.path().display()
    );
    let made = Command::new("bash").args(["-c", &script]).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("NOTICE: this system would not make a path past PATH_MAX; not tested");
        return;
    }
    let out = bin()
        .args(["--no-config", "--format", "concise"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("[io-error]"), "{stdout}");
    // Clean up from the inside out, as it was made.
    let _ = Command::new("bash")
        .args([
            "-c",
            &format!(
                "cd '{}' && for i in $(seq 1 23); do cd {name}; done; rm -f {name}/deep.asl.json; \
                 for i in $(seq 1 24); do rmdir {name}; cd ..; done",
                dir.path().display()
            ),
        ])
        .status();
}
