//! The spec-driven [`Fallback`]: every operation of the catalog without a stateful handler is
//! validated and answered from the spec.

use http::{HeaderValue, StatusCode};

use crate::api::{ApiError, ApiResponse, ApiResult, Body, Ctx};
use crate::fallback::Fallback;

use super::{SpecAnswerer, SpecReply};

/// Answers from the spec. Holds the compiled request validators, so one instance serves the
/// whole sandbox.
#[derive(Debug, Default)]
pub struct SpecFallback {
    answerer: SpecAnswerer,
}

impl SpecFallback {
    pub fn new() -> SpecFallback {
        SpecFallback::default()
    }
}

fn to_response(reply: SpecReply) -> ApiResponse {
    // Every status the answerer produces is a valid HTTP status; 500 stands in should that change.
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match reply.content_type {
        Some(content_type) => Body::Bytes {
            content_type,
            data: reply.body,
        },
        None => Body::Empty,
    };
    ApiResponse {
        status,
        headers: Vec::new(),
        body,
    }
}

impl Fallback for SpecFallback {
    fn handle(&self, ctx: &Ctx<'_>) -> ApiResult {
        let req = ctx.req;
        let Some(op) = req
            .operation
            .or_else(|| ringcentral_api::operation(req.operation_id))
        else {
            return Err(ApiError::new(
                StatusCode::NOT_IMPLEMENTED,
                "SBX-501",
                format!(
                    "Operation [{}] is not in the API catalog of this sandbox",
                    req.operation_id
                ),
            ));
        };
        let mut response = to_response(self.answerer.answer(op, &req.spec_request()));
        // Spec answers are synthesized, not stored: say so, for whoever reads the traffic.
        response.headers.push((
            http::HeaderName::from_static("x-sandbox-answer"),
            HeaderValue::from_static("spec"),
        ));
        Ok(response)
    }

    fn covers(&self, operation_id: &str) -> bool {
        ringcentral_api::operation(operation_id).is_some()
    }
}
