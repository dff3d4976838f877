//! The words RingCentral's API guides use about each operation they name, as weak evidence of
//! what the operation is for: a guide says "set up the company's opening times" where the spec
//! only says "Update Company Business Hours".
//!
//! The words come from `spec/guide-terms.tsv`, which `cargo xtask guide-terms` derives from the
//! guides (words and weights, no sentences) and which is embedded here, so the crate builds with
//! nothing beside the repository. A word's weight says how much of the sections that name the
//! operation are about it; the search takes it as a share of the `guide` field weight, so a
//! guide that names many operations at once adds little to each.

use std::sync::OnceLock;

use super::*;

const FILE: &str = include_str!("../../../../spec/guide-terms.tsv");

/// The guides' words for each operation, by operationId: each word with its weight.
type Terms = Map<&'static str, Vec<(&'static str, f32)>>;

/// Reads the `operationId<TAB>word:weight ...` lines of the data file; `#` lines are comments.
/// A line or a pair that cannot be read is an error that says where.
fn parse(text: &'static str) -> Result<Terms, String> {
    let mut terms = Terms::default();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, words) = line
            .split_once('\t')
            .ok_or_else(|| format!("line {}: want operationId<TAB>words", n + 1))?;
        let mut bag = Vec::new();
        for pair in words.split_whitespace() {
            let weight = pair
                .split_once(':')
                .and_then(|(word, weight)| Some((word, weight.parse::<f32>().ok()?)))
                .filter(|(word, weight)| !word.is_empty() && weight.is_finite() && *weight > 0.0);
            match weight {
                Some(pair) => bag.push(pair),
                None => return Err(format!("line {}: '{pair}' is not word:weight", n + 1)),
            }
        }
        terms.insert(id.trim(), bag);
    }
    Ok(terms)
}

/// The guides' words, read once; none where the file cannot be read (a test keeps it readable).
fn terms() -> &'static Terms {
    static TERMS: OnceLock<Terms> = OnceLock::new();
    TERMS.get_or_init(|| parse(FILE).unwrap_or_default())
}

impl Index {
    /// Adds the guides' words to the postings of the operations they are about, each at its
    /// share (at most all) of the guide field weight, where the operation's own words do not
    /// already carry it as strongly. How rare a word is stays a matter of the spec's words: only
    /// a word the spec never uses is counted, as a passing mention, in `df`.
    pub(super) fn add_guide_terms(&mut self, operations: &[Operation], df: &mut Vec<f32>) {
        let weight = self.wt.guide;
        // A weight of nothing leaves the index as it is without the guides.
        if weight <= 0.0 {
            return;
        }
        let known = df.len();
        for (doc, op) in operations.iter().enumerate() {
            let Some(bag) = terms().get(op.operation_id) else {
                continue;
            };
            for (word, share) in bag {
                if self.stopwords.contains(*word) {
                    continue;
                }
                let term = self.intern(&text::stem(word)) as usize;
                if term >= df.len() {
                    df.resize(term + 1, 0.0);
                    self.postings.resize(term + 1, Vec::new());
                }
                let field = weight * share.min(1.0);
                let postings = &mut self.postings[term];
                // Postings are in the order of the documents.
                match postings.binary_search_by_key(&(doc as u32), |(d, _)| *d) {
                    Ok(at) => postings[at].1 = postings[at].1.max(field),
                    Err(at) => {
                        postings.insert(at, (doc as u32, field));
                        if term >= known {
                            df[term] += self.wt.passing_mention;
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_parses_and_names_only_operations_that_exist() {
        let terms = parse(FILE);
        assert!(terms.is_ok(), "{:?}", terms.err());
        let terms = terms.unwrap_or_default();
        // The guides name well over half of the operations.
        assert!(terms.len() > 250, "{} operations", terms.len());
        for (id, bag) in &terms {
            assert!(
                OPERATIONS.iter().any(|op| op.operation_id == *id),
                "{id} is no operation of the spec"
            );
            assert!(!bag.is_empty(), "{id} has no words");
            for (word, _) in bag {
                assert!(
                    word.chars().all(|c| c.is_ascii_lowercase()),
                    "{id}: '{word}' is not a lower-case word"
                );
            }
        }
    }

    #[test]
    fn bad_lines_say_where() {
        let error = |text: &'static str| parse(text).err().unwrap_or_default();
        assert!(error("# c\nlistExtensions words").contains("line 2"));
        assert!(error("listExtensions\tword").contains("'word' is not word:weight"));
        assert!(error("listExtensions\tword:x").contains("not word:weight"));
        assert!(error("listExtensions\tword:-1").contains("not word:weight"));
        assert_eq!(
            parse("readDirectoryFederation\tfederated:0.5")
                .ok()
                .and_then(|t| t.get("readDirectoryFederation").cloned()),
            Some(vec![("federated", 0.5)])
        );
    }

    #[test]
    fn a_guides_words_reach_the_operation_they_describe() {
        // Words only a guide uses about an operation are in its document with the guides, and
        // not without them.
        let terms_of = |index: &Index, id: &str| -> Vec<Term> {
            let Some(doc) = OPERATIONS.iter().position(|op| op.operation_id == id) else {
                return Vec::new();
            };
            (0..index.postings.len() as Term)
                .filter(|t| {
                    index.postings[*t as usize]
                        .iter()
                        .any(|(d, _)| *d as usize == doc)
                })
                .collect()
        };
        let mut without = Weights::fitted();
        without.guide = 0.0;
        let plain = Index::with_weights(without);
        let guided = Index::new();
        let before = terms_of(&plain, "readDirectoryFederation");
        let after = terms_of(&guided, "readDirectoryFederation");
        let added: Vec<&str> = after
            .iter()
            .filter(|t| !before.contains(t))
            .map(|t| guided.words[*t as usize].as_str())
            .collect();
        assert!(
            added.contains(&text::stem("discover").as_str()),
            "{added:?}"
        );
        // Words the spec never uses come in as words of their own.
        assert!(plain.vocab.len() < guided.vocab.len());
    }
}
