//! The numeric weights of the search, read from `weights.tsv`: how strongly each part of an
//! action's description counts when the index is built, and how the named signals of a score add
//! up. The file is written by `cargo xtask fit-search`, which fits the weights on the training
//! sets; an `Index` can also be built with weights of one's own (`Index::with_weights`).

macro_rules! weights {
    ($($(#[doc = $doc:literal])* $name:ident = $default:literal,)*) => {
        /// Every numeric weight of the search.
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct Weights {
            $($(#[doc = $doc])* pub $name: f32,)*
        }

        impl Weights {
            /// The names of the weights, in the order of the file.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The weights the search was designed with, before any fit.
            pub const DESIGNED: Weights = Weights { $($name: $default,)* };

            /// The weight called `name`.
            pub fn get(&self, name: &str) -> Option<f32> {
                match name {
                    $(stringify!($name) => Some(self.$name),)*
                    _ => None,
                }
            }

            /// Sets the weight called `name`; false if there is none.
            pub fn set(&mut self, name: &str, value: f32) -> bool {
                match name {
                    $(stringify!($name) => self.$name = value,)*
                    _ => return false,
                }
                true
            }
        }
    };
}

weights! {
    /// A word of an action's name.
    name = 1.0,
    /// A word of one of its tags.
    tag = 0.7,
    /// A word of its path.
    path = 0.6,
    /// A word of the lead sentence of its description.
    lead = 0.5,
    /// A word of the rest of its description, parameters and body fields.
    extra = 0.3,
    /// A top-level field of its answer.
    response = 0.35,
    /// A field of a field of its answer.
    nested = 0.15,
    /// A value a parameter takes.
    enumeration = 0.3,
    /// A word the API guides use about the action, at most (a guide naming several actions
    /// gives each a share).
    guide = 0.2,
    /// A word of the group the spec files one of its tags under ("Voice", "SMS and Fax").
    tag_group = 0.04,
    /// A word of the spec's description of one of its tags.
    tag_description = 0.1,
    /// A word of the title or own description of the schema of its request body or answer.
    schema_text = 0.1,
    /// A kind of record a type parameter names.
    kind = 0.7,
    /// A kind of record a type field of the body names.
    body_kind = 0.5,
    /// How much a mention outside an action's name, tags and path counts towards how common a word is.
    passing_mention = 0.2,
    /// How much a word that qualifies what a request is about counts ("calls *from a number*").
    qualifier = 0.75,
    /// How much a word that says whose records (the company's) counts as what they are.
    scope_word = 0.7,
    /// How much a word that says what a permission allows counts.
    permitted = 0.3,
    /// How much a word that names no API concept counts, relative to one that does.
    non_concept = 0.25,
    /// Signal: the share of the request's words the action has.
    recall = 3.0,
    /// Signal: the share of the action's name the request explains.
    precision = 0.8,
    /// Signal: how well the action's verb fits the request's.
    verb = 0.9,
    /// Signal: the action's name is headed by what the request is about.
    head = 0.2,
    /// Signal: the action is the user's or the company's, as the request asks.
    scope = 0.3,
    /// Signal: the action is on one record or many, as the request asks.
    number = 0.25,
    /// How well an operation of the right class fits a verb that names another operation.
    named_action_fit = 0.85,
    /// Signal: an action on one record for a request that names one by its id.
    named = 0.35,
    /// Signal: records held by the one the request names ("members *of group 4*").
    holder = 0.6,
    /// Signal: an action on many records for a request about many, or against one about one.
    bulk = 0.4,
    /// Penalty: a deprecated action when a current one does the same.
    deprecated = 0.35,
    /// Penalty: an action on past records for a request that does not speak of the past.
    historical = 0.1,
    /// Penalty: an action on one live call for a request about calls in general.
    live_call = 0.5,
    /// Penalty: nothing of the action's name is in the request.
    unnamed = 0.4,
    /// Penalty: right verb, wrong thing.
    off_object = 1.0,
    /// The most a verb's rarity counts.
    verb_idf_cap = 2.0,
    /// The share of a word's best score an action must reach to be about that word.
    object_presence = 0.3,
    /// How rare a kind's words are when the API uses none of them elsewhere.
    kind_idf = 3.0,
    /// How much an operation about a request's qualifier rather than its head loses, in heads.
    inverted_head = 2.0,
    /// How much the field of a record counts, next to the record ("a contact's *phone number*").
    field = 0.6,
    /// How much a person named by name counts as a user.
    named_person = 0.8,
    /// How well reading the one record of a thing fits a request to list it, when no list is
    /// named by it.
    unlisted_read = 0.8,
    /// How well a computation fits a request to read its result.
    computed_read = 0.5,
    /// How much calls in general, to be listed, count as their log.
    calls_as_log = 0.6,
    /// How much a kind counts beside the words that name it.
    kind_beside = 0.5,
}

impl Weights {
    /// Reads the `name<TAB>value` lines of a weights file; `#` lines are comments, and a weight
    /// the file does not name keeps its designed value.
    pub fn parse(text: &str) -> Result<Weights, String> {
        let mut weights = Weights::DESIGNED;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (name, value) = line
                .split_once('\t')
                .ok_or_else(|| format!("line {}: want name<TAB>value", n + 1))?;
            let value: f32 = value
                .trim()
                .parse()
                .map_err(|_| format!("line {}: '{}' is not a number", n + 1, value.trim()))?;
            if !value.is_finite() {
                return Err(format!("line {}: {name} is not finite", n + 1));
            }
            if !weights.set(name.trim(), value) {
                return Err(format!("line {}: no weight '{}'", n + 1, name.trim()));
            }
        }
        Ok(weights)
    }

    /// The weights as a weights file, after `header` (comment lines).
    pub fn to_tsv(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
        for name in Weights::NAMES {
            let value = self.get(name).unwrap_or_default();
            out.push_str(&format!("{name}\t{value}\n"));
        }
        out
    }

    /// The weights of `weights.tsv`, the designed ones where it cannot be read (a test keeps it
    /// readable).
    pub fn fitted() -> Weights {
        Weights::parse(FILE).unwrap_or(Weights::DESIGNED)
    }
}

const FILE: &str = include_str!("weights.tsv");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weights_file_is_read_whole() {
        let parsed = Weights::parse(FILE);
        assert!(parsed.is_ok(), "{parsed:?}");
        for name in Weights::NAMES {
            assert!(
                FILE.lines().any(|l| l.split('\t').next() == Some(name)),
                "weights.tsv does not set {name}"
            );
        }
    }

    #[test]
    fn written_weights_read_back() {
        let mut weights = Weights::DESIGNED;
        assert!(weights.set("recall", 2.5));
        assert!(!weights.set("nothing", 1.0));
        let text = weights.to_tsv("fitted\non sets");
        assert!(text.starts_with("# fitted\n# on sets\n"));
        assert_eq!(Weights::parse(&text), Ok(weights));
    }

    #[test]
    fn bad_lines_say_where() {
        let error = |text: &str| Weights::parse(text).err().unwrap_or_default();
        assert!(error("recall 3").contains("line 1"));
        assert!(error("recall\tx").contains("not a number"));
        assert!(error("#\nzap\t1").contains("line 2: no weight 'zap'"));
        assert!(error("recall\tNaN").contains("not finite"));
    }
}
