//! The handler of last resort: operations of the catalog without a stateful handler go here. The
//! spec-driven answerer (`crate::spec::SpecFallback`: the request validated, the answer built from
//! the response schema) plugs in as a [`Fallback`].

use crate::api::{ApiResult, Ctx};

/// Answers operations that have no stateful handler.
pub trait Fallback: Send + Sync + 'static {
    /// Handles an authenticated (where the operation requires it) and rate-limited request. The
    /// operation is `ctx.req.operation` (catalog data) and `ctx.req.operation_id`.
    fn handle(&self, ctx: &Ctx<'_>) -> ApiResult;

    /// Whether this fallback answers the operation (for the coverage table).
    fn covers(&self, _operation_id: &str) -> bool {
        false
    }
}
