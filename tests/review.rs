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
//! Each repository is in one half (`split` in SOURCES.tsv): `tuning` rows
//! may drive rule changes, `check` rows are judged once and only measured.
//! On the tuning half it checks that every judged true positive is still
//! reported at warning or above, that every judged false positive stays below
//! warning, and that no warning or error is left unjudged. On the check half
//! it only counts. It prints, per half and per rule, the true and false
//! positives at warning or above, the precision true / (true + false), and the
//! debatable findings at warning or above as a third column and as a share of
//! all judged warnings and errors.

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
    // repo -> half; a row without a `split` column counts as tuning.
    let split: BTreeMap<String, String> = sources
        .iter()
        .map(|s| {
            let half = s
                .get("split")
                .cloned()
                .unwrap_or_else(|| "tuning".to_string());
            (s["repo"].clone(), half)
        })
        .collect();
    for s in &sources {
        // Some snapshots are clones with a work tree: their git directory is
        // `repo/.git`.
        let base = mirror().join(s["repo"].replace('/', "+")).join("repo");
        let git = if base.join(".git").is_dir() {
            base.join(".git")
        } else {
            base
        };
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
    let half_of = |file: &str| -> String {
        split
            .iter()
            .find(|(repo, _)| file.starts_with(&format!("{repo}/")))
            .map(|(_, half)| half.clone())
            .unwrap_or_else(|| "tuning".to_string())
    };
    // (half, rule) -> counts. `tp` counts the judged true positives and
    // `kept` those still at warning or above; `fp` and `debatable` count
    // findings at warning or above, `fp_below` and `debatable_below` the
    // judged ones reported lower now.
    #[derive(Default, Clone, Copy)]
    struct Counts {
        tp: u32,
        kept: u32,
        fp: u32,
        fp_below: u32,
        debatable: u32,
        debatable_below: u32,
    }
    let mut precision: BTreeMap<(String, String), Counts> = BTreeMap::new();
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
        let half = half_of(file.as_str());
        // Only the tuning half may fail the test: a check-half verdict must
        // not push anyone to change a rule.
        let tuning = half != "check";
        let entry = precision.entry((half, v["rule"].clone())).or_default();
        match v["verdict"].as_str() {
            "TP" => {
                entry.tp += 1;
                if at_warning {
                    entry.kept += 1;
                } else if tuning {
                    problems.push(format!(
                        "true positive no longer a warning or error: {key:?} ({})",
                        v["reason"]
                    ));
                }
            }
            "FP" if at_warning => {
                entry.fp += 1;
                if tuning {
                    problems.push(format!(
                        "false positive at warning or above: {key:?} ({})",
                        v["reason"]
                    ));
                }
            }
            "FP" => entry.fp_below += 1,
            "debatable" if at_warning => entry.debatable += 1,
            "debatable" => entry.debatable_below += 1,
            other => problems.push(format!(
                "verdict `{other}` is none of TP, FP, debatable: {key:?}"
            )),
        }
    }
    let mut unjudged_check = 0;
    for key in reported.keys() {
        if !judged.contains(key) {
            if half_of(key.0.as_str()) == "check" {
                unjudged_check += 1;
            } else {
                problems.push(format!(
                    "unjudged warning or error: {key:?}; judge it in tests/review/verdicts.tsv"
                ));
            }
        }
    }
    for half in ["tuning", "check"] {
        println!(
            "{half} half: per rule, true and false positives at warning or above, precision \
             true / (true + false), debatable at warning or above, true positives kept, judged \
             false positives and debatable findings now below warning:"
        );
        let mut all = Counts::default();
        for ((h, rule), c) in &precision {
            if h != half {
                continue;
            }
            all.tp += c.tp;
            all.kept += c.kept;
            all.fp += c.fp;
            all.fp_below += c.fp_below;
            all.debatable += c.debatable;
            all.debatable_below += c.debatable_below;
            print_counts(rule, c);
        }
        print_counts("all rules", &all);
        let warnings = all.kept + all.fp + all.debatable;
        if warnings > 0 {
            println!(
                "  debatable share of judged warnings and errors: {}/{warnings} = {:.0}%",
                all.debatable,
                100.0 * all.debatable as f64 / warnings as f64
            );
        }
    }
    if unjudged_check > 0 {
        println!("NOTICE: {unjudged_check} warnings or errors on the check half are unjudged");
    }
    fn print_counts(rule: &str, c: &Counts) {
        let share = if c.kept + c.fp > 0 {
            format!(
                "{}/{} = {:.0}%",
                c.kept,
                c.kept + c.fp,
                100.0 * c.kept as f64 / (c.kept + c.fp) as f64
            )
        } else {
            "-".to_string()
        };
        println!(
            "  {rule:32} true {:3}  false {:3}  {share:14} debatable {:3}  kept {}/{}  below: false {} debatable {}",
            c.kept, c.fp, c.debatable, c.kept, c.tp, c.fp_below, c.debatable_below
        );
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
