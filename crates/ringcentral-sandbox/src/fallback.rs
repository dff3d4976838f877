//! The handler of last resort: operations of the catalog without a stateful handler go here. The
//! spec-driven module (validating the request and answering from the response schema) plugs in as
//! a [`Fallback`]; until then the sandbox answers RingCentral-style `501` errors that say so.

use http::StatusCode;

use crate::api::{ApiError, ApiResult, Ctx};

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

/// The default: every operation without a handler is "not implemented", in RingCentral's error shape.
#[derive(Debug, Default)]
pub struct NotImplemented;

impl Fallback for NotImplemented {
    fn handle(&self, ctx: &Ctx<'_>) -> ApiResult {
        Err(ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "SBX-501",
            format!(
                "Operation [{}] is not modelled by the sandbox yet; see `ringctl sandbox serve --help` for the stateful operations",
                ctx.req.operation_id
            ),
        ))
    }
}
