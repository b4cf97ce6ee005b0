//! A Task's `Resource`, parsed once into what rules ask about: which service,
//! which action, and which integration pattern.

/// How Step Functions waits for a service integration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// Call the API and move on (no suffix).
    RequestResponse,
    /// `.sync`: wait for the job to finish.
    Sync,
    /// `.sync:2`: wait, with a JSON (not string) output.
    Sync2,
    /// `.waitForTaskToken`: wait for a callback.
    WaitForTaskToken,
}

impl Pattern {
    pub fn is_long_running(self) -> bool {
        !matches!(self, Pattern::RequestResponse)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// `arn:<p>:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]`,
    /// including `aws-sdk:<service>:<action>` (then `sdk` is true).
    Integration {
        service: String,
        action: String,
        pattern: Pattern,
        sdk: bool,
    },
    /// `arn:<p>:states:<region>:<account>:activity:<name>`.
    Activity { name: String },
    /// A legacy direct Lambda ARN: `arn:<p>:lambda:<region>:<account>:function:<name>`.
    LambdaFunction { function: String },
    /// `${...}` substitutions (SAM, Terraform) or a JSONata expression hide
    /// what is called: an opaque string, never an error.
    Opaque,
    /// Not a Step Functions resource ARN.
    Invalid,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub raw: String,
    pub kind: ResourceKind,
    /// For integrations: whether the ARN carries a region or account, which
    /// AWS rejects (`arn:aws:states:us-east-1:123:aws-sdk:...`).
    pub has_region_or_account: bool,
    /// The resource catalogue's key: `glue:startJobRun`,
    /// `aws-sdk:glue:createSession`, `lambda:invoke` for a legacy Lambda ARN,
    /// `activity`; the integration pattern is not part of it.
    pub key: Option<String>,
}

const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

fn is_placeholder(s: &str) -> bool {
    s.contains("${")
}

impl Resource {
    pub fn parse(raw: &str) -> Resource {
        let make = |kind: ResourceKind, has_region_or_account| Resource {
            raw: raw.to_string(),
            key: catalogue_key(&kind),
            kind,
            has_region_or_account,
        };
        let trimmed = raw.trim();
        if trimmed.starts_with("{%") {
            return make(ResourceKind::Opaque, false);
        }
        let parts = split_arn(trimmed);
        if parts.len() < 6 || parts[0] != "arn" {
            let kind = if is_placeholder(raw) {
                ResourceKind::Opaque
            } else {
                ResourceKind::Invalid
            };
            return make(kind, false);
        }
        let [_, partition, service, region, account, rest] = parts[..] else {
            return make(ResourceKind::Invalid, false);
        };
        let opaque_or_invalid = || {
            if is_placeholder(raw) {
                ResourceKind::Opaque
            } else {
                ResourceKind::Invalid
            }
        };
        if !(PARTITIONS.contains(&partition) || is_placeholder(partition)) {
            return make(opaque_or_invalid(), false);
        }
        match service {
            "states" => {
                let (kind_word, tail) = rest.split_once(':').unwrap_or((rest, ""));
                if kind_word == "activity" {
                    return make(
                        ResourceKind::Activity {
                            name: tail.to_string(),
                        },
                        false,
                    );
                }
                if is_placeholder(kind_word) || tail.is_empty() && is_placeholder(rest) {
                    return make(ResourceKind::Opaque, false);
                }
                let has_region_or_account = !region.is_empty() || !account.is_empty();
                let (sdk, service, action) = if kind_word == "aws-sdk" {
                    let Some((service, action)) = tail.split_once(':') else {
                        return make(opaque_or_invalid(), has_region_or_account);
                    };
                    (true, service, action)
                } else {
                    (false, kind_word, tail)
                };
                let (action, pattern) = split_pattern(action);
                if service.is_empty() || action.is_empty() {
                    return make(opaque_or_invalid(), has_region_or_account);
                }
                if is_placeholder(service) || is_placeholder(action) {
                    return make(ResourceKind::Opaque, has_region_or_account);
                }
                make(
                    ResourceKind::Integration {
                        service: service.to_string(),
                        action: action.to_string(),
                        pattern,
                        sdk,
                    },
                    has_region_or_account,
                )
            }
            "lambda" => match rest.split_once(':') {
                Some(("function", name)) if !name.is_empty() => make(
                    ResourceKind::LambdaFunction {
                        function: name.to_string(),
                    },
                    false,
                ),
                _ => make(opaque_or_invalid(), false),
            },
            _ => make(opaque_or_invalid(), false),
        }
    }

    pub fn pattern(&self) -> Option<Pattern> {
        match &self.kind {
            ResourceKind::Integration { pattern, .. } => Some(*pattern),
            _ => None,
        }
    }

    /// `.sync`, `.sync:2`, `.waitForTaskToken` or an activity: the task waits
    /// for work that runs (and bills) outside Step Functions.
    pub fn is_long_running(&self) -> bool {
        match &self.kind {
            ResourceKind::Integration { pattern, .. } => pattern.is_long_running(),
            ResourceKind::Activity { .. } => true,
            _ => false,
        }
    }

    /// `(service, action)` of an integration, e.g. `("glue", "createSession")`.
    pub fn service_action(&self) -> Option<(&str, &str)> {
        match &self.kind {
            ResourceKind::Integration {
                service, action, ..
            } => Some((service, action)),
            _ => None,
        }
    }
}

fn catalogue_key(kind: &ResourceKind) -> Option<String> {
    match kind {
        ResourceKind::Integration {
            service,
            action,
            sdk,
            ..
        } => Some(if *sdk {
            format!("aws-sdk:{service}:{action}")
        } else {
            format!("{service}:{action}")
        }),
        ResourceKind::LambdaFunction { .. } => Some("lambda:invoke".to_string()),
        ResourceKind::Activity { .. } => Some("activity".to_string()),
        ResourceKind::Opaque | ResourceKind::Invalid => None,
    }
}

/// Splits an ARN into at most six `:`-separated parts, ignoring colons
/// inside `${...}` placeholders such as `${AWS::Partition}`.
fn split_arn(arn: &str) -> Vec<&str> {
    let mut parts = Vec::with_capacity(6);
    let mut depth = 0usize;
    let mut start = 0;
    let bytes = arn.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'$' if bytes.get(i + 1) == Some(&b'{') => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 && parts.len() < 5 => {
                parts.push(&arn[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&arn[start..]);
    parts
}

fn split_pattern(action: &str) -> (&str, Pattern) {
    for (suffix, pattern) in [
        (".sync:2", Pattern::Sync2),
        (".sync", Pattern::Sync),
        (".waitForTaskToken", Pattern::WaitForTaskToken),
    ] {
        if let Some(base) = action.strip_suffix(suffix) {
            return (base, pattern);
        }
    }
    (action, Pattern::RequestResponse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(raw: &str) -> ResourceKind {
        Resource::parse(raw).kind
    }

    fn integration(service: &str, action: &str, pattern: Pattern, sdk: bool) -> ResourceKind {
        ResourceKind::Integration {
            service: service.into(),
            action: action.into(),
            pattern,
            sdk,
        }
    }

    #[test]
    fn parses_integrations_and_patterns() {
        use Pattern::*;
        assert_eq!(
            kind("arn:aws:states:::glue:startJobRun.sync"),
            integration("glue", "startJobRun", Sync, false)
        );
        assert_eq!(
            kind("arn:aws:states:::states:startExecution.sync:2"),
            integration("states", "startExecution", Sync2, false)
        );
        assert_eq!(
            kind("arn:aws-cn:states:::lambda:invoke.waitForTaskToken"),
            integration("lambda", "invoke", WaitForTaskToken, false)
        );
        assert_eq!(
            kind("arn:aws-us-gov:states:::aws-sdk:glue:createSession"),
            integration("glue", "createSession", RequestResponse, true)
        );
        assert_eq!(
            kind("arn:aws:states:::http:invoke"),
            integration("http", "invoke", RequestResponse, false)
        );
        assert_eq!(
            kind("arn:${AWS::Partition}:states:::ecs:runTask.sync"),
            integration("ecs", "runTask", Sync, false)
        );
    }

    #[test]
    fn parses_activities_lambdas_placeholders_and_garbage() {
        assert_eq!(
            kind("arn:aws:states:us-east-1:123456789012:activity:approve"),
            ResourceKind::Activity {
                name: "approve".into()
            }
        );
        assert_eq!(
            kind("arn:aws:lambda:us-east-1:123456789012:function:fn:live"),
            ResourceKind::LambdaFunction {
                function: "fn:live".into()
            }
        );
        assert_eq!(kind("${ProcessFunctionArn}"), ResourceKind::Opaque);
        assert_eq!(
            kind("arn:aws:states:::${Service}:start"),
            ResourceKind::Opaque
        );
        assert_eq!(kind("not-an-arn"), ResourceKind::Invalid);
        assert_eq!(
            kind("arn:azure:states:::glue:startJobRun"),
            ResourceKind::Invalid
        );
        assert_eq!(kind("arn:aws:s3:::bucket/key"), ResourceKind::Invalid);
    }

    #[test]
    fn flags_region_or_account_on_integrations() {
        let r = Resource::parse("arn:aws:states:us-east-1:123456789012:aws-sdk:s3:getObject");
        assert!(r.has_region_or_account);
        assert!(!Resource::parse("arn:aws:states:::aws-sdk:s3:getObject").has_region_or_account);
        assert!(Resource::parse("arn:aws:states:::glue:startJobRun.sync").is_long_running());
        assert!(!Resource::parse("arn:aws:states:::lambda:invoke").is_long_running());
    }
}
