//! Precision on definitions nobody here wrote.
//!
//! `tests/review/SOURCES.tsv` lists public definitions from repositories
//! outside `../shared/corpus` (source, commit and licence); every warning or
//! error asl-lint reports on them is judged by hand in
//! `tests/review/verdicts.tsv` (true positive, false positive or debatable,
//! with a reason). The definitions themselves are not copied into this
//! repository: the test reads each at its recorded commit from a local git
//! snapshot of its repository, `$ASL_LINT_REVIEW_MIRROR/<owner>+<name>/repo`
//! (default `../.mirror` beside this checkout), and says so when there is
//! none.
//!
//! It checks that every judged true positive is still reported at warning
//! or above, that every judged false positive stays below warning, and that
//! no warning or error is left unjudged; it prints the precision per rule.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tsv(name: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap();
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn mirror() -> PathBuf {
    std::env::var_os("ASL_LINT_REVIEW_MIRROR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.mirror"))
}

#[test]
fn judged_findings_keep_their_verdicts() {
    let sources = tsv("tests/review/SOURCES.tsv");
    let verdicts = tsv("tests/review/verdicts.tsv");
    let scratch = tempfile::tempdir().unwrap();
    let mut found = 0;
    let mut repos = std::collections::BTreeSet::new();
    for s in &sources {
        let git = mirror().join(s["repo"].replace('/', "+")).join("repo");
        let Ok(out) = Command::new("git")
            .arg("--git-dir")
            .arg(&git)
            .args(["show", &format!("{}:{}", s["commit"], s["path"])])
            .output()
        else {
            continue;
        };
        if !out.status.success() {
            continue;
        }
        // Each repository is linted as its own checkout: a template's linked
        // files are bounded by the nearest `.git`, as in a clone.
        std::fs::create_dir_all(scratch.path().join(&s["repo"]).join(".git")).unwrap();
        let dest = scratch.path().join(&s["repo"]).join(&s["path"]);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(&dest, out.stdout).unwrap();
        found += 1;
        repos.insert(s["repo"].clone());
    }
    if found == 0 {
        println!(
            "NOTICE: the review set was not checked: no snapshot of its {} definitions under {} \
             (set ASL_LINT_REVIEW_MIRROR)",
            sources.len(),
            mirror().display()
        );
        return;
    }
    println!(
        "review set: {found} of {} definitions from {} repositories",
        sources.len(),
        repos.len()
    );
    let out = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(["--no-config", "--format", "json", "--fail-on", "never", "."])
        .current_dir(scratch.path())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // (repo/path, rule, pointer) -> severity of each warning or error.
    let mut reported: BTreeMap<(String, String, String), String> = BTreeMap::new();
    let mut below: BTreeMap<(String, String, String), String> = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let key = (
            d["file"].as_str().unwrap().to_string(),
            d["rule"].as_str().unwrap().to_string(),
            d["pointer"].as_str().unwrap().to_string(),
        );
        let severity = d["severity"].as_str().unwrap().to_string();
        if severity == "info" {
            below.insert(key, severity);
        } else {
            reported.insert(key, severity);
        }
    }
    let mut problems = Vec::new();
    // rule -> (true positives, false positives at warning, false positives
    // kept below warning, debatable).
    let mut precision: BTreeMap<String, (u32, u32, u32, u32)> = BTreeMap::new();
    let mut judged = std::collections::BTreeSet::new();
    for v in &verdicts {
        let file = format!("{}/{}", v["repo"], v["path"]);
        let present = scratch.path().join(&file).exists();
        if !present {
            continue;
        }
        let key = (file.clone(), v["rule"].clone(), v["pointer"].clone());
        judged.insert(key.clone());
        let at_warning = reported.contains_key(&key);
        let entry = precision.entry(v["rule"].clone()).or_default();
        match v["verdict"].as_str() {
            "TP" => {
                entry.0 += 1;
                if !at_warning {
                    problems.push(format!(
                        "true positive no longer a warning or error: {key:?} ({})",
                        v["reason"]
                    ));
                }
            }
            "FP" if at_warning => {
                entry.1 += 1;
                problems.push(format!(
                    "false positive at warning or above: {key:?} ({})",
                    v["reason"]
                ));
            }
            "FP" => entry.2 += 1,
            "debatable" => entry.3 += 1,
            other => problems.push(format!(
                "verdict `{other}` is none of TP, FP, debatable: {key:?}"
            )),
        }
    }
    for key in reported.keys() {
        if !judged.contains(key) {
            problems.push(format!(
                "unjudged warning or error: {key:?}; judge it in tests/review/verdicts.tsv"
            ));
        }
    }
    println!(
        "precision at warning or above (true / (true + false)), then judged false positives \
         kept below warning and findings judged debatable:"
    );
    let (mut all_tp, mut all_fp) = (0, 0);
    for (rule, (tp, fp, below, debatable)) in &precision {
        all_tp += tp;
        all_fp += fp;
        let share = if tp + fp > 0 {
            format!(
                "{tp}/{} = {:.0}%",
                tp + fp,
                100.0 * *tp as f64 / (tp + fp) as f64
            )
        } else {
            "-".to_string()
        };
        println!("  {rule:32} {share:14} below: {below}  debatable: {debatable}");
    }
    if all_tp + all_fp > 0 {
        println!(
            "  {:32} {all_tp}/{} = {:.0}%",
            "all rules",
            all_tp + all_fp,
            100.0 * all_tp as f64 / (all_tp + all_fp) as f64
        );
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
