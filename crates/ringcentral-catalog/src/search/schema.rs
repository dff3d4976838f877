//! Reading the generated JSON Schemas just far enough for search: the names of an object's
//! top-level properties, through `$ref`s into the shared definitions and `allOf`/`oneOf`/`anyOf`
//! compositions, without parsing the whole document.

use ringcentral_api::def;

/// Calls `f` with the name and raw schema of each top-level property of the object `schema`
/// describes. `depth` bounds how many `$ref`s and compositions are followed.
pub fn properties<'a>(schema: &'a str, depth: u8, f: &mut impl FnMut(&'a str, &'a str)) {
    for (key, value) in entries(schema) {
        match key {
            "properties" => {
                for (name, property) in entries(value) {
                    f(name, property);
                }
            }
            "$ref" if depth > 0 => {
                if let Some(found) = reference(value) {
                    properties(found, depth - 1, f);
                }
            }
            "allOf" | "oneOf" | "anyOf" if depth > 0 => {
                for item in elements(value) {
                    properties(item, depth - 1, f);
                }
            }
            _ => {}
        }
    }
}

/// Calls `f` with the name of each top-level property of the object `schema` describes that takes
/// one of a list of values, and those values (as raw JSON strings, quotes included).
pub fn enumerations(schema: &str, depth: u8, f: &mut impl FnMut(&str, &[&str])) {
    for (key, value) in entries(schema) {
        match key {
            "properties" => {
                for (name, property) in entries(value) {
                    if let Some(values) = enumeration(property, 1) {
                        f(name, &values);
                    }
                }
            }
            "$ref" if depth > 0 => {
                if let Some(found) = reference(value) {
                    enumerations(found, depth - 1, f);
                }
            }
            "allOf" | "oneOf" | "anyOf" if depth > 0 => {
                for item in elements(value) {
                    enumerations(item, depth - 1, f);
                }
            }
            _ => {}
        }
    }
}

/// The values of an enumeration schema, itself or through a `$ref`.
fn enumeration(schema: &str, depth: u8) -> Option<Vec<&str>> {
    // Most properties are neither: looking for the two keys is cheaper than reading them.
    if !schema.contains("\"enum\"") && !schema.contains("\"$ref\"") {
        return None;
    }
    for (key, value) in entries(schema) {
        match key {
            "enum" => return Some(elements(value).collect()),
            "$ref" if depth > 0 => {
                return reference(value)
                    // Most definitions are objects; looking for a list of values in them is
                    // cheaper than reading them.
                    .filter(|s| s.contains("\"enum\""))
                    .and_then(|s| enumeration(s, depth - 1));
            }
            _ => {}
        }
    }
    None
}

/// The name of the definition `schema` only refers to (`{"$ref":"#/$defs/NAME"}`), if that is all
/// it says.
pub fn reference_name(schema: &str) -> Option<&str> {
    let name = schema
        .strip_prefix("{\"$ref\":\"#/$defs/")?
        .strip_suffix("\"}")?;
    (!name.contains('"')).then_some(name)
}

/// The definition `schema` only refers to, or `schema` itself when it says more than that.
pub fn resolve(schema: &'static str) -> &'static str {
    let mut members = entries(schema);
    match (members.next(), members.next()) {
        (Some(("$ref", target)), None) => reference(target).unwrap_or(schema),
        _ => schema,
    }
}

/// The text of the string member `key` of the JSON object `json` (a schema's own "title" or
/// "description", not its properties'), if it has one; the other members are skipped unread.
pub fn text_member(json: &str, key: &str) -> Option<String> {
    let (_, raw) = entries(json).find(|(k, _)| *k == key)?;
    serde_json::from_str(raw).ok()
}

/// The schema a `$ref` value points at.
fn reference(value: &str) -> Option<&'static str> {
    value
        .trim_matches('"')
        .strip_prefix("#/$defs/")
        .and_then(def)
        .map(|d| d.schema)
}

/// The key and raw value of each member of the JSON object `json`; nothing when it is not an
/// object. Keys with escapes are passed through raw: property names never need them.
fn entries(json: &str) -> impl Iterator<Item = (&str, &str)> {
    let bytes = json.as_bytes();
    let mut i = usize::from(bytes.first() == Some(&b'{'));
    let object = i == 1;
    std::iter::from_fn(move || {
        if !object {
            return None;
        }
        i = skip_space(bytes, i);
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = skip_value(bytes, i)?;
        let key = json.get(i + 1..key_end - 1)?;
        i = skip_space(bytes, key_end);
        if bytes.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_space(bytes, i + 1);
        let end = skip_value(bytes, start)?;
        let value = json.get(start..end)?;
        i = skip_space(bytes, end);
        if bytes.get(i) == Some(&b',') {
            i += 1;
        }
        Some((key, value))
    })
}

/// The raw elements of the JSON array `json`; nothing when it is not an array.
fn elements(json: &str) -> impl Iterator<Item = &str> {
    let bytes = json.as_bytes();
    let mut i = usize::from(bytes.first() == Some(&b'['));
    let array = i == 1;
    std::iter::from_fn(move || {
        if !array {
            return None;
        }
        let start = skip_space(bytes, i);
        if matches!(bytes.get(start), None | Some(b']')) {
            return None;
        }
        let end = skip_value(bytes, start)?;
        i = skip_space(bytes, end);
        if bytes.get(i) == Some(&b',') {
            i += 1;
        }
        json.get(start..end)
    })
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The end of the JSON value that starts at `start`, or `None` when the text ends first.
fn skip_value(bytes: &[u8], start: usize) -> Option<usize> {
    match *bytes.get(start)? {
        b'"' => skip_string(bytes, start),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            loop {
                match *bytes.get(i)? {
                    b'"' => i = skip_string(bytes, i)?,
                    b'{' | b'[' => {
                        depth += 1;
                        i += 1;
                    }
                    b'}' | b']' => {
                        depth -= 1;
                        i += 1;
                        if depth == 0 {
                            return Some(i);
                        }
                    }
                    _ => i += 1,
                }
            }
        }
        // A number, `true`, `false` or `null`.
        _ => {
            let len = bytes[start..]
                .iter()
                .position(|b| matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace())
                .unwrap_or(bytes.len() - start);
            (len > 0).then_some(start + len)
        }
    }
}

/// The end of the JSON string that starts at `start`.
fn skip_string(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        i += bytes
            .get(i..)?
            .iter()
            .position(|b| matches!(b, b'"' | b'\\'))?;
        if bytes[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(schema: &str) -> Vec<String> {
        let mut out = Vec::new();
        properties(schema, 2, &mut |n, _| out.push(n.to_string()));
        out
    }

    #[test]
    fn top_level_properties_are_read() {
        let schema = r#"{"type":"object","properties":{"id":{"type":"string","description":"a \"quoted\" {brace"},"tags":{"type":"array","items":{"type":"string"}},"count":{"type":"integer","minimum":1}}}"#;
        assert_eq!(names(schema), ["id", "tags", "count"]);
        let composed =
            r#"{"allOf":[{"properties":{"a":{}}},{"type":"object","properties":{"b":true}}]}"#;
        assert_eq!(names(composed), ["a", "b"]);
    }

    #[test]
    fn enumerated_properties_give_their_values() {
        let schema = r#"{"type":"object","properties":{"type":{"type":"string","enum":["Voicemail","HoldMusic"]},"name":{"type":"string"}}}"#;
        let mut found = Vec::new();
        enumerations(schema, 2, &mut |name, values| {
            found.push((name.to_string(), values.join(" ")));
        });
        assert_eq!(
            found,
            [("type".to_string(), r#""Voicemail" "HoldMusic""#.to_string())]
        );
    }

    #[test]
    fn references_reach_definitions() {
        let found = names(r##"{"$ref":"#/$defs/GetExtensionInfoResponse"}"##);
        assert!(found.iter().any(|n| n == "contact"), "{found:?}");
        assert!(names(r##"{"$ref":"#/$defs/NoSuchDefinition"}"##).is_empty());
    }

    #[test]
    fn a_bare_reference_is_named() {
        assert_eq!(
            reference_name(r##"{"$ref":"#/$defs/ContactInfo"}"##),
            Some("ContactInfo")
        );
        assert_eq!(
            reference_name(r##"{"$ref":"#/$defs/A","description":"x"}"##),
            None
        );
        assert_eq!(reference_name(r#"{"type":"string"}"#), None);
    }

    #[test]
    fn a_bare_reference_resolves_to_its_definition() {
        let resolved = resolve(r##"{"$ref":"#/$defs/GetExtensionInfoResponse"}"##);
        assert!(resolved.contains("\"contact\""));
        let inline = r#"{"type":"string"}"#;
        assert_eq!(resolve(inline), inline);
    }

    #[test]
    fn broken_text_yields_what_it_can() {
        for text in [
            "",
            "{",
            "{\"",
            "{\"properties\":{\"a\":",
            "[",
            "{\"allOf\":[",
            "nul",
        ] {
            let _ = names(text);
        }
        assert!(names(r#"{"properties":{"a":1,"b":"#).is_empty());
        assert_eq!(names(r#"{"properties":{"a":1,"b":null},"x":"#), ["a", "b"]);
    }
}
