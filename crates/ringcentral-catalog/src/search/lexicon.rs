//! What the words of a request mean in RingCentral's vocabulary, read from the reviewed data files
//! under `vocab/`: stopwords, question words, phrases, verbs with their classes and the operations
//! they name, verbs whose class their object decides, weighted synonyms that bridge everyday words
//! ("text", "employee", "video call", "webhook") and the API's names ("sms", "extension",
//! "bridge", "subscription"), synonyms that hold only in context, words the API runs together
//! ("Caller ID"), and the small word lists the reading of a request relies on.
//!
//! The files are embedded at compile time and parsed once, at the first search of a process;
//! adding a synonym or a verb is one line of data. Tables hold plain words; the index stems them
//! once when it is built.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The kind of thing a request asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// Many records: list, all, every.
    List,
    /// One thing or its details: get, show, view, check.
    Read,
    Create,
    Update,
    Delete,
    /// Search with criteria.
    Search,
    /// Send something to someone (SMS, fax, email): a create that delivers.
    Send,
}

impl Verb {
    fn parse(word: &str) -> Option<Verb> {
        Some(match word {
            "list" => Verb::List,
            "read" => Verb::Read,
            "create" => Verb::Create,
            "update" => Verb::Update,
            "delete" => Verb::Delete,
            "search" => Verb::Search,
            "send" => Verb::Send,
            _ => return None,
        })
    }
}

/// A verb of requests and the class of action it asks for (see `[verbs]` in `vocab/verbs.tsv`).
pub struct VerbWord {
    pub word: &'static str,
    pub verb: Verb,
    /// A verb wherever it appears, not a noun too.
    pub pure: bool,
    /// The API's word for the operation it asks for, when it names one.
    pub action: Option<&'static str>,
    /// It names one kind of operation rather than a whole class.
    pub specific: bool,
}

/// Words a word reaches, each with how strongly.
pub type Expansions = Vec<(&'static str, f32)>;

const FILES: &[(&str, &str)] = &[
    ("frames.tsv", include_str!("vocab/frames.tsv")),
    ("verbs.tsv", include_str!("vocab/verbs.tsv")),
    ("synonyms.tsv", include_str!("vocab/synonyms.tsv")),
    ("words.tsv", include_str!("vocab/words.tsv")),
];

/// Every table of the vocabulary, as read from the data files.
#[derive(Default)]
pub struct Lexicon {
    lists: HashMap<&'static str, Vec<&'static str>>,
    pairs: HashMap<&'static str, Vec<(&'static str, &'static str)>>,
    pub compounds: Vec<(&'static str, &'static str, &'static str)>,
    pub verbs: Vec<VerbWord>,
    pub verb_by_object: Vec<(&'static str, Vec<&'static str>, Verb)>,
    pub action_by_object: Vec<(&'static str, Vec<&'static str>, &'static str)>,
    pub separable: Vec<(&'static str, Vec<&'static str>)>,
    pub synonyms: Vec<(&'static str, Expansions)>,
    pub in_context: Vec<(&'static str, Vec<&'static str>, Expansions)>,
    /// Lines that could not be read, as "file:line: why"; a test keeps this empty.
    pub problems: Vec<String>,
}

/// Sections whose entries are one word or phrase a line.
const LISTS: &[&str] = &[
    "asking",
    "labels",
    "wanting",
    "questions",
    "state_setters",
    "verbs_only",
    "membership_verbs",
    "stopwords",
    "mine",
    "company_wide",
    "counting",
    "people",
    "collections",
    "holding_many",
    "whereabouts",
    "permission",
    "callees",
    "numberless",
    "counted",
    "phrase_ends",
    "determiners",
    "many",
    "few",
    "prepositions",
    "generic_heads",
    "pronouns",
    "weak",
    "name_noise",
];

/// Sections whose entries are two fields: a word or phrase and what it stands for.
const PAIRS: &[&str] = &["phrases", "states", "acronyms", "kind_names"];

impl Lexicon {
    /// Reads data files of the `vocab/` format; lines it cannot read go to `problems`.
    pub fn parse(files: &[(&str, &'static str)]) -> Lexicon {
        let mut lexicon = Lexicon::default();
        for (file, text) in files {
            let mut section = "";
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                    section = name;
                    continue;
                }
                if let Err(why) = lexicon.add(section, line) {
                    lexicon.problems.push(format!("{file}:{}: {why}", n + 1));
                }
            }
        }
        lexicon
    }

    fn add(&mut self, section: &'static str, line: &'static str) -> Result<(), String> {
        let fields: Vec<&'static str> = line.split('\t').collect();
        let want = |n: usize| {
            if fields.len() == n {
                Ok(())
            } else {
                Err(format!(
                    "[{section}] wants {n} fields, found {}",
                    fields.len()
                ))
            }
        };
        if LISTS.contains(&section) {
            want(1)?;
            self.lists.entry(section).or_default().push(fields[0]);
            return Ok(());
        }
        if PAIRS.contains(&section) {
            want(2)?;
            self.pairs
                .entry(section)
                .or_default()
                .push((fields[0], fields[1]));
            return Ok(());
        }
        match section {
            "compounds" => {
                want(3)?;
                self.compounds.push((fields[0], fields[1], fields[2]));
            }
            "verbs" => {
                want(5)?;
                let pure = match fields[2] {
                    "verb" => true,
                    "also-noun" => false,
                    other => return Err(format!("'{other}' is neither verb nor also-noun")),
                };
                let action = (fields[3] != "-").then_some(fields[3]);
                let specific = match fields[4] {
                    "class" | "prefers" => false,
                    "names" => true,
                    other => return Err(format!("'{other}' is not class, names or prefers")),
                };
                if fields[4] == "class" && action.is_some() {
                    return Err("a class verb names no API word".into());
                }
                self.verbs.push(VerbWord {
                    word: fields[0],
                    verb: verb(fields[1])?,
                    pure,
                    action,
                    specific,
                });
            }
            "verb_by_object" => {
                want(3)?;
                self.verb_by_object
                    .push((fields[0], words(fields[1]), verb(fields[2])?));
            }
            "action_by_object" => {
                want(3)?;
                self.action_by_object
                    .push((fields[0], words(fields[1]), fields[2]));
            }
            "separable" => {
                want(2)?;
                self.separable.push((fields[0], words(fields[1])));
            }
            "synonyms" => {
                want(2)?;
                self.synonyms.push((fields[0], expansions(fields[1])?));
            }
            "in_context" => {
                want(3)?;
                self.in_context
                    .push((fields[0], words(fields[1]), expansions(fields[2])?));
            }
            "" => return Err("an entry before any [section]".into()),
            other => return Err(format!("no section [{other}]")),
        }
        Ok(())
    }

    /// A list section's entries (empty for a name no file has).
    pub fn list(&'static self, section: &str) -> &'static [&'static str] {
        self.lists.get(section).map_or(&[], Vec::as_slice)
    }

    /// A pair section's entries (empty for a name no file has).
    pub fn pairs(&'static self, section: &str) -> &'static [(&'static str, &'static str)] {
        self.pairs.get(section).map_or(&[], Vec::as_slice)
    }
}

fn verb(word: &str) -> Result<Verb, String> {
    Verb::parse(word).ok_or_else(|| format!("'{word}' is no verb class"))
}

fn words(field: &'static str) -> Vec<&'static str> {
    field.split_whitespace().collect()
}

fn expansions(field: &'static str) -> Result<Expansions, String> {
    field
        .split_whitespace()
        .map(|item| {
            let (word, weight) = item
                .split_once(':')
                .ok_or_else(|| format!("'{item}' is not word:weight"))?;
            let weight: f32 = weight
                .parse()
                .map_err(|_| format!("'{weight}' is not a weight"))?;
            Ok((word, weight))
        })
        .collect()
}

/// The vocabulary, read at its first use.
pub fn get() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| Lexicon::parse(FILES))
}

macro_rules! lists {
    ($($name:ident),* $(,)?) => {$(
        pub fn $name() -> &'static [&'static str] {
            get().list(stringify!($name))
        }
    )*};
}

macro_rules! pairs {
    ($($name:ident),* $(,)?) => {$(
        pub fn $name() -> &'static [(&'static str, &'static str)] {
            get().pairs(stringify!($name))
        }
    )*};
}

lists!(
    asking,
    labels,
    wanting,
    questions,
    state_setters,
    verbs_only,
    membership_verbs,
    stopwords,
    mine,
    company_wide,
    counting,
    people,
    collections,
    holding_many,
    whereabouts,
    permission,
    callees,
    numberless,
    counted,
    phrase_ends,
    determiners,
    many,
    few,
    prepositions,
    generic_heads,
    weak,
    name_noise,
    pronouns,
);

pairs!(phrases, states, acronyms, kind_names);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_vocabulary_is_read() {
        let lexicon = get();
        assert!(lexicon.problems.is_empty(), "{:#?}", lexicon.problems);
        for section in LISTS {
            assert!(!lexicon.list(section).is_empty(), "[{section}] is empty");
        }
        for section in PAIRS {
            assert!(!lexicon.pairs(section).is_empty(), "[{section}] is empty");
        }
        assert!(lexicon.verbs.len() > 100);
        assert!(lexicon.synonyms.len() > 100);
    }

    #[test]
    fn a_synonym_is_one_line() {
        let lexicon = Lexicon::parse(&[(
            "test.tsv",
            "[synonyms]\n# why\nvm\tvoicemail:1.0 message:0.5\n",
        )]);
        assert!(lexicon.problems.is_empty());
        assert_eq!(
            lexicon.synonyms,
            vec![("vm", vec![("voicemail", 1.0), ("message", 0.5)])]
        );
    }

    #[test]
    fn bad_lines_are_reported_with_their_place() {
        let lexicon = Lexicon::parse(&[(
            "test.tsv",
            "[verbs]\nzap\tzap\tverb\t-\tclass\n[nowhere]\nx\n[synonyms]\nvm\tvoicemail\n",
        )]);
        assert_eq!(lexicon.problems.len(), 3, "{:?}", lexicon.problems);
        assert!(lexicon.problems[0].starts_with("test.tsv:2:"));
        assert!(lexicon.problems[2].contains("word:weight"));
    }
}
