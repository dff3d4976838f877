//! Documents: what each action is indexed with, from the spec's own words for it (its name, tags,
//! path, description, parameters, body fields and values, and the fields of its answer; more
//! weakly, its tags' groups and descriptions and what the schemas of its body and answer call
//! themselves), each at the weight of the part it comes from; and the index built from them.

use super::*;

/// Scratch state while the index is built: the term each word of the spec stands for, and the
/// field weights of the action being described.
#[derive(Default)]
pub(super) struct Builder {
    pub(super) terms: Map<String, Option<Term>>,
    /// The terms of the property names of each shared definition already read, by its name.
    pub(super) fields: Map<&'static str, Rc<[Term]>>,
    /// The terms of the fields of each answer already read, by the schema's text.
    pub(super) responses: Map<usize, Rc<[(Term, f32)]>>,
    pub(super) weights: Vec<f32>,
    pub(super) touched: Vec<Term>,
    /// The kinds the type fields of the action being described take: each with how directly
    /// the field types the action's records, and the field's description.
    pub(super) kinds: Vec<(String, Vec<String>, f32, &'static str)>,
    /// The things the answer of the action being described lists.
    pub(super) lists: Vec<Term>,
    /// The title and own description of each schema already read, by the schema's text.
    pub(super) schema_words: Map<usize, Rc<str>>,
    /// For each action described, the terms only the own words of its schemas give, with
    /// their weights: they do not count towards how common a word is.
    pub(super) quiet: Vec<Vec<(Term, f32)>>,
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
pub(super) fn spellings(operations: &[Operation]) -> Vec<Vec<String>> {
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
pub(super) fn summary_verb(word: &str) -> Option<OpVerb> {
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
pub(super) const ID_PREFIXES: &[&str] = &[
    "rcw", "rcv", "mth", "cai", "scim", "config", "history", "reg", "n11s",
];

/// A description split into its opening sentence, which says what the operation does, and the
/// next few hundred bytes.
pub(super) fn split_description(description: &str) -> (&str, &str) {
    let lead_end = description
        .find(". ")
        .or_else(|| description.find(".\n"))
        .map_or(description.len(), |i| i + 1);
    let lead = &description[..lead_end.min(description.len())];
    let rest = &description[lead.len()..];
    (lead, cut(rest, 300))
}

/// What a schema calls itself: its title and the opening of its own description (that of the
/// schema, not of its properties); nothing when it has neither or is not a JSON object.
pub(super) fn schema_words(schema: &str) -> String {
    let title = schema::text_member(schema, "title").unwrap_or_default();
    let description = schema::text_member(schema, "description").unwrap_or_default();
    format!("{title}\n{}", cut(&description, 300))
}

/// The opening of `text`, cut at a sentence end near `max` bytes.
pub(super) fn cut(text: &str, max: usize) -> &str {
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

impl Index {
    /// Builds the index over `operations`: the lexicon's words first, then each operation's
    /// document, then how rare each word is and which kinds of record each operation handles.
    pub(super) fn build(operations: &[Operation], weights: Weights) -> Index {
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
            // Lower case first, so that a name written in capitals ("RingOut") stays one word.
            read_names: operations
                .iter()
                .filter(|op| op.method == Method::Get)
                .map(|op| {
                    let words = text::words(&op.summary.to_lowercase());
                    words.iter().map(|w| text::stem(w)).collect()
                })
                .collect(),
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
        index.add_lexicon();
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
        index.weigh_terms(operations, &fields_of, &builder.quiet);
        index.weigh_kinds();
        index
    }

    /// Adds the lexicon's phrases, synonyms, verbs and generic heads, before any operation's
    /// words.
    fn add_lexicon(&mut self) {
        for (from, to) in lexicon::phrases() {
            let from = text::words(from);
            // Found by the stem of their first word, so that plurals meet them too.
            if let Some(first) = from.first().map(|w| text::stem(w)) {
                self.phrases
                    .entry(first)
                    .or_default()
                    .push((from, text::words(to)));
            }
        }
        for (word, expansions) in &lexicon::get().synonyms {
            let entry = self.synonyms.entry(text::stem(word)).or_default();
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
                self.actions.insert(text::stem(vw.word), info.clone());
            }
            // Verbs are known by their plain form: "assigned roles" and "blocked numbers" name
            // things, "assign" and "block" ask for something.
            self.verbs.insert(vw.word.to_string(), info);
        }

        for word in lexicon::generic_heads() {
            let term = self.intern(&text::stem(word));
            self.generic_heads.insert(term);
        }
    }

    /// The postings of every term, its best field weight and how rare it is, from the fields
    /// of each document, the terms only its schemas' own words give (`quiet_of`, which count
    /// towards how common a word is only when nothing else uses it) and the API guides' words;
    /// then each document's name weight and the heads of all names.
    fn weigh_terms(
        &mut self,
        operations: &[Operation],
        fields_of: &[Vec<(Term, f32)>],
        quiet_of: &[Vec<(Term, f32)>],
    ) {
        let wt = self.wt;
        let n = fields_of.len() as f32;
        let mut df = vec![0f32; self.vocab.len()];
        self.postings = vec![Vec::new(); self.vocab.len()];
        for (i, fields) in fields_of.iter().enumerate() {
            for (term, weight) in fields {
                // How rare a word is shows in names: a word that most descriptions mention in
                // passing ("account") can still tell the few actions named by it apart.
                df[*term as usize] += if *weight >= wt.path {
                    1.0
                } else {
                    wt.passing_mention
                };
                self.postings[*term as usize].push((i as u32, *weight));
            }
            for (term, weight) in quiet_of.get(i).into_iter().flatten() {
                self.postings[*term as usize].push((i as u32, *weight));
            }
        }
        // A word only weak fields use is as common as their mentions of it make it.
        for (d, postings) in df.iter_mut().zip(&self.postings) {
            if *d == 0.0 {
                *d = wt.passing_mention * postings.len() as f32;
            }
        }
        self.add_guide_terms(operations, &mut df);
        self.top_field = self
            .postings
            .iter()
            .map(|p| p.iter().map(|(_, w)| *w).fold(0.0f32, f32::max))
            .collect();
        self.idf = df
            .iter()
            .map(|d| {
                let d = *d;
                (1.0 + (n - d + 0.5) / (d + 0.5)).ln()
            })
            .collect();
        for doc in &mut self.docs {
            doc.core_weight = doc.core.iter().map(|t| self.idf[*t as usize]).sum();
        }
        self.heads = self
            .docs
            .iter()
            .flat_map(|d| d.head.iter().copied())
            .collect();
    }

    /// Adds the everyday names of kinds of record and weighs each kind by how rare its words
    /// are.
    fn weigh_kinds(&mut self) {
        let wt = self.wt;
        // Everyday names of kinds the API calls otherwise ("call queue" for Department).
        for (name, value) in lexicon::kind_names() {
            let target = kind_key(&text::words(value));
            let words = text::words(name);
            if let Some(kind) = self.kinds.get(&target).cloned() {
                self.kinds.insert(
                    kind_key(&words),
                    Kind {
                        stems: words.iter().map(|w| text::stem(w)).collect(),
                        ..kind
                    },
                );
            }
        }
        let idf_of = |stem: &String| self.vocab.get(stem).map_or(0.0, |t| self.idf[*t as usize]);
        let idfs: Vec<(String, f32)> = self
            .kinds
            .iter()
            .map(|(key, kind)| {
                let idf = kind.stems.iter().map(idf_of).fold(0.0f32, f32::max);
                (key.clone(), if idf > 0.0 { idf } else { wt.kind_idf })
            })
            .collect();
        for (key, idf) in idfs {
            if let Some(kind) = self.kinds.get_mut(&key) {
                kind.idf = idf;
            }
        }
    }

    /// "User" in the name of an operation on one user's records says whose they are, unless it
    /// tells the operation from one on the company's ("List *User* Call Records" beside "List
    /// *Company* Call Records"), so it is no part of the name to explain.
    pub(super) fn drop_whose_user(&mut self) {
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
    pub(super) fn head_of(&self, words: &[Term]) -> Vec<Term> {
        let mut head: Vec<Term> = words.last().copied().into_iter().collect();
        if let [.., before, last] = words
            && self.generic_heads.contains(last)
        {
            head.push(*before);
        }
        head
    }

    pub(super) fn intern(&mut self, word: &str) -> Term {
        if let Some(t) = self.vocab.get(word) {
            return *t;
        }
        let t = self.vocab.len() as Term;
        self.vocab.insert(word.to_string(), t);
        self.words.push(word.to_string());
        t
    }

    /// The term a word of an action's description stands for, or `None` for a stopword.
    pub(super) fn term_of(&mut self, builder: &mut Builder, word: &str) -> Option<Term> {
        if let Some(known) = builder.terms.get(word) {
            return *known;
        }
        let term = (!self.stopwords.contains(word)).then(|| self.intern(&text::stem(word)));
        builder.terms.insert(word.to_string(), term);
        term
    }

    /// Adds the words of `text` to the action being described, with a field weight.
    pub(super) fn add_text(
        &mut self,
        builder: &mut Builder,
        text: &str,
        weight: f32,
        identifier: bool,
    ) {
        self.each_term(builder, text, identifier, |builder, term| {
            builder.set(term, weight)
        });
    }

    /// Calls `f` with the term of each word of `text`.
    pub(super) fn each_term(
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
    pub(super) fn response_terms(
        &mut self,
        builder: &mut Builder,
        schema: &'static str,
    ) -> Rc<[(Term, f32)]> {
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
    pub(super) fn field_terms(
        &mut self,
        builder: &mut Builder,
        schema: &'static str,
    ) -> Rc<[Term]> {
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
    pub(super) fn add_enumeration<'a>(
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

    /// Indexes an operation's words at the weights of the parts they come from, then makes its
    /// document; hands back both.
    pub(super) fn describe(
        &mut self,
        op: &Operation,
        builder: &mut Builder,
    ) -> (Doc, Vec<(Term, f32)>) {
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
            self.add_response(builder, op, schema);
        }
        // The tags' groups and descriptions count towards how common a word is, as every
        // field does ("voice", shared by a whole group, counts as common). The schemas' own words
        // come last and do not: most are generic ("information on", "list of") and counting
        // them measured worse, so the terms only they give are set apart.
        self.add_tag_text(builder, op);
        let own = builder.touched.len();
        self.add_schema_text(builder, op);
        let mut fields = builder.take();
        builder.quiet.push(fields.split_off(own));
        let doc = self.doc_of(op, builder, &id_words, lead, resource);
        (doc, fields)
    }

    /// Adds what the spec says of an action's tags beside their names, as weak evidence: the
    /// group each is filed under ("SMS and Fax" for Fax) and its description ("Conversational AI
    /// audio processing APIs").
    fn add_tag_text(&mut self, builder: &mut Builder, op: &Operation) {
        let wt = self.wt;
        for tag in op.tags.iter().filter_map(|name| ringcentral_api::tag(name)) {
            // A weight of nothing leaves the field out, rarity included.
            if let Some(group) = tag.group.filter(|_| wt.tag_group > 0.0) {
                self.add_text(builder, group, wt.tag_group, false);
            }
            if wt.tag_description > 0.0 {
                self.add_text(builder, tag.description, wt.tag_description, false);
            }
        }
    }

    /// Adds the title and own description of the schemas of an action's request body and answer
    /// ("Information on a blocked/allowed phone number"), as weak evidence; each schema is read
    /// once however many actions share it.
    fn add_schema_text(&mut self, builder: &mut Builder, op: &Operation) {
        let weight = self.wt.schema_text;
        if weight <= 0.0 {
            return;
        }
        let body = op.body.as_ref().map(|b| b.schema);
        for schema in body.into_iter().chain(op.response.schema) {
            let schema = schema::resolve(schema);
            let key = schema.as_ptr() as usize;
            let words = match builder.schema_words.get(&key) {
                Some(known) => known.clone(),
                None => {
                    let words: Rc<str> = schema_words(schema).into();
                    builder.schema_words.insert(key, words.clone());
                    words
                }
            };
            self.add_text(builder, &words, weight, false);
        }
    }

    /// Adds what an operation answers with to the action being described: the fields of its
    /// answer, the things the answer lists, and the types of the record a read answers.
    fn add_response(&mut self, builder: &mut Builder, op: &Operation, schema: &'static str) {
        let wt = self.wt;
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

    /// An action's document past its words: its verb and the verbs it names itself by, what
    /// its name is about, whose records it handles and how many, and what holds them.
    fn doc_of(
        &mut self,
        op: &Operation,
        builder: &mut Builder,
        id_words: &[String],
        lead: &str,
        resource: &[&str],
    ) -> Doc {
        let summary_words: Vec<String> = text::words(op.summary)
            .into_iter()
            .filter(|w| !self.stopwords.contains(w))
            .collect();
        let (verb, named_verb) = self.op_verb(op, &summary_words, id_words);
        let own_verbs = self.own_verbs(op, &summary_words, id_words, named_verb, verb, lead);
        let holders = self.path_holders(resource, &own_verbs);
        let skip = usize::from(named_verb.is_some());
        // "User" in the name of an operation on one user's records ("Create User Contact",
        // "List User's Webinars") says whose they are, as a path to an extension does.
        let user_level = op.path.contains("{extensionId}") || op.path.contains("/me/");
        let users =
            user_level || op.summary.contains("User's") || op.summary.contains("User\u{2019}s");
        let (core, whose_user) = self.name_core(&summary_words, skip, users);
        let head = self.name_head(&summary_words, id_words, skip);
        // Named so, or reached through the company ("/webinar/.../company/sessions").
        let company_level = !op.path.contains("{extensionId}")
            && (op.summary.contains("Company")
                || op.summary.contains("Account")
                || op.path.contains("/company/"));
        let item = self.names_one(op, &own_verbs);
        // Bulk variants of single-record operations; assigning members in bulk is the only way
        // to assign them at all, so it is no bulk variant.
        let bulk = summary_words
            .iter()
            .any(|w| matches!(w.as_str(), "multiple" | "bulk"))
            && !op.path.ends_with("bulk-assign");
        self.add_kinds(builder, &head);
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
        }
    }

    /// The class of an operation's verb, and the one its summary names, if any: from the
    /// summary's first word, else from the method, paging and operationId.
    fn op_verb(
        &self,
        op: &Operation,
        summary_words: &[String],
        id_words: &[String],
    ) -> (OpVerb, Option<OpVerb>) {
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
        (verb, named_verb)
    }

    /// Notes `word` as a verb an operation names itself by, when the search knows it.
    fn own_verb(&mut self, own_verbs: &mut Vec<Term>, word: &str) {
        let stem = text::stem(word);
        if self.verbs.contains_key(word) || self.vocab.contains_key(&stem) {
            let term = self.intern(&stem);
            if !own_verbs.contains(&term) {
                own_verbs.push(term);
            }
        }
    }

    /// The verbs an operation names itself by: those its summary and operationId open with,
    /// what it does to its object, what it changes, and how its description opens.
    fn own_verbs(
        &mut self,
        op: &Operation,
        summary_words: &[String],
        id_words: &[String],
        named_verb: Option<OpVerb>,
        verb: OpVerb,
        lead: &str,
    ) -> Vec<Term> {
        let mut own_verbs = Vec::new();
        // "Search/List Users", "Pause/Resume Recording": both words name the action.
        let head: Vec<String> = op
            .summary
            .split_whitespace()
            .next()
            .map(|w| w.split('/').flat_map(text::words).collect())
            .unwrap_or_default();
        for word in head.iter().filter(|w| w.len() > 2) {
            self.own_verb(&mut own_verbs, word);
        }
        if let Some(word) = id_words.iter().find(|w| !ID_PREFIXES.contains(&w.as_str())) {
            self.own_verb(&mut own_verbs, word);
        }
        if named_verb.is_none() {
            // An operation named by no class verb is named by what it does to its object:
            // "Call Flip on Party", "Call Park".
            for word in summary_words.iter().chain(id_words) {
                if self.verbs.get(word).is_some_and(|v| v.specific) {
                    self.own_verb(&mut own_verbs, word);
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
                    self.own_verb(&mut own_verbs, plain);
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
                        self.own_verb(&mut own_verbs, verb);
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
            self.own_verb(&mut own_verbs, &opening);
        }
        own_verbs
    }

    /// What holds the records an operation acts on: each thing its path names one of before
    /// going on.
    fn path_holders(&mut self, resource: &[&str], own_verbs: &[Term]) -> Vec<Term> {
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
        holders
    }

    /// The terms of an operation's name past its verb, noise aside, for the precision part;
    /// with whether "user" in it says whose records they are (`users`: the operation is on one
    /// user's records).
    fn name_core(
        &mut self,
        summary_words: &[String],
        skip: usize,
        users: bool,
    ) -> (Vec<Term>, bool) {
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
        (core, whose_user)
    }

    /// The head of an operation's name, and of its operationId where that names it otherwise.
    fn name_head(
        &mut self,
        summary_words: &[String],
        id_words: &[String],
        skip: usize,
    ) -> Vec<Term> {
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
        head
    }

    /// Whether an operation acts on one record its path names by id, possibly followed by what
    /// to do to it ("/phone-numbers/{phoneNumberId}/replace").
    fn names_one(&self, op: &Operation, own_verbs: &[Term]) -> bool {
        let id_segment = |s: &str| s.starts_with('{') && (s.ends_with("Id}") || s.ends_with("id}"));
        let segments: Vec<&str> = op.path.split('/').collect();
        match segments.as_slice() {
            [.., last] if id_segment(last) => true,
            [.., id, action] if id_segment(id) => action
                .split('-')
                .next()
                .and_then(|w| self.vocab.get(&text::stem(w)))
                .is_some_and(|t| own_verbs.contains(t)),
            _ => false,
        }
    }

    /// Files the action being described under each kind of record its type fields take, with
    /// how directly; `head` is what its name is about.
    fn add_kinds(&mut self, builder: &mut Builder, head: &[Term]) {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words of the document of the operation `id`, with their field weights.
    fn words_of(index: &Index, id: &str) -> Vec<(String, f32)> {
        let Some(doc) = OPERATIONS.iter().position(|op| op.operation_id == id) else {
            return Vec::new();
        };
        index
            .postings
            .iter()
            .enumerate()
            .filter_map(|(t, postings)| {
                let (_, weight) = postings.iter().find(|(d, _)| *d as usize == doc)?;
                Some((index.words[t].clone(), *weight))
            })
            .collect()
    }

    /// The weight of `word` in the document of `id`, if it is there.
    fn weight_of(index: &Index, id: &str, word: &str) -> Option<f32> {
        let stem = text::stem(word);
        words_of(index, id)
            .into_iter()
            .find(|(w, _)| *w == stem)
            .map(|(_, weight)| weight)
    }

    /// The fitted weights without the guides' words and the spec's weak fields, so that a word
    /// is in a document only by the action's own entry.
    fn plain() -> Weights {
        let mut weights = Weights::fitted();
        weights.guide = 0.0;
        weights.tag_group = 0.0;
        weights.tag_description = 0.0;
        weights.schema_text = 0.0;
        weights
    }

    #[test]
    fn a_tags_group_and_description_reach_the_actions_of_the_tag() {
        // caiPunctuate is tagged Text, which the spec describes as "Conversational AI text
        // processing APIs" and files under "Artificial Intelligence"; its own entry says neither.
        let id = "caiPunctuate";
        let without = Index::with_weights(plain());
        for word in ["conversational", "artificial", "intelligence"] {
            assert_eq!(weight_of(&without, id, word), None, "{word}");
        }
        let mut weights = plain();
        weights.tag_group = 0.04;
        weights.tag_description = 0.1;
        let with = Index::with_weights(weights);
        assert_eq!(weight_of(&with, id, "conversational"), Some(0.1));
        assert_eq!(weight_of(&with, id, "artificial"), Some(0.04));
        assert_eq!(weight_of(&with, id, "intelligence"), Some(0.04));
        // A word the action's name has keeps the name's weight.
        assert_eq!(
            weight_of(&with, id, "text"),
            weight_of(&without, id, "text")
        );
        // Actions of other tags do not have the tag's words.
        assert_eq!(weight_of(&with, "listExtensions", "conversational"), None);
    }

    #[test]
    fn a_schemas_title_and_description_reach_the_actions_that_use_it() {
        // The answer of readCallerBlockingSettings (CallerBlockingSettings) describes itself
        // as "the lists of blocked and allowed phone numbers"; the operation's entry says
        // nothing of what is allowed.
        let id = "readCallerBlockingSettings";
        let without = Index::with_weights(plain());
        assert_eq!(weight_of(&without, id, "allowed"), None);
        let mut weights = plain();
        weights.schema_text = 0.1;
        let with = Index::with_weights(weights);
        assert_eq!(weight_of(&with, id, "allowed"), Some(0.1));
        // How common a word is stays as the rest of the spec makes it.
        let stem = text::stem("allowed");
        let idf = |index: &Index| index.vocab.get(&stem).map(|t| index.idf[*t as usize]);
        assert!(idf(&without).is_some());
        assert_eq!(idf(&with), idf(&without));
        // The body's schema counts as well as the answer's: CommInteractionRuleCreateRequest
        // is an "Interaction rule create request".
        assert_eq!(
            weight_of(&with, "createVoiceInteractionRule", "request"),
            Some(0.1)
        );
    }

    #[test]
    fn a_schema_says_what_it_calls_itself() {
        let words = schema_words(
            r#"{"type":"object","title":"Thread Note","description":"A note.","properties":{"title":{"type":"string","description":"Not this"}}}"#,
        );
        assert_eq!(words, "Thread Note\nA note.");
        let escaped = schema_words(r#"{"description":"Either `a` or \"b\"\nis required"}"#);
        assert_eq!(escaped, "\nEither `a` or \"b\"\nis required");
        assert_eq!(schema_words(r#"{"type":"string"}"#), "\n");
        assert_eq!(schema_words("not json"), "\n");
    }
}
