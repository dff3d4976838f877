//! Intent search: ranks every action for a request in everyday words ("text Bob that I'm late",
//! "who is on the support queue", "cancel tomorrow's video meeting").
//!
//! A request is read in parts: a verb (a class such as list, read, create, update, delete, search
//! or send, and the word itself, since "hold", "park" or "transfer" name one operation exactly),
//! the things it is about (expanded through RingCentral synonyms, some of which hold only in
//! context: a text is an SMS, an employee an extension, a video call a bridge, a message in a chat
//! a post), its head (what it is about before any qualifier: "a task *in a chat*"), the
//! qualifiers themselves (which count for less), a scope (mine, one user's, or the whole
//! company) and a number (one record, one named by its id, or many). Text the search must see
//! past (quoted message bodies, phone numbers) is dropped first, and an e-mail address stands
//! for the person it reaches. A question
//! ("which queues am I in?") asks to read what it names, and one to answer yes or no ("does
//! this user have permission to ...?", "can Tom export the call log?") asks to check; words that
//! only frame a request ("is there an API to ...") and an unquoted message body ("saying ...")
//! go; a number after a qualifier names what holds the records ("posts in chat 910"), not one of
//! them; a person joining or leaving a group is
//! about its members; whose things they are ("a user's roles", "devices for a user") points at
//! the operations on one user's records, and one thing of someone's that no operation is named
//! by together with them is a field of their record ("a contact's phone number", "Bob's email"),
//! which is what the request is about. Some verbs take their meaning from their context or
//! object: replying to a text sends an SMS but replying to a call answers the caller, opening a
//! voicemail reads it but opening a conversation starts one, forwarding "my calls" is a
//! setting rather than an operation on one live call. A number or a name in a qualifier names
//! the record that holds what is asked for ("tasks in chat 77", "users in the London site"),
//! which favours the operations whose path goes on from one such record; someone joining the
//! call in hand is brought in; whether a person is on a call, in a meeting or free is their
//! presence; making someone something assigns it; a verb after an article names a thing (the
//! *join* link); a particle may stand after its object (log agent 101 *out*).
//!
//! Before any of that, a request is tidied as people and agents write it: the platform's own name
//! ("use RingCentral to ...") and a label with a colon ("Tool call: ...") frame it without being
//! part of it; a misspelt word one slip of the keyboard from a word of the API or the lexicon is
//! read as that word; an id written with a dash ("w-1") or a value written as an identifier (the
//! permission "ReadCallLog") names one record; a list after a colon names the fields of what
//! precedes it. A request that only names things, with no verb, asks to see them; a verb that
//! names one operation standing between two things ("call *flip* numbers") names a thing, and a
//! participle right after a thing describes it ("roles *assigned* to ext 101"); what one can do
//! something to is what the API calls -able ("roles I can assign"); a log, history or inbox
//! holds many records.
//!
//! Each action is described by its operationId and summary (its name), its tags, the literal
//! segments of its path after the API version (less the account and extension it is scoped
//! to), the opening sentence of its description, and, as weaker evidence, the rest of the
//! description, its parameter and body field names and enumerated values (those of a type name
//! the kinds of records it handles), and the fields of its answer and of the answer's parts (an
//! extension's contact holds its email and job title). Its own verbs come from the first words
//! of its summary, operationId and description ("Parks a call ..."). How rare a word is shows
//! in the names, tags and paths that carry it. The values of type fields are kinds of record
//! however many there are: a request about park locations or fax users, or about a call queue
//! (the API's Department), that no operation is named by for what it asks to do, is asked of the
//! operations whose type field takes that kind. A change whose body lists records added and
//! removed adds and removes them; an asynchronous computation (`/async/`) answers a request to
//! read its result; two words that name one thing ("Caller ID") are that thing, not their first
//! word.
//!
//! The score rewards how much of the request an action covers (each word weighted by how rare it
//! is across the API and judged against the best any action could do), how much of the action's
//! name the request explains (so "list extensions" prefers *List Extensions* to *List Extension
//! Active Calls*), whether the heads match, whether the verb fits, whether the scope and the
//! number fit (a count of records to make prefers the operation on many); it penalizes bulk
//! variants for one record, actions none of whose name the request
//! explains, actions about something else entirely, live-call control for calls in general, and
//! deprecated operations where a current one does the same (a deprecated operation that alone
//! fits keeps its place).

mod lexicon;
mod text;
mod weights;

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;
use std::sync::OnceLock;

use ringcentral_api::{Method, OPERATIONS, Operation, Paging};

use crate::action::Action;
use lexicon::Verb;
pub use weights::Weights;

/// One ranked result.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub action: Action,
    /// Higher is better; comparable between the hits of one query.
    pub score: f32,
    /// The named signals the score adds up.
    pub breakdown: Breakdown,
}

/// The named signals of one action's score for a request, each already weighted: their sum is
/// the score. Penalties are negative.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Breakdown {
    /// The action's name is headed by what the request is about.
    pub head: f32,
    /// The share of the request's words the action's documents have.
    pub recall: f32,
    /// The share of the action's name the request explains.
    pub precision: f32,
    /// How well the action's verb fits the request's.
    pub verb: f32,
    /// The user's or the company's, as the request asks.
    pub scope: f32,
    /// One record or many, as the request asks.
    pub number: f32,
    /// Records held by the one the request names.
    pub holder: f32,
    /// Many records at once, for a request that counts them.
    pub bulk: f32,
    /// One live call, for a request about calls in general.
    pub live_call: f32,
    /// Nothing of the action's name is in the request.
    pub unnamed: f32,
    /// Past records, for a request that does not speak of the past.
    pub historical: f32,
    /// Deprecated, when a current action does the same.
    pub deprecated: f32,
    /// Right verb, wrong thing.
    pub off_object: f32,
}

impl Breakdown {
    /// The signals by name, in the order they are added.
    pub fn signals(&self) -> [(&'static str, f32); 13] {
        [
            ("head", self.head),
            ("recall", self.recall),
            ("precision", self.precision),
            ("verb", self.verb),
            ("scope", self.scope),
            ("number", self.number),
            ("holder", self.holder),
            ("bulk", self.bulk),
            ("live_call", self.live_call),
            ("unnamed", self.unnamed),
            ("historical", self.historical),
            ("deprecated", self.deprecated),
            ("off_object", self.off_object),
        ]
    }

    /// The score: the signals added in order.
    pub fn total(&self) -> f32 {
        self.signals().iter().fold(0.0, |sum, (_, v)| sum + v)
    }
}

/// Ranks all actions for `query`, best first, and returns at most `limit` hits. Actions that share
/// no meaningful word with the query are left out.
pub fn search(query: &str, limit: usize) -> Vec<Hit> {
    index().search(query, limit)
}

type Term = u32;

/// A small, fast hash for the index's short keys (words and term numbers): the index is built at
/// start-up, where the default hasher's resistance to crafted keys buys nothing.
#[derive(Default, Clone, Copy)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<WordHasher>>;
type Set<K> = HashSet<K, BuildHasherDefault<WordHasher>>;

/// How many words of a request are checked for misspellings.
const MAX_RESPELT: usize = 64;

/// The class of an operation's own verb, from its summary and method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Terms of the summary that name the action's subject, for the precision part.
    core: Vec<Term>,
    /// The head of the summary: what the action acts on.
    head: Vec<Term>,
    core_weight: f32,
    verb: OpVerb,
    /// The verbs the operation names itself by: "hold", "park", "assign", "create", ...
    own_verbs: Vec<Term>,
    user_level: bool,
    company_level: bool,
    /// Reads the catalog of values every account shares (`/dictionary/...`).
    dictionary: bool,
    /// The things its answer holds a list of.
    lists: Vec<Term>,
    /// Reads the record of what is past ("Historical Webinars"), beside an operation on what is
    /// current of the same name.
    historical: bool,
    deprecated: bool,
    /// "User" in its name says whose records it handles rather than what they are.
    whose_user: bool,
    /// Acts on one record named in its path, rather than on a collection.
    item: bool,
    /// Acts on many records at once ("Create Multiple User Extensions").
    bulk: bool,
    /// Controls one live call (hold, transfer, forward, record it).
    live_call: bool,
    /// Starts a computation whose result is what is asked for (`/ai/.../async/...`): asking
    /// for that result ("who spoke when?") is asking for it.
    computes: bool,
    /// What holds its records: the things its path names one of before going on ("chat" in
    /// `/chats/{chatId}/posts`).
    holders: Vec<Term>,
}

/// The search index over every action. [`search`] builds one lazily and keeps it for the life of the
/// process; build your own only to control when that cost is paid.
pub struct Index {
    wt: Weights,
    vocab: Map<String, Term>,
    /// Each term's word.
    words: Vec<String>,
    idf: Vec<f32>,
    docs: Vec<Doc>,
    /// For each term, the documents that contain it with the field weight.
    postings: Vec<Vec<(u32, f32)>>,
    /// For each term, its best field weight in any document.
    top_field: Vec<f32>,
    synonyms: Map<String, Vec<(String, f32)>>,
    verbs: Map<String, VerbInfo>,
    /// The verbs that name one operation, by stem, for their other forms ("resolved").
    actions: Map<String, VerbInfo>,
    stopwords: Set<String>,
    questions: Set<String>,
    mine: Set<String>,
    company_wide: Set<String>,
    noise: Set<String>,
    weak: Set<String>,
    /// Multi-word expressions by their first word, in the lexicon's order.
    phrases: Map<String, Vec<Phrase>>,
    /// Synonyms that hold only beside certain words.
    in_context: Vec<InContext>,
    /// Words too generic to be the head of a name on their own ("status", "settings").
    generic_heads: Set<Term>,
    /// The kinds of records that type fields enumerate ("ParkLocation", "FaxUser"), by the stems
    /// of their words run together, and the everyday names of some ("call queue").
    kinds: Map<String, Kind>,
    /// Every word that is the head of some operation's name.
    heads: Set<Term>,
    /// The words of the operations' names and tags and of the lexicon as they are written, by
    /// length: what a misspelt word of a request is most likely meant to be.
    /// Made at the first word the search does not know, which most requests never have.
    spellings: OnceLock<Vec<Vec<String>>>,
}

/// A kind of record named by the value of a type field: the operations whose type field takes
/// it, and the words that name it.
#[derive(Clone, Default)]
struct Kind {
    /// Each operation with how directly it handles records of this kind: a field named `type`
    /// fully, one that types something else (`usageType`, `ownerExtensionType`) half.
    docs: Vec<(u32, f32)>,
    stems: Vec<String>,
    /// How rare the kind's words are.
    idf: f32,
}

/// The stems of `words` run together: how a kind is known whatever its spelling ("ParkLocation",
/// "park locations").
fn kind_key<S: AsRef<str>>(words: &[S]) -> String {
    words.iter().map(|w| text::stem(w.as_ref())).collect()
}

/// A multi-word expression and the words it stands for.
type Phrase = (Vec<String>, Vec<String>);

/// A synonym that holds only when one of its context words is in the request too.
struct InContext {
    word: String,
    context: Vec<String>,
    expansions: Vec<(String, f32)>,
}

#[derive(Debug, Clone)]
struct VerbInfo {
    class: Verb,
    pure: bool,
    /// The stem of the operation verb this word asks for ("decline" asks to "reject").
    action: String,
    /// Names one kind of operation ("hold", "park") rather than a whole class ("get", "create").
    specific: bool,
    /// Prefers operations named by its action ("cancel", "assign"), though others of its class
    /// fit too.
    names_action: bool,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(Index::new)
}

/// Scratch state while the index is built: the term each word of the spec stands for, and the
/// field weights of the action being described.
#[derive(Default)]
struct Builder {
    terms: Map<String, Option<Term>>,
    /// The terms of the property names of each shared definition already read, by its name.
    fields: Map<&'static str, Rc<[Term]>>,
    /// The terms of the fields of each answer already read, by the schema's text.
    responses: Map<usize, Rc<[(Term, f32)]>>,
    weights: Vec<f32>,
    touched: Vec<Term>,
    /// The kinds the type fields of the action being described take: each with how directly
    /// the field types the action's records, and the field's description.
    kinds: Vec<(String, Vec<String>, f32, &'static str)>,
    /// The things the answer of the action being described lists.
    lists: Vec<Term>,
}

impl Builder {
    /// Notes that the action being described has `term` in a field of weight `weight`.
    fn set(&mut self, term: Term, weight: f32) {
        let t = term as usize;
        if t >= self.weights.len() {
            self.weights.resize(t + 1, 0.0);
        }
        if self.weights[t] == 0.0 {
            self.touched.push(term);
        }
        self.weights[t] = self.weights[t].max(weight);
    }

    /// The terms of the action described so far with their best field weights; starts afresh.
    fn take(&mut self) -> Vec<(Term, f32)> {
        let fields = self
            .touched
            .iter()
            .map(|t| (*t, self.weights[*t as usize]))
            .collect();
        for t in self.touched.drain(..) {
            self.weights[t as usize] = 0.0;
        }
        fields
    }
}

/// The words of every operation's name and tags, and of the lexicon, as they are written, by
/// length.
fn spellings(operations: &[Operation]) -> Vec<Vec<String>> {
    let mut all: Set<String> = Set::default();
    let mut add = |text: &str| {
        for word in text::words(text) {
            if word.len() >= 3 && word.chars().all(|c| c.is_ascii_lowercase()) {
                all.insert(word);
            }
        }
    };
    for op in operations {
        add(op.summary);
        for tag in op.tags {
            add(tag);
        }
    }
    for vw in &lexicon::get().verbs {
        add(vw.word);
    }
    for (word, expansions) in &lexicon::get().synonyms {
        add(word);
        for (to, _) in expansions {
            add(to);
        }
    }
    for (from, to) in lexicon::phrases() {
        add(from);
        add(to);
    }
    for word in lexicon::people() {
        add(word);
    }
    let mut by_length: Vec<Vec<String>> = Vec::new();
    let mut sorted: Vec<String> = all.into_iter().collect();
    sorted.sort();
    for word in sorted {
        let len = word.chars().count();
        if by_length.len() <= len {
            by_length.resize(len + 1, Vec::new());
        }
        by_length[len].push(word);
    }
    by_length
}

/// How an operation's summary opens, mapped to a verb class.
fn summary_verb(word: &str) -> Option<OpVerb> {
    Some(match word {
        "list" => OpVerb::List,
        "get" | "read" | "find" => OpVerb::Read,
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

/// Prefixes of operationIds that name a product area rather than an action.
const ID_PREFIXES: &[&str] = &[
    "rcw", "rcv", "mth", "cai", "scim", "config", "history", "reg", "n11s",
];

impl Default for Index {
    fn default() -> Self {
        Index::new()
    }
}

impl Index {
    /// Indexes every action of the catalog.
    pub fn new() -> Index {
        Index::build(&OPERATIONS, Weights::fitted())
    }

    /// Indexes every action of the catalog with weights of one's own (what `cargo xtask
    /// fit-search` tries).
    pub fn with_weights(weights: Weights) -> Index {
        Index::build(&OPERATIONS, weights)
    }

    fn build(operations: &[Operation], weights: Weights) -> Index {
        let wt = weights;
        let stemmed =
            |words: &[&str]| -> Set<String> { words.iter().map(|w| text::stem(w)).collect() };
        let mut index = Index {
            wt: weights,
            vocab: Map::with_capacity_and_hasher(4096, Default::default()),
            words: Vec::new(),
            idf: Vec::new(),
            docs: Vec::with_capacity(operations.len()),
            postings: Vec::new(),
            top_field: Vec::new(),
            synonyms: Map::default(),
            verbs: Map::default(),
            actions: Map::default(),
            stopwords: lexicon::stopwords().iter().map(|w| w.to_string()).collect(),
            questions: lexicon::questions().iter().map(|w| w.to_string()).collect(),
            mine: lexicon::mine().iter().map(|w| w.to_string()).collect(),
            company_wide: stemmed(lexicon::company_wide()),
            noise: stemmed(lexicon::name_noise()),
            weak: stemmed(lexicon::weak()),
            phrases: Map::default(),
            generic_heads: Set::default(),
            kinds: Map::default(),
            heads: Set::default(),
            spellings: OnceLock::new(),
            in_context: lexicon::get()
                .in_context
                .iter()
                .map(|(word, context, to)| InContext {
                    word: text::stem(word),
                    context: context.iter().map(|w| text::stem(w)).collect(),
                    expansions: to.iter().map(|(t, w)| (text::stem(t), *w)).collect(),
                })
                .collect(),
        };
        for (from, to) in lexicon::phrases() {
            let from = text::words(from);
            // Found by the stem of their first word, so that plurals meet them too.
            if let Some(first) = from.first().map(|w| text::stem(w)) {
                index
                    .phrases
                    .entry(first)
                    .or_default()
                    .push((from, text::words(to)));
            }
        }
        for (word, expansions) in &lexicon::get().synonyms {
            let entry = index.synonyms.entry(text::stem(word)).or_default();
            for (to, weight) in expansions {
                let to = text::stem(to);
                match entry.iter_mut().find(|(t, _)| *t == to) {
                    Some(existing) => existing.1 = existing.1.max(*weight),
                    None => entry.push((to, *weight)),
                }
            }
        }
        for vw in &lexicon::get().verbs {
            let action = text::stem(vw.action.unwrap_or(vw.word));
            let info = VerbInfo {
                class: vw.verb,
                pure: vw.pure,
                action,
                specific: vw.specific,
                names_action: vw.action.is_some(),
            };
            if vw.specific {
                index.actions.insert(text::stem(vw.word), info.clone());
            }
            // Verbs are known by their plain form: "assigned roles" and "blocked numbers" name
            // things, "assign" and "block" ask for something.
            index.verbs.insert(vw.word.to_string(), info);
        }

        for word in lexicon::generic_heads() {
            let term = index.intern(&text::stem(word));
            index.generic_heads.insert(term);
        }
        let mut fields_of: Vec<Vec<(Term, f32)>> = Vec::with_capacity(operations.len());
        let mut builder = Builder {
            terms: Map::with_capacity_and_hasher(8192, Default::default()),
            ..Builder::default()
        };
        for op in operations {
            let (doc, fields) = index.describe(op, &mut builder);
            index.docs.push(doc);
            fields_of.push(fields);
        }
        index.drop_whose_user();
        let n = operations.len() as f32;
        let mut df = vec![0f32; index.vocab.len()];
        index.postings = vec![Vec::new(); index.vocab.len()];
        for (i, fields) in fields_of.iter().enumerate() {
            for (term, weight) in fields {
                // How rare a word is shows in names: a word that most descriptions mention in
                // passing ("account") can still tell the few actions named by it apart.
                df[*term as usize] += if *weight >= wt.path {
                    1.0
                } else {
                    wt.passing_mention
                };
                index.postings[*term as usize].push((i as u32, *weight));
            }
        }
        index.top_field = index
            .postings
            .iter()
            .map(|p| p.iter().map(|(_, w)| *w).fold(0.0f32, f32::max))
            .collect();
        index.idf = df
            .iter()
            .map(|d| {
                let d = *d;
                (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
            })
            .collect();
        for doc in &mut index.docs {
            doc.core_weight = doc.core.iter().map(|t| index.idf[*t as usize]).sum();
        }
        index.heads = index
            .docs
            .iter()
            .flat_map(|d| d.head.iter().copied())
            .collect();
        // Everyday names of kinds the API calls otherwise ("call queue" for Department).
        for (name, value) in lexicon::kind_names() {
            let target = kind_key(&text::words(value));
            let words = text::words(name);
            if let Some(kind) = index.kinds.get(&target).cloned() {
                index.kinds.insert(
                    kind_key(&words),
                    Kind {
                        stems: words.iter().map(|w| text::stem(w)).collect(),
                        ..kind
                    },
                );
            }
        }
        let idf_of = |stem: &String| {
            index
                .vocab
                .get(stem)
                .map_or(0.0, |t| index.idf[*t as usize])
        };
        let idfs: Vec<(String, f32)> = index
            .kinds
            .iter()
            .map(|(key, kind)| {
                let idf = kind.stems.iter().map(idf_of).fold(0.0f32, f32::max);
                (key.clone(), if idf > 0.0 { idf } else { wt.kind_idf })
            })
            .collect();
        for (key, idf) in idfs {
            if let Some(kind) = index.kinds.get_mut(&key) {
                kind.idf = idf;
            }
        }
        index
    }

    /// "User" in the name of an operation on one user's records says whose they are, unless it
    /// tells the operation from one on the company's ("List *User* Call Records" beside "List
    /// *Company* Call Records"), so it is no part of the name to explain.
    fn drop_whose_user(&mut self) {
        let (Some(user), company, account) = (
            self.vocab.get("user").copied(),
            self.vocab.get("company").copied(),
            self.vocab.get("account").copied(),
        ) else {
            return;
        };
        let scopes = [Some(user), company, account];
        let bare = |core: &[Term]| -> Vec<Term> {
            let mut rest: Vec<Term> = core
                .iter()
                .copied()
                .filter(|t| !scopes.contains(&Some(*t)))
                .collect();
            rest.sort_unstable();
            rest
        };
        let mut seen: HashMap<(OpVerb, Vec<Term>), usize> = HashMap::new();
        for doc in &self.docs {
            *seen.entry((doc.verb, bare(&doc.core))).or_default() += 1;
        }
        for doc in &mut self.docs {
            if doc.whose_user
                && seen
                    .get(&(doc.verb, bare(&doc.core)))
                    .is_some_and(|n| *n == 1)
            {
                doc.core.retain(|t| *t != user);
            }
        }
    }

    /// The head of a run of words: the last, and the one before it when the last is generic
    /// ("Presence Status", "Call Queue Info").
    fn head_of(&self, words: &[Term]) -> Vec<Term> {
        let mut head: Vec<Term> = words.last().copied().into_iter().collect();
        if let [.., before, last] = words
            && self.generic_heads.contains(last)
        {
            head.push(*before);
        }
        head
    }

    fn intern(&mut self, word: &str) -> Term {
        if let Some(t) = self.vocab.get(word) {
            return *t;
        }
        let t = self.vocab.len() as Term;
        self.vocab.insert(word.to_string(), t);
        self.words.push(word.to_string());
        t
    }

    /// The term a word of an action's description stands for, or `None` for a stopword.
    fn term_of(&mut self, builder: &mut Builder, word: &str) -> Option<Term> {
        if let Some(known) = builder.terms.get(word) {
            return *known;
        }
        let term = (!self.stopwords.contains(word)).then(|| self.intern(&text::stem(word)));
        builder.terms.insert(word.to_string(), term);
        term
    }

    /// Adds the words of `text` to the action being described, with a field weight.
    fn add_text(&mut self, builder: &mut Builder, text: &str, weight: f32, identifier: bool) {
        self.each_term(builder, text, identifier, |builder, term| {
            builder.set(term, weight)
        });
    }

    /// Calls `f` with the term of each word of `text`.
    fn each_term(
        &mut self,
        builder: &mut Builder,
        text: &str,
        identifier: bool,
        mut f: impl FnMut(&mut Builder, Term),
    ) {
        // Two words that name one thing ("Caller ID") are that thing, not its first word: a
        // caller is someone calling, not the number shown to them.
        let mut compound: Option<&(&str, &str, &str)> = None;
        let mut pending: Option<Term> = None;
        text::for_each_word(text, |word| {
            // Identifiers may end with a version ("scimGetUser2").
            let word = if identifier {
                let letters = word.trim_end_matches(|c: char| c.is_ascii_digit());
                if letters.len() >= 3 { letters } else { word }
            } else {
                word
            };
            let first = pending.take();
            if let Some((_, _, joined)) = compound.take().filter(|(_, second, _)| *second == word) {
                if let Some(term) = self.term_of(builder, joined) {
                    f(builder, term);
                }
            } else if let Some(term) = first {
                f(builder, term);
            }
            compound = lexicon::get()
                .compounds
                .iter()
                .find(|(first, _, _)| *first == word);
            match self.term_of(builder, word) {
                Some(term) if compound.is_some() => pending = Some(term),
                Some(term) => f(builder, term),
                None => {}
            }
        });
        if let Some(term) = pending {
            f(builder, term);
        }
    }

    /// The terms of the fields of an answer, with their weights, read once per schema: many
    /// operations answer alike.
    fn response_terms(&mut self, builder: &mut Builder, schema: &'static str) -> Rc<[(Term, f32)]> {
        let wt = self.wt;
        let schema = schema::resolve(schema);
        let key = schema.as_ptr() as usize;
        if let Some(known) = builder.responses.get(&key) {
            return known.clone();
        }
        let mut terms = Vec::new();
        schema::properties(schema, 3, &mut |name, property| {
            self.each_term(builder, name, true, |_, term| {
                terms.push((term, wt.response))
            });
            // The fields of a part of the answer ("contact": email, job title) say less.
            for term in self.field_terms(builder, property).iter() {
                terms.push((*term, wt.nested));
            }
        });
        let terms: Rc<[(Term, f32)]> = terms.into();
        builder.responses.insert(key, terms.clone());
        terms
    }

    /// The terms of the property names of the object `schema` describes; those of a shared
    /// definition are read once.
    fn field_terms(&mut self, builder: &mut Builder, schema: &'static str) -> Rc<[Term]> {
        let read = |index: &mut Index, builder: &mut Builder, schema: &'static str| {
            let mut names = Vec::new();
            schema::properties(schema, 2, &mut |name, _| names.push(name));
            let mut terms = Vec::new();
            for name in names {
                index.each_term(builder, name, true, |_, term| terms.push(term));
            }
            Rc::<[Term]>::from(terms)
        };
        if let Some(name) = schema::reference_name(schema) {
            if let Some(known) = builder.fields.get(name) {
                return known.clone();
            }
            let terms = ringcentral_api::def(name)
                .map(|d| read(self, builder, d.schema))
                .unwrap_or_else(|| Rc::from([]));
            builder.fields.insert(name, terms.clone());
            terms
        } else if schema.contains("\"properties\"") {
            read(self, builder, schema)
        } else {
            // A plain value, with no fields of its own.
            Rc::from([])
        }
    }

    /// Adds the values a parameter or body field takes to the action being described; those of a
    /// type count with `kind_weight`.
    fn add_enumeration<'a>(
        &mut self,
        builder: &mut Builder,
        name: &str,
        description: &'static str,
        values: impl ExactSizeIterator<Item = &'a str> + Clone,
        kind_weight: f32,
    ) {
        let wt = self.wt;
        // Each value of a type field is a kind of record the operation handles, however long
        // the list: an extension may be a park location or a shared lines group.
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("type") || lower.ends_with("types") {
            let strength = if matches!(lower.as_str(), "type" | "types") {
                1.0
            } else {
                0.5
            };
            for value in values.clone() {
                let words = text::words(value);
                let key = kind_key(&words);
                let stems = words.iter().map(|w| text::stem(w)).collect();
                builder.kinds.push((key, stems, strength, description));
            }
        }
        // Long enumerations (every extension type, every country) describe the data, not what
        // the operation is for.
        if values.len() > 12 {
            return;
        }
        // The values of a type name the kinds of records the operation handles: a fax is a
        // message of type Fax, hold music a greeting of type HoldMusic.
        let kinds = name.to_ascii_lowercase().ends_with("type");
        let weight = if kinds { kind_weight } else { wt.enumeration };
        for value in values {
            self.add_text(builder, value, weight, false);
            // "VoiceMail" is one word to those who say it.
            if value.len() > 1 && value.chars().all(char::is_alphanumeric) {
                let whole = value.to_lowercase();
                if let Some(term) = self.term_of(builder, &whole) {
                    builder.set(term, weight);
                }
            }
        }
    }

    fn describe(&mut self, op: &Operation, builder: &mut Builder) -> (Doc, Vec<(Term, f32)>) {
        let wt = self.wt;
        let mut id_words = text::identifier_words(op.operation_id);
        // Team messaging operationIds end with a version marker ("listGlipChatsNew").
        if id_words.len() > 1 && id_words.last().is_some_and(|w| w == "new") {
            id_words.pop();
        }
        let joined = id_words.join(" ");
        self.add_text(builder, &joined, wt.name, false);
        self.add_text(builder, op.summary, wt.name, false);
        for tag in op.tags {
            self.add_text(builder, tag, wt.tag, false);
        }
        // What comes before the API version names the product ("/team-messaging/v1/",
        // "/ai/text/v1/"), not the resource.
        let segments: Vec<&str> = op.path.split('/').collect();
        let version = segments.iter().rposition(|s| {
            s.strip_prefix('v')
                .is_some_and(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.'))
        });
        let mut resource = version.map_or(&segments[..], |v| &segments[v + 1..]);
        // Nearly every path opens with the account and extension it is scoped to
        // ("/account/{accountId}/extension/{extensionId}/call-log"): those say whose records,
        // which the scope judges, not what they are.
        while let [scope, id, rest @ ..] = resource
            && !rest.is_empty()
            && matches!(*scope, "account" | "accounts" | "extension" | "extensions")
            && id.starts_with('{')
        {
            resource = rest;
        }
        for segment in resource.iter().filter(|s| !s.starts_with('{')) {
            self.add_text(builder, segment, wt.path, false);
        }

        let (lead, rest) = split_description(op.description);
        self.add_text(builder, lead, wt.lead, false);
        self.add_text(builder, rest, wt.extra, false);
        for param in op.params {
            if param.deprecated {
                continue;
            }
            self.add_text(builder, param.name, wt.extra, true);
            self.add_enumeration(
                builder,
                param.name,
                param.description,
                param.enum_values.iter().copied(),
                wt.kind,
            );
        }
        if let Some(body) = &op.body {
            for field in body.fields {
                self.add_text(builder, field.name, wt.extra, true);
            }
            // The type of what is written names a kind of record too, though less surely than a
            // filter over the records listed.
            schema::enumerations(body.schema, 4, &mut |name, values| {
                let values = values.iter().map(|v| v.trim_matches('"'));
                self.add_enumeration(builder, name, "", values, wt.body_kind);
            });
        }
        // What an operation answers with says what it is for ("the delivery status of a text",
        // "a user's job title"), though more weakly than what it is called.
        if let Some(schema) = op.response.schema {
            for (term, weight) in self.response_terms(builder, schema).iter() {
                builder.set(*term, *weight);
            }
            // A read whose answer holds a list of things lists them ("Get Authorization
            // Profile" answers the user's permissions).
            let mut lists = Vec::new();
            schema::properties(schema::resolve(schema), 2, &mut |name, property| {
                let array = property.starts_with("{\"type\":\"array\"")
                    || property.contains(",\"type\":\"array\"");
                if let Some(last) = text::words(name).last().filter(|_| array) {
                    lists.push(text::stem(last));
                }
            });
            for stem in lists {
                let term = self.intern(&stem);
                if !builder.lists.contains(&term) {
                    builder.lists.push(term);
                }
            }
            // The type of the record read says what kinds of record the operation reads ("Get
            // Call Handling Rule" answers business-hours and custom rules); what a change
            // answers may be of any type the record has.
            let reads = op.method == Method::Get;
            schema::enumerations(schema::resolve(schema), 2, &mut |name, values| {
                if !reads {
                    return;
                }
                let lower = name.to_ascii_lowercase();
                if lower == "type" && values.len() <= 12 {
                    for value in values {
                        self.add_text(builder, value.trim_matches('"'), wt.response, false);
                    }
                }
            });
        }
        let fields = builder.take();
        let summary_words: Vec<String> = text::words(op.summary)
            .into_iter()
            .filter(|w| !self.stopwords.contains(w))
            .collect();
        let opening = summary_words
            .first()
            .cloned()
            .or_else(|| id_words.first().cloned())
            .unwrap_or_default();
        let named_verb = summary_verb(&opening);
        let is_list = opening == "list"
            || op.operation_id.starts_with("list")
            || !matches!(op.paging, Paging::None);
        // A summary that names no verb ("Calls Aggregation Data") may leave it to the
        // operationId ("analyticsCallsAggregationFetch"): a POST that fetches or searches reads.
        let id_reads = id_words.iter().find_map(|w| match self.verbs.get(w) {
            Some(v) if v.pure && v.class == Verb::Read => Some(OpVerb::Read),
            Some(v) if v.pure && v.class == Verb::Search => Some(OpVerb::Search),
            _ => None,
        });
        let verb = match named_verb {
            Some(OpVerb::Read) | Some(OpVerb::List) if is_list => OpVerb::List,
            Some(v) => v,
            None if op.method == Method::Get && is_list => OpVerb::List,
            None if op.method == Method::Get => OpVerb::OtherGet,
            None => id_reads.unwrap_or(OpVerb::OtherChange),
        };

        // The verbs the operation names itself by.
        let mut own_verbs = Vec::new();
        let mut own = |index: &mut Index, word: &str| {
            let stem = text::stem(word);
            if index.verbs.contains_key(word) || index.vocab.contains_key(&stem) {
                let term = index.intern(&stem);
                if !own_verbs.contains(&term) {
                    own_verbs.push(term);
                }
            }
        };
        // "Search/List Users", "Pause/Resume Recording": both words name the action.
        let head: Vec<String> = op
            .summary
            .split_whitespace()
            .next()
            .map(|w| w.split('/').flat_map(text::words).collect())
            .unwrap_or_default();
        for word in head.iter().filter(|w| w.len() > 2) {
            own(self, word);
        }
        if let Some(word) = id_words.iter().find(|w| !ID_PREFIXES.contains(&w.as_str())) {
            own(self, word);
        }
        if named_verb.is_none() {
            // An operation named by no class verb is named by what it does to its object:
            // "Call Flip on Party", "Call Park".
            for word in summary_words.iter().chain(&id_words) {
                if self.verbs.get(word).is_some_and(|v| v.specific) {
                    own(self, word);
                }
            }
        }
        if matches!(verb, OpVerb::Update | OpVerb::Create | OpVerb::OtherChange) {
            // A change to what was done to something does that too: updating a user's assigned
            // roles assigns roles.
            for word in summary_words.iter().skip(1) {
                if let Some(base) = word.strip_suffix("ed")
                    && let Some(plain) = [base, &word[..word.len() - 1]]
                        .into_iter()
                        .find(|w| self.verbs.get(*w).is_some_and(|v| v.pure))
                {
                    own(self, plain);
                }
            }
        }
        // A change that takes lists of records added and removed ("addedExtensionIds",
        // "removedExtensionIds") adds and removes them, whatever its name says.
        if let Some(body) = &op.body {
            for field in body.fields {
                for (prefix, verb) in [
                    ("added", "add"),
                    ("removed", "remove"),
                    ("deleted", "remove"),
                    ("enabled", "enable"),
                    ("disabled", "disable"),
                ] {
                    if field.name.len() > prefix.len() && field.name.starts_with(prefix) {
                        own(self, verb);
                    }
                }
            }
        }
        let opening: String = lead
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("")
            .to_lowercase();
        if !matches!(opening.as_str(), "" | "returns" | "this" | "allows") {
            own(self, &opening);
        }

        // What holds the records it acts on: a thing its path names one of, then what of it
        // ("/chats/{chatId}/posts"), not what is done to that one ("/threads/{threadId}/resolve").
        let mut holders = Vec::new();
        for window in resource.windows(3) {
            if let [holder, id, then] = window
                && !holder.starts_with('{')
                && id.starts_with('{')
                && let Some(last) = text::words(holder).last()
                && !then
                    .split('-')
                    .next()
                    .and_then(|w| self.vocab.get(&text::stem(w)))
                    .is_some_and(|t| own_verbs.contains(t))
            {
                let term = self.intern(&text::stem(last));
                holders.push(term);
            }
        }
        let skip = usize::from(named_verb.is_some());
        // "User" in the name of an operation on one user's records ("Create User Contact",
        // "List User's Webinars") says whose they are, as a path to an extension does.
        let user_level = op.path.contains("{extensionId}") || op.path.contains("/me/");
        let users =
            user_level || op.summary.contains("User's") || op.summary.contains("User\u{2019}s");
        let whose = |stem: &str, at: usize| users && stem == "user" && at + 1 < summary_words.len();
        let mut core = Vec::new();
        let mut whose_user = false;
        for (at, word) in summary_words.iter().enumerate().skip(skip) {
            let stem = text::stem(word);
            whose_user |= whose(&stem, at);
            if self.noise.contains(&stem) {
                continue;
            }
            let term = self.intern(&stem);
            if !core.contains(&term) {
                core.push(term);
            }
        }
        // The head of the name: its last word before any preposition ("Add Chat to Favorites"
        // is about a chat), with the word before it when the last one is generic ("Presence
        // Status").
        let mut named: Vec<Term> = Vec::new();
        for word in summary_words.iter().skip(skip) {
            if lexicon::prepositions().contains(&word.as_str()) {
                break;
            }
            let stem = text::stem(word);
            if !self.noise.contains(&stem) {
                named.push(self.intern(&stem));
            }
        }
        let mut head = self.head_of(&named);
        // The operationId may name the head differently ("readUserCallLog" is "List User Call
        // Records").
        let mut id_named: Vec<Term> = Vec::new();
        for word in id_words.iter().skip(1) {
            if lexicon::prepositions().contains(&word.as_str()) {
                break;
            }
            let stem = text::stem(word);
            if !self.noise.contains(&stem) {
                id_named.push(self.intern(&stem));
            }
        }
        for t in self.head_of(&id_named) {
            if !head.contains(&t) {
                head.push(t);
            }
        }
        // Named so, or reached through the company ("/webinar/.../company/sessions").
        let company_level = !op.path.contains("{extensionId}")
            && (op.summary.contains("Company")
                || op.summary.contains("Account")
                || op.path.contains("/company/"));
        // One record named by its id in the path, possibly followed by what to do to it
        // ("/phone-numbers/{phoneNumberId}/replace").
        let id_segment = |s: &str| s.starts_with('{') && (s.ends_with("Id}") || s.ends_with("id}"));
        let segments: Vec<&str> = op.path.split('/').collect();
        let item = match segments.as_slice() {
            [.., last] if id_segment(last) => true,
            [.., id, action] if id_segment(id) => action
                .split('-')
                .next()
                .and_then(|w| self.vocab.get(&text::stem(w)))
                .is_some_and(|t| own_verbs.contains(t)),
            _ => false,
        };
        // Bulk variants of single-record operations; assigning members in bulk is the only way
        // to assign them at all, so it is no bulk variant.
        let bulk = summary_words
            .iter()
            .any(|w| matches!(w.as_str(), "multiple" | "bulk"))
            && !op.path.ends_with("bulk-assign");
        // A type field whose description speaks of other records ("Type of an extension" on
        // directory entries) types them less directly than the operation's own.
        let doc = self.docs.len() as u32;
        for (key, stems, strength, description) in std::mem::take(&mut builder.kinds) {
            let own = description.is_empty()
                || text::words(description).iter().any(|w| {
                    self.vocab
                        .get(&text::stem(w))
                        .is_some_and(|t| head.contains(t))
                });
            let strength = if own { strength } else { strength * 0.75 };
            let kind = self.kinds.entry(key).or_default();
            if kind.stems.is_empty() {
                kind.stems = stems;
            }
            match kind.docs.iter_mut().find(|(d, _)| *d == doc) {
                Some(known) => known.1 = known.1.max(strength),
                None => kind.docs.push((doc, strength)),
            }
        }
        (
            Doc {
                core,
                head,
                core_weight: 0.0,
                verb,
                own_verbs,
                user_level,
                company_level,
                deprecated: op.deprecated,
                lists: std::mem::take(&mut builder.lists),
                dictionary: op.path.contains("/dictionary/"),
                historical: op.path.contains("/history/"),
                whose_user,
                item,
                bulk,
                live_call: op.path.contains("/telephony/sessions/"),
                computes: op.path.contains("/async/"),
                holders,
            },
            fields,
        )
    }

    /// Ranks all actions for `query`, best first; see [`search`].
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let wt = self.wt;
        let parsed = self.parse(query);
        if parsed.terms.is_empty() && parsed.verb.is_none() {
            return Vec::new();
        }

        let n = self.docs.len();
        let mut total = 0.0f32;
        let mut scores = vec![0.0f32; n];
        let mut touched = vec![false; n];
        // Whether each document matches any object of the request, and whether there is one.
        let mut has_object = vec![false; n];
        let mut objects_known = false;
        let mut explained: Map<Term, f32> = Map::default();
        let mut per_doc = vec![0.0f32; n];
        let mut reached: Vec<u32> = Vec::new();
        // Deprecated operations that are about a word of the request no current operation is
        // about: the only ones that fit, whatever their age.
        let mut deprecated_about: Vec<(u32, usize)> = Vec::new();
        let mut current_about = vec![false; parsed.terms.len()];
        // How directly each operation handles the kind of record the request names, if any.
        let mut kind_of = vec![0.0f32; n];
        for (ti, qt) in parsed.terms.iter().enumerate() {
            if let Some(kind) = qt.kind.as_ref().and_then(|k| self.kinds.get(k)) {
                total += qt.weight * kind.idf;
                objects_known = true;
                for (doc, strength) in &kind.docs {
                    let d = *doc as usize;
                    scores[d] += qt.weight * kind.idf * strength;
                    touched[d] = true;
                    has_object[d] = true;
                    if qt.weight >= 1.0 {
                        kind_of[d] = kind_of[d].max(*strength);
                    }
                }
                current_about[ti] = true;
                continue;
            }
            let reachable: Vec<(Term, f32)> = qt
                .expansions
                .iter()
                .filter_map(|(word, w)| self.vocab.get(word).map(|t| (*t, *w)))
                .filter(|(t, _)| !self.postings[*t as usize].is_empty())
                .collect();
            // A synonym counts at most as much as the word itself would.
            let own_idf = self
                .vocab
                .get(&qt.stem)
                .filter(|t| !self.postings[**t as usize].is_empty())
                .map(|t| self.idf[*t as usize]);
            let idf_of = |t: Term| {
                let idf = self.idf[t as usize];
                let idf = own_idf.map_or(idf, |own| idf.min(own));
                // A rare verb ("suspend") must not outweigh what the request is about.
                if qt.verb && Some(&t) == self.vocab.get(&qt.stem) {
                    idf.min(wt.verb_idf_cap)
                } else {
                    idf
                }
            };
            let best = reachable
                .iter()
                .map(|(t, w)| w * idf_of(*t))
                .fold(0.0f32, f32::max);
            if best == 0.0 {
                // A word the API never uses (a name, a number): it neither helps nor hurts.
                continue;
            }
            // What the best action could score on this word: a word that no action has in its
            // name (an everyday word found only in descriptions) weighs less in the request, so
            // actions without it lose less.
            let reach = reachable
                .iter()
                .map(|(t, w)| w * idf_of(*t) * self.top_field[*t as usize])
                .fold(0.0f32, f32::max);
            // A word no action has in its name, tags or path is not an API concept ("metadata"
            // in a parameter name, "customer" in prose): it counts for less.
            let concept = reachable
                .iter()
                .map(|(t, _)| self.top_field[*t as usize])
                .fold(0.0f32, f32::max)
                >= wt.path;
            let damp = if concept { 1.0 } else { wt.non_concept };
            let stem_term = self.vocab.get(&qt.stem).copied();
            total += qt.weight * reach * damp;
            objects_known |= qt.object && concept;
            for (term, w) in &reachable {
                let slot = explained.entry(*term).or_insert(0.0);
                *slot = slot.max(*w);
                let idf = idf_of(*term);
                // What a verb implies ("transcribe": speech, text) is what the request is about
                // as much as its objects are.
                let implied = qt.verb && Some(*term) != stem_term;
                for (doc, field) in &self.postings[*term as usize] {
                    let d = *doc as usize;
                    let s = w * idf * field;
                    if implied && s >= wt.object_presence * reach {
                        has_object[d] = true;
                    }
                    if per_doc[d] == 0.0 {
                        reached.push(*doc);
                    }
                    per_doc[d] = per_doc[d].max(s);
                }
            }
            for doc in reached.drain(..) {
                let d = doc as usize;
                scores[d] += qt.weight * per_doc[d] * damp;
                touched[d] = true;
                let about = per_doc[d] >= wt.object_presence * reach;
                if about && self.docs[d].deprecated {
                    deprecated_about.push((doc, ti));
                } else if about {
                    current_about[ti] = true;
                }
                // Being about a thing takes more than a passing mention in a description.
                if qt.object && concept && about {
                    has_object[d] = true;
                }
                per_doc[d] = 0.0;
            }
        }
        if total == 0.0 {
            return Vec::new();
        }
        // The verb explains the operation's name as much as any other word ("Transfer Call
        // Party"), though it is judged by the verb fit rather than as a word to find.
        for t in parsed.verb_terms.iter().flatten() {
            explained.insert(*t, 1.0);
        }

        let mut only_fit = vec![false; n];
        for (doc, ti) in deprecated_about {
            if !current_about[ti] {
                only_fit[doc as usize] = true;
            }
        }

        // Whether some operation is about what the request is about: then one about its
        // qualifier is not the answer.
        let head_named = self.docs.iter().any(|d| {
            d.head
                .iter()
                .any(|t| parsed.head.iter().any(|(h, w)| h == t && *w >= 0.8))
        });
        // Whether some list is named by what the request asks to list: if none is, reading the
        // one record of it is the list ("list my business hours").
        let list_named = self.docs.iter().any(|d| {
            d.verb == OpVerb::List
                && d.head
                    .iter()
                    .any(|t| parsed.head.iter().any(|(h, w)| h == t && *w >= 0.8))
        });
        let whose_terms: Vec<Term> = ["extension", "user"]
            .iter()
            .filter_map(|w| self.vocab.get(*w).copied())
            .collect();
        let asks_history = self
            .vocab
            .get("history")
            .is_some_and(|t| explained.contains_key(t));
        let mut hits: Vec<(u32, f32, Breakdown)> = (0..n)
            .filter(|i| touched[*i])
            .map(|i| {
                let doc = &self.docs[i];
                let recall = scores[i] / total;
                // "My devices" are my extension's: a request about one's own things explains
                // the extension or user that names whose they are.
                let whose = |t: &Term| {
                    parsed.scope == Scope::Mine && doc.user_level && whose_terms.contains(t)
                };
                let precision = if doc.core_weight > 0.0 {
                    doc.core
                        .iter()
                        .filter_map(|t| {
                            explained
                                .get(t)
                                .copied()
                                .or_else(|| whose(t).then_some(1.0))
                                .map(|w| w * self.idf[*t as usize])
                        })
                        .sum::<f32>()
                        / doc.core_weight
                } else {
                    0.0
                };
                let verb = self.verb_fit(&parsed, doc);
                let verb = if parsed.verb == Some(Verb::List)
                    && doc.verb == OpVerb::Read
                    && !list_named
                    && doc
                        .head
                        .iter()
                        .any(|t| parsed.head.iter().any(|(h, w)| h == t && *w >= 0.8))
                {
                    verb.max(wt.unlisted_read)
                } else {
                    verb
                };
                let scope = match parsed.scope {
                    Scope::Mine if doc.user_level => 1.0,
                    // Someone's things are not the catalog every account shares ("a user's
                    // permissions" beside *List Permissions*).
                    Scope::Mine if doc.dictionary => -1.0,
                    Scope::Mine if doc.company_level => -0.5,
                    Scope::Company if doc.company_level => 1.0,
                    Scope::Company if doc.user_level => -0.3,
                    Scope::Unspecified if doc.user_level => 0.2,
                    _ => 0.0,
                };
                let creates = matches!(parsed.verb, Some(Verb::Create | Verb::Send));
                let number = match parsed.number {
                    Number::Named | Number::One if doc.bulk => -wt.bulk / wt.number,
                    Number::Named if doc.item => wt.named / wt.number,
                    // Making one thing adds to a collection; an operation on one existing record
                    // ("add a chat to favorites") makes nothing new.
                    Number::One if creates => f32::from(!doc.item),
                    Number::One if doc.item => 1.0,
                    Number::Many if !doc.item => 1.0,
                    _ => 0.0,
                };
                let head = doc
                    .head
                    .iter()
                    .filter_map(|t| parsed.head.iter().find(|(h, _)| h == t).map(|(_, w)| *w))
                    .fold(0.0f32, f32::max);
                // Records of the kind asked for are what the operation is named by; an operation
                // about what only qualifies the request ("List Message *Threads*" for "messages
                // in a thread") is about something else.
                let head = head.max(kind_of[i]);
                let head = if head == 0.0
                    && head_named
                    && doc.head.iter().any(|t| parsed.qualifier_heads.contains(t))
                {
                    -wt.inverted_head
                } else {
                    head
                };
                let precision = precision.max(kind_of[i]);
                let mut b = Breakdown {
                    head: wt.head * head,
                    recall: wt.recall * recall,
                    precision: wt.precision * precision,
                    verb: wt.verb * verb,
                    scope: wt.scope * scope,
                    number: wt.number * number,
                    ..Breakdown::default()
                };
                let has = |t: &Term| {
                    self.postings[*t as usize]
                        .binary_search_by_key(&(i as u32), |(d, _)| *d)
                        .is_ok()
                };
                let held = parsed.holders.iter().any(|h| {
                    doc.holders.iter().any(|t| h.names.contains(t))
                        && h.modifiers.iter().all(|m| m.iter().any(has))
                });
                if held {
                    // Records held by the one the request names ("members *of group 4*").
                    b.holder = wt.holder;
                }
                if parsed.counted && doc.bulk {
                    // Many records at once are for the operation on many.
                    b.bulk = wt.bulk;
                }
                if parsed.calls_in_general && doc.live_call {
                    // "Forward my calls", "record all calls": a standing setting, not one call.
                    b.live_call = -wt.live_call;
                }
                if precision <= 0.0 {
                    // Nothing of its name is in the request: met in passing, at best.
                    b.unnamed = -wt.unnamed;
                }
                if doc.historical && !asks_history {
                    // What is asked of now, unless the request speaks of the past.
                    b.historical = -wt.historical;
                }
                if doc.deprecated && !only_fit[i] {
                    // A current operation that does the same is the better answer; a deprecated
                    // one that alone does what is asked is still the answer.
                    b.deprecated = -wt.deprecated;
                }
                // An operation named by the request's verb ("summarize", "park") is about what
                // the request is about, whatever its object is called.
                let named_by_verb =
                    parsed.specific && parsed.action.is_some_and(|a| doc.own_verbs.contains(&a));
                if objects_known && !has_object[i] && !named_by_verb {
                    // Right verb, wrong thing: an action about something else entirely.
                    b.off_object = -wt.off_object;
                }
                (i as u32, b.total(), b)
            })
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.truncate(limit);
        hits.into_iter()
            .map(|(i, score, breakdown)| Hit {
                action: Action::from_operation(&OPERATIONS[i as usize]),
                score,
                breakdown,
            })
            .collect()
    }

    /// How well an operation's verb fits the request's, from -1 to 1.
    fn verb_fit(&self, query: &Query, doc: &Doc) -> f32 {
        let wt = self.wt;
        // A read whose answer lists the things asked for lists them.
        let lists_head = doc.verb == OpVerb::Read
            && query.plural
            && doc
                .lists
                .iter()
                .any(|t| query.head.iter().any(|(h, w)| h == t && *w >= 0.8));
        let op_verb = if lists_head { OpVerb::List } else { doc.verb };
        let class = if query.configures {
            verb_fit(Some(Verb::Update), query.plural, op_verb).max(verb_fit(
                Some(Verb::Create),
                query.plural,
                op_verb,
            ))
        } else {
            verb_fit(query.verb, query.plural, op_verb)
        };
        let class = if doc.computes && matches!(query.verb, Some(Verb::Read) | Some(Verb::List)) {
            class.max(wt.computed_read)
        } else {
            class
        };
        let Some(action) = query.action else {
            return class;
        };
        if doc.own_verbs.contains(&action) {
            // The very verb fits, though a verb of a whole class ("get") still tells one record
            // from many.
            return if query.specific || query.names_action {
                1.0
            } else {
                class.max(wt.named_action_fit)
            };
        }
        if query.specific && class > 0.0 {
            // "Hold the call" names one operation; others of its class fit only loosely.
            class * 0.5
        } else if query.names_action && class > 0.0 {
            // "Replace a number" prefers *Replace Phone Number* to *Assign Phone Number*.
            class * wt.named_action_fit
        } else {
            class
        }
    }

    fn parse(&self, query: &str) -> Query {
        let wt = self.wt;
        let cleaned = self.strip_asking(&text::strip_payload(query));
        // Acronyms written in capitals that are small words in lower case ("every *DID* we
        // own") say what they stand for.
        let cleaned = if cleaned.split_whitespace().any(|t| {
            lexicon::acronyms()
                .iter()
                .any(|(a, _)| t.trim_matches(|c: char| !c.is_alphanumeric()) == *a)
        }) {
            cleaned
                .split_whitespace()
                .map(|t| {
                    let bare = t.trim_matches(|c: char| !c.is_alphanumeric());
                    lexicon::acronyms()
                        .iter()
                        .find(|(a, _)| bare == *a)
                        .map_or(t, |(_, meaning)| *meaning)
                })
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            cleaned
        };
        // A number after a qualifier names what holds the records ("posts *in chat 910*"), not
        // one of them; after "last" or "top" it counts them.
        let is_word = |token: &str| {
            let stem = text::stem(token);
            self.vocab.contains_key(&stem) || self.synonyms.contains_key(&stem)
        };
        // "... with record id 7Fa9" names one record wherever it stands.
        let mut id_nouns = text::id_nouns(
            self.before_qualifier(&cleaned),
            |word| {
                !self.stopwords.contains(word)
                    && !self.verbs.get(word).is_some_and(|v| v.pure)
                    && !self.questions.contains(word)
                    && !self.mine.contains(word)
                    && !lexicon::counting().contains(&word)
            },
            is_word,
        );
        id_nouns.extend(text::id_nouns(&cleaned, |_| false, is_word));
        // An id written with a dash ("webhook w-1", "party p-2", "session s-abc123") names one
        // record by its number; its letters are no words of the request.
        // "Company info: name, main number, status": a list after a colon names the fields of
        // what comes before it, which is what the request is about.
        let last_comma = cleaned.rfind(',');
        let listed = |at: usize, token: &str| {
            let offset = token.as_ptr() as usize - cleaned.as_ptr() as usize;
            at > 0 && token.ends_with(':') && last_comma.is_some_and(|c| c > offset)
        };
        let cleaned = cleaned
            .split_whitespace()
            .enumerate()
            .map(|(at, t)| {
                if text::is_dashed_id(t) || self.is_value_name(t) {
                    "0".to_string()
                } else if listed(at, t) {
                    format!("{} with", t.trim_end_matches(':'))
                } else {
                    t.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let mut raw = text::words(&cleaned);
        // Names written with a capital ("text Maria") are nobody's misspelling.
        let capitalized: Vec<String> = cleaned
            .split_whitespace()
            .skip(1)
            .filter(|t| t.starts_with(char::is_uppercase))
            .map(|t| {
                t.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .collect();
        // Requests are short; a flood of unknown words is no request to spell-check.
        for word in raw.iter_mut().take(MAX_RESPELT) {
            if !capitalized.contains(word)
                && let Some(fixed) = self.respell(word)
            {
                *word = fixed;
            }
        }
        if raw.first().is_some_and(|w| w == "call" || w == "ring") {
            let next = cleaned.split_whitespace().nth(1).unwrap_or("");
            if next.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '(')
                || lexicon::callees().contains(&next.to_lowercase().as_str())
            {
                raw[0] = "dial".to_string();
            }
        }
        let question = match (
            raw.first().map(String::as_str),
            raw.get(1).map(String::as_str),
        ) {
            (Some("how"), Some("many" | "much" | "long" | "often" | "far")) => Question::About,
            (Some("how" | "can" | "could" | "should"), _) => Question::HowTo,
            (Some(first), _) if self.questions.contains(first) => Question::About,
            _ => Question::None,
        };
        // "Does this user have permission to ...?", "is the number blocked?": a question to
        // answer yes or no asks to check.
        let yes_or_no = matches!(
            raw.first().map(String::as_str),
            Some("does" | "do" | "is" | "are" | "has" | "have")
        );
        let words = self.join_compounds(self.apply_phrases(raw));

        // Calls in general ("my calls", "incoming calls") rather than a few in hand ("bridge two
        // calls").
        let calls_in_general = words.iter().enumerate().any(|(i, w)| {
            w == "calls"
                && !i
                    .checked_sub(1)
                    .is_some_and(|p| lexicon::few().contains(&words[p].as_str()))
        });
        // A question about oneself ("which queues am I in?") asks about one's own records.
        let mut scope = if question == Question::About
            && words.iter().any(|w| matches!(w.as_str(), "i" | "me"))
        {
            Scope::Mine
        } else {
            Scope::Unspecified
        };
        let mut content: Vec<String> = Vec::new();
        // Which content words qualify what the request is about ("calls *from a number*").
        let mut qualifying: Vec<bool> = Vec::new();
        let mut named_something = false;
        let mut in_qualifier = false;
        // The word before each content word, articles aside.
        let mut preceding: Vec<&str> = Vec::new();
        // Which content words say what a permission allows ("permission *to read the call
        // log*"): they name the permission, not what the request is about.
        let mut permitted: Vec<bool> = Vec::new();
        let mut in_permission = false;
        let mut last = "";
        // Whether a number follows each content word ("paging group *2001*").
        let mut numbered: Vec<bool> = Vec::new();
        // Where each content word stands among the words.
        let mut word_at: Vec<usize> = Vec::new();
        for (at, w) in words.iter().enumerate() {
            let before = last;
            if !lexicon::determiners().contains(&w.as_str()) {
                last = w.as_str();
            }
            if w == "to" && lexicon::permission().contains(&before) {
                in_permission = true;
            }
            if named_something && lexicon::prepositions().contains(&w.as_str()) {
                in_qualifier = true;
            }
            if self.mine.contains(w) {
                scope = Scope::Mine;
                continue;
            }
            // "Add *someone* to the queue" names a person, however vague.
            if lexicon::people().contains(&w.as_str()) {
                named_something = true;
            }
            if self.stopwords.contains(w) || w.chars().all(|c| c.is_ascii_digit()) {
                continue;
            }
            // A verb that implies its object ("subscribe": to notifications) names it too.
            if !self.verbs.get(w).is_some_and(|v| v.pure)
                || self.synonyms.contains_key(&text::stem(w))
            {
                named_something = true;
            }
            content.push(w.clone());
            qualifying.push(in_qualifier);
            preceding.push(before);
            permitted.push(in_permission);
            word_at.push(at);
            numbered.push(
                words
                    .get(at + 1)
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit())),
            );
        }
        let stems: Vec<String> = content.iter().map(|w| text::stem(w)).collect();
        let verb_of = |i: usize| content.get(i).and_then(|w| self.verbs.get(w));

        // The verb: the first pure verb; else an ambiguous one that opens the request. A question
        // whose object comes before any verb asks to read that object.
        // A verb after an article or a possessive names a thing ("the *join* link", "my
        // *transfer* settings").
        let after_determiner = |i: usize| {
            word_at[i] > 0 && lexicon::determiners().contains(&words[word_at[i] - 1].as_str())
        };
        // A verb that names one operation, between two words that name things in one run of
        // words, names a thing too ("call *flip* numbers", "call *park* locations").
        let lowered = cleaned.to_lowercase();
        let noun = |j: usize| {
            verb_of(j).is_none()
                && self
                    .vocab
                    .get(&stems[j])
                    .is_some_and(|t| self.top_field[*t as usize] >= wt.path)
        };
        let modifies = |i: usize| {
            i > 0
                && i + 1 < content.len()
                && word_at[i - 1] + 1 == word_at[i]
                && word_at[i] + 1 == word_at[i + 1]
                && noun(i - 1)
                && noun(i + 1)
                && lowered.contains(&format!(
                    "{} {} {}",
                    content[i - 1],
                    content[i],
                    content[i + 1]
                ))
        };
        // A past participle right after what it follows describes it ("roles *assigned* to
        // ext 101", "calls *made* yesterday"): no verb of the request.
        let describes = |i: usize| {
            i > 0 && content[i].ends_with("ed") && word_at[i - 1] + 1 == word_at[i] && noun(i - 1)
        };
        let first_pure = (0..content.len()).find(|i| {
            !permitted[*i]
                && !after_determiner(*i)
                && verb_of(*i).is_some_and(|v| v.pure)
                && (!verb_of(*i).is_some_and(|v| v.specific) || !modifies(*i))
                && !describes(*i)
        });
        let first_object =
            (0..content.len()).find(|i| verb_of(*i).is_none() || after_determiner(*i));
        let mut verb_at = first_pure;
        // A verb that opens the request is its verb, even one that is also a noun, and even
        // when a later word could be a verb too ("check the bulk update task").
        if words.len() > 1
            && verb_of(0).is_some()
            && !after_determiner(0)
            && content.first().is_some_and(|w| w != "all" && w != "every")
        {
            verb_at = Some(0);
        }
        let mut verb = verb_at.and_then(&verb_of).map(|v| v.class);
        // A question asks about what it names ("do I have new voicemails?"), unless it asks how
        // to do something ("how do I text someone?") or a pure verb comes before its object.
        let asks = verb_at.is_none()
            || first_object.is_some_and(|o| Some(o) < verb_at)
            || verb_at.is_some_and(|i| !verb_of(i).is_some_and(|v| v.pure));
        // "Status of the upload task", "details of site 12": a request that opens with what it
        // asks for reads it, whatever verbs its qualifiers hold.
        let opens_with_what = verb_of(0).is_none()
            && word_at
                .first()
                .and_then(|at| words.get(at + 1))
                .is_some_and(|w| w == "of")
            && (self.weak.contains(&stems[0])
                || self
                    .vocab
                    .get(&stems[0])
                    .is_some_and(|t| self.generic_heads.contains(t)));
        if (question == Question::About && asks) || opens_with_what {
            verb_at = None;
            verb = Some(Verb::Read);
        }
        let mut info = verb_at.and_then(&verb_of);
        if let Some(i) = verb_at
            && lexicon::state_setters().contains(&content[i].as_str())
            && let Some(state) = (i + 1..content.len()).find_map(|j| {
                self.actions
                    .get(&stems[j])
                    .or_else(|| {
                        lexicon::states()
                            .iter()
                            .find(|(state, _)| *state == content[j])
                            .and_then(|(_, verb)| self.verbs.get(*verb))
                    })
                    .filter(|v| v.specific)
            })
        {
            info = Some(state);
            verb = Some(state.class);
        }
        // Some verbs mean what their object lets them: opening or saving a voicemail reads it,
        // opening a conversation starts one.
        // The object is the head of the words after the verb, before any qualifier ("save a
        // message *template*", "save a *fax* as PDF").
        let object = verb_at.and_then(|i| {
            let first = (i + 1..content.len()).find(|j| !self.weak.contains(&stems[*j]))?;
            (first..content.len())
                .take_while(|j| !qualifying[*j] || *j == first)
                .last()
        });
        if let Some(i) = verb_at
            && let Some(object) = object
            && let Some((_, _, class)) =
                lexicon::get()
                    .verb_by_object
                    .iter()
                    .find(|(word, objects, _)| {
                        *word == content[i]
                            && objects.iter().any(|o| text::stem(o) == stems[object])
                    })
        {
            verb = Some(*class);
            info = None;
        }
        // "Make Jane an admin", "make extension 204 a supervisor": making someone something
        // gives them that role.
        let tokens: Vec<String> = cleaned
            .split_whitespace()
            .map(|t| {
                t.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .collect();
        if verb_at == Some(0)
            && tokens.first().is_some_and(|t| t == "make")
            && let Some(article) =
                (2..tokens.len().min(5)).find(|j| matches!(tokens[*j].as_str(), "a" | "an"))
            && (1..article).all(|j| {
                let t = &tokens[j];
                lexicon::people().contains(&t.as_str())
                    || t == "extension"
                    || t.chars().all(|c| c.is_ascii_digit())
                    || !self.vocab.contains_key(&text::stem(t))
            })
            && let Some(assign) = self.verbs.get("assign")
        {
            verb = Some(assign.class);
            info = Some(assign);
        }
        // Some name an operation by their object: sending a call on forwards it, accepting one
        // answers it. One call, that is: accepting calls is being available for them.
        if let Some(i) = verb_at
            && let Some(object) = object
            && let Some((_, _, action)) =
                lexicon::get()
                    .action_by_object
                    .iter()
                    .find(|(word, objects, _)| {
                        *word == content[i] && objects.contains(&&*content[object])
                    })
            && let Some(named) = self.verbs.get(*action)
        {
            verb = Some(named.class);
            info = Some(named);
        }
        // The context of a verb is the nearest word after it that some meaning of the verb
        // depends on: "reply to a text" sends an SMS, "reply to the call with a text" answers
        // the caller.
        // Context words may be small ones ("register *for* a webinar").
        let all_stems: Vec<String> = words.iter().map(|w| text::stem(w)).collect();
        let verb_context: Option<usize> = verb_at.and_then(|i| {
            (word_at[i] + 1..all_stems.len()).find_map(|j| {
                self.in_context
                    .iter()
                    .position(|r| r.word == stems[i] && r.context.contains(&all_stems[j]))
            })
        });
        // Where the context gives the verb another meaning, it no longer names the operation it
        // names on its own; a context that keeps the verb itself at full weight keeps that.
        let verb_in_context = verb_context.is_some_and(|r| {
            let rule = &self.in_context[r];
            !rule
                .expansions
                .iter()
                .any(|(to, w)| *to == rule.word && *w >= 1.0)
        });
        let info = info.filter(|v| !(verb_in_context && v.specific));
        let checks = yes_or_no && question == Question::About && verb == Some(Verb::Read);
        let action = info
            .and_then(|v| self.vocab.get(&v.action).copied())
            .or_else(|| checks.then(|| self.vocab.get("check").copied()).flatten());
        // "Forward my calls" asks for a setting, which no operation names by that verb, rather
        // than for the operation on one live call.
        let specific = info.is_some_and(|v| v.specific) && !calls_in_general;
        let names_action = info.is_some_and(|v| v.names_action) || checks;
        // Such a setting may be made anew or changed: either kind of operation fits.
        let configures = calls_in_general
            && info.is_some_and(|v| v.specific && matches!(v.class, Verb::Update | Verb::Create));

        // "Add Raj to the team", "take agent Jake out of the queue": a person joining or leaving
        // a group is about the group's members.
        let names_person = text::names_a_person(&cleaned, |word| {
            self.vocab.contains_key(&text::stem(word)) || self.stopwords.contains(word)
        }) || words
            .iter()
            .any(|w| lexicon::people().contains(&w.as_str()));
        let joins_or_leaves = verb_at
            .is_some_and(|i| lexicon::membership_verbs().contains(&content[i].as_str()))
            && words
                .iter()
                .any(|w| matches!(w.as_str(), "to" | "into" | "from" | "out"));
        // "Add a third person to the call", "bring Dana into the conference": someone joining
        // the call in hand is brought in.
        let joined = words
            .iter()
            .position(|w| w == "to" || w == "into")
            .map(|at| {
                words[at + 1..]
                    .iter()
                    .take_while(|w| !lexicon::prepositions().contains(&w.as_str()))
                    .filter(|w| !lexicon::determiners().contains(&w.as_str()))
                    .last()
            });
        let brings_in = joins_or_leaves
            && matches!(verb, Some(Verb::Create))
            && (names_person || words.iter().any(|w| w == "participant" || w == "party"))
            && joined
                .flatten()
                .is_some_and(|w| w == "call" || w == "conference");
        let (action, specific) = match self.vocab.get("bring") {
            Some(bring) if brings_in => (Some(*bring), true),
            _ => (action, specific),
        };
        let possessors: Vec<String> = cleaned
            .split_whitespace()
            .filter_map(|token| {
                let token = token.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'');
                token
                    .strip_suffix("'s")
                    .or_else(|| token.strip_suffix("\u{2019}s"))
                    .or_else(|| token.strip_suffix("s'"))
                    .map(str::to_lowercase)
            })
            .collect();
        // A kind of record that no operation of the asked class is named by ("list park
        // locations", "create a call queue") is asked of the operations whose type field takes it.
        let kind_class = if specific {
            None
        } else {
            verb.or(Some(Verb::Read))
        };
        let clause = Clause {
            content: &content,
            stems: &stems,
            qualifying: &qualifying,
            preceding: &preceding,
        };
        let kind_at = self.kinds_in(
            &clause,
            kind_class,
            verb_at,
            |i| qualifying[i] || permitted[i],
            |i| numbered[i],
            |i| {
                word_at
                    .get(i + 1)
                    .is_some_and(|next| *next != word_at[i] + 1)
            },
        );
        // "A contact's phone number", "Bob's email": one thing of a record's, when no operation
        // is named by both, is a field of that record, which is what the request is about.
        let record = self.field_owner(&clause, &possessors, verb_at, |w| {
            names_person && !self.vocab.contains_key(&text::stem(w))
        });
        let mut terms = Vec::new();
        let mut plural = false;
        let mut singular = false;
        // Whom a call is placed to ("dial a number", "call the customer") is what to do it
        // with, not what the request is about.
        let verb_word = verb_at.map(|i| content[i].as_str());
        let dialing = verb_word == Some("dial");
        for (i, w) in content.iter().enumerate() {
            let stem = &stems[i];
            if kind_at[i] != KindAt::None
                && self.company_wide.contains(stem)
                && scope == Scope::Unspecified
            {
                scope = Scope::Company;
            }
            match &kind_at[i] {
                KindAt::Start(key) => {
                    terms.push(QueryTerm {
                        stem: key.clone(),
                        weight: 1.0,
                        object: true,
                        verb: false,
                        expansions: Vec::new(),
                        kind: Some(key.clone()),
                    });
                    continue;
                }
                KindAt::Inside => continue,
                KindAt::Beside(key) => terms.push(QueryTerm {
                    stem: key.clone(),
                    weight: wt.kind_beside,
                    object: true,
                    verb: false,
                    expansions: Vec::new(),
                    kind: Some(key.clone()),
                }),
                KindAt::None => {}
            }
            if dialing && Some(i) != verb_at && lexicon::callees().contains(&w.as_str()) {
                continue;
            }
            if permitted[i] {
                let mut term = self.expand(stem, wt.permitted, false);
                term.object = false;
                terms.push(term);
                continue;
            }
            if self.company_wide.contains(stem) && scope == Scope::Unspecified {
                scope = Scope::Company;
            }
            // "All users", "every extension": the whole company's.
            if (w == "all" || w == "every")
                && scope == Scope::Unspecified
                && content.get(i + 1).is_some_and(|next| {
                    lexicon::people().contains(&next.as_str()) || stems[i + 1] == "extension"
                })
            {
                scope = Scope::Company;
            }
            if Some(i) == verb_at {
                // A pure verb says only what to do; an ambiguous one ("text", "fax") also names
                // its object, and a verb with synonyms ("suspend") hints at fields it touches.
                // A verb of a whole class ("get", "find") is judged by the verb fit alone: as a
                // word it would only meet the operationIds that happen to spell it. A verb with
                // synonyms implies its object ("dial" a call, "subscribe" to notifications).
                let pure = info.is_some_and(|v| v.pure);
                let implies = self.synonyms.contains_key(stem);
                if pure && !specific && !implies {
                    continue;
                }
                // A verb that names one operation ("summarize", "park") is as much what the
                // request is about as its object.
                let weight = match (pure, implies) {
                    (false, _) => 0.8,
                    (true, true) => 0.6,
                    (true, false) => 1.0,
                };
                let mut term = self.expand(stem, weight, pure);
                // A verb that asks for an operation verb by another name ("merge" asks to
                // bridge) is evidence of that one.
                if let Some(asked) = info.filter(|v| v.specific).map(|v| &v.action)
                    && !term.expansions.iter().any(|(t, _)| t == asked)
                {
                    term.expansions.push((asked.clone(), 1.0));
                }
                term.object = !pure;
                term.verb = pure;
                terms.push(term);
                continue;
            }
            if stem == "all" || stem == "every" {
                if verb.is_none() {
                    verb = Some(Verb::List);
                }
                plural = true;
                continue;
            }
            // "The permission catalog", "the time zone dictionary": a whole collection.
            if lexicon::collections().contains(&w.as_str()) {
                if verb.is_none() {
                    verb = Some(Verb::List);
                }
                plural = true;
            }
            // "What texts did I *get*": a verb that is never a thing names nothing to find.
            if lexicon::verbs_only().contains(&w.as_str()) {
                continue;
            }
            // Whose things they are ("a *user's* roles", "devices *for a user*") says which
            // operations fit (those of one user) more than what the request is about.
            let possessor = possessors.iter().any(|p| p == w);
            let person = lexicon::people().contains(&w.as_str()) || stem == "extension";
            // "Devices for a user", "the call log of an extension", "a role to a user", not "a
            // chat with colleagues".
            let owner = possessor || matches!(preceding[i], "for" | "of" | "to");
            if person && owner && scope == Scope::Unspecified {
                scope = Scope::Mine;
            }
            let weak = self.weak.contains(stem);
            // Where a person joins or leaves a group, the group is what the request is about.
            // The owner of things counts as a qualifier ("a user's *contacts*"), though not of
            // one thing of theirs, which is most likely a field of their record ("a user's
            // email").
            let owns_many = possessor
                && content.get(i + 1).is_some_and(|next| {
                    next.len() > 3 && next.ends_with('s') && !next.ends_with("ss")
                });
            // The record whose field is asked for is what the request is about, wherever it is
            // named.
            let record_word = record.as_ref().is_some_and(|r| r.owners.contains(&i));
            let base = if (qualifying[i] || owns_many)
                && !(names_person && joins_or_leaves)
                && !record_word
            {
                wt.qualifier
            } else {
                1.0
            };
            // "Company", "account" say whose records more than what they are.
            let base = if self.company_wide.contains(stem) {
                base * wt.scope_word
            } else {
                base
            };
            let base = match &record {
                Some(r) if r.fields.contains(&i) => base * wt.field,
                _ => base,
            };
            let mut term = self.expand(stem, if weak { 0.25 * base } else { base }, false);
            term.object = !weak;
            terms.push(term);
        }
        // A person named by name is a user, whose record it is.
        if let Some(r) = &record
            && r.person
        {
            let mut term = self.expand("user", wt.named_person, false);
            term.object = true;
            terms.push(term);
        }
        for (r, rule) in self.in_context.iter().enumerate() {
            if !all_stems.iter().any(|s| rule.context.contains(s)) {
                continue;
            }
            let verb_stem = verb_at.map(|i| stems[i].as_str());
            if verb_stem == Some(rule.word.as_str()) && verb_context != Some(r) {
                continue;
            }
            for term in terms.iter_mut().filter(|t| t.stem == rule.word) {
                for (to, w) in &rule.expansions {
                    match term.expansions.iter_mut().find(|(t, _)| t == to) {
                        // The context may say how much the word itself still counts.
                        Some(own) if *to == rule.word => own.1 = *w,
                        Some(existing) => existing.1 = existing.1.max(*w),
                        None => term.expansions.push((to.clone(), *w)),
                    }
                }
            }
        }
        // "Is Tom on a call?", "is extension 204 busy?", "check whether ext 101 is free":
        // whether someone is on the phone, in a meeting or free is their presence.
        let said: Vec<&str> = cleaned.split_whitespace().collect();
        let bare: Vec<String> = said
            .iter()
            .map(|t| {
                t.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .collect();
        let someone = |at: usize| {
            let Some(subject) = said.get(at) else {
                return false;
            };
            let lower = &bare[at];
            lexicon::people().contains(&lower.as_str())
                || matches!(lower.as_str(), "extension" | "ext" | "anyone" | "anybody")
                || (subject.chars().next().is_some_and(char::is_uppercase)
                    && subject.len() > 1
                    && subject.chars().skip(1).all(char::is_lowercase)
                    && !self.vocab.contains_key(&text::stem(lower)))
        };
        let whereabouts = |from: usize| {
            bare.iter()
                .skip(from)
                .any(|w| lexicon::whereabouts().contains(&w.as_str()))
        };
        let asked_directly = yes_or_no && someone(1) && whereabouts(2);
        let asked_within = (1..bare.len()).any(|i| {
            matches!(bare[i - 1].as_str(), "whether" | "if")
                && someone(i)
                && (i + 1..bare.len().min(i + 4)).any(|j| matches!(bare[j].as_str(), "is" | "are"))
                && whereabouts(i + 1)
        });
        if asked_directly || asked_within {
            let mut term = self.expand(&text::stem("presence"), 1.0, false);
            term.object = true;
            terms.push(term);
        }
        // Calls in general, to be listed or searched, are the records of them in the call log.
        if calls_in_general && matches!(verb, Some(Verb::List) | Some(Verb::Search)) {
            let mut term = self.expand("log", wt.calls_as_log, false);
            term.object = false;
            terms.push(term);
        }
        if names_person && joins_or_leaves {
            let mut term = self.expand("member", 0.6, false);
            term.object = false;
            terms.push(term);
        }
        // The head of the request: its last object word before a qualifier ("a task *in a
        // chat*").
        let mut named: Vec<Term> = Vec::new();
        let mut person = false;
        let mut head_plural: Option<bool> = None;
        for w in &words {
            // A new clause or noun phrase ("every call *my* extension made", "which queues *is*
            // he in", "a webhook *so* Jenkins can post") says no more about the head.
            if !named.is_empty() && lexicon::phrase_ends().contains(&w.as_str()) {
                break;
            }
            if lexicon::prepositions().contains(&w.as_str()) {
                // "Register *someone* for a webinar": a person is what it is about.
                if person && named.is_empty() {
                    break;
                }
                // "The status *of* a batch", "the settings *of* a queue": a generic word is
                // what the request is about only when nothing follows.
                let generic = named.iter().all(|t| {
                    self.generic_heads.contains(t) || self.weak.contains(&self.words[*t as usize])
                });
                if named.is_empty() || (w == "of" && generic) {
                    named.clear();
                    continue;
                }
                break;
            }
            // "All the users": how many is no part of what.
            if matches!(w.as_str(), "all" | "every" | "each") {
                continue;
            }
            // "Roles *assigned* to ext 101": a participle after the head describes it.
            if verb.is_none()
                && !named.is_empty()
                && w.ends_with("ed")
                && (self.verbs.contains_key(w) || self.actions.contains_key(&text::stem(w)))
            {
                break;
            }
            person |= lexicon::people().contains(&w.as_str());
            // A verb that is what it sends ("*fax* with a cover page") names the head.
            if Some(w.as_str()) == verb_word
                && self
                    .verbs
                    .get(w)
                    .is_some_and(|v| !v.pure && v.class == Verb::Send)
                && let Some(t) = self.vocab.get(&text::stem(w))
            {
                named.push(*t);
                continue;
            }
            if self.mine.contains(w)
                || self.stopwords.contains(w)
                || w.chars().all(|c| c.is_ascii_digit())
                || Some(w.as_str()) == verb_word
                || self.verbs.get(w).is_some_and(|v| v.pure)
            {
                continue;
            }
            // How many things the request is about shows in its head, not in its qualifiers
            // ("add a contact *to my address book*") nor in the words before it ("a business
            // *hours* rule").
            let stem = text::stem(w);
            let thing = self
                .vocab
                .get(&stem)
                .is_some_and(|t| self.top_field[*t as usize] >= wt.path)
                || self.synonyms.contains_key(&stem)
                || lexicon::people().contains(&w.as_str());
            if ((thing && !self.weak.contains(&stem)) || lexicon::counted().contains(&w.as_str()))
                && !lexicon::numberless().contains(&w.as_str())
            {
                head_plural = Some(
                    (w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && stem != *w)
                        || lexicon::holding_many().contains(&w.as_str()),
                );
            }
            if let Some(t) = self.vocab.get(&stem) {
                named.push(*t);
            }
        }
        match head_plural {
            Some(true) => plural = true,
            Some(false) => singular = true,
            None => {}
        }
        // A person named by number ("user 204") owns what the request is about, unless they
        // are what it is about.
        let has_id = id_nouns.iter().any(|noun| {
            let person =
                lexicon::people().contains(&noun.as_str()) || text::stem(noun) == "extension";
            let about = self
                .vocab
                .get(&text::stem(noun))
                .is_some_and(|t| named.last() == Some(t));
            !person || about || named.is_empty()
        });
        if !has_id && !id_nouns.is_empty() && scope == Scope::Unspecified {
            scope = Scope::Mine;
        }
        // "The texts I sent", "the meetings I hosted": what one did oneself is one's own.
        if scope == Scope::Unspecified && words.iter().any(|w| w == "i") {
            scope = Scope::Mine;
        }
        let acts_on_record = matches!(
            verb,
            None | Some(Verb::Read) | Some(Verb::Update) | Some(Verb::Delete)
        ) && !specific;
        // "Any voicemails from the dentist?", "any new faxes?" ask for however many there are.
        if question == Question::About && words.iter().any(|w| w == "any") {
            plural = true;
        }
        // "In bulk", "several at once": many records.
        if words.iter().any(|w| lexicon::many().contains(&w.as_str())) {
            plural = true;
        }
        // "Import 200 switches", "provision 25 users": a count of new records says to make
        // them together.
        let counted = words.windows(2).any(|pair| {
            pair[0].chars().all(|c| c.is_ascii_digit())
                && pair[0].parse::<u32>().is_ok_and(|n| n > 2)
                && pair[1].len() > 3
                && pair[1].ends_with('s')
                && !pair[1].ends_with("ss")
        }) && matches!(
            verb,
            Some(Verb::Create) | Some(Verb::Update) | Some(Verb::Delete)
        );
        if counted {
            plural = true;
        }
        // "Who ..." asks for people, usually more than one.
        if words.first().is_some_and(|w| w == "who" || w == "whose") {
            plural = true;
        }
        // "Find a person by id" looks up one record, as "find message 1029384756" does.
        let by_id = words
            .windows(3)
            .any(|w| w[0] == "by" && (w[1] == "id" || w[2] == "id"));
        let number = match (plural, singular) {
            _ if has_id && (acts_on_record || verb == Some(Verb::Search)) => Number::Named,
            // What is checked is a condition, not a number of records.
            _ if action.is_some() && action == self.vocab.get("check").copied() => Number::Unknown,
            _ if by_id => Number::One,
            // A list, and what a search finds, are many records, however the request counts
            // them ("find a user by email").
            _ if matches!(verb, Some(Verb::List) | Some(Verb::Search)) => Number::Many,
            (true, _) => Number::Many,
            (false, true) => Number::One,
            _ => Number::Unknown,
        };
        let head_words: Vec<Term> = match &record {
            Some(r) if r.person => self.vocab.get("user").copied().into_iter().collect(),
            Some(r) => self
                .vocab
                .get(&stems[r.owner])
                .copied()
                .into_iter()
                .collect(),
            None => self.head_of(&named),
        };
        let head_at = head_words.first().copied();
        let head: Vec<(Term, f32)> = head_words
            .into_iter()
            .flat_map(|t| {
                let word = self.words[t as usize].as_str();
                terms
                    .iter()
                    .find(|qt| qt.stem == word)
                    .map(|qt| qt.expansions.clone())
                    .unwrap_or_else(|| vec![(word.to_string(), 1.0)])
            })
            .filter_map(|(w, weight)| self.vocab.get(&w).map(|t| (*t, weight)))
            .collect();
        let verb_terms = [
            verb_at.and_then(|i| self.vocab.get(&stems[i]).copied()),
            action,
        ];
        // What the qualifiers name ("messages *in a thread*"), to tell an operation about the
        // thing qualified from one about its qualifier.
        let thing_head = head.iter().any(|(t, w)| {
            *w >= 0.8
                && !self.generic_heads.contains(t)
                && !self.weak.contains(&self.words[*t as usize])
                && self.top_field[*t as usize] >= wt.path
        });
        let strong = |stem: &str| {
            self.expand(stem, 1.0, false)
                .expansions
                .into_iter()
                .filter(|(_, w)| *w >= 0.8)
                .filter_map(|(w, _)| self.vocab.get(&w).copied())
        };
        // The words before the head qualify it too ("*thread* messages", "*call queue*
        // members").

        let modifiers: Vec<Term> = named
            .iter()
            .take_while(|t| Some(**t) != head_at)
            .flat_map(|t| strong(&self.words[*t as usize]))
            .collect();
        let qualifier_heads: Vec<Term> = (0..content.len())
            .filter(|i| qualifying[*i] && Some(*i) != verb_at)
            .flat_map(|i| strong(&stems[i]))
            .chain(modifiers)
            // A group someone joins or leaves is what the request is about.
            .filter(|_| thing_head && !(names_person && joins_or_leaves))
            .filter(|t| !head.iter().any(|(h, _)| h == t))
            .collect();
        // The words right before it name the holder too ("*SMS* thread 5520"): an operation on
        // another kind of thread holds other records.
        // A record named by its name ("the *London* site") is one too.
        let names: Vec<String> = cleaned
            .split_whitespace()
            .skip(1)
            .filter(|t| {
                let mut chars = t.chars();
                chars.next().is_some_and(char::is_uppercase)
                    && t.len() > 1
                    && chars.all(char::is_lowercase)
            })
            .map(str::to_lowercase)
            .filter(|t| !self.vocab.contains_key(&text::stem(t)) && !self.stopwords.contains(t))
            .collect();
        let is_name = |j: usize| names.contains(&content[j]);
        let named_one = |i: usize| numbered[i] || (i > 0 && is_name(i - 1));
        let holders: Vec<Holder> = (0..content.len())
            .filter(|i| thing_head && qualifying[*i] && named_one(*i) && Some(*i) != verb_at)
            .map(|i| Holder {
                names: strong(&stems[i])
                    .filter(|t| !head.iter().any(|(h, _)| h == t))
                    .collect(),
                modifiers: (0..i)
                    .rev()
                    .take_while(|j| qualifying[*j] && word_at[*j] + (i - *j) == word_at[i])
                    .filter(|j| !is_name(*j))
                    .map(|j| strong(&stems[j]).collect())
                    .collect(),
            })
            .collect();
        // A request that names things without saying what to do with them ("wireless access
        // points in the E911 map", "my hrs of operation") asks to see them.
        // "Roles I can assign", "numbers we may port": what one can do something to is what the
        // API calls assignable, portable.
        let possible = words
            .iter()
            .any(|w| matches!(w.as_str(), "can" | "may" | "allowed" | "able"));
        if possible {
            for term in terms.iter_mut().filter(|t| !t.verb && t.kind.is_none()) {
                let able = text::stem(&format!("{}able", term.stem));
                if self
                    .vocab
                    .get(&able)
                    .is_some_and(|t| !self.postings[*t as usize].is_empty())
                    && !term.expansions.iter().any(|(w, _)| *w == able)
                {
                    for (_, w) in term.expansions.iter_mut() {
                        *w = w.min(0.6);
                    }
                    term.expansions.push((able, 1.0));
                    term.weight = term.weight.max(1.0);
                    term.object = true;
                }
            }
        }
        // A request that opens with a word the API does not name things by most likely opens
        // with a verb the lexicon does not know ("bin the voicemail"), which says nothing.
        let opens_with_thing = words.first().is_some_and(|w| {
            self.mine.contains(w)
                || lexicon::determiners().contains(&w.as_str())
                || self
                    .vocab
                    .get(&text::stem(w))
                    .is_some_and(|t| self.top_field[*t as usize] >= wt.path)
        });
        // A word the operations are named by as their verb ("bring", "aggregate"), or a word in
        // lower case that neither the API nor the lexicon knows ("spill"), is most likely a verb
        // too.
        let verb_like = || {
            tokens.iter().filter(|t| !t.ends_with("ed")).any(|t| {
                let stem = text::stem(t);
                let known = self.vocab.get(&stem);
                (known.is_none()
                    && t.len() > 2
                    && !self.mine.contains(t.as_str())
                    && !self.company_wide.contains(&stem)
                    && !self.questions.contains(t.as_str())
                    && !lexicon::determiners().contains(&t.as_str())
                    && t.chars().all(|c| c.is_ascii_lowercase())
                    && !self.synonyms.contains_key(&stem)
                    && !self.stopwords.contains(t.as_str())
                    && !names.contains(t))
                    || known.is_some_and(|k| self.docs.iter().any(|d| d.own_verbs.contains(k)))
            })
        };
        let verb = if verb.is_none() && opens_with_thing && !verb_like() {
            Some(Verb::Read)
        } else {
            verb
        };
        Query {
            verb,
            head,
            qualifier_heads,
            holders,
            verb_terms,
            action,
            specific,
            names_action,
            plural,
            number,
            scope,
            calls_in_general,
            configures,
            counted,
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
                match expansions.iter_mut().find(|(t, _)| t == to) {
                    // The word itself, weighed by the lexicon: it means its synonym more than
                    // what the API happens to call by it.
                    Some(own) => own.1 = *w,
                    None => expansions.push((to.clone(), *w)),
                }
            }
        }
        QueryTerm {
            stem: stem.to_string(),
            weight,
            object: false,
            verb: false,
            expansions,
            kind: None,
        }
    }

    /// The record whose field the request is about: an owner's one thing ("a contact's phone
    /// number", "Bob's email") that no operation is named by together with the owner, as *User
    /// Presence* is by "a user's presence".
    fn field_owner(
        &self,
        clause: &Clause,
        possessors: &[String],
        verb_at: Option<usize>,
        is_name: impl Fn(&str) -> bool,
    ) -> Option<Record> {
        let wt = self.wt;
        let Clause {
            content,
            stems,
            qualifying,
            preceding,
        } = *clause;
        let thing = |j: &usize| !self.verbs.get(&content[*j]).is_some_and(|v| v.pure);
        // "Everyone's", "the company's" say whose, not which record.
        let possessive = (0..content.len()).find(|i| {
            Some(*i) != verb_at
                && !qualifying[*i]
                && possessors.contains(&content[*i])
                && !self.company_wide.contains(&stems[*i])
        });
        let (owner, owners_at, fields) = match possessive {
            Some(owner) => {
                let fields: Vec<usize> = (owner + 1..content.len())
                    .take_while(|j| !qualifying[*j] && thing(j))
                    .collect();
                (owner, Vec::new(), fields)
            }
            // "The phone number *of* contact 9921", "the text *of* my post".
            None => {
                let start = verb_at.map_or(0, |v| v + 1);
                let of = (start..content.len()).find(|j| qualifying[*j])?;
                if preceding[of] != "of" {
                    return None;
                }
                let fields: Vec<usize> = (start..of).filter(thing).collect();
                let owners_at: Vec<usize> = (of..content.len())
                    .take_while(|j| *j == of || !lexicon::prepositions().contains(&preceding[*j]))
                    .filter(thing)
                    .collect();
                let owner = *owners_at
                    .iter()
                    .rev()
                    .find(|j| self.vocab.contains_key(&stems[**j]))?;
                (owner, owners_at, fields)
            }
        };
        let last = *fields.last()?;
        // Many things of theirs are things of their own ("a user's contacts").
        let field = &content[last];
        if field.len() > 3 && field.ends_with('s') && stems[last] != *field {
            return None;
        }
        let person = is_name(&content[owner]);
        let strong = |stem: &str| -> Vec<Term> {
            self.expand(stem, 1.0, false)
                .expansions
                .iter()
                .filter(|(_, w)| *w >= 0.8)
                .filter_map(|(w, _)| self.vocab.get(w).copied())
                .collect()
        };
        let owners = if person {
            strong("user")
        } else {
            strong(&stems[owner])
        };
        if owners.is_empty() {
            return None;
        }
        let parts = strong(&stems[last]);
        let named_by_both = self.docs.iter().any(|d| {
            owners.iter().any(|t| d.core.contains(t)) && parts.iter().any(|t| d.core.contains(t))
        });
        // A field it is only if the record has it: a contact has phone numbers, a post its
        // text, but a recording no transcript.
        let has_field = fields.iter().any(|j| {
            self.vocab.get(&stems[*j]).is_some_and(|t| {
                self.postings[*t as usize].iter().any(|(d, w)| {
                    *w < wt.path
                        && self.docs[*d as usize]
                            .head
                            .iter()
                            .any(|h| owners.contains(h))
                })
            })
        });
        (!named_by_both && has_field).then_some(Record {
            owner,
            owners: owners_at,
            person,
            fields,
        })
    }

    /// Where the content words of a request name a kind of record to ask of the operations whose
    /// type field takes it: words that run together into a kind ("park locations", "fax user")
    /// or an everyday name of one ("call queue") and stand together in the request, that are what
    /// the request is about rather than a qualifier, that no operation of the asked class is named by ("list call queues" has its
    /// own operation), and that some operation of that class handles by type.
    fn kinds_in(
        &self,
        clause: &Clause,
        class: Option<Verb>,
        verb_at: Option<usize>,
        qualifies: impl Fn(usize) -> bool,
        numbered: impl Fn(usize) -> bool,
        apart: impl Fn(usize) -> bool,
    ) -> Vec<KindAt> {
        let wt = self.wt;
        let Clause { content, stems, .. } = *clause;
        let mut at = vec![KindAt::None; content.len()];
        let Some(class) = class else {
            return at;
        };
        let fits = |doc: &Doc| verb_fit(Some(class), false, doc.verb) >= 0.7;
        // A list is named too by the read of the one record of its kind ("list business hours").
        let names = |doc: &Doc| fits(doc) || (class == Verb::List && doc.verb == OpVerb::Read);
        let mut i = 0;
        while i < content.len() {
            let found = (1..=3).rev().find_map(|len| {
                let span = i..i + len;
                // The words of a kind stand together: "calls are handled" is no call handling.
                if span.end > content.len()
                    || verb_at.is_some_and(|v| span.contains(&v))
                    || span.clone().any(&qualifies)
                    || (span.start..span.end - 1).any(&apart)
                {
                    return None;
                }
                let key = kind_key(&stems[span.clone()]);
                let kind = self.kinds.get(&key)?;
                // One word names a kind only as one of its everyday names ("queue"): most
                // ("user", "site") are things of their own.
                if len == 1
                    && !lexicon::kind_names()
                        .iter()
                        .any(|(name, _)| text::stem(name) == stems[i])
                {
                    return None;
                }
                Some((len, key, kind))
            });
            let Some((len, key, kind)) = found else {
                i += 1;
                continue;
            };
            // The operations of the kind's type fields, and what they are about.
            let kind_heads: Vec<Term> = kind
                .docs
                .iter()
                .flat_map(|(d, _)| self.docs[*d as usize].head.iter().copied())
                .collect();
            // Named by it: an operation of the asked class whose name has every word of the kind
            // and is about records of that kind ("List Call Queues", "Get Hold Music Greeting"),
            // not about some part of them ("Get Paging Group *Users*").
            let terms: Option<Vec<Term>> = kind
                .stems
                .iter()
                .map(|s| self.vocab.get(s).copied())
                .collect();
            let named = terms.is_some_and(|terms| {
                let Some((last, rest)) = terms.split_last() else {
                    return false;
                };
                self.postings[*last as usize]
                    .iter()
                    .filter(|(_, w)| *w >= wt.name)
                    .any(|(d, _)| {
                        let doc = &self.docs[*d as usize];
                        names(doc)
                            && rest.iter().all(|t| {
                                self.postings[*t as usize]
                                    .iter()
                                    .any(|(e, w)| e == d && *w >= wt.name)
                            })
                            && (doc.head.contains(last)
                                || doc.head.iter().any(|h| kind_heads.contains(h)))
                    })
            });
            let served = kind.docs.iter().any(|(d, _)| fits(&self.docs[*d as usize]));
            // A thing named after it is what the request is about ("fax user *extensions*",
            // "audio conferencing *number*"), unless that is what the kind's operations handle.
            let next = i + len;
            let head_follows = (next..content.len())
                .take_while(|j| !qualifies(*j))
                .find(|j| !self.verbs.get(&content[*j]).is_some_and(|v| v.pure))
                .and_then(|j| self.vocab.get(&stems[j]))
                .is_some_and(|t| self.top_field[*t as usize] >= wt.path && !kind_heads.contains(t));
            // One record named by its number is asked of the operations on that one.
            if !named && served && !head_follows && !numbered(i + len - 1) {
                // A kind that only types something else ("conferenceType" on active calls) is
                // evidence beside the words, not instead of them.
                let direct = kind
                    .docs
                    .iter()
                    .any(|(d, s)| *s >= 1.0 && fits(&self.docs[*d as usize]));
                if direct {
                    at[i] = KindAt::Start(key);
                    for slot in &mut at[i + 1..next] {
                        *slot = KindAt::Inside;
                    }
                } else {
                    at[i] = KindAt::Beside(key);
                }
            }
            i += len;
        }
        at
    }

    /// The words of a request up to the first qualifier after something it names ("last 20 posts"
    /// of "last 20 posts in chat 910").
    fn before_qualifier<'a>(&self, cleaned: &'a str) -> &'a str {
        let mut named = false;
        let mut end = cleaned.len();
        let mut at = 0;
        for token in cleaned.split_inclusive(char::is_whitespace) {
            let word = token
                .trim()
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            if named && lexicon::prepositions().contains(&word.as_str()) {
                end = at;
                break;
            }
            // Generic words ("the details of", "the status of") name nothing on their own.
            let stem = text::stem(&word);
            if word.chars().all(char::is_alphabetic)
                && !word.is_empty()
                && !self.stopwords.contains(&word)
                && !self.weak.contains(&stem)
                && !self
                    .vocab
                    .get(&stem)
                    .is_some_and(|t| self.generic_heads.contains(t))
                && !self.questions.contains(&word)
                && !self.verbs.get(&word).is_some_and(|v| v.pure)
            {
                named = true;
            }
            at += token.len();
        }
        &cleaned[..end]
    }

    /// A request with what it asks for in a frame of words that ask for it ("is there an API to
    /// send a fax?", "can Tom export the call log?"), rewritten as the request itself: the frame
    /// goes, and whether a person may do something becomes a question about their permission.
    /// The word a misspelt one of a request is most likely meant to be ("voicemial",
    /// "extention", "sned"), if it is no word of the API or the lexicon and one is near enough:
    /// one letter added, dropped, changed or two swapped (only a swap in a word of four letters,
    /// no change of a letter in one of fewer than seven).
    fn respell(&self, word: &str) -> Option<String> {
        let len = word.chars().count();
        if len < 4 || !word.chars().all(|c| c.is_ascii_lowercase()) || self.known(word) {
            return None;
        }
        // Doing something again is doing it ("resubscribe", "reupload").
        if let Some(again) = word.strip_prefix("re")
            && self.verbs.contains_key(again)
        {
            return Some(again.to_string());
        }
        let first = word.chars().next();
        let mut best: Option<(bool, &str)> = None;
        for size in len - 1..=len + 1 {
            for candidate in self.spellings().get(size).into_iter().flatten() {
                if !text::one_slip(word, candidate) {
                    continue;
                }
                // A short word is too near too many others ("lease", "leave") for anything but
                // a swap, or, from five letters, a letter dropped or doubled.
                let swap = size == len && text::is_swap(word, candidate);
                if (len == 4 && !swap) || (len < 7 && size == len && !swap) {
                    continue;
                }
                let key = (candidate.chars().next() != first, candidate.as_str());
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
        }
        best.map(|(_, w)| w.to_string())
    }

    fn spellings(&self) -> &[Vec<String>] {
        self.spellings.get_or_init(|| spellings(&OPERATIONS))
    }

    /// The command of a request that first says why ("Jane is off sick today, so forward her
    /// calls to ext 105", "we just hired Mark; create his extension"): the clause after a
    /// semicolon, a full stop or a comma with "so", "please" or "then" that opens with a verb,
    /// when the request itself does not.
    fn imperative<'a>(&self, query: &'a str) -> &'a str {
        let opens_with_verb = |text: &str| {
            text.split_whitespace()
                .map(|t| {
                    t.trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase()
                })
                .find(|w| !matches!(w.as_str(), "so" | "please" | "pls" | "then" | "now" | "and"))
                .is_some_and(|w| self.verbs.contains_key(&w))
        };
        if opens_with_verb(query) {
            return query;
        }
        let lower = query.to_lowercase();
        let breaks = [
            "; ",
            ". ",
            ", so ",
            ", please ",
            ", then ",
            ", pls ",
            " so please ",
        ];
        breaks
            .iter()
            .filter_map(|b| lower.find(b).map(|at| at + b.len()))
            .filter(|at| opens_with_verb(&query[*at..]))
            .min()
            .map_or(query, |at| &query[at..])
    }

    /// The verb a gerund is a form of ("sending": send, "creating": create, "getting": get), if
    /// the lexicon knows it.
    fn gerund_base(&self, word: &str) -> Option<String> {
        let lower = word.to_lowercase();
        let stem = lower.strip_suffix("ing")?;
        let undoubled = stem
            .len()
            .checked_sub(2)
            .filter(|i| stem.as_bytes()[*i] == stem.as_bytes()[i + 1])
            .map(|i| &stem[..=i]);
        [
            Some(stem.to_string()),
            Some(format!("{stem}e")),
            undoubled.map(String::from),
        ]
        .into_iter()
        .flatten()
        .find(|base| self.verbs.contains_key(base))
    }

    /// Whether the search knows `word` as it is written.
    fn known(&self, word: &str) -> bool {
        let stem = text::stem(word);
        self.stopwords.contains(word)
            || self.verbs.contains_key(word)
            || self.questions.contains(word)
            || self.mine.contains(word)
            || self.vocab.contains_key(&stem)
            || self.synonyms.contains_key(&stem)
            || self.phrases.contains_key(&stem)
            || lexicon::people().contains(&word)
            || self
                .spellings()
                .get(word.chars().count())
                .is_some_and(|words| words.binary_search_by(|w| w.as_str().cmp(word)).is_ok())
    }

    /// Whether `token` is the name of a value written as an identifier ("ReadCallLog",
    /// "EditExtensions": a permission), which names one record, rather than an operation, a kind
    /// of record ("ParkLocation") or a word of the API ("RingOut").
    fn is_value_name(&self, token: &str) -> bool {
        let token = token.trim_matches(|c: char| !c.is_alphanumeric());
        let chars: Vec<char> = token.chars().collect();
        let humps = chars
            .windows(2)
            .filter(|p| p[0].is_lowercase() && p[1].is_uppercase())
            .count();
        if humps == 0
            || !chars.first().is_some_and(|c| c.is_uppercase())
            || !chars.iter().all(char::is_ascii_alphanumeric)
        {
            return false;
        }
        let lower = token.to_lowercase();
        !self.vocab.contains_key(&text::stem(&lower))
            && !self.synonyms.contains_key(&text::stem(&lower))
            && !self.kinds.contains_key(&kind_key(&text::words(token)))
            && !OPERATIONS
                .iter()
                .any(|op| op.operation_id.eq_ignore_ascii_case(token))
    }

    fn strip_asking(&self, cleaned: &str) -> String {
        let unbranded = text::strip_brand(cleaned);
        let mut cleaned = self.imperative(&unbranded);
        // "Tool call: create a team ...": a label with a colon frames what follows.
        let labelled = cleaned.split_whitespace().take(3).any(|t| t.ends_with(':'));
        for label in lexicon::labels().iter().filter(|_| labelled) {
            let words = label.split_whitespace().count();
            let tokens: Vec<&str> = cleaned.split_whitespace().take(words).collect();
            if tokens.len() == words
                && tokens.last().is_some_and(|t| t.ends_with(':'))
                && tokens
                    .join(" ")
                    .trim_end_matches(':')
                    .eq_ignore_ascii_case(label)
            {
                let at = cleaned.find(':').map_or(0, |i| i + 1);
                cleaned = cleaned[at..].trim_start();
                break;
            }
        }
        let tokens: Vec<&str> = cleaned.split_whitespace().collect();
        let lower: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
        for frame in lexicon::asking() {
            let size = frame.split_whitespace().count();
            // "Using the API, post ...": the frame may end with a comma.
            if lower.len() > size
                && lower
                    .iter()
                    .zip(frame.split_whitespace())
                    .all(|(a, b)| a.trim_end_matches([',', ':']) == b)
            {
                // "What's the endpoint for *sending* a fax?": the verb of what follows.
                let mut rest: Vec<String> = tokens[size..].iter().map(|t| t.to_string()).collect();
                if let Some(base) = rest.first().and_then(|w| self.gerund_base(w)) {
                    rest[0] = base;
                }
                return rest.join(" ");
            }
        }
        // "I need the recording of call 55": a request for a thing is to get it.
        for frame in lexicon::wanting() {
            let size = frame.split_whitespace().count();
            if lower.len() > size + 1
                && lower
                    .iter()
                    .zip(frame.split_whitespace())
                    .all(|(a, b)| a == b)
                && lower[size] != "to"
            {
                let new = lower[size..].iter().take(2).any(|w| w == "new");
                let verb = if new { "create" } else { "get" };
                return format!("{verb} {}", tokens[size..].join(" "));
            }
        }
        // "Can Tom export the call log?", "may an agent see recordings?"
        if lower
            .first()
            .is_some_and(|w| matches!(w.as_str(), "can" | "may" | "could"))
        {
            let mut at = 1;
            while lower
                .get(at)
                .is_some_and(|w| matches!(w.as_str(), "a" | "an" | "the" | "this" | "that"))
            {
                at += 1;
            }
            let Some(who) = tokens.get(at) else {
                return cleaned.to_string();
            };
            let word = who.to_lowercase();
            let person = lexicon::people().contains(&word.as_str()) && word != "me";
            let name = who.chars().next().is_some_and(char::is_uppercase)
                && who.chars().skip(1).all(char::is_lowercase)
                && !self.vocab.contains_key(&text::stem(&word))
                && !self.stopwords.contains(&word);
            if (person || name) && at + 1 < tokens.len() {
                let who = if person { word } else { format!("user {who}") };
                return format!("is {who} allowed to {}", tokens[at + 1..].join(" "));
            }
            // "Can ext 101 use ...?", "can extension 220 see ...?": someone named by number.
            let numbered = lower
                .get(at + 1)
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            if matches!(word.as_str(), "ext" | "extension") && numbered && at + 2 < tokens.len() {
                return format!(
                    "is extension {} allowed to {}",
                    lower[at + 1],
                    tokens[at + 2..].join(" ")
                );
            }
        }
        cleaned.to_string()
    }

    /// Two words the API spells as one ("time zone", "web hook", "call out") become that word.
    fn join_compounds(&self, words: Vec<String>) -> Vec<String> {
        let wt = self.wt;
        let mut out: Vec<String> = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            if let Some(next) = words.get(i + 1) {
                let (a, b) = (&words[i], next);
                let joined = format!("{a}{b}");
                // Only names count: a parameter value may run words together too.
                let known = self
                    .vocab
                    .get(&text::stem(&joined))
                    .is_some_and(|t| self.top_field[*t as usize] >= wt.name);
                if known
                    && a.len() > 1
                    && b.len() > 1
                    && !self.stopwords.contains(a)
                    && !self.stopwords.contains(b)
                {
                    out.push(joined);
                    i += 2;
                    continue;
                }
            }
            out.push(words[i].clone());
            i += 1;
        }
        out
    }

    fn apply_phrases(&self, words: Vec<String>) -> Vec<String> {
        // "Log agent 101 out of the queue" is to log them out: the particle joins its verb.
        let mut words = words;
        for (verb, particles) in &lexicon::get().separable {
            if let Some(at) = words.iter().position(|w| w == verb)
                && let Some(gap) = (at + 2..words.len().min(at + 5))
                    .find(|j| particles.contains(&words[*j].as_str()))
            {
                let particle = words.remove(gap);
                words.insert(at + 1, particle);
            }
        }
        let stems: Vec<String> = words.iter().map(|w| text::stem(w)).collect();
        let phrase_at = |i: usize| self.phrase_at(&words, &stems, i);
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            match phrase_at(i) {
                // A phrase gives way to a longer one that starts inside it ("status to do not
                // disturb" is about not being disturbed, not about a to-do).
                Some((len, to))
                    if !(i + 1..i + len)
                        .any(|j| phrase_at(j).is_some_and(|(l, _)| j + l > i + len)) =>
                {
                    // What a phrase in the plural stands for is plural too ("access points" are
                    // wireless points).
                    let last = &words[i + len - 1];
                    let plural = last.len() > 3
                        && last.ends_with('s')
                        && !last.ends_with("ss")
                        && stems[i + len - 1] != *last;
                    out.extend(to.iter().cloned());
                    if plural
                        && let Some(end) = out.last_mut()
                        && !end.ends_with('s')
                        && to.last().is_some_and(|t| !t.ends_with("s"))
                    {
                        end.push('s');
                    }
                    i += len;
                }
                _ => {
                    out.push(words[i].clone());
                    i += 1;
                }
            }
        }
        out
    }

    /// The phrase that starts at word `i`, if any: its length and what it stands for.
    /// Matches the words as written first ("phone numbers" stays plural), then plurals of a
    /// phrase written in the singular ("ring groups" are ring groups), though not the other way
    /// ("current calls" are active calls, "the current call" one in hand).
    fn phrase_at(
        &self,
        words: &[String],
        stems: &[String],
        i: usize,
    ) -> Option<(usize, &[String])> {
        let candidates = self.phrases.get(&stems[i])?;
        candidates
            .iter()
            .find(|(from, _)| words[i..].starts_with(from))
            .or_else(|| {
                candidates.iter().find(|(from, _)| {
                    from.len() <= words.len() - i
                        && from
                            .iter()
                            .enumerate()
                            .all(|(k, f)| words[i + k] == *f || stems[i + k] == *f)
                })
            })
            .map(|(from, to)| (from.len(), to.as_slice()))
    }
}

/// What kind of question a request is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Question {
    None,
    /// Asks about something ("which queues am I in?").
    About,
    /// Asks how to do something ("how do I text a customer?").
    HowTo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Unspecified,
    Mine,
    Company,
}

/// Whether a request is about one record or many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Number {
    Unknown,
    One,
    /// One record, named by its id.
    Named,
    Many,
}

struct QueryTerm {
    stem: String,
    weight: f32,
    /// Names a thing the request is about (not its verb, not a filler word).
    object: bool,
    /// Is the request's verb.
    verb: bool,
    expansions: Vec<(String, f32)>,
    /// Names a kind of record, found through the type fields that take it.
    kind: Option<String>,
}

/// The content words of a request, with what the reading of each found.
#[derive(Clone, Copy)]
struct Clause<'a> {
    content: &'a [String],
    stems: &'a [String],
    /// Whether each word qualifies what the request is about.
    qualifying: &'a [bool],
    /// The word before each, determiners aside.
    preceding: &'a [&'a str],
}

/// The record whose field a request is about ("a *contact's* phone number").
struct Record {
    /// The content word that names its owner.
    owner: usize,
    /// All the content words that name it, when a qualifier does ("the text *of my post*").
    owners: Vec<usize>,
    /// The owner is a person named by name: a user.
    person: bool,
    /// The content words that name the field.
    fields: Vec<usize>,
}

/// Where a content word of a request stands towards a kind of record it names.
#[derive(Debug, Clone, PartialEq)]
enum KindAt {
    None,
    /// Opens the words that name a kind, known by this key.
    Start(String),
    /// Continues them.
    Inside,
    /// Opens words that also name a kind, which counts beside them.
    Beside(String),
}

/// A record a request names by number as holding the records it asks about ("posts *in chat
/// 910*").
struct Holder {
    /// The words that name it.
    names: Vec<Term>,
    /// The words before it that say which kind it is, each with its synonyms.
    modifiers: Vec<Vec<Term>>,
}

struct Query {
    verb: Option<Verb>,
    /// What the request is about, with every word that names it and how strongly.
    head: Vec<(Term, f32)>,
    /// What its qualifiers name.
    qualifier_heads: Vec<Term>,
    /// What a qualifier names one of by number ("posts *in chat 910*"): what holds the records.
    holders: Vec<Holder>,
    /// The verb's own term and the operation verb it asks for.
    verb_terms: [Option<Term>; 2],
    /// The operation verb the request names, when it names one the API uses.
    action: Option<Term>,
    specific: bool,
    names_action: bool,
    plural: bool,
    number: Number,
    scope: Scope,
    /// Speaks of calls in general, as settings do, rather than of one live call.
    calls_in_general: bool,
    /// Asks to set up how calls are handled ("forward my calls"), by making or changing a setting.
    configures: bool,
    /// Counts the records to make, change or remove ("import 200 switches").
    counted: bool,
    terms: Vec<QueryTerm>,
}

/// How well an operation's verb class fits the verb class a request asks for, from -1 to 1.
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

/// A description split into its opening sentence, which says what the operation does, and the
/// next few hundred bytes.
fn split_description(description: &str) -> (&str, &str) {
    let lead_end = description
        .find(". ")
        .or_else(|| description.find(".\n"))
        .map_or(description.len(), |i| i + 1);
    let lead = &description[..lead_end.min(description.len())];
    let rest = &description[lead.len()..];
    (lead, cut(rest, 300))
}

/// The opening of `text`, cut at a sentence end near `max` bytes.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    match head.rfind(". ") {
        Some(stop) if stop > max / 3 => &head[..stop],
        _ => head,
    }
}

mod schema {
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
    fn a_verb_can_name_its_operation() {
        assert_eq!(top("put the caller on hold"), "holdCallParty");
        assert_eq!(top("transfer a call"), "transferCallParty");
        assert_eq!(top("mark the thread as resolved"), "mthResolveThread");
    }

    #[test]
    fn questions_ask_about_what_they_name() {
        assert_eq!(top("do I have any new voicemails?"), "listMessages");
    }

    #[test]
    fn an_id_asks_for_one_record() {
        assert_eq!(top("get message 1029384756"), "readMessage");
        assert_eq!(top("list messages"), "listMessages");
    }

    #[test]
    fn quoted_text_is_payload() {
        assert_eq!(
            top("send a text saying \"create a meeting\""),
            "createSMSMessage"
        );
    }

    #[test]
    fn one_thing_avoids_bulk_variants() {
        let hits = search("create a user", 2);
        assert!(
            hits.iter()
                .all(|h| h.action.operation_id() != "postBatchProvisionUsers")
        );
    }

    #[test]
    fn joining_a_group_is_about_its_members() {
        assert_eq!(
            top("add Raj to the marketing team"),
            "addGlipTeamMembersNew"
        );
    }

    #[test]
    fn calling_someone_places_a_call() {
        let first = top("call +1 650 555 0134");
        assert!(
            first == "createRingOutCall" || first == "createCallOutCallSession",
            "{first}"
        );
    }

    fn top3(query: &str) -> Vec<&'static str> {
        search(query, 3)
            .iter()
            .map(|h| h.action.operation_id())
            .collect()
    }

    #[test]
    fn texts_faxes_and_voicemails_are_messages() {
        assert_eq!(top("read my texts"), "listMessages");
        assert_eq!(top("show my voicemails"), "listMessages");
        assert_eq!(top("listen to a voicemail"), "readMessageContent");
    }

    #[test]
    fn some_verbs_mean_what_their_object_lets_them() {
        assert_eq!(top("open a voicemail"), "readMessage");
        assert_eq!(top("save a fax as PDF"), "readMessageContent");
        assert_eq!(top("save a contact"), "createContact");
        assert_eq!(
            top("open a conversation with a colleague"),
            "createGlipConversationNew"
        );
    }

    #[test]
    fn a_profile_is_the_users_extension_record() {
        assert_eq!(top("update my profile"), "updateExtension");
        let photo = top("upload a profile photo");
        assert!(
            photo == "createUserProfileImage" || photo == "updateUserProfileImage",
            "{photo}"
        );
    }

    #[test]
    fn forwarding_calls_in_general_is_a_setting() {
        assert_eq!(top("forward an incoming call"), "forwardCallParty");
        assert_ne!(top("forward my calls to my cell phone"), "forwardCallParty");
    }

    #[test]
    fn a_deprecated_operation_that_alone_fits_comes_first() {
        assert_eq!(top("summarize a call"), "caiSummarize");
    }

    #[test]
    fn the_context_settles_what_a_verb_means() {
        assert_eq!(top("reply to a text"), "createSMSMessage");
        assert_eq!(top("reply to the incoming call with a text"), "replyParty");
        assert_eq!(top("set up a webhook for new SMS"), "createSubscription");
        assert_eq!(
            top("create an incoming webhook in a team"),
            "createGlipGroupWebhookNew"
        );
    }

    #[test]
    fn asking_whether_someone_may_do_something_checks_a_permission() {
        assert_eq!(
            top("does this user have permission to read the company call log?"),
            "checkUserPermission"
        );
        assert_eq!(
            top("is a user allowed to make calls"),
            "checkUserPermission"
        );
    }

    #[test]
    fn fields_of_the_answer_are_evidence() {
        let status = top("get account status");
        assert!(
            status == "readAccountInfo" || status == "getAccountInfoV2",
            "{status}"
        );
        let title = top3("get a user's job title");
        assert!(title.contains(&"readExtension"), "{title:?}");
    }

    #[test]
    fn words_that_frame_a_request_are_not_part_of_it() {
        assert_eq!(top("is there an API to send a fax?"), "createFaxMessage");
        assert_eq!(top("can Tom export the call log?"), "checkUserPermission");
        assert_eq!(
            top("answer the call with a text saying I'm in a meeting"),
            "replyParty"
        );
    }

    #[test]
    fn some_verbs_name_an_operation_by_their_object() {
        assert_eq!(
            top("send this ringing call to 415-555-0111"),
            "forwardCallParty"
        );
        assert_eq!(top("accept the incoming call"), "answerCallParty");
        assert_eq!(top("resume the held call"), "unholdCallParty");
        assert_ne!(
            top("accept calls from the support queue"),
            "answerCallParty"
        );
    }

    #[test]
    fn a_number_in_a_qualifier_names_what_holds_the_records() {
        assert_eq!(top("last 20 posts in chat 910"), "readGlipPostsNew");
        assert_eq!(top("get session 3 of webinar 9"), "rcwConfigGetSession");
    }

    #[test]
    fn an_operation_about_a_qualifier_is_about_something_else() {
        let first = top("list messages in a thread");
        assert!(
            first == "mthListMessages" || first == "readGlipThreadPostsNew",
            "{first}"
        );
        assert_eq!(top("status of high-volume SMS batch b-991"), "readA2PBatch");
        assert_eq!(top("delete thread messages"), "mthDeleteMessages");
        // A new clause says no more about the head.
        let queues = top("which call queues is an agent in");
        assert!(
            queues == "readExtensionCallQueuePresence" || queues == "listCallQueues",
            "{queues}"
        );
    }

    #[test]
    fn someones_permissions_are_their_authorization_profile() {
        assert_eq!(top("get a user's permissions"), "readAuthorizationProfile");
        assert_eq!(top("list permissions"), "listPermissions");
        assert_eq!(
            top("check if a user has a permission"),
            "checkUserPermission"
        );
    }

    #[test]
    fn the_past_is_in_the_history() {
        let past = top("list past webinar sessions");
        assert!(
            past == "rcwHistoryListAllSessions" || past == "rcwHistoryListAllCompanySessions",
            "{past}"
        );
        assert_eq!(
            top("who is invited to session 3 of webinar 9?"),
            "rcwConfigListInvitees"
        );
    }

    #[test]
    fn how_many_things_shows_in_the_head() {
        // "Hours" qualifies the rule; one rule is asked for.
        assert_eq!(
            top("get my after-hours call handling rule"),
            "readAnsweringRule"
        );
        assert_eq!(top("list messages"), "listMessages");
    }

    #[test]
    fn one_thing_of_someones_is_a_field_of_their_record() {
        let contact = top("change a contact's phone number");
        assert!(
            contact == "updateContact" || contact == "patchContact",
            "{contact}"
        );
        assert_eq!(top("change Bob's email address"), "updateExtension");
        let of = top("update the phone number of contact 9921");
        assert!(of == "updateContact" || of == "patchContact", "{of}");
        assert_eq!(top("edit the text of my chat post"), "patchGlipPostNew");
        // A thing with operations of its own stays what the request is about.
        assert_eq!(top("get a user's presence"), "readUserPresenceStatus");
    }

    #[test]
    fn kinds_that_type_fields_take_are_asked_of_those_operations() {
        assert_eq!(top("list park locations"), "listExtensions");
        assert_eq!(top("list shared line groups"), "listExtensions");
        assert_eq!(top("create a call queue"), "createExtension");
        // A kind with operations of its own keeps them.
        assert_eq!(top("list call queues"), "listCallQueues");
        assert_eq!(
            top("add members to a call queue"),
            "assignMultipleCallQueueMembers"
        );
        assert_eq!(top("get hold music"), "readHoldMusicGreeting");
    }

    #[test]
    fn the_words_of_a_kind_stand_together() {
        // "Calls are handled" is no "call handling" user template.
        assert_eq!(
            top("which rules say how my calls are handled?"),
            "listAnsweringRules"
        );
    }

    #[test]
    fn a_request_that_opens_with_what_it_asks_for_reads_it() {
        assert_eq!(
            top("status of the contacts upload task 7"),
            "getAddressBookBulkUploadTask"
        );
    }

    #[test]
    fn what_i_did_is_mine_and_ends_the_head() {
        assert_eq!(top("show the faxes I sent last week"), "listMessages");
        assert_eq!(
            top("record a greeting that callers hear when I am away"),
            "createCustomUserGreeting"
        );
    }

    #[test]
    fn a_change_that_takes_records_added_and_removed_does_both() {
        // *Assign Multiple Call Queue Members* takes removedExtensionIds too.
        assert_eq!(
            top("remove extension 101 from the sales queue"),
            "assignMultipleCallQueueMembers"
        );
    }

    #[test]
    fn a_group_someone_joins_is_what_the_request_is_about() {
        assert_eq!(
            top("assign users 5 and 6 to site 12"),
            "assignMultipleSites"
        );
    }

    #[test]
    fn a_numbered_qualifier_names_what_holds_the_records() {
        assert_eq!(top("show the extensions of site 4"), "listSiteMembers");
        // Or by its name.
        assert_eq!(top("list the users in the London site"), "listSiteMembers");
        assert_eq!(top("what tasks are open in chat 77?"), "listChatTasksNew");
        // A thread of texts holds no team messaging posts.
        assert!(
            !top3("reply to the customer in SMS thread 5520").contains(&"readGlipThreadPostsNew")
        );
    }

    #[test]
    fn an_email_address_is_someone() {
        assert_eq!(top("invite jane@x.io to team 42"), "addGlipTeamMembersNew");
    }

    #[test]
    fn everyday_words_for_what_the_api_names_otherwise() {
        assert_eq!(top("reassign device 55 to extension 101"), "updateDevice");
        assert_eq!(
            top("release phone number 7 from inventory"),
            "deleteNumbersFromInventoryV2"
        );
        assert_eq!(top("change my status message"), "updateUserPresenceStatus");
        assert_eq!(top("bring our own Cisco phones"), "bulkAddDevicesV2");
        assert_eq!(
            top("list the people who delegated meetings to me"),
            "rcvListDelegators"
        );
        assert_eq!(top("close task 5"), "completeTaskNew");
        assert_eq!(top("close customer thread 771"), "mthResolveThread");
        assert_eq!(top("restore an archived team"), "unarchiveGlipTeamNew");
        // "In a call" gives way to "call queue".
        assert_eq!(
            top("is agent 5 in a call queue right now?"),
            "readExtensionCallQueuePresence"
        );
    }

    #[test]
    fn a_caller_is_no_caller_id() {
        assert_eq!(
            top("transfer the caller to extension 300"),
            "transferCallParty"
        );
        assert_eq!(
            top("what do callers hear on hold?"),
            "readHoldMusicGreeting"
        );
        assert_eq!(top("show my caller ID"), "readExtensionCallerId");
    }

    #[test]
    fn whether_someone_is_busy_is_their_presence() {
        for query in ["is Dana in a meeting right now?", "is Omar free?"] {
            assert!(
                ["readUserPresenceStatus", "readUnifiedPresence"].contains(&top(query)),
                "{query}"
            );
        }
    }

    #[test]
    fn how_long_things_are_kept_is_how_their_store_is_configured() {
        assert_eq!(
            top("how long are faxes retained?"),
            "readMessageStoreConfiguration"
        );
    }

    #[test]
    fn a_collection_or_any_asks_for_a_list() {
        assert_eq!(top("language dictionary"), "listLanguages");
        assert_eq!(top("any new faxes from the bank?"), "listMessages");
    }

    #[test]
    fn acronyms_in_capitals_say_what_they_stand_for() {
        assert!(
            ["listAccountPhoneNumbers", "listAccountPhoneNumbersV2"]
                .contains(&top("list the DIDs of our account"))
        );
    }

    #[test]
    fn who_administers_what_is_a_users_administered_sites() {
        assert_eq!(
            top("which sites does Sam administer?"),
            "listAdministeredSites"
        );
    }

    #[test]
    fn a_dial_in_pin_is_for_the_phone_network() {
        assert_eq!(
            top("look up the meeting with dial-in PIN 5512"),
            "getBridgeByPstnPin"
        );
        assert_eq!(
            top("change my conferencing dial-in number"),
            "updateConferencingSettings"
        );
    }

    #[test]
    fn connecting_calls_bridges_them() {
        assert_eq!(top("join the two calls"), "bridgeCallParty");
    }

    #[test]
    fn examples_qualify_what_they_follow() {
        // "Like work hours" gives examples of the states, not business hours to read.
        assert!(top3("show my comm handling states like after hours").contains(&"listCicStates"));
    }

    #[test]
    fn calls_in_general_to_list_are_the_call_log() {
        assert!(
            ["readUserCallLog", "readCompanyCallLog"].contains(&top("list calls to 800-555-0100"))
        );
    }

    #[test]
    fn a_mode_or_whether_something_is_on_is_a_setting() {
        assert_eq!(
            top("what is my caller blocking mode"),
            "readCallerBlockingSettings"
        );
        assert_eq!(
            top("is auto recording enabled for outbound calls?"),
            "readCallRecordingSettings"
        );
    }

    #[test]
    fn needing_a_thing_asks_for_it() {
        assert_eq!(
            top("I need the audio of voicemail 12"),
            "readMessageContent"
        );
        assert_eq!(top("we need a new site for Boston"), "createSite");
    }

    #[test]
    fn a_particle_after_the_object_joins_its_verb() {
        assert_eq!(
            top("sign user 5 out of the billing queue"),
            "updateExtensionCallQueuePresence"
        );
    }

    #[test]
    fn comparing_is_analytics_and_one_request_is_many_records() {
        assert!(top("compare call volume across sites last month").starts_with("analytics"));
        assert_eq!(
            top("update 30 extensions in one request"),
            "extensionBulkUpdate"
        );
    }

    #[test]
    fn one_live_call_in_hand_is_a_call() {
        assert_eq!(top("put an active call on hold"), "holdCallParty");
        assert_eq!(top("show my recent voicemails"), "listMessages");
    }

    #[test]
    fn resetting_is_changing() {
        assert_eq!(top("reset my caller ID"), "updateExtensionCallerId");
    }

    #[test]
    fn everyday_words_for_webhooks_audits_speakers_and_formats() {
        assert_eq!(top("turn off incoming webhook 5"), "suspendGlipWebhookNew");
        assert_eq!(
            top("who made changes to our roles yesterday?"),
            "auditTrailSearch"
        );
        assert_eq!(top("identify who spoke in the audio"), "caiSpeakerDiarize");
        assert!(top("format 650 555 0100 as E.164").starts_with("parsePhoneNumber"));
        // What happens to calls is not what calls are happening.
        assert_ne!(
            top("what happens to calls to the main number after hours?"),
            "listCompanyActiveCalls"
        );
    }

    #[test]
    fn asking_for_a_computed_result_asks_for_the_computation() {
        assert_eq!(
            top("who spoke when in this audio file?"),
            "caiSpeakerDiarize"
        );
        assert_eq!(
            top("get me a summary of this call transcript"),
            "caiSummarize"
        );
    }

    #[test]
    fn polite_frames_and_quantifiers_are_no_part_of_the_request() {
        assert_eq!(top("can you list the call queues?"), "listCallQueues");
        assert_eq!(
            top("list all the extensions in our account"),
            "listExtensions"
        );
    }

    #[test]
    fn a_voicemail_transcript_is_its_content() {
        assert_eq!(
            top("get the transcript of voicemail 55"),
            "readMessageContent"
        );
    }

    #[test]
    fn the_number_shown_when_calling_out_is_the_caller_id() {
        assert_eq!(
            top("change what number shows when I call out"),
            "updateExtensionCallerId"
        );
    }

    #[test]
    fn making_someone_something_assigns_it() {
        assert_eq!(top("Make Jane an admin"), "updateUserAssignedRoles");
        assert_eq!(top("make a call to Bob"), "createCallOutCallSession");
    }

    #[test]
    fn a_verb_after_an_article_names_a_thing() {
        assert!(
            ["getBridge", "getDefaultBridge"]
                .contains(&top("what's the join link for my meeting room?"))
        );
        assert_eq!(top("share a file with the Ops chat"), "createGlipFileNew");
    }

    #[test]
    fn what_is_said_in_a_chat_is_its_posts_and_a_meeting_on_a_calendar_an_event() {
        assert!(top("what did people say in the sales chat?").starts_with("readGlipPost"));
        assert!(top("add a meeting to the team calendar").starts_with("createEvent"));
    }

    #[test]
    fn a_count_of_new_records_makes_them_together() {
        assert_eq!(
            top("add 30 switches to the emergency map"),
            "createMultipleSwitches"
        );
    }

    #[test]
    fn what_is_assigned_to_me_is_mine() {
        assert_eq!(
            top("which phone numbers are assigned to me?"),
            "listExtensionPhoneNumbers"
        );
        assert_eq!(top("how many unread faxes do I have?"), "listMessages");
    }

    #[test]
    fn a_persons_status_is_their_presence() {
        assert!(
            ["readUserPresenceStatus", "readUnifiedPresence"]
                .contains(&top("what's my colleague's status?"))
        );
    }

    #[test]
    fn someone_joining_the_call_in_hand_is_brought_in() {
        assert_eq!(
            top("add my supervisor to the call"),
            "createCallPartyWithBringIn"
        );
        // A call queue is a group to join, not a call.
        assert_eq!(
            top("add Tom to the sales call queue"),
            "assignMultipleCallQueueMembers"
        );
    }

    #[test]
    fn who_is_assigned_a_task_reads_the_task() {
        assert_eq!(top("who is assigned to task 9?"), "readTaskNew");
    }

    #[test]
    fn going_offline_sets_ones_presence() {
        for query in ["go offline", "appear away for an hour"] {
            assert!(
                ["updateUserPresenceStatus", "updateUnifiedPresence"].contains(&top(query)),
                "{query}"
            );
        }
        assert!(top("ping a teammate in team messaging").starts_with("createGlip"));
    }

    #[test]
    fn what_someone_may_do_is_their_authorization_profile() {
        assert!(
            top3("what is extension 300 permitted to do?").contains(&"readAuthorizationProfile")
        );
    }

    #[test]
    fn how_many_asks_for_them_all() {
        assert_eq!(
            top("how many people registered for webinar session 8?"),
            "rcwRegListRegistrants"
        );
        assert_eq!(top("how many extensions do we have?"), "listExtensions");
    }

    #[test]
    fn listing_what_has_one_record_reads_it() {
        assert_eq!(
            top("list the company business hours"),
            "readCompanyBusinessHours"
        );
        // Kinds still go to the operations whose type field takes them.
        assert_eq!(top("list park locations"), "listExtensions");
    }

    #[test]
    fn my_things_are_my_extensions() {
        assert_eq!(top("show my devices"), "listExtensionDevices");
    }

    #[test]
    fn what_is_reached_through_the_company_is_the_companys() {
        assert_eq!(
            top("list all company webinar recordings"),
            "rcwHistoryAdminListRecordings"
        );
        assert_eq!(
            top("list my webinar recordings"),
            "rcwHistoryListRecordings"
        );
    }

    #[test]
    fn empty_or_meaningless_queries_find_nothing() {
        assert!(search("", 5).is_empty());
        assert!(search("the of a", 5).is_empty());
        assert!(search("zzzqqq", 5).is_empty());
    }

    #[test]
    fn odd_requests_never_panic() {
        let odd = [
            "",
            " ",
            "?",
            "'s",
            "\"",
            "\"\"",
            "call",
            "call +",
            "call 5",
            "who",
            "all",
            "every",
            "what",
            "how many",
            "the the the",
            "123 456",
            "+1 (650) 555-0134",
            "é",
            "日本語",
            "📞 call me",
            "a\u{201c}b",
            "mark",
            "set",
            "dial",
            "add to",
            "remove from",
            "list all all all",
            "id 5",
            "#5",
            "get message 1",
        ];
        for query in odd {
            let hits = search(query, 5);
            assert!(hits.len() <= 5, "{query:?}");
        }
        // Bounded, deterministic noise over the characters requests are made of.
        let alphabet: Vec<char> =
            "abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789'\"?!.,-+()#@\u{201c}\u{201d}é"
                .chars()
                .collect();
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..300 {
            let len = (state % 40) as usize;
            let query: String = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    alphabet[(state >> 33) as usize % alphabet.len()]
                })
                .collect();
            let hits = search(&query, 3);
            assert!(hits.len() <= 3, "{query:?}");
        }
    }

    #[test]
    fn a_request_that_only_names_things_asks_to_see_them() {
        assert_eq!(
            top("wireless access points in the E911 map"),
            "listWirelessPoints"
        );
        assert_eq!(top("my hrs of operation"), "readUserBusinessHours");
    }

    #[test]
    fn an_id_with_a_dash_names_one_record() {
        assert_eq!(top("pause webhook w-1"), "suspendGlipWebhookNew");
        assert_eq!(
            top("put party p-2 on hold in session s-abc123"),
            "holdCallParty"
        );
    }

    #[test]
    fn everyday_and_british_verbs_say_what_to_do() {
        assert_eq!(top("bin voicemail 3302"), "deleteMessage");
        assert_eq!(
            top("reword company template 12"),
            "updateCompanyMessageTemplate"
        );
        assert_eq!(top("organise a webinar"), "rcwConfigCreateWebinar");
    }

    #[test]
    fn a_value_written_as_an_identifier_names_one_record() {
        assert_eq!(top("get permission ReadMessages"), "readPermission");
        assert_eq!(
            top("can ext 101 use the ReadCallLog permission?"),
            "checkUserPermission"
        );
        // Words of the API written as one stay words.
        assert_eq!(top("cancel RingOut 991"), "deleteRingOutCall");
    }

    #[test]
    fn a_verb_inside_a_run_of_names_names_a_thing() {
        assert_eq!(top("call flip numbers for ext 101"), "readCallFlipSettings");
        // A class verb after a topic word is still the verb.
        assert_eq!(top("bulk upload contacts"), "addressBookBulkUpload");
    }

    #[test]
    fn what_the_company_has_is_listed() {
        assert_eq!(top("custom roles of our company"), "listUserRoles");
        assert_eq!(
            top("how long are messages kept before they are purged?"),
            "readMessageStoreConfiguration"
        );
    }

    #[test]
    fn a_state_that_an_operation_sets_names_it() {
        assert_eq!(top("mark task t-9 done"), "completeTaskNew");
    }

    #[test]
    fn out_of_a_queues_rotation_is_not_taking_its_calls() {
        let top = top3("take agent 101 out of the support queue rotation");
        assert!(
            top[0] == "updateCallQueuePresence" || top[0] == "updateExtensionCallQueuePresence",
            "{top:?}"
        );
    }

    #[test]
    fn what_one_can_do_something_to_is_what_the_api_calls_able() {
        assert_eq!(
            top("which roles can I assign to ext 101"),
            "listOfAvailableForAssigningRoles"
        );
        assert_eq!(top("roles assigned to ext 101"), "listUserAssignedRoles");
    }

    #[test]
    fn a_list_after_a_colon_names_fields_of_what_precedes_it() {
        let top = top("company info: name, main number, status");
        assert!(
            top == "readAccountInfo" || top == "getAccountInfoV2",
            "{top}"
        );
    }

    #[test]
    fn a_misspelt_word_is_read_as_the_word_meant() {
        assert_eq!(top("delete extention 204"), "deleteExtension");
        assert_eq!(top("update my buisness hours"), "updateUserBusinessHours");
        assert_eq!(top("sned an sms to 4155550100"), "createSMSMessage");
        // Real words near a word of the API stay as they are.
        assert_eq!(
            top("fax the lease agreement to +1 212 555 0190"),
            "createFaxMessage"
        );
    }

    #[test]
    fn short_forms_people_write_are_read_in_full() {
        assert_eq!(top("pls show dept 600 members"), "listDepartmentMembers");
        assert_eq!(top("delete sub 77"), "deleteSubscription");
        assert_eq!(top("my mtgs this week"), "listVideoMeetings");
        assert_eq!(top("change my profile pic"), "updateUserProfileImage");
    }

    #[test]
    fn a_log_holds_many_records() {
        assert_eq!(
            top("I need you to pull the call log for ext 205 from last Tuesday"),
            "readUserCallLog"
        );
    }

    #[test]
    fn a_label_with_a_colon_frames_the_request() {
        assert_eq!(top("Task: mark task t-9 done"), "completeTaskNew");
        assert_eq!(top("Tool call: list my voicemails"), "listMessages");
    }

    #[test]
    fn being_after_something_asks_for_it() {
        assert_eq!(
            top("I'm after the voicemail Bob left me yesterday"),
            "readMessage"
        );
    }

    #[test]
    fn whether_someone_is_free_asked_within_a_request_is_their_presence() {
        let top = top("is ext 101 available right now?");
        assert!(
            top == "readUserPresenceStatus" || top == "readUnifiedPresence",
            "{top}"
        );
        let top = top3("find out whether ext 330 is busy");
        assert!(top.contains(&"readUserPresenceStatus"), "{top:?}");
    }

    #[test]
    fn asking_for_the_endpoint_of_something_asks_for_it() {
        assert_eq!(
            top("what's the endpoint for sending a fax?"),
            "createFaxMessage"
        );
        assert_eq!(top("endpoint for creating a team"), "createGlipTeamNew");
        assert_eq!(
            top("whats the api to get presence for everyone"),
            "readAccountPresence"
        );
    }

    #[test]
    fn what_happens_when_one_wants_to_hear_of_it_qualifies_the_request() {
        assert_eq!(
            top("how can I get notified when a new sms arrives"),
            "createSubscription"
        );
    }

    #[test]
    fn a_request_that_first_says_why_is_its_command() {
        assert_eq!(
            top(
                "We just hired Mark Lee as a sales rep; create his extension with email mark.lee@acme.com"
            ),
            "createExtension"
        );
        assert_eq!(
            top(
                "There is a spam caller +1 800 555 0101 bothering the support line, please block it"
            ),
            "createBlockedAllowedNumber"
        );
    }

    #[test]
    fn someones_things_are_one_users() {
        let top = top("forward her calls to ext 105");
        assert!(
            top == "createForwardingNumber" || top == "updateAnsweringRule",
            "{top}"
        );
    }

    #[test]
    fn txt_sends_a_text_and_skipping_a_queue_call_ignores_it() {
        assert_eq!(
            top("pls txt +1 (917) 555-0122 saying the courier is downstairs"),
            "createSMSMessage"
        );
        assert_eq!(
            top("skip this queue call, I don't want to take it"),
            "ignoreCallInQueue"
        );
    }

    #[test]
    fn doing_something_again_is_doing_it() {
        assert_eq!(top("resubscribe to sms events"), "createSubscription");
    }

    #[test]
    fn limit_is_respected_and_scores_descend() {
        let hits = search("call queue", 7);
        assert_eq!(hits.len(), 7);
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    }
}
