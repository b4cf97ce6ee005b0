//! The cost estimate against real executions: `scripts/cost_oracle.py` runs
//! every case of `tests/cost-oracle/` in moto's Step Functions interpreter
//! and checks each run's billed transitions against `asl-lint --cost`.
//!
//! It needs a Python with moto (`.ci/run` builds one and names it in
//! `ASL_LINT_PYTHON`); without one the test says so and passes.

mod common;

use std::process::Command;

#[test]
fn executions_stay_within_the_estimate() {
    let Some(python) = common::python_with("moto, boto3") else {
        println!(
            "NOTICE: skipping the cost oracle: no Python can import moto \
             (set ASL_LINT_PYTHON to a Python with moto[stepfunctions]; .ci/run does)"
        );
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(&python)
        .arg(format!("{root}/scripts/cost_oracle.py"))
        .arg(env!("CARGO_BIN_EXE_asl-lint"))
        .arg(format!("{root}/tests/cost-oracle"))
        .output()
        .expect("run the cost oracle");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "the cost oracle failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.lines().any(|l| l.ends_with(" 0 failed")),
        "no closing line"
    );
}
