//! A string that matches a `pattern`, for the rare patterned property without a usable example:
//! walks the regular expression's syntax tree and takes the first alternative, a small number of
//! repetitions and a readable character from each class.
//!
//! Patterns the `regex-syntax` parser does not accept (look-around, for one) give `None`; the
//! caller then falls back to other candidates.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Bounds the output of nested repetitions.
const MAX_LEN: usize = 256;

/// A string matching `pattern`, varied by `seed`.
pub(crate) fn sample(pattern: &str, seed: u64) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(true)
        .utf8(true)
        .build()
        .parse(pattern)
        .ok()?;
    let mut out = String::new();
    let mut state = seed;
    emit(&hir, &mut out, &mut state).then_some(out)
}

fn emit(hir: &Hir, out: &mut String, state: &mut u64) -> bool {
    if out.len() > MAX_LEN {
        return false;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(s) => {
                out.push_str(s);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(class) => match pick(class, state) {
            Some(c) => {
                out.push(c);
                true
            }
            None => false,
        },
        HirKind::Repetition(rep) => {
            let wanted = rep.min.max(1);
            let times = rep.max.map_or(wanted, |max| wanted.min(max));
            (0..times).all(|_| emit(&rep.sub, out, state))
        }
        HirKind::Capture(cap) => emit(&cap.sub, out, state),
        HirKind::Concat(parts) => parts.iter().all(|p| emit(p, out, state)),
        HirKind::Alternation(alts) => alts.first().is_some_and(|a| emit(a, out, state)),
    }
}

/// A readable member of a class: letters and digits first, varied by the state.
fn pick(class: &Class, state: &mut u64) -> Option<char> {
    let mut readable = Vec::new();
    let mut first = None;
    match class {
        Class::Unicode(u) => {
            for range in u.iter() {
                first = first.or(Some(range.start()));
                let (lo, hi) = (range.start() as u32, range.end() as u32);
                for code in lo..=hi.min(lo + 64) {
                    if let Some(c) = char::from_u32(code)
                        && c.is_ascii_alphanumeric()
                    {
                        readable.push(c);
                    }
                }
            }
        }
        Class::Bytes(b) => {
            for range in b.iter() {
                first = first.or(Some(char::from(range.start())));
                for byte in range.start()..=range.end() {
                    if byte.is_ascii_alphanumeric() {
                        readable.push(char::from(byte));
                    }
                }
            }
        }
    }
    *state = super::synth::mix(*state);
    if readable.is_empty() {
        first
    } else {
        readable
            .get((*state % readable.len() as u64) as usize)
            .copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, s: &str) -> bool {
        super::super::check::conforms(
            &serde_json::json!({"pattern": pattern}),
            &serde_json::json!(s),
        )
    }

    #[test]
    fn samples_match_the_spec_patterns() {
        for p in [
            r"^\+[1-9]\d{1,14}$",
            r"^\d{3,8}$",
            r"^[1-9]\d{0,7}$",
            r"^((([0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01]))T(([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?))(Z|\+-:[0-5][0-9])?)$",
        ] {
            for seed in 0..5 {
                let s = sample(p, seed);
                assert!(s.as_deref().is_some_and(|s| matches(p, s)), "{p} -> {s:?}");
            }
        }
    }

    #[test]
    fn look_around_is_declined() {
        assert_eq!(sample(r#"^((?!(<|>|\/|\")).)*$"#, 1), None);
    }
}
