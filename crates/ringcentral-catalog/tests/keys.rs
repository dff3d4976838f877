//! Action keys are clean kebab names, and every name people may already use still finds its action:
//! the keys from before leftovers of renames were dropped, and the popular keys.

use ringcentral_catalog::{Action, actions};

const BEFORE: &str = include_str!("data/keys-before-cleanup.tsv");

fn before() -> Vec<(&'static str, &'static str)> {
    BEFORE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
        .collect()
}

#[test]
fn every_earlier_key_still_names_its_operation() {
    let earlier = before();
    assert_eq!(earlier.len(), 520);
    for (key, operation_id) in earlier {
        let found = Action::find(key).map(|a| a.operation_id());
        assert_eq!(found, Some(operation_id), "`{key}` lost its action");
    }
}

#[test]
fn keys_carry_no_leftovers_of_renames() {
    let leftovers: Vec<&str> = actions()
        .map(|a| a.key())
        .filter(|k| k.ends_with("-new") || k.ends_with("-v2") || k.contains("a2-p"))
        .collect();
    // Each remaining versioned key has an older namesake that kept the plain name.
    assert_eq!(
        leftovers,
        [
            "get-account-info-v2",
            "list-account-phone-numbers-v2",
            "parse-phone-number-v2"
        ]
    );
    for key in leftovers {
        let plain = key.trim_end_matches("-v2");
        assert!(
            Action::find(plain).is_some(),
            "{plain} is free, so {key} should have taken it"
        );
    }
    let digit_glued: Vec<&str> = actions()
        .map(|a| a.key())
        .filter(|k| k.starts_with("scim-") && k.ends_with('2'))
        .collect();
    assert!(digit_glued.is_empty(), "{digit_glued:?}");
    let names = |k: &str| Action::find(k).map(|a| a.operation_id());
    assert_eq!(names("scim-patch-user"), Some("scimPatchUser2"));
    assert_eq!(
        names("list-glip-conversations"),
        Some("listGlipConversationsNew")
    );
    assert_eq!(names("create-a2p-sms"), Some("createA2PSMS"));
    assert_eq!(names("get-account-info"), Some("readAccountInfo"));
    assert_eq!(names("get-account-info-v2"), Some("getAccountInfoV2"));
    assert_eq!(names("authorize"), Some("authorize"));
    assert_eq!(names("authorize2"), Some("authorize2"));
}

#[test]
fn keys_and_aliases_are_unique() {
    let mut names: Vec<&str> = actions()
        .flat_map(|a| std::iter::once(a.key()).chain(a.operation().aliases.iter().copied()))
        .collect();
    let total = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), total);
}
