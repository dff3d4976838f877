//! The committed generated code (the API crate's data and the SDK's models and services) must be
//! exactly what the generator makes from the spec.

use xtask::codegen;

/// The spec vendored in the repository; its absence fails the test.
fn vendored_spec() -> String {
    let spec = codegen::default_spec_path();
    std::fs::read_to_string(&spec)
        .unwrap_or_else(|e| panic!("the vendored spec {} cannot be read: {e}", spec.display()))
}

#[test]
fn committed_generated_code_matches_the_spec() {
    let text = vendored_spec();
    let files = codegen::generate(&text).expect("the spec generates");
    let stale = codegen::stale_files(&codegen::api_crate_dir(), &files).expect("files readable");
    assert!(
        stale.is_empty(),
        "generated files differ from the spec: {stale:?}; run `cargo xtask codegen` and commit"
    );
}

#[test]
fn committed_sdk_code_matches_the_spec() {
    let text = vendored_spec();
    let files = codegen::generate_sdk(&text).expect("the spec generates the SDK");
    assert!(
        files
            .iter()
            .any(|f| f.path == "src/generated/service_internal_contacts.rs"),
        "the SDK has an Internal Contacts service"
    );
    let stale = codegen::stale_files(&codegen::sdk_crate_dir(), &files).expect("files readable");
    assert!(
        stale.is_empty(),
        "generated SDK files differ from the spec: {stale:?}; run `cargo xtask codegen` and commit"
    );
}

#[test]
fn the_spec_yields_every_operation_with_a_unique_key() {
    let text = vendored_spec();
    let api = codegen::load(&text).expect("the spec loads");
    assert_eq!(api.operations.len(), 520);
    let mut keys: Vec<&str> = api.operations.iter().map(|o| o.key.as_str()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 520);
}

#[test]
fn a_document_that_is_not_openapi_is_refused() {
    let err = codegen::generate("swagger: '2.0'\npaths: {}\n")
        .err()
        .map(|e| e.to_string());
    assert!(err.is_some_and(|e| e.contains("OpenAPI 3")));
}
