//! Realistic values chosen by property name: ids, absolute URIs on the sandbox, E.164 phone numbers,
//! emails, people's names, timestamps, addresses. Every value is a pure function of its context, so
//! the same request always gets the same answer.
//!
//! These are proposals: the generator keeps one only when it fits the property's schema.

use std::borrow::Cow;

/// Where in a generated document a value is being made.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    /// The property name (`""` for array items and the document itself).
    pub name: &'a str,
    /// The name of the enclosing property, if any.
    pub parent: Option<&'a str>,
    /// The index of the enclosing record in its list (0 outside lists).
    pub index: usize,
    /// A hash of the value's position in the document and of the request.
    pub seed: u64,
    /// Who the enclosing object is about: members of one person (a record and its `contact`)
    /// share it, so names and emails agree; another person (`from`, `owner`) has another.
    pub persona: u64,
    /// `http://host:port` of the sandbox.
    pub base_url: &'a str,
    /// The request path, e.g. `/restapi/v1.0/account/~/extension/~/address-book/contact`.
    pub path: &'a str,
    /// A singular noun for what the operation is about (`contact`, `site`, `call queue`).
    pub noun: &'a str,
    /// The `id` already chosen for the enclosing object, if any.
    pub sibling_id: Option<&'a str>,
    /// The value is a property of the document itself, not nested.
    pub top: bool,
    /// The enclosing object is an item of the operation's record list.
    pub in_record: bool,
    /// The operation creates a resource (a `POST` to a collection).
    pub creates: bool,
}

const FIRST: [&str; 12] = [
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Linus",
    "Margaret",
    "Dennis",
    "Barbara",
    "Ken",
    "Frances",
    "Edsger",
    "Radia",
];
const LAST: [&str; 12] = [
    "Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov",
    "Thompson", "Allen", "Dijkstra", "Perlman",
];

/// 2025-01-15T09:30:00Z: a fixed instant keeps answers reproducible.
const BASE_TIME: i64 = 1_736_933_400;

fn lower(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// Whether a member names a person (so its members describe someone else than its parent).
pub(crate) fn person_context(name: Option<&str>) -> bool {
    const PEOPLE: [&str; 35] = [
        "extension",
        "user",
        "contact",
        "owner",
        "from",
        "to",
        "caller",
        "callee",
        "creator",
        "participant",
        "member",
        "person",
        "assignee",
        "host",
        "agent",
        "sender",
        "recipient",
        "author",
        "createdby",
        "modifiedby",
        "lastmodifiedby",
        "operator",
        "manager",
        "delegate",
        "invitee",
        "registrant",
        "speaker",
        "employee",
        "admin",
        "party",
        "parties",
        "attendee",
        "organizer",
        "initiator",
        "profile",
    ];
    let Some(n) = name else { return false };
    let n = n.as_bytes();
    PEOPLE
        .iter()
        .any(|p| n.len() >= p.len() && n[n.len() - p.len()..].eq_ignore_ascii_case(p.as_bytes()))
}

fn first_name(place: &Place<'_>) -> &'static str {
    FIRST[(place.persona % FIRST.len() as u64) as usize]
}

fn last_name(place: &Place<'_>) -> &'static str {
    LAST[((place.persona / 16) % LAST.len() as u64) as usize]
}

/// The singular of a plural member name, for the items of an array: `phoneNumbers` ->
/// `phoneNumber`, `emails` -> `email`.
pub(crate) fn singular(name: &str) -> Cow<'_, str> {
    if let Some(stem) = name.strip_suffix("ies")
        && stem.len() > 1
    {
        return Cow::Owned(format!("{stem}y"));
    }
    match name.strip_suffix('s') {
        Some(stem) if stem.len() > 1 && !stem.ends_with('s') => Cow::Borrowed(stem),
        _ => Cow::Borrowed(name),
    }
}

/// A numeric id in RingCentral's style: ten to twelve digits, no leading zero.
pub(crate) fn numeric_id(seed: u64) -> u64 {
    100_000_000_000 + seed % 899_999_999_999
}

/// A deterministic UUID (version 4 layout) from a seed.
pub(crate) fn uuid(seed: u64) -> String {
    let a = super::synth::mix(seed);
    let b = super::synth::mix(a);
    let bytes: Vec<u8> = a
        .to_be_bytes()
        .into_iter()
        .chain(b.to_be_bytes())
        .enumerate()
        .map(|(i, byte)| match i {
            6 => (byte & 0x0f) | 0x40,
            8 => (byte & 0x3f) | 0x80,
            _ => byte,
        })
        .collect();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// An E.164 number in the 650-555 range reserved for fiction.
pub(crate) fn phone_number(seed: u64) -> String {
    format!("+1650555{:04}", seed % 10_000)
}

/// A URL path segment from a member name: `contentUri` -> `content-uri`. Only letters, digits and
/// dashes survive, so names taken from request data cannot break the URL.
fn segment_words(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('-');
        }
        if c == '_' || c == ' ' || c == '-' {
            out.push('-');
        } else if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        }
    }
    if out.is_empty() {
        "item".to_owned()
    } else {
        out
    }
}

/// Words of a camelCase name with the first capitalised: `phoneNumber` -> `Phone number`.
pub(crate) fn words(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if i == 0 {
            out.push(c.to_ascii_uppercase());
        } else if c.is_ascii_uppercase() {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else if c == '_' || c == '-' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// A timestamp a number of seconds after the base instant, as RingCentral writes them.
pub(crate) fn timestamp(offset_s: i64) -> String {
    chrono::DateTime::from_timestamp(BASE_TIME + offset_s, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_else(|| "2025-01-15T09:30:00.000Z".to_owned())
}

fn time_offset(name: &str, index: usize) -> i64 {
    let n = lower(name);
    let day = 86_400;
    let base = -(index as i64) * day;
    if n.contains("modified") || n.contains("updat") || n.contains("changed") || n.contains("last")
    {
        base + 3_600
    } else if n.contains("expir") || n.contains("end") || n.contains("till") || n.contains("to") {
        base + 7 * day
    } else {
        base
    }
}

fn is_timeish(n: &str) -> bool {
    n.ends_with("time")
        || n.ends_with("date")
        || n.ends_with("timestamp")
        || n.ends_with("edat")
        || n.ends_with("esat")
        || n == "created"
        || n == "lastmodified"
        || n.ends_with("since")
        || n.ends_with("until")
}

/// An id as a URL path segment: ids echoed from requests may hold anything.
fn id_segment(id: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(id, KEEP).to_string()
}

fn uri_for(place: &Place<'_>) -> String {
    let base = place.base_url.trim_end_matches('/');
    let path = place.path;
    let n = place.name;
    let encoded = place.sibling_id.map(id_segment);
    let place = &Place {
        sibling_id: encoded.as_deref(),
        ..*place
    };
    let is_plain_uri = n == "uri" || n == "url" || n == "href" || n == "link";
    if is_plain_uri {
        if place.top && !place.creates {
            return format!("{base}{path}");
        }
        if let Some(id) = place.sibling_id {
            // Some ids are URLs themselves: the resource's address is its id.
            if let Some(raw) = place_id_url(id) {
                return raw;
            }
            if place.in_record || place.top {
                return format!("{base}{path}/{id}");
            }
            return match place.parent.map(lower).as_deref() {
                Some("account") => format!("{base}/restapi/v1.0/account/{id}"),
                Some("extension") | Some("owner") | Some("user") => {
                    format!("{base}/restapi/v1.0/account/~/extension/{id}")
                }
                Some(p) => format!("{base}{path}/{}/{id}", segment_words(p)),
                None => format!("{base}{path}/{id}"),
            };
        }
        return match place.parent {
            Some(p) => format!("{base}{path}/{}", segment_words(p)),
            None => format!("{base}{path}"),
        };
    }
    // `contentUri` -> .../content, `avatarUrl` -> .../avatar.
    let stem = ["Uri", "Url", "URL", "URI", "Href", "Link"]
        .iter()
        .find_map(|s| n.strip_suffix(s))
        .unwrap_or(n);
    let tail = segment_words(stem);
    match place.sibling_id {
        Some(id) if place.in_record && !id.contains("%3A%2F%2F") => {
            format!("{base}{path}/{id}/{tail}")
        }
        _ => format!("{base}{path}/{tail}"),
    }
}

/// The URL an encoded id stands for, when the id is itself a URL (`http%3A%2F%2F...`).
fn place_id_url(encoded: &str) -> Option<String> {
    if !encoded.contains("%3A%2F%2F") {
        return None;
    }
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

fn is_uri_name(n: &str) -> bool {
    let l = lower(n);
    l == "uri"
        || l == "url"
        || l == "href"
        || l == "link"
        || n.ends_with("Uri")
        || n.ends_with("Url")
        || n.ends_with("URL")
        || n.ends_with("URI")
        || n.ends_with("Href")
}

fn is_id_name(n: &str) -> bool {
    n == "id" || n == "ID" || n.ends_with("Id") || n.ends_with("ID") || n.ends_with("_id")
}

/// The member of an enumeration that names what the operation is about, for `type` members: the
/// fax operation answers a message of type `Fax`, the company pager one of type `Pager`. RingCentral
/// files MMS as `SMS`.
pub(crate) fn noun_option<'v>(
    options: &'v [serde_json::Value],
    noun: &str,
) -> Option<&'v serde_json::Value> {
    let noun = lower(noun);
    let last = noun.rsplit(' ').next().unwrap_or_default().to_owned();
    let alias = match noun.as_str() {
        "mms" => Some("sms"),
        _ => None,
    };
    options.iter().find(|o| {
        o.as_str().is_some_and(|s| {
            let s = lower(s);
            s == noun || s == last || alias == Some(s.as_str())
        })
    })
}

/// Values that identify or locate things: they beat the spec's examples, because examples would
/// repeat one id across records and point URIs at RingCentral's production servers.
pub(crate) fn identity_string(place: &Place<'_>) -> Option<String> {
    let n = place.name;
    if is_uri_name(n) {
        return Some(uri_for(place));
    }
    if is_id_name(n) {
        return Some(numeric_id(place.seed).to_string());
    }
    None
}

/// Values by name for everything else: people, contact details, times, places, text.
pub(crate) fn named_string(place: &Place<'_>) -> Option<String> {
    let n = lower(place.name);
    let n = n.as_str();
    let person = || format!("{} {}", first_name(place), last_name(place));
    let email = || {
        format!(
            "{}.{}@example.com",
            lower(first_name(place)),
            lower(last_name(place))
        )
    };
    Some(match n {
        _ if n.contains("email") || n == "username" || n == "login" => email(),
        "firstname" | "givenname" => first_name(place).to_owned(),
        "lastname" | "familyname" | "surname" => last_name(place).to_owned(),
        "middlename" => String::new(),
        "name" | "displayname" | "fullname" | "formatted" | "nickname" => {
            let parent = place.parent.map(singular);
            let parent = parent.as_deref();
            let about_record = parent.is_none() || parent == Some("record");
            let parent_lower = parent.map(lower).unwrap_or_default();
            if person_context(parent) || about_record && person_context(Some(place.noun)) {
                person()
            } else if parent_lower.ends_with("country") {
                "United States".to_owned()
            } else if parent_lower.ends_with("timezone") {
                "America/Los_Angeles".to_owned()
            } else if parent_lower.ends_with("language") || parent_lower.ends_with("locale") {
                "English (United States)".to_owned()
            } else {
                let what = if about_record {
                    place.noun
                } else {
                    parent.unwrap_or(place.noun)
                };
                format!("{} {}", words(what), place.index + 1)
            }
        }
        "contenttype" | "mimetype" | "mediatype" => {
            let context = format!(
                "{} {}",
                place.parent.map(lower).unwrap_or_default(),
                lower(place.noun)
            );
            if context.contains("image") || context.contains("avatar") || context.contains("photo")
            {
                "image/png".to_owned()
            } else if ["audio", "prompt", "greeting", "recording", "voicemail"]
                .iter()
                .any(|w| context.contains(w))
            {
                "audio/mpeg".to_owned()
            } else if context.contains("fax") {
                "application/pdf".to_owned()
            } else {
                "text/plain".to_owned()
            }
        }
        "etag" => format!("{:016x}", place.seed),
        "callingcode" => "1".to_owned(),
        _ if n == "phone" || n == "fax" || n.contains("phonenumber") || n.ends_with("phone") => {
            phone_number(place.seed)
        }
        "extensionnumber" | "shortnumber" | "pin" => format!("{}", 101 + place.index),
        "company" | "companyname" | "organization" => "Example Corp".to_owned(),
        "jobtitle" | "title" if person_context(place.parent) => "Engineer".to_owned(),
        "department" => "Engineering".to_owned(),
        "street" | "street1" | "streetaddress" => "20 Davis Drive".to_owned(),
        "street2" => "Suite 100".to_owned(),
        "city" => "Belmont".to_owned(),
        "state" | "statename" | "region" => "CA".to_owned(),
        "zip" | "zipcode" | "postalcode" => "94002".to_owned(),
        "country" | "countryname" => "United States".to_owned(),
        "isocode" | "countrycode" | "countryisocode" | "homecountry" => "US".to_owned(),
        "currency" | "currencycode" => "USD".to_owned(),
        "timezone" | "timezonename" => "America/Los_Angeles".to_owned(),
        "locale" | "localecode" | "language" | "languagecode" | "uilocale" => "en-US".to_owned(),
        "version" | "apiversion" => "1.0".to_owned(),
        "ipaddress" | "ip" | "publicip" | "privateip" => "192.0.2.10".to_owned(),
        "bssid" | "macaddress" | "mac" => "00:1a:2b:3c:4d:5e".to_owned(),
        "domain" => "example.com".to_owned(),
        "color" => "#0684bd".to_owned(),
        _ if n.contains("token") || n.contains("secret") || n.contains("password") => {
            format!("{:016x}{:016x}", place.seed, super::synth::mix(place.seed))
        }
        _ if is_timeish(n) => timestamp(time_offset(place.name, place.index)),
        _ if n.ends_with("number") || n.ends_with("code") => {
            format!("{}", 1000 + place.seed % 9000)
        }
        "text" | "subject" | "message" | "body" | "description" | "note" | "notes" | "comment"
        | "title" | "summary" | "caption" | "label" => {
            format!("{} {} for the sandbox", words(place.noun), place.index + 1)
        }
        _ => return None,
    })
}

/// A value for a string `format`.
pub(crate) fn format_string(format: &str, place: &Place<'_>) -> Option<String> {
    Some(match format {
        "date-time" => timestamp(time_offset(place.name, place.index)),
        "date" => timestamp(time_offset(place.name, place.index))
            .get(..10)
            .map(str::to_owned)
            .unwrap_or_else(|| "2025-01-15".to_owned()),
        "time" => "09:30:00Z".to_owned(),
        "email" | "idn-email" => format!(
            "{}.{}@example.com",
            lower(first_name(place)),
            lower(last_name(place))
        ),
        "uri" | "iri" | "uri-reference" | "iri-reference" | "url" if is_id_name(place.name) => {
            let segment = place.parent.map(|p| segment_words(&singular(p)));
            format!(
                "{}{}/{}/{}",
                place.base_url.trim_end_matches('/'),
                place.path,
                segment.unwrap_or_else(|| "item".to_owned()),
                numeric_id(place.seed)
            )
        }
        "uri" | "iri" | "uri-reference" | "iri-reference" | "url" => {
            let mut p = *place;
            if !is_uri_name(p.name) {
                p.name = "uri";
            }
            uri_for(&p)
        }
        "uuid" => uuid(place.seed),
        "ipv4" => "192.0.2.10".to_owned(),
        "ipv6" => "2001:db8::10".to_owned(),
        "hostname" | "idn-hostname" => "sandbox.example.com".to_owned(),
        "byte" => "c2FuZGJveA==".to_owned(),
        "binary" => "sandbox".to_owned(),
        "password" => format!("{:016x}", place.seed),
        _ => return None,
    })
}

/// Integers by name.
pub(crate) fn named_integer(place: &Place<'_>) -> Option<i64> {
    let n = lower(place.name);
    let n = n.as_str();
    Some(match n {
        "id" => (numeric_id(place.seed) % 9_000_000_000_000) as i64,
        _ if is_id_name(place.name) => (numeric_id(place.seed) % 9_000_000_000_000) as i64,
        "page" | "pagenumber" | "startindex" => 1,
        "perpage" | "pagesize" | "count" | "itemsperpage" => 100,
        "expiresin" | "expires_in" => 3600,
        "refresh_token_expires_in" => 604_800,
        "port" => 5060,
        "year" => 2025,
        "month" => 1,
        "day" => 15,
        "priority" | "order" | "position" | "rank" => 1 + place.index as i64,
        _ if n.contains("duration") || n.ends_with("seconds") || n.ends_with("timeout") => {
            let seconds = 60 + 17 * place.index as i64;
            if n.ends_with("ms") || n.ends_with("millis") {
                seconds * 1000
            } else {
                seconds
            }
        }
        _ if n.ends_with("size") || n.ends_with("bytes") => 1024,
        _ if n.starts_with("total") || n.ends_with("count") || n.starts_with("number") => {
            1 + (place.seed % 3) as i64
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(name: &str) -> Place<'_> {
        Place {
            name,
            parent: None,
            index: 0,
            seed: 42,
            persona: 7,
            base_url: "http://127.0.0.1:9000",
            path: "/restapi/v1.0/account/~/extension/~/address-book/contact",
            noun: "contact",
            sibling_id: Some("100000000042"),
            top: false,
            in_record: true,
            creates: false,
        }
    }

    #[test]
    fn uris_are_absolute_on_the_sandbox() {
        let uri = identity_string(&place("uri"));
        assert_eq!(
            uri.as_deref(),
            Some(
                "http://127.0.0.1:9000/restapi/v1.0/account/~/extension/~/address-book/contact/100000000042"
            )
        );
        let content = identity_string(&place("contentUri"));
        assert!(content.is_some_and(|u| u.ends_with("/100000000042/content")));
    }

    #[test]
    fn contact_details_look_real() {
        assert!(
            named_string(&place("phoneNumber"))
                .is_some_and(|p| p.starts_with("+1650555") && p.len() == 12)
        );
        assert!(named_string(&place("email")).is_some_and(|e| e.ends_with("@example.com")));
        assert!(named_string(&place("creationTime")).is_some_and(|t| t.starts_with("2025-01-15T")));
        let name = named_string(&place("name"));
        assert!(
            name.is_some_and(|n| n.contains(' ')),
            "people get full names"
        );
    }

    #[test]
    fn uuids_have_the_version_4_layout() {
        let u = uuid(7);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_ne!(uuid(7), uuid(8));
    }
}
