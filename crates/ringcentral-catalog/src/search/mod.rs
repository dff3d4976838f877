//! Intent search: ranks every action for a request in everyday words ("text Bob that I'm late",
//! "who is on the support queue", "cancel tomorrow's video meeting").
//!
//! A request is read in three parts: a verb class (list, read, create, update, delete, search,
//! send), the things it is about (expanded through RingCentral synonyms: a text is an SMS, an
//! employee an extension, a video call a bridge), and a scope (mine or the whole company). Each
//! action is described by its operationId and summary (its name), its tags, the literal segments of
//! its path, and, as weaker evidence, its description, parameter names and enumerated values.
//!
//! The score rewards how much of the request an action covers (weighted by how rare each word is
//! across the API), how much of the action's name the request explains (so "list extensions"
//! prefers *List Extensions* to *List Extension Active Calls*), and whether the verb fits.

mod lexicon;
mod text;

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use ringcentral_api::{Method, OPERATIONS, Operation, Paging};

use crate::action::Action;
use lexicon::Verb;

/// One ranked result.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub action: Action,
    /// Higher is better; comparable between the hits of one query.
    pub score: f32,
}

/// Ranks all actions for `query`, best first, and returns at most `limit` hits. Actions that share
/// no meaningful word with the query are left out.
pub fn search(query: &str, limit: usize) -> Vec<Hit> {
    index().search(query, limit)
}

type Term = u32;

/// Field weights: how strongly a word in each part of an action's description counts.
const NAME: f32 = 1.0;
const TAG: f32 = 0.7;
const PATH: f32 = 0.6;
const EXTRA: f32 = 0.3;

/// Weights of the parts of the score.
const W_RECALL: f32 = 3.0;
const W_PRECISION: f32 = 0.8;
const W_VERB: f32 = 0.9;
const W_SCOPE: f32 = 0.3;
const DEPRECATED_PENALTY: f32 = 0.35;
const W_OFF_OBJECT: f32 = 1.0;

/// The class of an operation's own verb, from its summary and method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpVerb {
    List,
    Read,
    Create,
    Update,
    Delete,
    Search,
    Send,
    /// A verb of its own (hold, join, transfer, ...) on a GET.
    OtherGet,
    /// A verb of its own on a POST, PUT, PATCH or DELETE.
    OtherChange,
}

struct Doc {
    /// Best field weight of each term that describes the action.
    fields: HashMap<Term, f32>,
    /// Terms of the summary that name the action's subject, for the precision part.
    core: Vec<Term>,
    core_weight: f32,
    verb: OpVerb,
    user_level: bool,
    company_level: bool,
    deprecated: bool,
}

struct Index {
    vocab: HashMap<String, Term>,
    idf: Vec<f32>,
    docs: Vec<Doc>,
    /// For each term, the documents that contain it with the field weight.
    postings: HashMap<Term, Vec<(u32, f32)>>,
    synonyms: HashMap<String, Vec<(String, f32)>>,
    verbs: HashMap<String, (Verb, bool)>,
    stopwords: HashSet<String>,
    mine: HashSet<String>,
    company_wide: HashSet<String>,
    noise: HashSet<String>,
    weak: HashSet<String>,
    phrases: Vec<(Vec<String>, Vec<String>)>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| Index::build(&OPERATIONS))
}

/// How an operation's summary opens, mapped to a verb class.
fn summary_verb(word: &str) -> Option<OpVerb> {
    Some(match word {
        "list" => OpVerb::List,
        "get" | "read" | "find" | "check" => OpVerb::Read,
        "create" | "add" | "upload" | "register" | "make" | "start" | "post" | "open" => {
            OpVerb::Create
        }
        "send" => OpVerb::Send,
        "update" | "patch" | "set" | "edit" | "change" | "modify" | "replace" | "assign"
        | "enable" => OpVerb::Update,
        "delete" | "remove" | "cancel" | "end" | "disconnect" => OpVerb::Delete,
        "search" => OpVerb::Search,
        _ => return None,
    })
}

impl Index {
    fn build(operations: &[Operation]) -> Index {
        let stemmed =
            |words: &[&str]| -> HashSet<String> { words.iter().map(|w| text::stem(w)).collect() };
        let mut index = Index {
            vocab: HashMap::new(),
            idf: Vec::new(),
            docs: Vec::with_capacity(operations.len()),
            postings: HashMap::new(),
            synonyms: HashMap::new(),
            verbs: HashMap::new(),
            stopwords: lexicon::STOPWORDS.iter().map(|w| w.to_string()).collect(),
            mine: lexicon::MINE.iter().map(|w| w.to_string()).collect(),
            company_wide: stemmed(lexicon::COMPANY_WIDE),
            noise: stemmed(lexicon::NAME_NOISE),
            weak: stemmed(lexicon::WEAK),
            phrases: lexicon::PHRASES
                .iter()
                .map(|(from, to)| (text::words(from), text::words(to)))
                .collect(),
        };
        for (word, expansions) in lexicon::SYNONYMS {
            let entry = index.synonyms.entry(text::stem(word)).or_default();
            for (to, weight) in *expansions {
                let to = text::stem(to);
                match entry.iter_mut().find(|(t, _)| *t == to) {
                    Some(existing) => existing.1 = existing.1.max(*weight),
                    None => entry.push((to, *weight)),
                }
            }
        }
        for vw in lexicon::VERBS {
            index.verbs.insert(text::stem(vw.word), (vw.verb, vw.pure));
        }

        let mut df: HashMap<Term, u32> = HashMap::new();
        for op in operations {
            let doc = index.describe(op);
            for term in doc.fields.keys() {
                *df.entry(*term).or_default() += 1;
            }
            index.docs.push(doc);
        }
        let n = operations.len() as f32;
        index.idf = (0..index.vocab.len() as Term)
            .map(|t| {
                let d = df.get(&t).copied().unwrap_or(0) as f32;
                (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
            })
            .collect();
        for (i, doc) in index.docs.iter_mut().enumerate() {
            doc.core_weight = doc.core.iter().map(|t| index.idf[*t as usize]).sum();
            for (term, weight) in &doc.fields {
                index
                    .postings
                    .entry(*term)
                    .or_default()
                    .push((i as u32, *weight));
            }
        }
        index
    }

    fn intern(&mut self, word: &str) -> Term {
        if let Some(t) = self.vocab.get(word) {
            return *t;
        }
        let t = self.vocab.len() as Term;
        self.vocab.insert(word.to_string(), t);
        t
    }

    fn describe(&mut self, op: &Operation) -> Doc {
        let mut fields: HashMap<Term, f32> = HashMap::new();
        let mut add = |index: &mut Index, text: &str, weight: f32| {
            for word in text::words(text) {
                if index.stopwords.contains(&word) {
                    continue;
                }
                let term = index.intern(&text::stem(&word));
                let slot = fields.entry(term).or_insert(0.0);
                *slot = slot.max(weight);
            }
        };
        add(self, op.operation_id, NAME);
        add(self, op.summary, NAME);
        for tag in op.tags {
            add(self, tag, TAG);
        }
        for segment in op.path.split('/').filter(|s| !s.starts_with('{')) {
            add(self, segment, PATH);
        }
        add(self, first_sentences(op.description, 300), EXTRA);
        for param in op.params {
            if param.deprecated {
                continue;
            }
            add(self, param.name, EXTRA);
            for value in param.enum_values.iter().take(24) {
                add(self, value, EXTRA);
            }
        }
        if let Some(body) = &op.body {
            for field in body.fields {
                add(self, field.name, EXTRA);
            }
        }

        let summary_words: Vec<String> = text::words(op.summary)
            .into_iter()
            .filter(|w| !self.stopwords.contains(w))
            .collect();
        let opening = summary_words
            .first()
            .cloned()
            .or_else(|| text::words(op.operation_id).into_iter().next())
            .unwrap_or_default();
        let named_verb = summary_verb(&opening);
        let is_list = opening == "list"
            || op.operation_id.starts_with("list")
            || !matches!(op.paging, Paging::None);
        let verb = match named_verb {
            Some(OpVerb::Read) | Some(OpVerb::List) if is_list => OpVerb::List,
            Some(v) => v,
            None if op.method == Method::Get && is_list => OpVerb::List,
            None if op.method == Method::Get => OpVerb::OtherGet,
            None => OpVerb::OtherChange,
        };
        let skip = usize::from(named_verb.is_some());
        let mut core = Vec::new();
        for word in summary_words.iter().skip(skip) {
            let stem = text::stem(word);
            if self.noise.contains(&stem) {
                continue;
            }
            let term = self.intern(&stem);
            if !core.contains(&term) {
                core.push(term);
            }
        }
        let user_level = op.path.contains("{extensionId}")
            || op.summary.contains("User")
            || op.path.contains("/me/");
        let company_level = !op.path.contains("{extensionId}")
            && (op.summary.contains("Company") || op.summary.contains("Account"));
        Doc {
            fields,
            core,
            core_weight: 0.0,
            verb,
            user_level,
            company_level,
            deprecated: op.deprecated,
        }
    }

    fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let parsed = self.parse(query);
        if parsed.terms.is_empty() && parsed.verb.is_none() {
            return Vec::new();
        }

        // Each query term: its weight in the query and the document terms it reaches.
        let mut total = 0.0f32;
        let mut scores: HashMap<u32, f32> = HashMap::new();
        // Per document, whether it matches any object of the request; and whether there is one.
        let mut has_object: HashSet<u32> = HashSet::new();
        let mut objects_known = false;
        let mut explained: HashMap<Term, f32> = HashMap::new();
        for qt in &parsed.terms {
            let reachable: Vec<(Term, f32)> = qt
                .expansions
                .iter()
                .filter_map(|(word, w)| self.vocab.get(word).map(|t| (*t, *w)))
                .collect();
            // A synonym counts at most as much as the word itself would.
            let own_idf = qt
                .expansions
                .first()
                .and_then(|(word, _)| self.vocab.get(word))
                .map(|t| self.idf[*t as usize]);
            let idf_of = |t: Term| {
                let idf = self.idf[t as usize];
                own_idf.map_or(idf, |own| idf.min(own))
            };
            let best = reachable
                .iter()
                .map(|(t, w)| w * idf_of(*t))
                .fold(0.0f32, f32::max);
            if best == 0.0 {
                // A word the API never uses (a name, a number): it neither helps nor hurts.
                continue;
            }
            total += qt.weight * best;
            objects_known |= qt.object;
            let mut per_doc: HashMap<u32, f32> = HashMap::new();
            for (term, w) in &reachable {
                let slot = explained.entry(*term).or_insert(0.0);
                *slot = slot.max(*w);
                let idf = idf_of(*term);
                if let Some(postings) = self.postings.get(term) {
                    for (doc, field) in postings {
                        let s = w * idf * field;
                        let slot = per_doc.entry(*doc).or_insert(0.0);
                        *slot = slot.max(s);
                    }
                }
            }
            for (doc, s) in per_doc {
                *scores.entry(doc).or_insert(0.0) += qt.weight * s;
                if qt.object {
                    has_object.insert(doc);
                }
            }
        }
        if total == 0.0 {
            return Vec::new();
        }

        let mut hits: Vec<(u32, f32)> = scores
            .into_iter()
            .map(|(i, matched)| {
                let doc = &self.docs[i as usize];
                let recall = matched / total;
                let precision = if doc.core_weight > 0.0 {
                    doc.core
                        .iter()
                        .filter_map(|t| explained.get(t).map(|w| w * self.idf[*t as usize]))
                        .sum::<f32>()
                        / doc.core_weight
                } else {
                    0.0
                };
                let verb = verb_fit(parsed.verb, parsed.plural, doc.verb);
                let scope = match parsed.scope {
                    Scope::Mine if doc.user_level => 1.0,
                    Scope::Mine if doc.company_level => -0.5,
                    Scope::Company if doc.company_level => 1.0,
                    Scope::Company if doc.user_level => -0.3,
                    Scope::Unspecified if doc.user_level => 0.2,
                    _ => 0.0,
                };
                let mut score =
                    W_RECALL * recall + W_PRECISION * precision + W_VERB * verb + W_SCOPE * scope;
                if doc.deprecated {
                    score -= DEPRECATED_PENALTY;
                }
                if objects_known && !has_object.contains(&i) {
                    // Right verb, wrong thing: an action about something else entirely.
                    score -= W_OFF_OBJECT;
                }
                (i, score)
            })
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.truncate(limit);
        hits.into_iter()
            .map(|(i, score)| Hit {
                action: Action::from_operation(&OPERATIONS[i as usize]),
                score,
            })
            .collect()
    }

    fn parse(&self, query: &str) -> Query {
        let mut words = text::words(query);
        words = self.apply_phrases(words);

        let mut scope = Scope::Unspecified;
        for w in &words {
            if self.mine.contains(w) {
                scope = Scope::Mine;
            }
        }
        let mut content: Vec<String> = Vec::new();
        for w in &words {
            if self.mine.contains(w) || self.stopwords.contains(w) {
                continue;
            }
            content.push(w.clone());
        }

        // The verb: the first pure verb; else an ambiguous one that opens the request.
        let mut verb = None;
        let mut verb_at = None;
        for (i, w) in content.iter().enumerate() {
            if let Some((v, true)) = self.verbs.get(&text::stem(w)) {
                verb = Some(*v);
                verb_at = Some(i);
                break;
            }
        }
        if verb.is_none()
            && let Some(first) = content.first()
            && let Some((v, false)) = self.verbs.get(&text::stem(first))
            && content.len() > 1
        {
            verb = Some(*v);
            verb_at = Some(0);
        }

        let mut terms = Vec::new();
        let mut plural = false;
        for (i, w) in content.iter().enumerate() {
            let stem = text::stem(w);
            if self.company_wide.contains(&stem) && scope == Scope::Unspecified {
                scope = Scope::Company;
            }
            let is_verb = Some(i) == verb_at;
            if is_verb {
                // A pure verb says only what to do; an ambiguous one ("text", "fax") also names
                // its object, and a verb with synonyms ("suspend") hints at fields it touches.
                let pure = self.verbs.get(&stem).is_some_and(|(_, pure)| *pure);
                let weight = if pure { 0.35 } else { 0.8 };
                if pure && !self.synonyms.contains_key(&stem) && !self.vocab.contains_key(&stem) {
                    continue;
                }
                terms.push(self.expand(&stem, weight, pure));
                continue;
            }
            if matches!(self.verbs.get(&stem), Some((Verb::List, _))) && stem == "all" {
                if verb.is_none() {
                    verb = Some(Verb::List);
                }
                continue;
            }
            if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && stem != *w {
                plural = true;
            }
            let weak = self.weak.contains(&stem);
            let mut term = self.expand(&stem, if weak { 0.25 } else { 1.0 }, false);
            term.object = !weak;
            terms.push(term);
        }
        Query {
            verb,
            plural,
            scope,
            terms,
        }
    }

    /// A query term with every word it reaches: itself, then its synonyms.
    fn expand(&self, stem: &str, weight: f32, synonyms_only: bool) -> QueryTerm {
        let mut expansions = Vec::new();
        if !synonyms_only || self.vocab.contains_key(stem) {
            expansions.push((stem.to_string(), 1.0));
        }
        if let Some(more) = self.synonyms.get(stem) {
            for (to, w) in more {
                if !expansions.iter().any(|(t, _)| t == to) {
                    expansions.push((to.clone(), *w));
                }
            }
        }
        QueryTerm {
            weight,
            object: false,
            expansions,
        }
    }

    fn apply_phrases(&self, words: Vec<String>) -> Vec<String> {
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        'outer: while i < words.len() {
            for (from, to) in &self.phrases {
                if !from.is_empty() && words[i..].starts_with(from) {
                    out.extend(to.iter().cloned());
                    i += from.len();
                    continue 'outer;
                }
            }
            out.push(words[i].clone());
            i += 1;
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Unspecified,
    Mine,
    Company,
}

struct QueryTerm {
    weight: f32,
    /// Names a thing the request is about (not its verb, not a filler word).
    object: bool,
    expansions: Vec<(String, f32)>,
}

struct Query {
    verb: Option<Verb>,
    plural: bool,
    scope: Scope,
    terms: Vec<QueryTerm>,
}

/// How well an operation's verb fits the verb a request asks for, from -1 to 1.
fn verb_fit(asked: Option<Verb>, plural: bool, op: OpVerb) -> f32 {
    use OpVerb as O;
    match asked {
        None => match op {
            O::List | O::Read | O::OtherGet => 0.3,
            O::Search => 0.2,
            O::Delete => -0.2,
            _ => 0.0,
        },
        Some(Verb::List) => match op {
            O::List => 1.0,
            O::Read => 0.4,
            O::Search => 0.6,
            O::OtherGet => 0.3,
            O::Delete => -1.0,
            _ => -0.7,
        },
        Some(Verb::Read) => match op {
            O::Read if plural => 0.7,
            O::Read => 1.0,
            O::List if plural => 1.0,
            O::List => 0.7,
            O::Search => 0.4,
            O::OtherGet => 0.5,
            O::Delete => -1.0,
            _ => -0.7,
        },
        Some(Verb::Search) => match op {
            O::Search => 1.0,
            O::List => 0.7,
            O::Read => 0.4,
            O::OtherGet => 0.3,
            O::Delete => -1.0,
            _ => -0.7,
        },
        Some(Verb::Create) => match op {
            O::Create => 1.0,
            O::Send => 0.6,
            O::OtherChange => 0.2,
            O::Update => 0.0,
            O::Delete => -1.0,
            _ => -0.6,
        },
        Some(Verb::Send) => match op {
            O::Send => 1.0,
            O::Create => 0.7,
            O::OtherChange => 0.3,
            O::Update => -0.3,
            O::Delete => -1.0,
            _ => -0.6,
        },
        Some(Verb::Update) => match op {
            O::Update => 1.0,
            O::OtherChange => 0.3,
            O::Create => 0.0,
            O::Send => -0.4,
            O::Delete => -0.8,
            _ => -0.6,
        },
        Some(Verb::Delete) => match op {
            O::Delete => 1.0,
            O::OtherChange => 0.0,
            O::Update => -0.4,
            _ => -0.8,
        },
    }
}

/// The opening of a description, cut at a sentence end near `max` bytes.
fn first_sentences(description: &str, max: usize) -> &str {
    if description.len() <= max {
        return description;
    }
    let mut cut = max;
    while !description.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &description[..cut];
    match head.rfind(". ") {
        Some(end) if end > max / 3 => &head[..end],
        _ => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn top(query: &str) -> &'static str {
        search(query, 1)
            .first()
            .map(|h| h.action.operation_id())
            .unwrap_or("")
    }

    #[test]
    fn everyday_words_find_api_names() {
        assert_eq!(top("text my colleague"), "createSMSMessage");
        assert_eq!(top("delete a contact"), "deleteContact");
        assert_eq!(top("list extensions"), "listExtensions");
    }

    #[test]
    fn empty_or_meaningless_queries_find_nothing() {
        assert!(search("", 5).is_empty());
        assert!(search("the of a", 5).is_empty());
        assert!(search("zzzqqq", 5).is_empty());
    }

    #[test]
    fn limit_is_respected_and_scores_descend() {
        let hits = search("call queue", 7);
        assert_eq!(hits.len(), 7);
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    }
}
