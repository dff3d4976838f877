//! OAuth 2.0 as RingCentral serves it: the JWT bearer grant for credentials this sandbox issued,
//! authorization code with PKCE (the authorize endpoint approves at once), refresh with rotation, and
//! revocation that ends the whole session.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::StatusCode;
use ringcentral_api::Method;
use secrecy::ExposeSecret;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::Entry;
use crate::api::{ApiError, ApiResponse, ApiResult, Ctx};
use crate::jwt::{self, JwtProblem};
use crate::store::{AuthCode, IssuedTokens, Session, TokenProblem, expose};

pub const JWT_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// Every permission the sandbox grants; RingCentral lists an app's permissions in `scope`.
pub const FULL_SCOPE: &str = "Analytics CallControl Contacts EditAccounts EditCallLog EditExtensions EditMessages \
EditPresence Faxes Glip Meetings ReadAccounts ReadCallLog ReadCallRecording ReadContacts ReadMessages \
ReadPresence RingOut SMS SubscriptionWebhook TeamMessaging Video VoipCalling";

fn public(operation_id: &'static str, handler: super::HandlerFn) -> Entry {
    Entry {
        operation_id,
        public: true,
        handler,
        errors: super::ErrorStyle::Rest,
    }
}

pub fn entries() -> Vec<Entry> {
    vec![
        public("getToken", token),
        public("revokeToken", revoke),
        public("authorize", authorize),
        public("authorize2", authorize),
    ]
}

fn form(ctx: &Ctx<'_>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&ctx.req.body)
        .into_owned()
        .collect()
}

fn field<'f>(form: &'f [(String, String)], name: &str) -> Option<&'f str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn invalid_client(message: &str) -> ApiError {
    ApiError::oauth(
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "OAU-123",
        message,
    )
    .with_header(
        http::header::WWW_AUTHENTICATE,
        "Basic realm=\"RingCentral\"".into(),
    )
}

fn invalid_grant(code: &'static str, message: &str) -> ApiError {
    ApiError::oauth(StatusCode::BAD_REQUEST, "invalid_grant", code, message)
}

fn invalid_request(parameter: &str) -> ApiError {
    ApiError::oauth(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        "OAU-101",
        &format!("Parameter [{parameter}] is missing or invalid"),
    )
    .with_parameter(parameter)
}

/// The client id of Basic credentials in the Authorization header, if any.
pub(crate) fn basic_client(ctx: &Ctx<'_>) -> Option<(String, String)> {
    let h = ctx
        .req
        .headers
        .get(http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, rest) = h.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = STANDARD.decode(rest.trim()).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// Who is calling: a confidential client (Basic) or a public one (`client_id` in the body).
enum Client {
    Confidential(String),
    Public(String),
}

impl Client {
    fn id(&self) -> &str {
        match self {
            Client::Confidential(id) | Client::Public(id) => id,
        }
    }
}

fn authenticate_client(ctx: &Ctx<'_>, form: &[(String, String)]) -> Result<Client, ApiError> {
    let meta = ctx.store().meta();
    if let Some((id, secret)) = basic_client(ctx) {
        let ok_id = id == meta.client_id;
        let ok_secret = secret.as_bytes() == meta.client_secret.expose_secret().as_bytes();
        return if ok_id && ok_secret {
            Ok(Client::Confidential(id))
        } else {
            Err(invalid_client("Invalid client credentials"))
        };
    }
    match field(form, "client_id") {
        Some(id) if id == meta.client_id => Ok(Client::Public(id.to_owned())),
        Some(_) => Err(invalid_client("Invalid client: unknown client_id")),
        None => Err(invalid_client("Client authentication is required")),
    }
}

fn token_body(
    ctx: &Ctx<'_>,
    session: &Session,
    tokens: &IssuedTokens,
    endpoint_id: &str,
) -> ApiResult {
    let now = ctx.now_ms();
    let expires_in = ((tokens.access_expires_ms - now + 999) / 1000).max(0);
    let refresh_in = ((tokens.refresh_expires_ms - now + 999) / 1000).max(0);
    Ok(ApiResponse::ok(&json!({
        "access_token": expose(&tokens.access_token),
        "token_type": "bearer",
        "expires_in": expires_in,
        "refresh_token": expose(&tokens.refresh_token),
        "refresh_token_expires_in": refresh_in,
        "scope": session.scope,
        "owner_id": session.extension_id.to_string(),
        "endpoint_id": endpoint_id,
        "session_id": session.id,
        "session_idle_timeout": 3600,
    }))
    .header(http::header::CACHE_CONTROL, "no-store")
    .header(http::header::PRAGMA, "no-cache"))
}

fn ttls(ctx: &Ctx<'_>) -> (i64, i64) {
    (ctx.state.token_ttl_s, ctx.state.refresh_ttl_s)
}

fn token(ctx: &Ctx<'_>) -> ApiResult {
    let form = form(ctx);
    let client = authenticate_client(ctx, &form)?;
    let grant = field(&form, "grant_type").ok_or_else(|| invalid_request("grant_type"))?;
    let endpoint_id = field(&form, "endpoint_id")
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string()[..22].to_owned());
    let (access_ttl, refresh_ttl) = ttls(ctx);
    let now = ctx.now_ms();
    let store = ctx.store();
    let result = match grant {
        JWT_GRANT => {
            if !matches!(client, Client::Confidential(_)) {
                return Err(ApiError::oauth(
                    StatusCode::BAD_REQUEST,
                    "unauthorized_client",
                    "OAU-112",
                    "The client is unauthorized for the required grant type: [urn:ietf:params:oauth:grant-type:jwt-bearer]",
                ));
            }
            let assertion =
                field(&form, "assertion").ok_or_else(|| invalid_request("assertion"))?;
            let key = store.meta().signing_key.expose_secret().as_bytes().to_vec();
            let claims =
                jwt::verify(assertion, &key, ctx.state.clock.now_s()).map_err(|p| match p {
                    JwtProblem::Expired => invalid_grant("OAU-144", "JWT token is expired"),
                    _ => invalid_grant("OAU-144", "Invalid JWT token"),
                })?;
            let ext_id: i64 = claims
                .sub
                .parse()
                .map_err(|_| invalid_grant("OAU-144", "Invalid JWT token"))?;
            let ext = store.extension(ext_id)?.ok_or_else(|| {
                invalid_grant(
                    "OAU-144",
                    "The user of this JWT credential no longer exists",
                )
            })?;
            if !matches!(ext.status.as_str(), "Enabled" | "NotActivated") {
                return Err(invalid_grant(
                    "OAU-105",
                    &format!(
                        "Login for extension in state [{}] is not allowed",
                        ext.status
                    ),
                ));
            }
            store.start_session(
                client.id(),
                ext.account_id,
                ext.id,
                "jwt",
                FULL_SCOPE,
                access_ttl,
                refresh_ttl,
                now,
            )?
        }
        "authorization_code" => {
            let code = field(&form, "code").ok_or_else(|| invalid_request("code"))?;
            let taken = store.take_auth_code(code, now)?.map_err(|p| match p {
                TokenProblem::Expired => invalid_grant("OAU-108", "Authorization code is expired"),
                _ => invalid_grant("OAU-106", "Invalid authorization code"),
            })?;
            check_code(&taken, &client, &form)?;
            let ext = store
                .extension(taken.extension_id)?
                .ok_or_else(|| invalid_grant("OAU-106", "Invalid authorization code"))?;
            store.start_session(
                client.id(),
                ext.account_id,
                ext.id,
                "authorization_code",
                &taken.scope,
                access_ttl,
                refresh_ttl,
                now,
            )?
        }
        "refresh_token" => {
            let refresh =
                field(&form, "refresh_token").ok_or_else(|| invalid_request("refresh_token"))?;
            store
                .refresh(refresh, client.id(), access_ttl, refresh_ttl, now)?
                .map_err(|p| match p {
                    TokenProblem::Revoked => invalid_grant("OAU-211", "Token revoked"),
                    TokenProblem::Expired => invalid_grant("OAU-212", "Token expired"),
                    TokenProblem::Unknown => invalid_grant("OAU-213", "Token not found"),
                })?
        }
        "password" => {
            return Err(ApiError::oauth(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "OAU-250",
                "The password grant is not offered by the sandbox; use the JWT bearer grant",
            ));
        }
        other => {
            return Err(ApiError::oauth(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "OAU-250",
                &format!("Unsupported grant type [{other}]"),
            ));
        }
    };
    let (session, tokens) = result;
    ctx.state.stats.grant(grant_label(grant));
    token_body(ctx, &session, &tokens, &endpoint_id)
}

fn grant_label(grant: &str) -> &str {
    if grant == JWT_GRANT {
        "jwt_bearer"
    } else {
        grant
    }
}

fn check_code(code: &AuthCode, client: &Client, form: &[(String, String)]) -> Result<(), ApiError> {
    if code.client_id != client.id() {
        return Err(invalid_grant(
            "OAU-110",
            "Authorization code was not issued for this application",
        ));
    }
    if let Some(expected) = &code.redirect_uri
        && field(form, "redirect_uri") != Some(expected.as_str())
    {
        return Err(invalid_grant("OAU-109", "Redirect URIs do not match"));
    }
    match (&code.challenge, field(form, "code_verifier")) {
        (Some(challenge), Some(verifier)) => {
            let computed = match code.challenge_method.as_deref() {
                Some("plain") => verifier.to_owned(),
                _ => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
            };
            if &computed != challenge {
                return Err(invalid_grant("OAU-106", "Invalid code verifier"));
            }
        }
        (Some(_), None) => return Err(invalid_request("code_verifier")),
        // A public client must use PKCE.
        (None, _) if matches!(client, Client::Public(_)) => {
            return Err(invalid_request("code_verifier"));
        }
        (None, _) => {}
    }
    Ok(())
}

fn authorize(ctx: &Ctx<'_>) -> ApiResult {
    // GET carries the parameters in the query, POST in a form body.
    let mut params: Vec<(String, String)> = ctx.req.query.clone();
    if ctx.req.method == Method::Post {
        params.extend(form(ctx));
    }
    let meta = ctx.store().meta();
    let client_id = field(&params, "client_id").ok_or_else(|| invalid_request("client_id"))?;
    if client_id != meta.client_id {
        return Err(invalid_client("Invalid client: unknown client_id"));
    }
    if field(&params, "response_type") != Some("code") {
        return Err(invalid_request("response_type"));
    }
    let redirect = field(&params, "redirect_uri").ok_or_else(|| invalid_request("redirect_uri"))?;
    let mut target = url::Url::parse(redirect).map_err(|_| invalid_request("redirect_uri"))?;
    let method = field(&params, "code_challenge_method").map(str::to_owned);
    if let Some(m) = &method
        && m != "S256"
        && m != "plain"
    {
        return Err(invalid_request("code_challenge_method"));
    }
    // Signs in as the user named by login_hint, else the administrator.
    let ext_id = match field(&params, "login_hint") {
        Some(email) => ctx
            .store()
            .extension_by_email(email)?
            .map(|e| e.id)
            .ok_or_else(|| invalid_request("login_hint"))?,
        None => meta.admin_id,
    };
    let code = ctx.store().create_auth_code(
        &AuthCode {
            client_id: client_id.to_owned(),
            extension_id: ext_id,
            redirect_uri: Some(redirect.to_owned()),
            challenge: field(&params, "code_challenge").map(str::to_owned),
            challenge_method: method,
            scope: FULL_SCOPE.to_owned(),
        },
        60,
        ctx.now_ms(),
    )?;
    {
        let mut q = target.query_pairs_mut();
        q.append_pair("code", expose(&code));
        if let Some(state) = field(&params, "state") {
            q.append_pair("state", state);
        }
    }
    Ok(ApiResponse::empty(StatusCode::FOUND).header(http::header::LOCATION, target.as_str()))
}

fn revoke(ctx: &Ctx<'_>) -> ApiResult {
    let form = form(ctx);
    authenticate_client(ctx, &form)?;
    let token = field(&form, "token")
        .or_else(|| ctx.query("token"))
        .ok_or_else(|| invalid_request("token"))?;
    // Revoking an unknown token succeeds too (RFC 7009, section 2.2).
    if ctx.store().revoke(token)? {
        ctx.state.stats.revocation();
    }
    Ok(ApiResponse::empty(StatusCode::OK))
}

/// A JWT credential for a user of the sandbox, valid for ten years.
pub fn jwt_credential(
    store: &crate::store::Store,
    extension_id: i64,
    account_id: i64,
    now_s: i64,
) -> String {
    let claims = jwt::Claims {
        iss: jwt::ISSUER.to_owned(),
        sub: extension_id.to_string(),
        acc: account_id.to_string(),
        iat: now_s,
        exp: now_s + 10 * 365 * 86_400,
        jti: uuid::Uuid::new_v4().simple().to_string(),
    };
    jwt::sign(&claims, store.meta().signing_key.expose_secret().as_bytes())
}
