use crate::diagnostic::Diagnostic;
use crate::diagnostic::Severity;
use crate::model::{Pattern, ResourceKind, StateType};
use crate::rules::{Context, Group, Rule};

pub static RULE: Rule = Rule {
    name: "callback-without-heartbeat",
    severity: Severity::Warning,
    group: Group::Cost,
    summary: "a callback (`.waitForTaskToken`) or activity Task has no `HeartbeatSeconds`",
    doc: include_str!("../../rules/callback-without-heartbeat.md"),
    default_enabled: true,
    check: Some(check),
    options: &[],
};

fn check(cx: &Context<'_, '_>, out: &mut Vec<Diagnostic>) {
    for s in cx.machine.states.iter().filter(|s| s.ty == StateType::Task) {
        let what = match s.resource.as_ref().map(|r| &r.kind) {
            Some(ResourceKind::Integration { pattern, .. })
                if *pattern == Pattern::WaitForTaskToken =>
            {
                "waits for a task token"
            }
            Some(ResourceKind::Activity { .. }) => "waits for an activity worker",
            _ => continue,
        };
        if s.get("HeartbeatSeconds").is_some() || s.get("HeartbeatSecondsPath").is_some() {
            continue;
        }
        out.push(
            Diagnostic::new(
                &RULE,
                s.pointer.clone(),
                format!(
                    "`{}` {what} with no `HeartbeatSeconds`: if the worker dies, nothing notices \
                     until `TimeoutSeconds` (a year by default)",
                    s.name
                ),
            )
            .on_key()
            .label("no heartbeat")
            .help(
                "set `HeartbeatSeconds` and have the worker call `SendTaskHeartbeat`; catch \
                 `States.HeartbeatTimeout` to clean up",
            ),
        );
    }
}
