//! Candidate generation and scoring: the actions a request's words reach, and for each the named
//! signals of its score (a `Breakdown`), weighted by the search's `Weights`.

use super::*;

impl Index {
    /// Ranks all actions for `query`, best first; see [`search`].
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let parsed = self.parse(query);
        if parsed.terms.is_empty() && parsed.verb.is_none() {
            return Vec::new();
        }

        let Some(candidates) = self.candidates(&parsed) else {
            return Vec::new();
        };
        let framing = self.framing(&parsed, &candidates.explained);
        let mut hits: Vec<(u32, f32, Breakdown)> = (0..self.docs.len())
            .filter(|i| candidates.touched[*i])
            .map(|i| {
                let b = self.breakdown(&parsed, &candidates, &framing, i);
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

    /// Candidate generation: the actions the request's words (and their synonyms and kinds)
    /// reach, with how much of the request each covers; none when no word of it reaches any.
    fn candidates(&self, parsed: &Query) -> Option<Candidates> {
        let wt = self.wt;
        let n = self.docs.len();
        let mut c = Candidates {
            total: 0.0,
            scores: vec![0.0; n],
            touched: vec![false; n],
            has_object: vec![false; n],
            objects_known: false,
            explained: Map::default(),
            kind_of: vec![0.0; n],
            only_fit: vec![false; n],
        };
        let mut sweep = Sweep {
            per_doc: vec![0.0; n],
            reached: Vec::new(),
            deprecated_about: Vec::new(),
            current_about: vec![false; parsed.terms.len()],
        };
        for (ti, qt) in parsed.terms.iter().enumerate() {
            if let Some(kind) = qt.kind.as_ref().and_then(|k| self.kinds.get(k)) {
                reach_kind(qt, kind, &mut c);
                sweep.current_about[ti] = true;
                continue;
            }
            let Some(reach) = self.reach(qt) else {
                // A word the API never uses (a name, a number): it neither helps nor hurts.
                continue;
            };
            let damp = if reach.concept { 1.0 } else { wt.non_concept };
            c.total += qt.weight * reach.ceiling * damp;
            c.objects_known |= qt.object && reach.concept;
            self.best_matches(qt, &reach, &mut c, &mut sweep);
            self.score_matches(ti, qt, &reach, damp, &mut c, &mut sweep);
        }
        if c.total == 0.0 {
            return None;
        }
        // The verb explains the operation's name as much as any other word ("Transfer Call
        // Party"), though it is judged by the verb fit rather than as a word to find.
        for t in parsed.verb_terms.iter().flatten() {
            c.explained.insert(*t, 1.0);
        }

        for (doc, ti) in sweep.deprecated_about {
            if !sweep.current_about[ti] {
                c.only_fit[doc as usize] = true;
            }
        }
        Some(c)
    }

    /// The terms a word of the request reaches, each with its weight and idf, and what the
    /// best action could score on it; none when it reaches nothing.
    fn reach(&self, qt: &QueryTerm) -> Option<Reach> {
        let wt = self.wt;
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
        let terms: Vec<(Term, f32, f32)> = reachable
            .into_iter()
            .map(|(t, w)| (t, w, idf_of(t)))
            .collect();
        let best = terms
            .iter()
            .map(|(_, w, idf)| w * idf)
            .fold(0.0f32, f32::max);
        if best == 0.0 {
            return None;
        }
        // What the best action could score on this word: a word that no action has in its
        // name (an everyday word found only in descriptions) weighs less in the request, so
        // actions without it lose less.
        let reach = terms
            .iter()
            .map(|(t, w, idf)| w * idf * self.top_field[*t as usize])
            .fold(0.0f32, f32::max);
        // A word no action has in its name, tags or path is not an API concept ("metadata"
        // in a parameter name, "customer" in prose): it counts for less.
        let concept = terms
            .iter()
            .map(|(t, _, _)| self.top_field[*t as usize])
            .fold(0.0f32, f32::max)
            >= wt.path;
        Some(Reach {
            terms,
            ceiling: reach,
            concept,
        })
    }

    /// Notes each action's best match on a word of the request in `sweep.per_doc`, the terms
    /// the word explains, and the actions about what its verb implies.
    fn best_matches(&self, qt: &QueryTerm, reach: &Reach, c: &mut Candidates, sweep: &mut Sweep) {
        let wt = self.wt;
        let stem_term = self.vocab.get(&qt.stem).copied();
        for (term, w, idf) in &reach.terms {
            let slot = c.explained.entry(*term).or_insert(0.0);
            *slot = slot.max(*w);
            // What a verb implies ("transcribe": speech, text) is what the request is about
            // as much as its objects are.
            let implied = qt.verb && Some(*term) != stem_term;
            for (doc, field) in &self.postings[*term as usize] {
                let d = *doc as usize;
                let s = w * idf * field;
                if implied && s >= wt.object_presence * reach.ceiling {
                    c.has_object[d] = true;
                }
                if sweep.per_doc[d] == 0.0 {
                    sweep.reached.push(*doc);
                }
                sweep.per_doc[d] = sweep.per_doc[d].max(s);
            }
        }
    }

    /// Adds each reached action's best match on word `ti` of the request to its score, and
    /// notes which actions are about it; clears the matches for the next word.
    fn score_matches(
        &self,
        ti: usize,
        qt: &QueryTerm,
        reach: &Reach,
        damp: f32,
        c: &mut Candidates,
        sweep: &mut Sweep,
    ) {
        let wt = self.wt;
        for doc in sweep.reached.drain(..) {
            let d = doc as usize;
            c.scores[d] += qt.weight * sweep.per_doc[d] * damp;
            c.touched[d] = true;
            let about = sweep.per_doc[d] >= wt.object_presence * reach.ceiling;
            if about && self.docs[d].deprecated {
                sweep.deprecated_about.push((doc, ti));
            } else if about {
                sweep.current_about[ti] = true;
            }
            // Being about a thing takes more than a passing mention in a description.
            if qt.object && reach.concept && about {
                c.has_object[d] = true;
            }
            sweep.per_doc[d] = 0.0;
        }
    }

    /// What holds of a request across all actions, once per request.
    fn framing(&self, parsed: &Query, explained: &Map<Term, f32>) -> Framing {
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
        Framing {
            head_named,
            list_named,
            whose_terms,
            asks_history,
        }
    }

    /// Scoring: the named signals of action `i`'s score for the request.
    fn breakdown(&self, parsed: &Query, c: &Candidates, f: &Framing, i: usize) -> Breakdown {
        let wt = self.wt;
        let doc = &self.docs[i];
        let recall = c.scores[i] / c.total;
        let precision = self.precision(parsed, c, f, i);
        let verb = self.verb_fit(parsed, doc);
        let verb = if parsed.verb == Some(Verb::List)
            && doc.verb == OpVerb::Read
            && !f.list_named
            && doc
                .head
                .iter()
                .any(|t| parsed.head.iter().any(|(h, w)| h == t && *w >= 0.8))
        {
            verb.max(wt.unlisted_read)
        } else {
            verb
        };
        let head = self.head_fit(parsed, c, f, i);
        let precision = precision.max(c.kind_of[i]);
        let mut b = Breakdown {
            head: wt.head * head,
            recall: wt.recall * recall,
            precision: wt.precision * precision,
            verb: wt.verb * verb,
            scope: wt.scope * scope_fit(parsed.scope, doc),
            number: wt.number * self.number_fit(parsed, doc),
            ..Breakdown::default()
        };
        self.add_adjustments(parsed, c, f, i, precision, &mut b);
        b
    }

    /// The share of action `i`'s name the request explains, each word weighed by its idf.
    fn precision(&self, parsed: &Query, c: &Candidates, f: &Framing, i: usize) -> f32 {
        let doc = &self.docs[i];
        // "My devices" are my extension's: a request about one's own things explains
        // the extension or user that names whose they are.
        let whose =
            |t: &Term| parsed.scope == Scope::Mine && doc.user_level && f.whose_terms.contains(t);
        if doc.core_weight > 0.0 {
            doc.core
                .iter()
                .filter_map(|t| {
                    c.explained
                        .get(t)
                        .copied()
                        .or_else(|| whose(t).then_some(1.0))
                        .map(|w| w * self.idf[*t as usize])
                })
                .sum::<f32>()
                / doc.core_weight
        } else {
            0.0
        }
    }

    /// How well the head of action `i`'s name matches what the request is about (or the kind
    /// of record it names), or the penalty for an action about what only qualifies it.
    fn head_fit(&self, parsed: &Query, c: &Candidates, f: &Framing, i: usize) -> f32 {
        let wt = self.wt;
        let doc = &self.docs[i];
        let head = doc
            .head
            .iter()
            .filter_map(|t| parsed.head.iter().find(|(h, _)| h == t).map(|(_, w)| *w))
            .fold(0.0f32, f32::max);
        // Records of the kind asked for are what the operation is named by; an operation
        // about what only qualifies the request ("List Message *Threads*" for "messages
        // in a thread") is about something else.
        let head = head.max(c.kind_of[i]);
        if head == 0.0
            && f.head_named
            && doc.head.iter().any(|t| parsed.qualifier_heads.contains(t))
        {
            -wt.inverted_head
        } else {
            head
        }
    }

    /// How well an action fits one record, one named by id, or many, as the request asks.
    fn number_fit(&self, parsed: &Query, doc: &Doc) -> f32 {
        let wt = self.wt;
        let creates = matches!(parsed.verb, Some(Verb::Create | Verb::Send));
        match parsed.number {
            Number::Named | Number::One if doc.bulk => -wt.bulk / wt.number,
            Number::Named if doc.item => wt.named / wt.number,
            // Making one thing adds to a collection; an operation on one existing record
            // ("add a chat to favorites") makes nothing new.
            Number::One if creates => f32::from(!doc.item),
            Number::One if doc.item => 1.0,
            Number::Many if !doc.item => 1.0,
            _ => 0.0,
        }
    }

    /// Sets the signals that adjust action `i`'s score for what it is beside its words:
    /// holding the records named, bulk, live call, unnamed, past, deprecated, off its object.
    fn add_adjustments(
        &self,
        parsed: &Query,
        c: &Candidates,
        f: &Framing,
        i: usize,
        precision: f32,
        b: &mut Breakdown,
    ) {
        let wt = self.wt;
        let doc = &self.docs[i];
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
        if doc.historical && !f.asks_history {
            // What is asked of now, unless the request speaks of the past.
            b.historical = -wt.historical;
        }
        if doc.deprecated && !c.only_fit[i] {
            // A current operation that does the same is the better answer; a deprecated
            // one that alone does what is asked is still the answer.
            b.deprecated = -wt.deprecated;
        }
        // An operation named by the request's verb ("summarize", "park") is about what
        // the request is about, whatever its object is called.
        let named_by_verb =
            parsed.specific && parsed.action.is_some_and(|a| doc.own_verbs.contains(&a));
        if c.objects_known && !c.has_object[i] && !named_by_verb {
            // Right verb, wrong thing: an action about something else entirely.
            b.off_object = -wt.off_object;
        }
    }

    /// How well an operation's verb fits the request's, from -1 to 1.
    pub(super) fn verb_fit(&self, query: &Query, doc: &Doc) -> f32 {
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
}

/// How well an action's scope fits the request's: the user's own records or the company's.
fn scope_fit(scope: Scope, doc: &Doc) -> f32 {
    match scope {
        Scope::Mine if doc.user_level => 1.0,
        // Someone's things are not the catalog every account shares ("a user's
        // permissions" beside *List Permissions*).
        Scope::Mine if doc.dictionary => -1.0,
        Scope::Mine if doc.company_level => -0.5,
        Scope::Company if doc.company_level => 1.0,
        Scope::Company if doc.user_level => -0.3,
        Scope::Unspecified if doc.user_level => 0.2,
        _ => 0.0,
    }
}

/// How well an operation's verb class fits the verb class a request asks for, from -1 to 1.
pub(super) fn verb_fit(asked: Option<Verb>, plural: bool, op: OpVerb) -> f32 {
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

/// What candidate generation hands to scoring, per action by index.
pub(super) struct Candidates {
    /// The most the request's words can score: what recall is a share of.
    total: f32,
    /// What each action scores on the request's words.
    scores: Vec<f32>,
    /// Whether the request's words reach each action at all.
    touched: Vec<bool>,
    /// Whether each action matches an object of the request, and whether the request has one.
    has_object: Vec<bool>,
    objects_known: bool,
    /// The terms the request explains, with how strongly.
    explained: Map<Term, f32>,
    /// How directly each action handles the kind of record the request names, if any.
    kind_of: Vec<f32>,
    /// Deprecated actions that alone do what is asked.
    only_fit: Vec<bool>,
}

/// Adds what a word of the request that names a kind of record reaches: the operations whose
/// type field takes that kind, each as directly as the field types its records.
fn reach_kind(qt: &QueryTerm, kind: &Kind, c: &mut Candidates) {
    c.total += qt.weight * kind.idf;
    c.objects_known = true;
    for (doc, strength) in &kind.docs {
        let d = *doc as usize;
        c.scores[d] += qt.weight * kind.idf * strength;
        c.touched[d] = true;
        c.has_object[d] = true;
        if qt.weight >= 1.0 {
            c.kind_of[d] = c.kind_of[d].max(*strength);
        }
    }
}

/// The terms a word of the request reaches and what the best action could score on it.
struct Reach {
    /// Each term with the word's weight for it and its idf.
    terms: Vec<(Term, f32, f32)>,
    /// What the best action could score on the word.
    ceiling: f32,
    /// Some action has a term of it in its name, tags or path: it is an API concept.
    concept: bool,
}

/// What candidate generation keeps from one word of the request to the next.
struct Sweep {
    /// Each action's best match on the word at hand.
    per_doc: Vec<f32>,
    /// The actions the word at hand reaches.
    reached: Vec<u32>,
    /// Deprecated operations that are about a word of the request no current operation is
    /// about: the only ones that fit, whatever their age.
    deprecated_about: Vec<(u32, usize)>,
    /// Whether some current operation is about each word of the request.
    current_about: Vec<bool>,
}

/// What holds of a request across all actions.
pub(super) struct Framing {
    /// Some action is headed by what the request is about.
    head_named: bool,
    /// Some list is headed by what the request asks to list.
    list_named: bool,
    /// The terms that say whose records (an extension's, a user's).
    whose_terms: Vec<Term>,
    /// The request speaks of the past.
    asks_history: bool,
}
