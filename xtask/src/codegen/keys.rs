//! Action keys: the kebab-case names by which users and agents call operations.
//!
//! A key is derived from the operationId (`createSMSMessage` -> `create-sms-message`), except for the
//! popular actions whose keys people already use; for those the derived key stays as an alias.
//!
//! OperationIds carry leftovers of RingCentral's own renames (`scimPatchUser2`, `listGlipChatsNew`,
//! `getAccountInfoV2`). Keys drop them ([`clean_key`]) unless another operation already owns the clean
//! name, in which case the versioned one keeps its suffix; the derived key stays an alias either way,
//! so that names people have written keep working.

/// The popular actions' keys and the operations they name.
pub const WELL_KNOWN_KEYS: &[(&str, &str)] = &[
    ("list-extensions", "listExtensions"),
    ("list-chats", "listGlipChatsNew"),
    ("list-messages", "listMessages"),
    ("list-contacts", "listContacts"),
    ("get-extension-info", "readExtension"),
    ("get-message", "readMessage"),
    ("get-contact", "readContact"),
    ("get-call-log", "readUserCallLog"),
    ("get-meeting", "getBridge"),
    ("get-account-info", "readAccountInfo"),
    ("create-contact", "createContact"),
    ("create-chat-post", "createGlipPostNew"),
    ("create-meeting", "createBridge"),
    ("create-team", "createGlipTeamNew"),
    ("update-contact", "updateContact"),
    ("delete-message", "deleteMessage"),
    ("delete-contact", "deleteContact"),
    ("delete-meeting", "deleteBridge"),
    ("send-sms", "createSMSMessage"),
    ("get-active-calls", "listExtensionActiveCalls"),
];

/// The well-known key of an operation, if it has one.
pub fn well_known_key(operation_id: &str) -> Option<&'static str> {
    WELL_KNOWN_KEYS
        .iter()
        .find(|(_, id)| *id == operation_id)
        .map(|(key, _)| *key)
}

/// Acronyms that hold a digit, spelled so that [`kebab_case`] keeps them one word: `A2PSMS` is
/// `A2P` + `SMS`, not `A2` + `PSMS`.
const DIGIT_ACRONYMS: &[(&str, &str)] = &[("A2P", "A2p")];

/// Trailing leftovers of renamed operations: `-new`, `-v2` and the like, and a bare version digit.
const VERSION_SUFFIXES: &[&str] = &["-new", "-v2", "-v3"];

/// The action key of an operationId before any clash is resolved: kebab-case, with acronyms that
/// hold digits kept whole and leftovers of renames dropped.
pub fn clean_key(operation_id: &str) -> String {
    let mut ident = operation_id.to_string();
    for (acronym, spelled) in DIGIT_ACRONYMS {
        ident = ident.replace(acronym, spelled);
    }
    let key = kebab_case(&ident);
    for suffix in VERSION_SUFFIXES {
        if let Some(stem) = key.strip_suffix(suffix) {
            return stem.to_string();
        }
    }
    // `scimPatchUser2`: a digit glued to the last word is a version, not part of the name.
    let stem = key.trim_end_matches(|c: char| c.is_ascii_digit());
    let glued = stem.len() < key.len() && stem.ends_with(|c: char| c.is_ascii_lowercase());
    if glued && stem.rsplit('-').next().is_some_and(|w| w.len() > 1) {
        return stem.to_string();
    }
    key
}

/// Kebab-case of an identifier. A word boundary falls between a lowercase letter or digit and an
/// uppercase letter, before the last capital of an acronym that a lowercase letter follows
/// (`SMSMessage` -> `sms`, `message`), and at `_`, `-`, `.` or spaces. Digits stay with the word
/// before them (`scimPatchUser2` -> `scim-patch-user2`).
pub fn kebab_case(ident: &str) -> String {
    let chars: Vec<char> = ident.chars().collect();
    let mut out = String::with_capacity(ident.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if matches!(c, '_' | '-' | '.' | ' ') {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            continue;
        }
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary =
                prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower);
            if boundary && !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        out.extend(c.to_lowercase());
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_case_splits_words_and_acronyms() {
        assert_eq!(kebab_case("createSMSMessage"), "create-sms-message");
        assert_eq!(kebab_case("listGlipChatsNew"), "list-glip-chats-new");
        assert_eq!(kebab_case("getAccountInfoV2"), "get-account-info-v2");
        assert_eq!(kebab_case("scimPatchUser2"), "scim-patch-user2");
        assert_eq!(kebab_case("readAPIVersion"), "read-api-version");
        assert_eq!(kebab_case("caiASRAsync"), "cai-asr-async");
        assert_eq!(kebab_case("already-kebab"), "already-kebab");
    }

    #[test]
    fn clean_keys_drop_leftovers_of_renames() {
        assert_eq!(clean_key("scimPatchUser2"), "scim-patch-user");
        assert_eq!(
            clean_key("listGlipConversationsNew"),
            "list-glip-conversations"
        );
        assert_eq!(clean_key("getAccountInfoV2"), "get-account-info");
        assert_eq!(clean_key("createA2PSMS"), "create-a2p-sms");
        assert_eq!(
            clean_key("aggregateA2PSMSStatuses"),
            "aggregate-a2p-sms-statuses"
        );
        assert_eq!(clean_key("readAPIVersion"), "read-api-version");
        // A digit that is the whole last word names something, not a version.
        assert_eq!(clean_key("createE911Address"), "create-e911-address");
        assert_eq!(clean_key("readCallV1"), "read-call-v1");
    }
}
