//! Tests of filter parsing, printing and matching, including property tests of the parser.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::scim::error::ScimType;
use crate::scim::schema::{ENTERPRISE_USER_SCHEMA, USER_RESOURCE, USER_SCHEMA};

fn barbara() -> Value {
    json!({
        "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
        "id": "1001",
        "externalId": "Ext-1",
        "userName": "Bjensen@Example.com",
        "name": {"givenName": "Barbara", "familyName": "Jensen", "formatted": "Barbara Jensen"},
        "title": "Tour Guide",
        "active": true,
        "emails": [
            {"value": "bjensen@example.com", "type": "work"},
            {"value": "babs@jensen.org", "type": "other"}
        ],
        "phoneNumbers": [{"value": "+16505550100", "type": "work"}],
        ENTERPRISE_USER_SCHEMA: {"department": "Sales"},
        "meta": {
            "resourceType": "User",
            "created": "2024-01-15T10:00:00Z",
            "lastModified": "2024-03-01T12:00:00+01:00",
            "location": "http://127.0.0.1/scim/v2/Users/1001"
        }
    })
}

fn matches(filter: &str, resource: &Value) -> Result<bool, ScimError> {
    Ok(compile_filter(filter, &USER_RESOURCE)?.matches(resource))
}

fn path(name: &str) -> AttrPath {
    AttrPath::new(name, None)
}

fn eq(name: &str, v: i64) -> Filter {
    Filter::Compare(path(name), CompareOp::Eq, CompValue::Number(v.into()))
}

fn boxed(f: Filter) -> Box<Filter> {
    Box::new(f)
}

#[test]
fn and_binds_tighter_than_or() -> Result<(), ScimError> {
    let f = Filter::parse("a eq 1 or b eq 2 and c eq 3")?;
    assert_eq!(
        f,
        Filter::Or(
            boxed(eq("a", 1)),
            boxed(Filter::And(boxed(eq("b", 2)), boxed(eq("c", 3))))
        )
    );
    let f = Filter::parse("a eq 1 and b eq 2 or c eq 3")?;
    assert_eq!(
        f,
        Filter::Or(
            boxed(Filter::And(boxed(eq("a", 1)), boxed(eq("b", 2)))),
            boxed(eq("c", 3))
        )
    );
    Ok(())
}

#[test]
fn parentheses_group() -> Result<(), ScimError> {
    let f = Filter::parse("(a eq 1 or b eq 2) and c eq 3")?;
    assert_eq!(
        f,
        Filter::And(
            boxed(Filter::Or(boxed(eq("a", 1)), boxed(eq("b", 2)))),
            boxed(eq("c", 3))
        )
    );
    assert_eq!(f.to_string(), "(a eq 1 or b eq 2) and c eq 3");
    Ok(())
}

#[test]
fn same_operator_chains_associate_left() -> Result<(), ScimError> {
    let f = Filter::parse("a eq 1 and b eq 2 and c eq 3")?;
    assert_eq!(
        f,
        Filter::And(
            boxed(Filter::And(boxed(eq("a", 1)), boxed(eq("b", 2)))),
            boxed(eq("c", 3))
        )
    );
    let right = Filter::And(
        boxed(eq("a", 1)),
        boxed(Filter::And(boxed(eq("b", 2)), boxed(eq("c", 3)))),
    );
    assert_eq!(right.to_string(), "a eq 1 and (b eq 2 and c eq 3)");
    assert_eq!(Filter::parse(&right.to_string())?, right);
    Ok(())
}

#[test]
fn keywords_and_operators_ignore_case() -> Result<(), ScimError> {
    let f = Filter::parse("userName EQ \"x\" AND active Eq TRUE Or NOT (title PR)")?;
    assert_eq!(
        f.to_string(),
        "userName eq \"x\" and active eq true or not (title pr)"
    );
    Ok(())
}

#[test]
fn literals_of_every_kind() -> Result<(), ScimError> {
    let f = Filter::parse(r#"a eq null or b eq false or c gt -1.5e3 or d eq "q\"\u00e9\n""#)?;
    let Filter::Or(rest, last) = f else {
        panic!("expected or");
    };
    assert_eq!(
        *last,
        Filter::Compare(path("d"), CompareOp::Eq, CompValue::String("q\"é\n".into()))
    );
    assert!(rest.to_string().contains("c gt -1500.0"));
    assert!(rest.to_string().starts_with("a eq null or b eq false"));
    Ok(())
}

#[test]
fn paths_with_urns_and_sub_attributes() -> Result<(), ScimError> {
    let f = Filter::parse(
        "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName sw \"Bar\" and \
         urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"Sales\"",
    )?;
    let Filter::And(l, r) = &f else {
        panic!("expected and");
    };
    let Filter::Compare(p, _, _) = l.as_ref() else {
        panic!("expected a comparison");
    };
    assert_eq!(p.urn.as_deref(), Some(USER_SCHEMA));
    assert_eq!(p.name, "name");
    assert_eq!(p.sub.as_deref(), Some("givenName"));
    let Filter::Compare(p, _, _) = r.as_ref() else {
        panic!("expected a comparison");
    };
    assert_eq!(p.urn.as_deref(), Some(ENTERPRISE_USER_SCHEMA));
    assert_eq!(p.name, "department");
    assert_eq!(Filter::parse(&f.to_string())?, f);
    Ok(())
}

#[test]
fn value_path_filters() -> Result<(), ScimError> {
    let f = Filter::parse(
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp"]"#,
    )?;
    let Filter::Or(l, _) = &f else {
        panic!("expected or");
    };
    assert!(
        matches!(l.as_ref(), Filter::ValuePath(p, inner) if p.name == "emails" && matches!(inner.as_ref(), Filter::And(..)))
    );
    assert_eq!(
        f.to_string(),
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp"]"#
    );
    Ok(())
}

#[test]
fn rfc_examples_parse_and_print_back() -> Result<(), ScimError> {
    let examples = [
        r#"userName eq "bjensen""#,
        r#"name.familyName co "O'Malley""#,
        r#"userName sw "J""#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        "title pr",
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
        r#"title pr and userType eq "Employee""#,
        r#"title pr or userType eq "Intern""#,
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    ];
    for text in examples {
        let f = Filter::parse(text)?;
        assert_eq!(f.to_string(), text, "printing {text}");
        assert_eq!(Filter::parse(&f.to_string())?, f);
    }
    Ok(())
}

fn parse_error(text: &str) -> String {
    match Filter::parse(text) {
        Ok(f) => panic!("{text:?} parsed as {f:?}"),
        Err(e) => {
            assert_eq!(e.status, 400, "{text}");
            assert_eq!(e.scim_type, Some(ScimType::InvalidFilter), "{text}");
            e.detail
        }
    }
}

#[test]
fn malformed_filters_say_what_is_wrong() {
    let cases: &[(&str, &str)] = &[
        ("", "empty"),
        ("   ", "empty"),
        ("userName", "expected an operator"),
        ("userName eq", "expected a value"),
        ("userName \"x\"", "expected an operator"),
        ("userName xx \"x\"", "unknown operator 'xx'"),
        ("userName eq \"x\" and", "ends too early"),
        (
            "(userName eq \"x\"",
            "expected ')' to close the one at character 1",
        ),
        ("userName eq \"x\")", "unexpected ')' at character 16"),
        (
            "userName eq \"x\" userName eq \"y\"",
            "join expressions with 'and' or 'or'",
        ),
        ("emails[type eq \"work\"", "expected ']'"),
        ("\"x\" eq userName", "expected an attribute name"),
        ("userName eq \"unterminated", "not closed"),
        ("userName eq \"bad \\q escape\"", "not a valid JSON string"),
        ("not userName eq \"x\"", "parenthesised"),
        (
            "emails[type eq \"work\"].value eq \"x\"",
            "cannot name a sub-attribute after [...]",
        ),
        ("userName eq 'x'", "unexpected character '''"),
        (
            "emails[value eq \"x\" and phones[value pr]]",
            "cannot be nested",
        ),
        ("name.givenName[value pr]", "not of a sub-attribute"),
        ("a.b.c pr", "more than one '.'"),
        ("foo:bar pr", "only a schema URN"),
        (
            "urn:ietf:params:scim:schemas:core:2.0:User: pr",
            "ends with ':'",
        ),
        ("1abc pr", "expected an attribute name"),
        ("userName eq 1.2.3", "not a number"),
        (
            "userName eq \"x\" & active eq true",
            "unexpected character '&'",
        ),
        ("userName eq -", "not a number"),
        ("_x pr", "not an attribute name"),
    ];
    for (text, expected) in cases {
        let detail = parse_error(text);
        assert!(
            detail.contains(expected),
            "{text:?}: {detail:?} lacks {expected:?}"
        );
    }
}

#[test]
fn limits_reject_instead_of_recursing() {
    let deep = format!("{}a pr{}", "(".repeat(40), ")".repeat(40));
    assert!(parse_error(&deep).contains("more than 32 deep"));
    let nots = format!("{}a pr{}", "not (".repeat(40), ")".repeat(40));
    assert!(parse_error(&nots).contains("more than 32 deep"));
    let long = format!("userName eq \"{}\"", "x".repeat(MAX_FILTER_LEN));
    assert!(parse_error(&long).contains("limit is 4096"));
    let many = vec!["a pr"; MAX_TERMS + 1].join(" or ");
    assert!(parse_error(&many).contains("more than 256 expressions"));
    // Deep nesting that stays within the limit still parses.
    let ok = format!("{}a pr{}", "(".repeat(30), ")".repeat(30));
    assert!(Filter::parse(&ok).is_ok());
}

fn compile_error(text: &str) -> String {
    match compile_filter(text, &USER_RESOURCE) {
        Ok(_) => panic!("{text:?} compiled"),
        Err(e) => {
            assert_eq!(e.scim_type, Some(ScimType::InvalidFilter), "{text}");
            e.detail
        }
    }
}

#[test]
fn filters_that_do_not_fit_the_schema_are_rejected() {
    let cases: &[(&str, &str)] = &[
        (
            "nickName eq \"x\"",
            "'nickName' is not an attribute of User",
        ),
        (
            "department eq \"Sales\"",
            "need their schema URN, as in urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
        ),
        ("active gt true", "compare it with eq or ne"),
        ("active eq \"true\"", "without quotes"),
        ("active eq 1", "compare it with true or false"),
        ("userName eq 5", "put the value in double quotes"),
        ("meta.created gt \"yesterday\"", "is not one"),
        (
            "name eq \"x\"",
            "complex; compare one of its sub-attributes",
        ),
        ("name.middleName pr", "has no sub-attribute 'middleName'"),
        ("userName.value pr", "has no sub-attributes"),
        (
            "emails[nope eq \"x\"]",
            "'nope' is not a sub-attribute of emails",
        ),
        (
            "emails[emails.type eq \"work\"]",
            "name a sub-attribute of emails alone",
        ),
        ("title[value pr]", "selects values of a complex attribute"),
        (
            "urn:example:nope:attr pr",
            "unknown schema URN 'urn:example:nope'",
        ),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User pr",
            "names a schema",
        ),
        (
            "userName gt null",
            "null can be compared only with eq or ne",
        ),
    ];
    for (text, expected) in cases {
        let detail = compile_error(text);
        assert!(
            detail.contains(expected),
            "{text:?}: {detail:?} lacks {expected:?}"
        );
    }
}

#[test]
fn user_name_compares_without_case() -> Result<(), ScimError> {
    let u = barbara();
    assert!(matches("userName eq \"bjensen@example.com\"", &u)?);
    assert!(matches("USERNAME eq \"BJENSEN@EXAMPLE.COM\"", &u)?);
    assert!(matches("userName sw \"BJ\"", &u)?);
    assert!(!matches("userName eq \"bjensen\"", &u)?);
    Ok(())
}

#[test]
fn case_exact_attributes_compare_exactly() -> Result<(), ScimError> {
    let u = barbara();
    assert!(matches("externalId eq \"Ext-1\"", &u)?);
    assert!(!matches("externalId eq \"ext-1\"", &u)?);
    assert!(matches("id eq \"1001\"", &u)?);
    Ok(())
}

#[test]
fn substring_operators() -> Result<(), ScimError> {
    let u = barbara();
    assert!(matches("name.familyName co \"ENS\"", &u)?);
    assert!(matches("name.givenName sw \"bar\"", &u)?);
    assert!(matches("name.givenName ew \"ARA\"", &u)?);
    assert!(!matches("name.givenName ew \"bar\"", &u)?);
    assert!(matches("title co \"guide\"", &u)?);
    Ok(())
}

#[test]
fn multi_valued_attributes_match_on_any_value() -> Result<(), ScimError> {
    let u = barbara();
    assert!(matches("emails eq \"babs@jensen.org\"", &u)?);
    assert!(matches("emails.value ew \"@example.com\"", &u)?);
    assert!(matches("emails.type eq \"other\"", &u)?);
    assert!(matches(
        "emails[type eq \"work\" and value co \"@example\"]",
        &u
    )?);
    // Both conditions must hold for the same email.
    assert!(!matches(
        "emails[type eq \"other\" and value co \"@example\"]",
        &u
    )?);
    assert!(matches("emails[not (type eq \"work\")]", &u)?);
    assert!(matches("phoneNumbers[type eq \"work\"]", &u)?);
    assert!(!matches("phoneNumbers[type eq \"mobile\"]", &u)?);
    Ok(())
}

#[test]
fn ne_means_no_value_is_equal() -> Result<(), ScimError> {
    let u = barbara();
    assert!(!matches("emails.type ne \"work\"", &u)?);
    assert!(matches("emails.type ne \"mobile\"", &u)?);
    assert!(matches("title ne \"Boss\"", &u)?);
    assert!(!matches("title ne \"tour guide\"", &u)?);
    Ok(())
}

#[test]
fn presence_and_null() -> Result<(), ScimError> {
    let mut u = barbara();
    assert!(matches("title pr", &u)?);
    assert!(matches("emails pr", &u)?);
    assert!(!matches("addresses pr", &u)?);
    assert!(matches("addresses eq null", &u)?);
    assert!(matches("title ne null", &u)?);
    if let Some(obj) = u.as_object_mut() {
        obj.insert("title".into(), json!(""));
        obj.insert("addresses".into(), json!([]));
    }
    assert!(!matches("title pr", &u)?);
    assert!(matches("title eq null", &u)?);
    assert!(!matches("addresses pr", &u)?);
    Ok(())
}

#[test]
fn booleans_logic_and_not() -> Result<(), ScimError> {
    let u = barbara();
    assert!(matches("active eq true", &u)?);
    assert!(!matches("active eq false", &u)?);
    assert!(matches("active ne false", &u)?);
    assert!(matches("not (active eq false)", &u)?);
    assert!(matches("active eq false or title pr", &u)?);
    assert!(!matches("active eq false and title pr", &u)?);
    assert!(matches("not (active eq false and title pr)", &u)?);
    Ok(())
}

#[test]
fn dates_compare_as_instants() -> Result<(), ScimError> {
    let u = barbara();
    assert!(matches("meta.created gt \"2024-01-15T09:00:00Z\"", &u)?);
    // Same instant written in another offset.
    assert!(matches(
        "meta.created eq \"2024-01-15T12:00:00+02:00\"",
        &u
    )?);
    assert!(matches("meta.created ge \"2024-01-15T10:00:00Z\"", &u)?);
    assert!(!matches("meta.created lt \"2024-01-15T10:00:00Z\"", &u)?);
    // 12:00+01:00 is 11:00Z, before 11:30Z.
    assert!(matches(
        "meta.lastModified lt \"2024-03-01T11:30:00Z\"",
        &u
    )?);
    assert!(matches("meta.created sw \"2024-01\"", &u)?);
    Ok(())
}

#[test]
fn string_ordering_ignores_case_where_the_schema_says() -> Result<(), ScimError> {
    let u = barbara();
    assert!(matches("userName gt \"A\"", &u)?);
    assert!(matches("userName lt \"c\"", &u)?);
    assert!(matches("userName le \"BJENSEN@EXAMPLE.COM\"", &u)?);
    Ok(())
}

#[test]
fn enterprise_attributes_need_no_exact_key_case() -> Result<(), ScimError> {
    let u = barbara();
    let f = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq \"sales\"";
    assert!(matches(f, &u)?);
    assert!(matches(
        &f.to_uppercase()
            .replace("\"SALES\"", "\"Sales\"")
            .replace(" EQ ", " eq "),
        &u
    )?);
    let mut lower = barbara();
    if let Some(obj) = lower.as_object_mut() {
        obj.insert("username".into(), json!("x@y.z"));
        obj.remove("userName");
    }
    assert!(matches("userName eq \"x@y.z\"", &lower)?);
    Ok(())
}

#[test]
fn core_urn_prefix_is_optional() -> Result<(), ScimError> {
    let u = barbara();
    assert!(matches(
        "urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"bjensen@example.com\"",
        &u
    )?);
    assert!(matches(
        "urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq \"barbara\"",
        &u
    )?);
    Ok(())
}

#[test]
fn non_objects_have_no_attributes() -> Result<(), ScimError> {
    assert!(!matches("userName pr", &json!(null))?);
    assert!(!matches("userName pr", &json!([1, 2]))?);
    assert!(matches("not (userName pr)", &json!("text"))?);
    assert!(matches("userName eq null", &json!(42))?);
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Property tests

fn attr_name() -> impl Strategy<Value = String> {
    "[a-zA-Z$][a-zA-Z0-9_-]{0,7}".prop_filter("not is a keyword before '('", |s| {
        !s.eq_ignore_ascii_case("not")
    })
}

fn attr_path(with_sub: bool) -> impl Strategy<Value = AttrPath> {
    let urn = prop_oneof![
        3 => Just(None),
        1 => Just(Some(USER_SCHEMA.to_string())),
        1 => Just(Some(ENTERPRISE_USER_SCHEMA.to_string())),
    ];
    let sub = if with_sub {
        proptest::option::of(attr_name()).boxed()
    } else {
        Just(None).boxed()
    };
    (urn, attr_name(), sub).prop_map(|(urn, name, sub)| AttrPath { urn, name, sub })
}

fn comp_value() -> impl Strategy<Value = CompValue> {
    prop_oneof![
        Just(CompValue::Null),
        any::<bool>().prop_map(CompValue::Bool),
        any::<i64>().prop_map(|n| CompValue::Number(n.into())),
        any::<f64>()
            .prop_filter_map("finite", Number::from_f64)
            .prop_map(CompValue::Number),
        any::<String>().prop_map(CompValue::String),
    ]
}

fn compare_op() -> impl Strategy<Value = CompareOp> {
    proptest::sample::select(CompareOp::ALL.to_vec())
}

fn leaf(with_sub: bool) -> impl Strategy<Value = Filter> {
    prop_oneof![
        attr_path(with_sub).prop_map(Filter::Present),
        (attr_path(with_sub), compare_op(), comp_value())
            .prop_map(|(p, op, v)| Filter::Compare(p, op, v)),
    ]
}

fn logic(inner: impl Strategy<Value = Filter> + Clone) -> impl Strategy<Value = Filter> {
    prop_oneof![
        inner.clone().prop_map(|f| Filter::Not(Box::new(f))),
        (inner.clone(), inner.clone()).prop_map(|(l, r)| Filter::And(Box::new(l), Box::new(r))),
        (inner.clone(), inner).prop_map(|(l, r)| Filter::Or(Box::new(l), Box::new(r))),
    ]
}

fn value_filter() -> impl Strategy<Value = Filter> {
    leaf(true).prop_recursive(3, 12, 2, logic)
}

fn any_filter() -> impl Strategy<Value = Filter> {
    let base = prop_oneof![
        3 => leaf(true),
        1 => (attr_path(false), value_filter()).prop_map(|(p, f)| Filter::ValuePath(p, Box::new(f))),
    ];
    base.prop_recursive(4, 24, 2, logic)
}

/// Text built from the filter alphabet, so that the parser sees near-misses and not only noise.
fn filter_like_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("userName".to_string()),
        Just("emails".to_string()),
        Just("name.givenName".to_string()),
        Just("urn:ietf:params:scim:schemas:core:2.0:User:".to_string()),
        Just(" eq ".to_string()),
        Just(" co ".to_string()),
        Just(" pr".to_string()),
        Just(" and ".to_string()),
        Just(" or ".to_string()),
        Just("not ".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(".".to_string()),
        Just("\"x\"".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("-1.5e3".to_string()),
        Just("1e999".to_string()),
        "[ -~]{0,3}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parsing_arbitrary_text_never_panics(text in any::<String>()) {
        let _ = Filter::parse(&text);
    }

    #[test]
    fn parsing_filter_like_text_never_panics_and_reparses(text in filter_like_text()) {
        match Filter::parse(&text) {
            Ok(f) => {
                let printed = f.to_string();
                prop_assert_eq!(Filter::parse(&printed), Ok(f.clone()), "printed as {}", printed);
                if let Ok(m) = f.compile(&USER_RESOURCE) {
                    let _ = m.matches(&barbara());
                }
            }
            Err(e) => {
                prop_assert_eq!(e.status, 400);
                prop_assert_eq!(e.scim_type, Some(ScimType::InvalidFilter));
                prop_assert!(!e.detail.is_empty());
            }
        }
    }

    #[test]
    fn printed_filters_parse_back_to_the_same_tree(f in any_filter()) {
        let printed = f.to_string();
        prop_assert_eq!(Filter::parse(&printed), Ok(f), "printed as {}", printed);
    }

    #[test]
    fn compiling_and_matching_generated_filters_never_panics(f in any_filter()) {
        if let Ok(m) = f.compile(&USER_RESOURCE) {
            let _ = m.matches(&barbara());
            let _ = m.matches(&json!({}));
        }
    }

    #[test]
    fn not_negates(f in any_filter()) {
        if let Ok(m) = f.compile(&USER_RESOURCE) {
            let Ok(neg) = Filter::Not(Box::new(f)).compile(&USER_RESOURCE) else {
                return Err(TestCaseError::fail("negation of a valid filter did not compile"));
            };
            prop_assert_ne!(m.matches(&barbara()), neg.matches(&barbara()));
        }
    }
}
