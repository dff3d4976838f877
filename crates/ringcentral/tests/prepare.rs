//! `Client::prepare` shows the request `send` would send, built by the same code: the right
//! authentication scheme for each kind of operation, the query, the body, and no secret.

use ringcentral::{Body, Client, Part, PreparedBody, Request, SecretString};
use serde_json::json;

fn client(secret: Option<&str>) -> Client {
    let mut builder = Client::builder()
        .server("https://platform.example.com")
        .client_id("the-client-id");
    if let Some(secret) = secret {
        builder = builder.client_secret(SecretString::from(secret));
    }
    builder.build().expect("a valid client")
}

fn header<'a>(prepared: &'a ringcentral::Prepared, name: &str) -> Option<&'a str> {
    prepared
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[test]
fn a_user_request_carries_a_redacted_bearer_token_and_its_query() {
    let request = Request::get("/restapi/v1.0/account/~/extension")
        .query("perPage", "2.5")
        .query("status", "Enabled");
    let prepared = client(Some("s3cret")).prepare(&request).expect("prepared");
    assert_eq!(prepared.method, http::Method::GET);
    assert_eq!(
        prepared.url.as_str(),
        "https://platform.example.com/restapi/v1.0/account/~/extension?perPage=2.5&status=Enabled"
    );
    assert_eq!(header(&prepared, "authorization"), Some("Bearer ***"));
    assert_eq!(header(&prepared, "accept"), Some("application/json"));
    assert!(header(&prepared, "user-agent").is_some());
    assert!(matches!(prepared.body, PreparedBody::Empty));
}

#[test]
fn a_token_request_is_sent_with_basic_auth_and_hides_its_assertion() {
    let request = Request::post("/restapi/oauth/token")
        .body(Body::Form(vec![
            (
                "grant_type".into(),
                "urn:ietf:params:oauth:grant-type:jwt-bearer".into(),
            ),
            (
                "assertion".into(),
                "eyJhbGciOiJSUzI1NiJ9.payload.sig".into(),
            ),
        ]))
        .app_authenticated();
    let prepared = client(Some("s3cret")).prepare(&request).expect("prepared");
    assert_eq!(header(&prepared, "authorization"), Some("Basic ***"));
    assert_eq!(
        header(&prepared, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let PreparedBody::Form(fields) = &prepared.body else {
        panic!("not a form: {:?}", prepared.body);
    };
    assert!(
        fields.contains(&("assertion".into(), "***".into())),
        "{fields:?}"
    );
    assert!(fields.iter().any(|(k, _)| k == "grant_type"));
    let shown = format!("{prepared:?}");
    assert!(
        !shown.contains("s3cret") && !shown.contains("payload"),
        "{shown}"
    );
}

#[test]
fn a_public_app_names_itself_in_the_form_instead() {
    let request = Request::post("/restapi/oauth/token")
        .body(Body::Form(vec![(
            "grant_type".into(),
            "refresh_token".into(),
        )]))
        .app_authenticated();
    let prepared = client(None).prepare(&request).expect("prepared");
    assert_eq!(header(&prepared, "authorization"), None);
    let PreparedBody::Form(fields) = &prepared.body else {
        panic!("not a form: {:?}", prepared.body);
    };
    assert!(
        fields.contains(&("client_id".into(), "the-client-id".into())),
        "{fields:?}"
    );
}

#[test]
fn json_and_multipart_bodies_show_what_is_sent() {
    let request =
        Request::post("/restapi/v1.0/account/~/extension/~/sms").json(json!({"text": "hello"}));
    let prepared = client(Some("s")).prepare(&request).expect("prepared");
    assert_eq!(header(&prepared, "content-type"), Some("application/json"));
    assert!(matches!(&prepared.body, PreparedBody::Json(v) if v["text"] == "hello"));

    let request =
        Request::post("/restapi/v1.0/account/~/extension/~/fax").body(Body::Multipart(vec![
            Part::json("request", &json!({"to": [{"phoneNumber": "+16505550100"}]})),
            Part {
                name: "attachment".into(),
                filename: Some("page.pdf".into()),
                content_type: Some("application/pdf".into()),
                data: bytes::Bytes::from_static(b"%PDF-1.4 ..."),
            },
        ]));
    let prepared = client(Some("s")).prepare(&request).expect("prepared");
    let content_type = header(&prepared, "content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let PreparedBody::Multipart(parts) = &prepared.body else {
        panic!("not multipart: {:?}", prepared.body);
    };
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[1].filename.as_deref(), Some("page.pdf"));
    assert_eq!(parts[1].len, 12);
    assert!(parts[1].text.is_none());
}

#[test]
fn a_url_on_another_host_is_refused_before_anything_else() {
    let err = client(Some("s"))
        .prepare(&Request::get(
            "https://elsewhere.example.com/restapi/v1.0/account/~",
        ))
        .expect_err("another host");
    assert!(
        err.to_string().contains("not on the connection's server"),
        "{err}"
    );
}
