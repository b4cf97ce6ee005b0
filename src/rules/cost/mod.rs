//! Cost rules: valid definitions that waste money, the reason asl-lint exists.

pub mod callback_without_heartbeat;
pub mod catch_swallows_failure;
pub mod distributed_map_cost_shape;
pub mod express_incompatible;
pub mod job_chain_missing_catch;
pub mod lambda_as_sdk_proxy;
pub mod large_payload_risk;
pub mod long_task_without_timeout;
pub mod map_unbounded_concurrency;
pub mod parallel_catch_only_at_top;
pub mod redundant_transitions;
pub mod retry_duplicates_billable_start;
pub mod retry_storm;
pub mod sequential_independent_jobs;
pub mod standard_for_short_high_volume;
pub mod start_without_native_cap;
pub mod unbounded_billable_resource;
pub mod unbounded_polling_loop;
pub mod unguarded_expensive_ingest;
