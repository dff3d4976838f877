//! Tokens: splitting text and identifiers into words, and a light stemmer that makes the forms of a
//! word meet (`calls`/`call`, `forwarding`/`forward`, `messages`/`message`) while keeping nouns
//! that only look like verb forms apart (`recording`, `answering`, `messaging`).

/// Splits `text` into lowercase words: on anything that is not a letter or digit, and inside
/// identifiers at camelCase boundaries (`listExtensionActiveCalls` gives `list`, `extension`,
/// `active`, `calls`; `createSMSMessage` gives `create`, `sms`, `message`).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |word| out.push(word.to_string()));
    out
}

/// Calls `f` with each word of `text`, as [`words`] splits them, without allocating per word.
pub fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut current = String::new();
    let mut prev: Option<char> = None;
    // The letter before the current run of digits: digits inside a capitalized name ("A2P")
    // belong to it, digits after a lowercase word ("user2Name") end it.
    let mut before_digits: Option<char> = None;
    // In a name such as "A2PSMS" the letter after the digits closes it: "a2p", "sms".
    let mut closed = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_alphanumeric() {
            // An apostrophe inside a word ("user's", "who's") ends it and drops the clitic.
            flush(&mut current, &mut f);
            prev = Some(c);
            before_digits = None;
            continue;
        }
        if c.is_ascii_digit() && !prev.is_some_and(|p| p.is_ascii_digit()) {
            before_digits = prev;
        }
        if c.is_uppercase()
            && !current.is_empty()
            && let Some(p) = prev
        {
            // A plural "s" after capitals ends an acronym ("CDRs", "DIDs") rather than
            // starting a word.
            let plural = {
                let mut ahead = chars.clone();
                ahead.next() == Some('s') && !ahead.next().is_some_and(char::is_alphanumeric)
            };
            let next_lower = !plural && chars.peek().is_some_and(|n| n.is_lowercase());
            let after_name = p.is_ascii_digit() && before_digits.is_some_and(char::is_uppercase);
            if p.is_lowercase()
                || (p.is_ascii_digit() && !after_name)
                || (p.is_uppercase() && (next_lower || closed))
            {
                flush(&mut current, &mut f);
            }
            closed = after_name;
        } else {
            closed = false;
        }
        if c.is_ascii() {
            current.push(c.to_ascii_lowercase());
        } else {
            current.extend(c.to_lowercase());
        }
        prev = Some(c);
    }
    flush(&mut current, &mut f);
}

/// Words of an identifier (an operationId, a parameter name), without the version digits some
/// of them end with: `scimGetUser2` gives `scim`, `get`, `user`.
pub fn identifier_words(identifier: &str) -> Vec<String> {
    let mut out = words(identifier);
    for word in &mut out {
        let letters = word.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if letters >= 3 && letters < word.len() {
            word.truncate(letters);
        }
    }
    out
}

/// The part of a request that says what to do: quoted text (a message body, a new name) and web
/// addresses are what to do it *with*, and only mislead the search; an e-mail address is
/// someone.
pub fn strip_payload(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(open) = rest.find(['"', '\u{201c}']) {
        let close = if rest[open..].starts_with('"') {
            '"'
        } else {
            '\u{201d}'
        };
        let inner = open + rest[open..].chars().next().map_or(1, char::len_utf8);
        let Some(len) = rest[inner..].find(close) else {
            // An unbalanced quote mark quotes nothing.
            break;
        };
        out.push_str(&rest[..open]);
        out.push(' ');
        rest = &rest[inner + len + close.len_utf8()..];
    }
    out.push_str(rest);
    // An e-mail address stands for the person it reaches ("add bob@acme.com to the team").
    let tokens: Vec<&str> = out
        .split_whitespace()
        .filter(|token| !token.contains("://"))
        .map(|token| {
            if token.contains('@') {
                "someone"
            } else {
                token
            }
        })
        .collect();
    // An unquoted message body follows "saying" or "that says": "text Bob saying I'm late".
    let lower: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
    let body = (1..tokens.len()).find(|i| {
        lower[*i] == "saying"
            || (matches!(lower[*i].as_str(), "says" | "reads")
                && matches!(lower[*i - 1].as_str(), "that" | "which"))
    });
    let end = match body {
        Some(i) if lower[i] == "saying" => i,
        Some(i) => i - 1,
        None => tokens.len(),
    };
    // A clause that says why or meanwhile ("... *while I check*", "... *so it stops
    // posting*") is no part of what to do.
    let why = (1..end).find(|i| {
        let subject = lower.get(i + 1).is_some_and(|n| {
            matches!(
                n.as_str(),
                "that"
                    | "it"
                    | "i"
                    | "we"
                    | "they"
                    | "he"
                    | "she"
                    | "you"
                    | "nobody"
                    | "people"
                    | "everyone"
                    | "everybody"
                    | "staff"
                    | "colleagues"
            )
        });
        // "... so I need to pause the recording": a wish after "so" is the command itself.
        let wish = lower
            .get(i + 2)
            .is_some_and(|n| matches!(n.as_str(), "need" | "needs" | "want" | "wants"));
        matches!(lower[*i].as_str(), "because" | "although" | "though")
            || (matches!(lower[*i].as_str(), "so" | "while") && subject && !wish)
    });
    let Some(why) = why else {
        return tokens[..end].join(" ");
    };
    // The clause ends at a semicolon or a full stop, and what follows it is said again ("Phil
    // left, so he no longer needs it; *disconnect him*").
    let resume = (why..end)
        .find(|k| tokens[*k].ends_with([';', '.']))
        .map_or(end, |k| k + 1);
    tokens[..why]
        .iter()
        .chain(&tokens[resume..end])
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `text` names a record by its id: a token with digits right after a noun ("message
/// 1029384756", "subscription 0e5a5a2f", "batch b-991"), as opposed to a phone number ("+1 650 555
/// 0134", "800-555-0199") or a count or amount after a verb or preposition ("import 300 contacts",
/// "to 90 days").
#[cfg(test)]
pub fn names_an_id(
    text: &str,
    is_noun: impl Fn(&str) -> bool,
    is_word: impl Fn(&str) -> bool,
) -> bool {
    !id_nouns(text, is_noun, is_word).is_empty()
}

/// The nouns of `text` that a record id follows, as [`names_an_id`] finds them ("message" in
/// "fetch message 1029384756", "id" in "trash message id 7781").
pub fn id_nouns(
    text: &str,
    is_noun: impl Fn(&str) -> bool,
    is_word: impl Fn(&str) -> bool,
) -> Vec<String> {
    let tokens: Vec<&str> = text
        .split_whitespace()
        .map(|t| t.trim_matches(|c: char| matches!(c, ',' | '.' | '?' | '!' | ';' | ':' | '\'')))
        .collect();
    let names = |(i, token): (usize, &&str)| {
        if !token.chars().any(|c| c.is_ascii_digit())
            || token.starts_with(['+', '('])
            || is_word(&token.to_lowercase())
        {
            // Not a number, a phone number, or a word with digits ("A2P", "E911").
            return false;
        }
        let separated = token.contains(['-', '.']);
        let only_number = token
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.'));
        let digits = token.chars().filter(char::is_ascii_digit).count();
        if only_number && separated && digits >= 7 {
            return false;
        }
        // "users 101, 102 and 103" name several records.
        let prev = tokens[i - 1].to_lowercase();
        let plural = prev.ends_with('s') && !prev.ends_with("ss");
        matches!(prev.as_str(), "id" | "#" | "no")
            || (prev.chars().all(char::is_alphabetic) && !plural && is_noun(&prev))
    };
    tokens
        .iter()
        .enumerate()
        .skip(1)
        .filter(|it| names(*it))
        .map(|(i, _)| tokens[i - 1].to_lowercase())
        .collect()
}

/// `query` without the platform's own name, which every operation shares: "use RingCentral to
/// send an SMS" asks to send an SMS, "my calls in RingCentral" are my calls. A preposition or
/// article that only led to the name goes with it, as does an opening "use ... to".
pub fn strip_brand(query: &str) -> String {
    let bare = |t: &str| {
        t.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
            .to_lowercase()
    };
    let brand = |t: &str| {
        let b = bare(t);
        b == "ringcentral" || b == "ringcentral's" || b == "ringcentral\u{2019}s"
    };
    if !query.split_whitespace().any(brand) {
        return query.to_string();
    }
    let mut out: Vec<&str> = Vec::new();
    let mut tokens = query.split_whitespace().peekable();
    while let Some(token) = tokens.next() {
        if !brand(token) {
            out.push(token);
            continue;
        }
        if out.last().is_some_and(|t| bare(t) == "the") {
            out.pop();
        }
        if out.last().is_some_and(|t| {
            matches!(
                bare(t).as_str(),
                "in" | "on" | "via" | "with" | "through" | "using" | "from" | "inside" | "within"
            )
        }) {
            out.pop();
        }
        // "The RingCentral API", "the RingCentral platform": the platform all the same.
        if tokens
            .peek()
            .is_some_and(|t| matches!(bare(t).as_str(), "api" | "platform" | "app"))
        {
            tokens.next();
        }
    }
    // "Use RingCentral to send ...", "please use RingCentral to ...".
    let start = out
        .iter()
        .position(|t| !matches!(bare(t).as_str(), "please" | "pls" | "plz"))
        .unwrap_or(0);
    if out.get(start).is_some_and(|t| bare(t) == "use")
        && out.get(start + 1).is_some_and(|t| bare(t) == "to")
    {
        out.drain(..start + 2);
    }
    out.join(" ")
}

/// Whether one slip of the keyboard (a letter added, dropped or changed, two neighbours
/// swapped) turns `a` into `b`.
pub fn one_slip(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match a.len().abs_diff(b.len()) {
        0 if same == a.len() => false,
        0 => {
            a[same + 1..] == b[same + 1..]
                || (same + 1 < a.len()
                    && a[same] == b[same + 1]
                    && a[same + 1] == b[same]
                    && a[same + 2..] == b[same + 2..])
        }
        1 if a.len() > b.len() => a[same + 1..] == b[same..],
        1 => a[same..] == b[same + 1..],
        _ => false,
    }
}

/// Whether `b` is `a` with two neighbouring letters swapped.
pub fn is_swap(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    a.len() == b.len() && {
        let differ: Vec<usize> = (0..a.len()).filter(|i| a[*i] != b[*i]).collect();
        differ.len() == 2
            && differ[1] == differ[0] + 1
            && a[differ[0]] == b[differ[1]]
            && a[differ[1]] == b[differ[0]]
    }
}

/// Whether `token` is an id written with a dash between letters and digits ("w-1", "p-2",
/// "s-abc123", "sub-77"), rather than a phone number ("800-555-0199") or a word ("after-hours").
pub fn is_dashed_id(token: &str) -> bool {
    let token = token
        .trim_matches(|c: char| matches!(c, ',' | '.' | '?' | '!' | ';' | ':' | '\'' | '(' | ')'));
    token.contains('-')
        && !token.starts_with(['+', '-'])
        && token.chars().any(|c| c.is_ascii_digit())
        && token.chars().any(|c| c.is_ascii_alphabetic())
        && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Whether `token` is a uniform resource name ("urn:ietf:params:scim:schemas:core:2.0:User"):
/// one record's identifier, whose parts are no words of the request.
pub fn is_urn(token: &str) -> bool {
    let token = token.trim_matches(|c: char| matches!(c, ',' | '.' | '?' | '!' | ';' | '(' | ')'));
    token
        .get(..4)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("urn:"))
        && token[4..].contains(':')
}

/// Whether `text` names a person: a capitalized word inside the request that is no known word
/// ("add Raj to the team", "change Bob's email"). `known` tells words of the API and the
/// lexicon, which are things rather than people ("Denver site" aside).
pub fn names_a_person(text: &str, known: impl Fn(&str) -> bool) -> bool {
    text.split_whitespace().skip(1).any(|token| {
        let token = token
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .trim_end_matches("'s")
            .trim_end_matches("\u{2019}s");
        let mut chars = token.chars();
        let capitalized = chars.next().is_some_and(|c| c.is_uppercase())
            && token.len() > 1
            && chars.all(|c| c.is_lowercase());
        capitalized && {
            let lower = token.to_lowercase();
            !known(&lower) && !CALENDAR.contains(&lower.as_str())
        }
    })
}

/// Capitalized words that are dates rather than names.
const CALENDAR: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn flush(current: &mut String, f: &mut impl FnMut(&str)) {
    // Clitics left by a split apostrophe carry no meaning.
    if !current.is_empty()
        && !matches!(current.as_str(), "s" | "t" | "re" | "ll" | "ve" | "d" | "m")
    {
        f(current);
    }
    current.clear();
}

/// A light suffix stemmer. It only has to be consistent, since queries and documents go through
/// the same function; it is deliberately conservative with short words (`sms`, `ivr`, `bus`).
pub fn stem(word: &str) -> String {
    let mut w = word.to_string();
    if w.len() <= 3 || w.chars().any(|c| c.is_ascii_digit()) {
        return w;
    }
    if let Some(base) = w.strip_suffix("ies")
        && base.len() >= 2
    {
        w = format!("{base}y");
    } else if w.ends_with("sses")
        || w.ends_with("xes")
        || w.ends_with("ches")
        || w.ends_with("shes")
    {
        w.truncate(w.len() - 2);
    } else if w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && (w.len() > 4 || (w.len() == 4 && !w[..3].ends_with(['a', 'e', 'i', 'o', 'u'])))
    {
        // Short plurals too ("logs", "pins", "tags"), but not "does" or "bias".
        w.pop();
    }
    // "summarization" meets "summarize", "conversational" meets "conversation", "federation"
    // meets "federated"; in turn, so that "conversational" is "conversation" is "conversate".
    for (suffix, replacement) in [
        ("ization", "ize"),
        ("isation", "ize"),
        ("ional", "ion"),
        ("ation", "ate"),
    ] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.len() >= 4
        {
            w = format!("{base}{replacement}");
        }
    }
    // Nouns of their own that only look like forms of a verb: a recording is not a record,
    // an answering rule is not an answer.
    if KEEP.contains(&w.as_str()) {
        return w;
    }
    for suffix in ["ing", "ed"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.len() >= 4
        {
            w = base.to_string();
            // "forwarding" -> "forward", "recorded" -> "record", "cancelled" -> "cancel".
            let b = w.as_bytes();
            if b.len() >= 5
                && b[b.len() - 1] == b[b.len() - 2]
                && !matches!(b[b.len() - 1], b'l' | b's')
            {
                w.pop();
            }
            break;
        }
    }
    if w.ends_with('e') && w.len() > 4 {
        w.pop();
    }
    if w.ends_with("ll") && w.len() > 4 {
        // "cancell" (from "cancelled") meets "cancel".
        w.pop();
    }
    w
}

/// Words the stemmer leaves whole (after removing a plural).
const KEEP: &[&str] = &["recording", "answering", "messaging"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platforms_own_name_says_nothing() {
        assert_eq!(
            strip_brand("Use RingCentral to send an SMS to Bob"),
            "send an SMS to Bob"
        );
        assert_eq!(
            strip_brand("list my calls in the RingCentral app"),
            "list my calls"
        );
        assert_eq!(strip_brand("Using RingCentral, list users"), "list users");
        assert_eq!(strip_brand("list my calls"), "list my calls");
    }

    #[test]
    fn slips_of_the_keyboard_are_counted() {
        assert!(one_slip("voicemial", "voicemail"));
        assert!(one_slip("extention", "extension"));
        assert!(one_slip("queus", "queues"));
        assert!(one_slip("messsage", "message"));
        assert!(!one_slip("message", "message"));
        assert!(!one_slip("abcdef", "uvwxyz"));
        assert!(is_swap("sned", "send"));
        assert!(!is_swap("jake", "take"));
    }

    #[test]
    fn dashed_ids_are_told_from_phone_numbers_and_words() {
        assert!(is_dashed_id("w-1"));
        assert!(is_dashed_id("s-abc123,"));
        assert!(!is_dashed_id("800-555-0199"));
        assert!(!is_dashed_id("after-hours"));
        assert!(!is_dashed_id("+1-650-555-0100"));
    }

    #[test]
    fn words_split_identifiers_and_text() {
        assert_eq!(words("createSMSMessage"), ["create", "sms", "message"]);
        assert_eq!(
            words("List User's Active-Calls"),
            ["list", "user", "active", "calls"]
        );
        assert_eq!(
            words("/restapi/v1.0/account/{accountId}"),
            ["restapi", "v1", "0", "account", "account", "id"]
        );
        assert_eq!(words("who's on it"), ["who", "on", "it"]);
        assert_eq!(words("Send A2P SMS"), ["send", "a2p", "sms"]);
        assert_eq!(words("listA2PBatches"), ["list", "a2p", "batches"]);
        assert_eq!(words("readA2PSMS"), ["read", "a2p", "sms"]);
        assert_eq!(words("scimGetUser2"), ["scim", "get", "user2"]);
        assert_eq!(
            words("pull the CDRs, BSSIDs"),
            ["pull", "the", "cdrs", "bssids"]
        );
        assert_eq!(words("IDsOfUsers"), ["i", "ds", "of", "users"]);
    }

    #[test]
    fn payload_is_stripped() {
        assert_eq!(
            strip_payload("send a text \"create a meeting\" to bob@example.com"),
            "send a text to someone"
        );
        assert_eq!(
            strip_payload("send a text saying \"create a meeting\" to bob@example.com"),
            "send a text"
        );
        assert_eq!(
            strip_payload("rename it to \u{201c}Front Desk\u{201d} now"),
            "rename it to now"
        );
        // An unbalanced quote mark quotes nothing.
        assert_eq!(strip_payload("a 5\" screen"), "a 5\" screen");
        assert_eq!(
            strip_payload("answer the call with a text saying I'm in a meeting"),
            "answer the call with a text"
        );
        assert_eq!(
            strip_payload("post a note that says the meeting moved"),
            "post a note"
        );
        assert_eq!(
            strip_payload("put the caller on hold while I check"),
            "put the caller on hold"
        );
        assert_eq!(
            strip_payload("pause webhook 8810 so it stops posting"),
            "pause webhook 8810"
        );
    }

    #[test]
    fn ids_are_told_from_phone_numbers_and_counts() {
        let noun = |w: &str| !matches!(w, "from" | "to" | "import" | "all" | "and");
        let word = |w: &str| matches!(w, "a2p" | "e911");
        assert!(names_an_id("fetch message 1029384756", noun, word));
        assert!(names_an_id("status of batch b-991?", noun, word));
        assert!(names_an_id("trash message id 7781", noun, word));
        assert!(!names_an_id("block calls from 800-555-0199", noun, word));
        assert!(!names_an_id("text +1 650 555 0134", noun, word));
        assert!(!names_an_id("import 300 contacts", noun, word));
        assert!(!names_an_id("delete users 101, 102 and 103", noun, word));
        assert!(!names_an_id("list all A2P batches", noun, word));
    }

    #[test]
    fn people_are_told_from_things() {
        let known = |w: &str| matches!(w, "the" | "team" | "marketing" | "sms");
        assert!(names_a_person("add Raj to the marketing team", known));
        assert!(names_a_person("change Bob's email", known));
        assert!(!names_a_person("send an SMS", known));
        assert!(!names_a_person("schedule it for Friday", known));
    }

    #[test]
    fn a_urn_is_an_identifier() {
        assert!(is_urn("urn:ietf:params:scim:schemas:core:2.0:User"));
        assert!(is_urn(
            "(URN:ietf:params:scim:schemas:extension:enterprise:2.0:User)"
        ));
        assert!(!is_urn("urn"));
        assert!(!is_urn("urn:"));
        assert!(!is_urn("return:"));
    }

    #[test]
    fn stems_meet() {
        for (a, b) in [
            ("calls", "call"),
            ("forwarding", "forward"),
            ("messages", "message"),
            ("faxes", "fax"),
            ("policies", "policy"),
            ("recorded", "record"),
            ("created", "create"),
            ("cancelled", "cancel"),
            ("meetings", "meeting"),
            ("extensions", "extension"),
            ("summarization", "summarize"),
            ("logs", "log"),
            ("pins", "pin"),
            ("conversational", "conversation"),
            ("federation", "federated"),
            ("activation", "activate"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} vs {b}");
        }
        // Nouns that only look like forms of a verb stay apart from it.
        assert_ne!(stem("recordings"), stem("records"));
        assert_ne!(stem("answering"), stem("answer"));
        assert_ne!(stem("messaging"), stem("message"));
        assert_ne!(stem("settings"), stem("set"));
        for short in ["sms", "ivr", "status", "address", "bus"] {
            assert_eq!(stem(short), short.trim_end_matches('e'));
        }
    }
}
