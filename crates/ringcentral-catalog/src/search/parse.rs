//! Reading a request: from its raw text to a `Query` (the verb, the object and its head, the
//! qualifiers, the framing: scope, number, question, holders) that candidate generation and
//! scoring take.

use std::borrow::Cow;

use super::*;

impl Index {
    /// Reads a request: tidies and splits it into words, notes what kind of question it is and
    /// which words carry content, then hands the sentence to `read`.
    pub(super) fn parse(&self, query: &str) -> Query {
        let Normalized {
            cleaned,
            raw,
            id_nouns,
        } = self.normalize(query);
        let question = self.question(&raw);
        // "Does this user have permission to ...?", "is the number blocked?": a question to
        // answer yes or no asks to check.
        let yes_or_no = matches!(
            raw.first().map(String::as_str),
            Some("does" | "do" | "is" | "are" | "has" | "have")
        );
        let words = self.join_compounds(self.apply_phrases(groups_of_member(raw)));
        let calls_in_general = calls_in_general(&words);
        // A question about oneself ("which queues am I in?") asks about one's own records.
        let mut scope = if question == Question::About
            && words.iter().any(|w| matches!(w.as_str(), "i" | "me"))
        {
            Scope::Mine
        } else {
            Scope::Unspecified
        };
        let ContentWords {
            content,
            qualifying,
            preceding,
            permitted,
            numbered,
            word_at,
            mine,
        } = self.content_words(&words);
        if mine {
            scope = Scope::Mine;
        }
        let stems: Vec<String> = content.iter().map(|w| text::stem(w)).collect();
        let all_stems: Vec<String> = words.iter().map(|w| text::stem(w)).collect();
        let tokens = bare_tokens(&cleaned);
        let sentence = Sentence {
            cleaned: &cleaned,
            words: &words,
            all_stems: &all_stems,
            tokens: &tokens,
            content: &content,
            stems: &stems,
            qualifying: &qualifying,
            preceding: &preceding,
            permitted: &permitted,
            numbered: &numbered,
            word_at: &word_at,
            question,
            yes_or_no,
            calls_in_general,
        };
        self.read(&sentence, &id_nouns, scope)
    }

    /// What kind of question a request is, from its first words.
    fn question(&self, raw: &[String]) -> Question {
        match (
            raw.first().map(String::as_str),
            raw.get(1).map(String::as_str),
        ) {
            (Some("how"), Some("many" | "much" | "long" | "often" | "far")) => Question::About,
            (Some("how" | "can" | "could" | "should"), _) => Question::HowTo,
            (Some(first), _) if self.questions.contains(first) => Question::About,
            _ => Question::None,
        }
    }

    /// Reads a sentence into a `Query`: its verb and what that asks for, the weighed terms of
    /// its content words and of what they imply, its head and number, then its qualifiers and
    /// the records that hold what it asks about.
    fn read(&self, s: &Sentence, id_nouns: &[String], scope: Scope) -> Query {
        let sense = self.sense(s, self.read_verb(s));
        let possessors = possessors(s.cleaned);
        let (weighed, record) = self.weigh(s, &sense, &possessors, scope);
        let Weighed {
            mut terms,
            plural,
            scope,
            verb,
        } = weighed;
        self.implied_terms(s, &sense, &record, verb, &mut terms);
        // The head of the request: its last object word before a qualifier ("a task *in a
        // chat*").
        let verb_word = sense.verb_at.map(|i| s.content[i].as_str());
        let Head {
            named,
            plural: head_plural,
        } = self.head(s.words, verb, verb_word);
        let Counting {
            number,
            counted,
            plural,
            scope,
        } = self.counting(Framed {
            words: s.words,
            id_nouns,
            named: &named,
            verb,
            action: sense.action,
            specific: sense.specific,
            question: s.question,
            plural: plural || head_plural == Some(true),
            singular: head_plural == Some(false),
            scope,
        });
        let (head, head_at) = self.head_terms(s.stems, &record, &named, &terms);
        let verb_terms = [
            sense
                .verb_at
                .and_then(|i| self.vocab.get(&s.stems[i]).copied()),
            sense.action,
        ];
        let qualifier_heads = self.qualifier_heads(s, &sense, &named, &head, head_at);
        let names = self.proper_names(s.cleaned);
        let holders = self.holders(s, &sense, &head, &names);
        self.possible_things(s.words, &mut terms);
        // Looking a record up by its id reads that record; no search finds it.
        let verb = match verb {
            Some(Verb::Search) if number == Number::One => Some(Verb::Read),
            _ => verb,
        };
        let verb = self.implied_verb(s.words, s.tokens, &names, verb);
        Query {
            verb,
            head,
            qualifier_heads,
            holders,
            verb_terms,
            action: sense.action,
            specific: sense.specific,
            names_action: sense.names_action,
            plural,
            number,
            scope,
            calls_in_general: s.calls_in_general,
            configures: sense.configures,
            counted,
            terms,
        }
    }

    /// The verb of a request as its words name it: the one `find_verb` finds, unless a state it
    /// sets, its object or a role it gives says which operation it asks for.
    fn read_verb(&self, s: &Sentence) -> FoundVerb<'_> {
        let Sentence {
            content,
            stems,
            qualifying,
            tokens,
            ..
        } = *s;
        let (verb_at, mut verb) = self.find_verb(
            s.cleaned,
            s.words,
            content,
            stems,
            s.permitted,
            s.word_at,
            s.question,
        );
        let verb_of = |i: usize| content.get(i).and_then(|w| self.verbs.get(w));
        let mut info = verb_at.and_then(verb_of);
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
        if let Some(update) = self.changes_setting(verb, info, verb_at, object, stems) {
            verb = Some(update.class);
            info = Some(update);
        }
        if verb_at == Some(0)
            && self.makes_someone(tokens)
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
        FoundVerb {
            at: verb_at,
            verb,
            info,
        }
    }

    /// The update a verb that makes or removes asks for when its object is a setting: something
    /// set but never made or removed (business hours, a caller ID, the blocking of calls with no
    /// caller ID) is set up, or stopped, by changing it.
    fn changes_setting(
        &self,
        verb: Option<Verb>,
        info: Option<&VerbInfo>,
        verb_at: Option<usize>,
        object: Option<usize>,
        stems: &[String],
    ) -> Option<&VerbInfo> {
        let asked = verb.filter(|v| matches!(v, Verb::Create | Verb::Delete))?;
        let (i, object) = (verb_at?, object?);
        let setting = info.is_some_and(|v| !v.specific)
            && self.only_changed(&stems[i + 1..=object], stems, asked);
        setting.then(|| self.verbs.get("update")).flatten()
    }

    /// Whether the things `stems` name together are changed by some operation named by all of
    /// them and made (or removed: the `asked` class) by none: a setting rather than a record.
    /// The change must be to no record named by its id and its name all said by the request's
    /// words (`said`).
    fn only_changed(&self, stems: &[String], said: &[String], asked: Verb) -> bool {
        let wt = self.wt;
        // A record the API makes under another name ("a call queue", made as an extension of
        // type Department) is a record, a new one too ("create a *new* call queue").
        let named: Vec<String> = stems
            .iter()
            .filter(|s| {
                !self
                    .verbs
                    .get(*s)
                    .is_some_and(|v| v.class == asked && !v.pure)
            })
            .cloned()
            .collect();
        let key = kind_key(&named);
        let everyday = lexicon::kind_names()
            .iter()
            .any(|(name, _)| kind_key(&text::words(name)) == key);
        let made_as_kind = everyday
            && self.kinds.get(&key).is_some_and(|kind| {
                kind.docs
                    .iter()
                    .any(|(d, _)| self.docs[*d as usize].verb == OpVerb::Create)
                    && asked == Verb::Create
            });
        if made_as_kind {
            return false;
        }
        let terms: Option<Vec<Term>> = stems
            .iter()
            .filter(|s| !self.weak.contains(*s))
            .map(|s| self.vocab.get(s).copied())
            .collect();
        let Some((first, rest)) = terms.as_deref().and_then(|t| t.split_first()) else {
            return false;
        };
        let named_by_all = |d: u32| {
            rest.iter().all(|t| {
                self.postings[*t as usize]
                    .iter()
                    .any(|(e, w)| *e == d && *w >= wt.name)
            })
        };
        let mut changed = false;
        for (d, w) in &self.postings[*first as usize] {
            if *w < wt.name || !named_by_all(*d) {
                continue;
            }
            match self.docs[*d as usize].verb {
                OpVerb::Create if asked == Verb::Create => return false,
                OpVerb::Delete if asked == Verb::Delete => return false,
                OpVerb::Update => {
                    let doc = &self.docs[*d as usize];
                    // Words that say whose it is ("company", "user") need not be said.
                    let whose = |t: &Term| {
                        let word = &self.words[*t as usize];
                        self.company_wide.contains(word) || (doc.whose_user && word == "user")
                    };
                    changed |= !doc.item
                        && doc.core.iter().all(|t| {
                            whose(t)
                                || said
                                    .iter()
                                    .any(|s| self.vocab.get(s).is_some_and(|v| v == t))
                        });
                }
                _ => {}
            }
        }
        changed
    }

    /// Whether a request makes someone something, which gives them that role.
    fn makes_someone(&self, tokens: &[String]) -> bool {
        // "Make Jane an admin", "make extension 204 a supervisor": making someone something
        // gives them that role.
        if tokens.first().map(String::as_str) != Some("make") {
            return false;
        }
        let Some(article) =
            (2..tokens.len().min(5)).find(|j| matches!(tokens[*j].as_str(), "a" | "an"))
        else {
            return false;
        };
        (1..article).all(|j| {
            let t = &tokens[j];
            lexicon::people().contains(&t.as_str())
                || t == "extension"
                || t.chars().all(|c| c.is_ascii_digit())
                || !self.vocab.contains_key(&text::stem(t))
        })
    }

    /// What a request's verb asks for once the words after it have had their say: the
    /// operation verb it names, whether it names one kind of operation, and whether someone
    /// joins or leaves a group or is brought into a call.
    fn sense<'i>(&self, s: &Sentence, found: FoundVerb<'i>) -> Sense<'i> {
        let FoundVerb {
            at: verb_at,
            verb,
            info,
        } = found;
        // The context of a verb is the nearest word after it that some meaning of the verb
        // depends on: "reply to a text" sends an SMS, "reply to the call with a text" answers
        // the caller.
        // Context words may be small ones ("register *for* a webinar").
        let verb_context: Option<usize> = verb_at.and_then(|i| {
            (s.word_at[i] + 1..s.all_stems.len()).find_map(|j| {
                self.in_context
                    .iter()
                    .position(|r| r.word == s.stems[i] && r.context.contains(&s.all_stems[j]))
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
        let checks = s.yes_or_no && s.question == Question::About && verb == Some(Verb::Read);
        let action = info
            .and_then(|v| self.vocab.get(&v.action).copied())
            .or_else(|| checks.then(|| self.vocab.get("check").copied()).flatten());
        // "Forward my calls" asks for a setting, which no operation names by that verb, rather
        // than for the operation on one live call.
        let specific = info.is_some_and(|v| v.specific) && !s.calls_in_general;
        let names_action = info.is_some_and(|v| v.names_action) || checks;
        // Such a setting may be made anew or changed: either kind of operation fits.
        let configures = s.calls_in_general
            && info.is_some_and(|v| v.specific && matches!(v.class, Verb::Update | Verb::Create));

        // "Add Raj to the team", "take agent Jake out of the queue": a person joining or leaving
        // a group is about the group's members.
        let names_person = text::names_a_person(s.cleaned, |word| {
            self.vocab.contains_key(&text::stem(word)) || self.stopwords.contains(word)
        }) || s
            .words
            .iter()
            .any(|w| lexicon::people().contains(&w.as_str()));
        let joins_or_leaves = verb_at
            .is_some_and(|i| lexicon::membership_verbs().contains(&s.content[i].as_str()))
            && s.words
                .iter()
                .any(|w| matches!(w.as_str(), "to" | "into" | "from" | "out" | "off"));
        let brings_in = joins_or_leaves && brought_in(s.words, verb, names_person);
        let (action, specific) = match self.vocab.get("bring") {
            Some(bring) if brings_in => (Some(*bring), true),
            _ => (action, specific),
        };
        Sense {
            verb_at,
            verb,
            info,
            verb_context,
            action,
            specific,
            names_action,
            configures,
            names_person,
            joins_or_leaves,
        }
    }

    /// The weighed terms of a request's content words (`content_terms`), once the kinds of
    /// record they name and the record whose field they ask for, if any, are known; with that
    /// record.
    fn weigh(
        &self,
        s: &Sentence,
        sense: &Sense,
        possessors: &[String],
        scope: Scope,
    ) -> (Weighed, Option<Record>) {
        // A kind of record that no operation of the asked class is named by ("list park
        // locations", "create a call queue") is asked of the operations whose type field takes it.
        let kind_class = if sense.specific {
            None
        } else {
            sense.verb.or(Some(Verb::Read))
        };
        let clause = Clause {
            content: s.content,
            stems: s.stems,
            qualifying: s.qualifying,
            preceding: s.preceding,
        };
        let kind_at = self.kinds_in(
            &clause,
            kind_class,
            sense.verb_at,
            |i| s.qualifying[i] || s.permitted[i],
            |i| s.numbered[i],
            |i| {
                s.word_at
                    .get(i + 1)
                    .is_some_and(|next| *next != s.word_at[i] + 1)
            },
        );
        // "A contact's phone number", "Bob's email": one thing of a record's, when no operation
        // is named by both, is a field of that record, which is what the request is about.
        let record = self.field_owner(&clause, possessors, sense.verb_at, |w| {
            sense.names_person && !self.vocab.contains_key(&text::stem(w))
        });
        let weighed = self.content_terms(
            Reading {
                content: s.content,
                stems: s.stems,
                preceding: s.preceding,
                qualifying: s.qualifying,
                permitted: s.permitted,
                kind_at: &kind_at,
                record: &record,
                info: sense.info,
                specific: sense.specific,
                verb: sense.verb,
                verb_at: sense.verb_at,
                names_person: sense.names_person,
                joins_or_leaves: sense.joins_or_leaves,
                possessors,
            },
            scope,
        );
        (weighed, record)
    }

    /// Adds the terms a request implies beyond its words: a user for a person named by name,
    /// what its context makes of its words, presence for where someone is, the call log for
    /// calls in general, members for someone joining or leaving.
    fn implied_terms(
        &self,
        s: &Sentence,
        sense: &Sense,
        record: &Option<Record>,
        verb: Option<Verb>,
        terms: &mut Vec<QueryTerm>,
    ) {
        let wt = self.wt;
        // A person named by name is a user, whose record it is.
        if let Some(r) = record
            && r.person
        {
            let mut term = self.expand("user", wt.named_person, false);
            term.object = true;
            terms.push(term);
        }
        self.apply_context(s, sense, terms);
        if self.asks_whereabouts(s.cleaned, s.yes_or_no) {
            let mut term = self.expand(&text::stem("presence"), 1.0, false);
            term.object = true;
            terms.push(term);
        }
        // Calls in general, to be listed or searched, are the records of them in the call log.
        if s.calls_in_general && matches!(verb, Some(Verb::List) | Some(Verb::Search)) {
            let mut term = self.expand("log", wt.calls_as_log, false);
            term.object = false;
            terms.push(term);
        }
        if sense.names_person && sense.joins_or_leaves {
            let mut term = self.expand("member", 0.6, false);
            term.object = false;
            terms.push(term);
        }
    }

    /// Gives each word the meanings a context word of the request lends it, save the verb when
    /// its own context is another rule's.
    fn apply_context(&self, s: &Sentence, sense: &Sense, terms: &mut [QueryTerm]) {
        for (r, rule) in self.in_context.iter().enumerate() {
            if !s.all_stems.iter().any(|stem| rule.context.contains(stem)) {
                continue;
            }
            let verb_stem = sense.verb_at.map(|i| s.stems[i].as_str());
            if verb_stem == Some(rule.word.as_str()) && sense.verb_context != Some(r) {
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
    }

    /// What a request is about, each term with how strongly it names it (the owner of the
    /// record whose field it asks for, else the head of its object, with their synonyms), and
    /// the first word of that head.
    fn head_terms(
        &self,
        stems: &[String],
        record: &Option<Record>,
        named: &[Term],
        terms: &[QueryTerm],
    ) -> (Vec<(Term, f32)>, Option<Term>) {
        let head_words: Vec<Term> = match record {
            Some(r) if r.person => self.vocab.get("user").copied().into_iter().collect(),
            Some(r) => self
                .vocab
                .get(&stems[r.owner])
                .copied()
                .into_iter()
                .collect(),
            None => self.head_of(named),
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
        (head, head_at)
    }

    /// Whether what a request is about is a thing the API names in its own right, rather than
    /// a generic or weak word: only then is what its qualifiers name something else.
    fn thing_head(&self, head: &[(Term, f32)]) -> bool {
        head.iter().any(|(t, w)| {
            *w >= 0.8
                && !self.generic_heads.contains(t)
                && !self.weak.contains(&self.words[*t as usize])
                && self.top_field[*t as usize] >= self.wt.path
        })
    }

    /// The terms a word stands for at (nearly) full strength: itself and its close synonyms.
    fn strong(&self, stem: &str) -> impl Iterator<Item = Term> + '_ {
        self.expand(stem, 1.0, false)
            .expansions
            .into_iter()
            .filter(|(_, w)| *w >= 0.8)
            .filter_map(|(w, _)| self.vocab.get(&w).copied())
    }

    /// What the qualifiers of a request name ("messages *in a thread*"), to tell an operation
    /// about the thing qualified from one about its qualifier.
    fn qualifier_heads(
        &self,
        s: &Sentence,
        sense: &Sense,
        named: &[Term],
        head: &[(Term, f32)],
        head_at: Option<Term>,
    ) -> Vec<Term> {
        let thing_head = self.thing_head(head);
        // The words before the head qualify it too ("*thread* messages", "*call queue*
        // members").
        let modifiers: Vec<Term> = named
            .iter()
            .take_while(|t| Some(**t) != head_at)
            .flat_map(|t| self.strong(&self.words[*t as usize]))
            .collect();
        (0..s.content.len())
            .filter(|i| s.qualifying[*i] && Some(*i) != sense.verb_at)
            .flat_map(|i| self.strong(&s.stems[i]))
            .chain(modifiers)
            // A group someone joins or leaves is what the request is about.
            .filter(|_| thing_head && !(sense.names_person && sense.joins_or_leaves))
            .filter(|t| !head.iter().any(|(h, _)| h == t))
            .collect()
    }

    /// The words of a request written as names ("the *London* site") that are no words of the
    /// API's nor small words.
    fn proper_names(&self, cleaned: &str) -> Vec<String> {
        cleaned
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
            .collect()
    }

    /// The records a qualifier names one of, by number or by name, as holding the records the
    /// request asks about ("posts *in chat 910*").
    fn holders(
        &self,
        s: &Sentence,
        sense: &Sense,
        head: &[(Term, f32)],
        names: &[String],
    ) -> Vec<Holder> {
        let thing_head = self.thing_head(head);
        // The words right before it name the holder too ("*SMS* thread 5520"): an operation on
        // another kind of thread holds other records.
        // A record named by its name ("the *London* site") is one too.
        let is_name = |j: usize| names.contains(&s.content[j]);
        let named_one = |i: usize| s.numbered[i] || (i > 0 && is_name(i - 1));
        (0..s.content.len())
            .filter(|i| {
                thing_head && s.qualifying[*i] && named_one(*i) && Some(*i) != sense.verb_at
            })
            .map(|i| Holder {
                names: self
                    .strong(&s.stems[i])
                    .filter(|t| !head.iter().any(|(h, _)| h == t))
                    .collect(),
                modifiers: (0..i)
                    .rev()
                    .take_while(|j| s.qualifying[*j] && s.word_at[*j] + (i - *j) == s.word_at[i])
                    .filter(|j| !is_name(*j))
                    .map(|j| self.strong(&s.stems[j]).collect())
                    .collect(),
            })
            .collect()
    }

    /// Whether a request asks where someone is or how free ("is Tom on a call?", "check whether
    /// ext 101 is free"): that is their presence.
    fn asks_whereabouts(&self, cleaned: &str, yes_or_no: bool) -> bool {
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
        asked_directly || asked_within
    }

    /// What one can do something to ("roles I can assign", "numbers we may port") is what the
    /// API calls assignable, portable: such words of the request reach that name.
    fn possible_things(&self, words: &[String], terms: &mut [QueryTerm]) {
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
    }

    /// A request with no verb that opens with what it names asks to read it, unless a word of it
    /// is most likely a verb the lexicon does not know.
    fn implied_verb(
        &self,
        words: &[String],
        tokens: &[String],
        names: &[String],
        verb: Option<Verb>,
    ) -> Option<Verb> {
        let wt = self.wt;
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
        if verb.is_none() && opens_with_thing && !verb_like() {
            Some(Verb::Read)
        } else {
            verb
        }
    }

    /// Whether a request is about one record, one it names by id, or many, and whose records
    /// they are when an id or "I" says so.
    fn counting(&self, framed: Framed) -> Counting {
        let Framed {
            words,
            id_nouns,
            named,
            verb,
            action,
            specific,
            question,
            mut plural,
            singular,
            mut scope,
        } = framed;
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
        // "Find a person by id" looks up one record, as "find message 1029384756" does; so
        // does "by its id", and "by id" closing the request.
        let by_id = words
            .iter()
            .enumerate()
            .any(|(i, w)| w == "by" && words[i + 1..].iter().take(2).any(|n| n == "id"));
        // "One of a user's emergency locations" is one record, however its head counts.
        let one_of = words.windows(2).any(|w| w[0] == "one" && w[1] == "of");
        if one_of {
            plural = false;
        }
        let number = match (plural, singular) {
            _ if has_id && (acts_on_record || verb == Some(Verb::Search)) => Number::Named,
            // What is checked is a condition, not a number of records.
            _ if action.is_some() && action == self.vocab.get("check").copied() => Number::Unknown,
            _ if by_id || one_of => Number::One,
            // A list, and what a search finds, are many records, however the request counts
            // them ("find a user by email").
            _ if matches!(verb, Some(Verb::List) | Some(Verb::Search)) => Number::Many,
            (true, _) => Number::Many,
            (false, true) => Number::One,
            _ => Number::Unknown,
        };
        Counting {
            number,
            counted,
            plural,
            scope,
        }
    }

    /// The head of a request: the words of its last object before a qualifier or a new clause
    /// ("a task *in a chat*"), and whether the head is plural.
    fn head(&self, words: &[String], verb: Option<Verb>, verb_word: Option<&str>) -> Head {
        let wt = self.wt;
        let mut named: Vec<Term> = Vec::new();
        let mut person = false;
        let mut head_plural: Option<bool> = None;
        for w in words {
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
        Head {
            named,
            plural: head_plural,
        }
    }

    /// The weighted terms of a request's content words: what each is (a kind of record, a
    /// qualifier, the verb's object, a field of a record, a word that says whose) and how much it
    /// counts; with whether the words are plural, the scope they say, and the verb as they leave
    /// it (a verb of one record asked of many lists them).
    fn content_terms(&self, reading: Reading, scope: Scope) -> Weighed {
        let wt = self.wt;
        let Reading {
            content,
            stems,
            permitted,
            verb_at,
            ..
        } = reading;
        let mut out = Weighed {
            terms: Vec::new(),
            plural: false,
            scope,
            verb: reading.verb,
        };
        // Whom a call is placed to ("dial a number", "call the customer") is what to do it
        // with, not what the request is about.
        let verb_word = verb_at.map(|i| content[i].as_str());
        let dialing = verb_word == Some("dial");
        for (i, w) in content.iter().enumerate() {
            let stem = &stems[i];
            if self.kind_term(&reading, i, &mut out) {
                continue;
            }
            if dialing && Some(i) != verb_at && lexicon::callees().contains(&w.as_str()) {
                continue;
            }
            if permitted[i] {
                let mut term = self.expand(stem, wt.permitted, false);
                term.object = false;
                out.terms.push(term);
                continue;
            }
            if self.company_wide.contains(stem) && out.scope == Scope::Unspecified {
                out.scope = Scope::Company;
            }
            // "All users", "every extension": the whole company's.
            if (w == "all" || w == "every")
                && out.scope == Scope::Unspecified
                && content.get(i + 1).is_some_and(|next| {
                    lexicon::people().contains(&next.as_str()) || stems[i + 1] == "extension"
                })
            {
                out.scope = Scope::Company;
            }
            if Some(i) == verb_at {
                out.terms.extend(self.verb_term(&reading, i));
                continue;
            }
            if stem == "all" || stem == "every" {
                if out.verb.is_none() {
                    out.verb = Some(Verb::List);
                }
                out.plural = true;
                continue;
            }
            // "The permission catalog", "the time zone dictionary": a whole collection.
            if lexicon::collections().contains(&w.as_str()) {
                if out.verb.is_none() {
                    out.verb = Some(Verb::List);
                }
                out.plural = true;
            }
            // "What texts did I *get*": a verb that is never a thing names nothing to find.
            if lexicon::verbs_only().contains(&w.as_str()) {
                continue;
            }
            let term = if self.names_state(&reading, i) {
                let mut term = self.expand(stem, 0.25, false);
                term.object = false;
                term
            } else {
                self.object_term(&reading, i, &mut out.scope)
            };
            out.terms.push(term);
        }
        out
    }

    /// Whether content word `i` is the past participle of a verb that names one operation,
    /// standing after the request's verb and before what it describes ("reactivate the
    /// *suspended* webhook", "delete the *locked* note"): the state the thing is in, not what
    /// to do with it.
    fn names_state(&self, reading: &Reading, i: usize) -> bool {
        let content = reading.content;
        let Some(word) = content[i].strip_suffix("ed") else {
            return false;
        };
        let before_thing = content
            .get(i + 1)
            .is_some_and(|next| !self.verbs.contains_key(next));
        let after_verb = reading.verb_at.is_some_and(|v| v < i);
        let names_one = [word.to_string(), format!("{word}e")]
            .iter()
            .any(|base| self.verbs.get(base).is_some_and(|info| info.specific));
        before_thing && after_verb && names_one
    }

    /// Adds the term of the kind of record content word `i` names, if it names one, and says
    /// whether that is all the word says.
    fn kind_term(&self, reading: &Reading, i: usize, out: &mut Weighed) -> bool {
        let kind_at = reading.kind_at;
        if kind_at[i] != KindAt::None
            && self.company_wide.contains(&reading.stems[i])
            && out.scope == Scope::Unspecified
        {
            out.scope = Scope::Company;
        }
        match &kind_at[i] {
            KindAt::Start(key) => {
                out.terms.push(QueryTerm {
                    stem: key.clone(),
                    weight: 1.0,
                    object: true,
                    verb: false,
                    expansions: Vec::new(),
                    kind: Some(key.clone()),
                });
                true
            }
            KindAt::Inside => true,
            KindAt::Beside(key) => {
                out.terms.push(QueryTerm {
                    stem: key.clone(),
                    weight: self.wt.kind_beside,
                    object: true,
                    verb: false,
                    expansions: Vec::new(),
                    kind: Some(key.clone()),
                });
                false
            }
            KindAt::None => false,
        }
    }

    /// The term of the request's verb, content word `i`, unless it is a verb of a whole class
    /// that only the verb fit judges.
    fn verb_term(&self, reading: &Reading, i: usize) -> Option<QueryTerm> {
        let stem = &reading.stems[i];
        let info = reading.info;
        // A pure verb says only what to do; an ambiguous one ("text", "fax") also names
        // its object, and a verb with synonyms ("suspend") hints at fields it touches.
        // A verb of a whole class ("get", "find") is judged by the verb fit alone: as a
        // word it would only meet the operationIds that happen to spell it. A verb with
        // synonyms implies its object ("dial" a call, "subscribe" to notifications).
        let pure = info.is_some_and(|v| v.pure);
        let implies = self.synonyms.contains_key(stem);
        if pure && !reading.specific && !implies {
            return None;
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
        Some(term)
    }

    /// The term of content word `i` as a thing the request names: weighed down as a qualifier,
    /// a scope word, a field or a weak word; a person whose things they are says the scope.
    fn object_term(&self, reading: &Reading, i: usize, scope: &mut Scope) -> QueryTerm {
        let wt = self.wt;
        let Reading {
            content,
            stems,
            preceding,
            qualifying,
            record,
            names_person,
            joins_or_leaves,
            possessors,
            ..
        } = *reading;
        let w = &content[i];
        let stem = &stems[i];
        // Whose things they are ("a *user's* roles", "devices *for a user*") says which
        // operations fit (those of one user) more than what the request is about.
        let possessor = possessors.iter().any(|p| p == w);
        let person = lexicon::people().contains(&w.as_str()) || stem == "extension";
        // "Devices for a user", "the call log of an extension", "a role to a user", not "a
        // chat with colleagues".
        let owner = possessor || matches!(preceding[i], "for" | "of" | "to");
        if person && owner && *scope == Scope::Unspecified {
            *scope = Scope::Mine;
        }
        let weak = self.weak.contains(stem);
        // Where a person joins or leaves a group, the group is what the request is about.
        // The owner of things counts as a qualifier ("a user's *contacts*"), though not of
        // one thing of theirs, which is most likely a field of their record ("a user's
        // email").
        let owns_many = possessor
            && content
                .get(i + 1)
                .is_some_and(|next| next.len() > 3 && next.ends_with('s') && !next.ends_with("ss"));
        // The record whose field is asked for is what the request is about, wherever it is
        // named.
        let record_word = record.as_ref().is_some_and(|r| r.owners.contains(&i));
        let base =
            if (qualifying[i] || owns_many) && !(names_person && joins_or_leaves) && !record_word {
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
        term
    }

    /// The verb of a request, where it stands among the content words and its class: the first
    /// pure verb, else an ambiguous one that opens the request; a question whose object comes
    /// before any verb, or a request that opens with what it asks for, reads.
    #[allow(clippy::too_many_arguments)]
    fn find_verb(
        &self,
        cleaned: &str,
        words: &[String],
        content: &[String],
        stems: &[String],
        permitted: &[bool],
        word_at: &[usize],
        question: Question,
    ) -> (Option<usize>, Option<Verb>) {
        let wt = self.wt;
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
            && !self.names_read_thing(words, stems)
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
        (verb_at, verb)
    }

    /// Whether a request is nothing but the name of something an operation reads, opened by a
    /// word that is also a verb ("SMS consent records", "hold music", "ringout status"): no
    /// article, preposition or number among its words, and the name of some operation that reads
    /// has its first word after the name's own verb and then each of the others in turn. "Hold
    /// call" and "block numbers" stay commands: no reading operation is named so.
    fn names_read_thing(&self, words: &[String], stems: &[String]) -> bool {
        // "Forward all company calls" acts on all of them.
        if words.len() < 2
            || stems.len() != words.len()
            || words.iter().any(|w| w == "all" || w == "every")
        {
            return false;
        }
        self.read_names.iter().any(|name| {
            name.iter()
                .skip(1)
                .position(|w| *w == stems[0])
                .is_some_and(|at| {
                    let mut rest = name[at + 2..].iter();
                    stems[1..].iter().all(|s| rest.any(|w| w == s))
                })
        })
    }

    /// The content words of a request (stopwords, numbers and words that say "mine" aside), with
    /// where each stands: whether it qualifies what the request is about, the word before it,
    /// whether it says what a permission allows, whether a number follows it.
    fn content_words<'w>(&self, words: &'w [String]) -> ContentWords<'w> {
        let mut mine = false;
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
                mine = true;
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
        ContentWords {
            content,
            qualifying,
            preceding,
            permitted,
            numbered,
            word_at,
            mine,
        }
    }

    /// Normalizing, tokenizing and spelling: the request's text without payload (quoted text,
    /// numbers, addresses), framing ("is there an API to"), acronyms, dashed ids and value names;
    /// its words, misspellings corrected; and the nouns it names a record of by id.
    fn normalize(&self, query: &str) -> Normalized {
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
        // An id written with a dash ("webhook w-1", "party p-2", "session s-abc123"), or a
        // resource name ("urn:ietf:...:User"), names one record; its letters are no words of
        // the request.
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
                if text::is_dashed_id(t) || text::is_urn(t) || self.is_value_name(t) {
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
        Normalized {
            cleaned,
            raw,
            id_nouns,
        }
    }

    /// A query term with every word it reaches: itself, then its synonyms.
    pub(super) fn expand(&self, stem: &str, weight: f32, synonyms_only: bool) -> QueryTerm {
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
    pub(super) fn field_owner(
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
    pub(super) fn kinds_in(
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
            let found = self.kind_from(stems, i, verb_at, &qualifies, &apart);
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
            let named = self.kind_named(kind, &kind_heads, names);
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

    /// The kind of record the content words from `i` name, three words long at most and the
    /// longest first: how many words name it, its key and the kind.
    fn kind_from(
        &self,
        stems: &[String],
        i: usize,
        verb_at: Option<usize>,
        qualifies: impl Fn(usize) -> bool,
        apart: impl Fn(usize) -> bool,
    ) -> Option<(usize, String, &Kind)> {
        (1..=3).rev().find_map(|len| {
            let span = i..i + len;
            // The words of a kind stand together: "calls are handled" is no call handling.
            if span.end > stems.len()
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
        })
    }

    /// Whether an operation that `names` accepts is named by every word of `kind` and is
    /// about records of that kind (its head, or one of `kind_heads`).
    fn kind_named(&self, kind: &Kind, kind_heads: &[Term], names: impl Fn(&Doc) -> bool) -> bool {
        let wt = self.wt;
        let terms: Option<Vec<Term>> = kind
            .stems
            .iter()
            .map(|s| self.vocab.get(s).copied())
            .collect();
        terms.is_some_and(|terms| {
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
        })
    }

    /// The words of a request up to the first qualifier after something it names ("last 20 posts"
    /// of "last 20 posts in chat 910").
    pub(super) fn before_qualifier<'a>(&self, cleaned: &'a str) -> &'a str {
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
    pub(super) fn respell(&self, word: &str) -> Option<String> {
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

    pub(super) fn spellings(&self) -> &[Vec<String>] {
        self.spellings.get_or_init(|| spellings(&OPERATIONS))
    }

    /// The command of a request that first says why ("Jane is off sick today, so forward her
    /// calls to ext 105", "we just hired Mark; create his extension", "the line is swamped:
    /// spill calls over") or who asks ("I'm the new admin and I'd like to see every user"): the
    /// clause after a semicolon, a full stop, a colon after a clause (not after a label such as
    /// "admin:"), a comma with "so", "please", "then" or a question, or "and" with a wish, that
    /// opens with a verb, when the request itself does not.
    pub(super) fn imperative<'a>(&self, query: &'a str) -> Cow<'a, str> {
        if self.opens_with_verb(query) {
            return Cow::Borrowed(query);
        }
        let lower = query.to_lowercase();
        let breaks = [
            "; ",
            ": ",
            ". ",
            ", so ",
            ", please ",
            ", then ",
            ", pls ",
            " so please ",
            ", is there a way to ",
            ", how do i ",
            ", how can i ",
            ", can you ",
            ", could you ",
            ", can we ",
            ", could we ",
            " and i'd like to ",
            " and i would like to ",
            " and i need to ",
            " and i want to ",
            " and we need to ",
            " and need to ",
            " and want to ",
            " so i need to ",
            " so we need to ",
            " so i want to ",
            " so we want to ",
            " - ",
        ];
        let after_break = breaks
            .iter()
            .filter_map(|b| lower.find(b).map(|at| (at, at + b.len())))
            .filter(|(at, _)| {
                !lower[*at..].starts_with(": ") || lower[..*at].split_whitespace().count() >= 3
            })
            .filter(|(_, after)| self.opens_with_verb(&query[*after..]))
            .min_by_key(|(_, after)| *after);
        let Some((at, after)) = after_break else {
            return self
                .command_after_question(query, &lower)
                .map_or(Cow::Borrowed(query), |at| Cow::Borrowed(&query[at..]));
        };
        let command = &query[after..];
        if self.refers_back(command) {
            // "The Easter rule is still there; delete it": what "it" is was said before.
            return Cow::Owned(format!("{command} {}", &query[..at]));
        }
        Cow::Borrowed(command)
    }

    /// Whether `text` opens with a verb, after fillers ("so", "please") and a wish or an ask
    /// ("I need to", "can you"): where a command starts.
    fn opens_with_verb(&self, text: &str) -> bool {
        let words: Vec<String> = text
            .split_whitespace()
            .map(|t| {
                t.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                    .to_lowercase()
            })
            .skip_while(|w| matches!(w.as_str(), "so" | "please" | "pls" | "then" | "now" | "and"))
            .collect();
        // "...; can I see all my contacts": asking whether one can is asking to.
        let asks_if_can = matches!(
            (
                words.first().map(String::as_str),
                words.get(1).map(String::as_str)
            ),
            (Some("can" | "could"), Some("i" | "we"))
        );
        let words = &words[if asks_if_can { 2 } else { 0 }..];
        // The longest asking frame the words open with ("I need to"), counted in words.
        let frame = lexicon::asking()
            .iter()
            .filter_map(|f| {
                let len = f.split_whitespace().count();
                (len < words.len() && f.split_whitespace().zip(words).all(|(a, b)| a == b))
                    .then_some(len)
            })
            .max()
            .unwrap_or(0);
        words.get(frame).is_some_and(|w| self.verbs.contains_key(w))
    }

    /// Whether a command names nothing but its verb and pronouns ("delete it please", "send it
    /// to her again"), so that its object is what the request said before it.
    fn refers_back(&self, command: &str) -> bool {
        let words = text::words(command);
        let verb = words.iter().position(|w| self.verbs.contains_key(w));
        verb.is_some_and(|at| {
            words[at + 1..].iter().all(|w| {
                self.stopwords.contains(w)
                    || lexicon::pronouns().contains(&w.as_str())
                    || !self.vocab.contains_key(&text::stem(w))
            })
        })
    }

    /// Where the command after a yes-or-no question starts, if a comma is followed by one ("can
    /// this number send texts, *check its SMS config*"): the question says why, the command
    /// what to do. Only a word that is always a verb opens the command.
    fn command_after_question(&self, query: &str, lower: &str) -> Option<usize> {
        let asks = lower.split_whitespace().next().is_some_and(|w| {
            matches!(
                w,
                "can" | "could" | "does" | "do" | "did" | "is" | "are" | "will" | "has" | "have"
            )
        });
        if !asks {
            return None;
        }
        let at = lower.rfind(", ")? + 2;
        let first = query[at..]
            .split_whitespace()
            .next()?
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        self.verbs.get(&first).is_some_and(|v| v.pure).then_some(at)
    }

    /// The verb a gerund is a form of ("sending": send, "creating": create, "getting": get), if
    /// the lexicon knows it.
    pub(super) fn gerund_base(&self, word: &str) -> Option<String> {
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
    pub(super) fn known(&self, word: &str) -> bool {
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
    pub(super) fn is_value_name(&self, token: &str) -> bool {
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

    pub(super) fn strip_asking(&self, cleaned: &str) -> String {
        let unbranded = text::strip_brand(cleaned);
        let command = self.imperative(&unbranded);
        let mut cleaned: &str = &command;
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
    pub(super) fn join_compounds(&self, words: Vec<String>) -> Vec<String> {
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

    pub(super) fn apply_phrases(&self, words: Vec<String>) -> Vec<String> {
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
    pub(super) fn phrase_at(
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

/// The groups someone is in, said as where they belong ("the queues ext 101 *belongs to*",
/// "which queues user 501 *is a member of*"), said as whose they are ("the queues *of* ext
/// 101"), so that the person owns the groups rather than joining them.
fn groups_of_member(words: Vec<String>) -> Vec<String> {
    const TAILS: [&[&str]; 6] = [
        &["belongs", "to"],
        &["belong", "to"],
        &["is", "a", "member", "of"],
        &["is", "member", "of"],
        &["are", "members", "of"],
        &["is", "in"],
    ];
    let ends_with = |tail: &[&str]| {
        words.len() >= tail.len()
            && words[words.len() - tail.len()..]
                .iter()
                .zip(tail)
                .all(|(w, t)| w == t)
    };
    let Some(tail) = TAILS.iter().find(|t| ends_with(t)) else {
        return words;
    };
    let rest = &words[..words.len() - tail.len()];
    let is_person = |w: &String| {
        lexicon::people().contains(&w.as_str()) || matches!(w.as_str(), "ext" | "extension")
    };
    // The person is one of the last few words before the tail (a name or an id may follow).
    let Some(at) = (rest.len().saturating_sub(3)..rest.len()).find(|i| is_person(&rest[*i])) else {
        return words;
    };
    if at == 0 || rest[at - 1] == "of" {
        return words;
    }
    let mut out = rest[..at].to_vec();
    out.push("of".to_string());
    out.extend_from_slice(&rest[at..]);
    out
}

/// Whether a request speaks of calls in general ("my calls", "incoming calls") rather than of a
/// few in hand ("bridge two calls").
fn calls_in_general(words: &[String]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        w == "calls"
            && !i
                .checked_sub(1)
                .is_some_and(|p| lexicon::few().contains(&words[p].as_str()))
    })
}

/// The words of a request as written: lower case, their punctuation trimmed.
fn bare_tokens(cleaned: &str) -> Vec<String> {
    cleaned
        .split_whitespace()
        .map(|t| {
            t.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect()
}

/// The words a request writes as someone's ("*Bob's* email", "the *users'* roles"), lower case.
fn possessors(cleaned: &str) -> Vec<String> {
    cleaned
        .split_whitespace()
        .filter_map(|token| {
            let token = token.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'');
            token
                .strip_suffix("'s")
                .or_else(|| token.strip_suffix("\u{2019}s"))
                .or_else(|| token.strip_suffix("s'"))
                .map(str::to_lowercase)
        })
        .collect()
}

/// Whether someone joining a group is brought into the call in hand, by a verb that makes.
fn brought_in(words: &[String], verb: Option<Verb>, names_person: bool) -> bool {
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
    matches!(verb, Some(Verb::Create))
        && (names_person || words.iter().any(|w| w == "participant" || w == "party"))
        && joined
            .flatten()
            .is_some_and(|w| w == "call" || w == "conference")
}

/// What kind of question a request is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Question {
    None,
    /// Asks about something ("which queues am I in?").
    About,
    /// Asks how to do something ("how do I text a customer?").
    HowTo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    Unspecified,
    Mine,
    Company,
}

/// Whether a request is about one record or many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Number {
    Unknown,
    One,
    /// One record, named by its id.
    Named,
    Many,
}

pub(super) struct QueryTerm {
    pub(super) stem: String,
    pub(super) weight: f32,
    /// Names a thing the request is about (not its verb, not a filler word).
    pub(super) object: bool,
    /// Is the request's verb.
    pub(super) verb: bool,
    pub(super) expansions: Vec<(String, f32)>,
    /// Names a kind of record, found through the type fields that take it.
    pub(super) kind: Option<String>,
}

/// The content words of a request, with what the reading of each found.
#[derive(Clone, Copy)]
pub(super) struct Clause<'a> {
    pub(super) content: &'a [String],
    pub(super) stems: &'a [String],
    /// Whether each word qualifies what the request is about.
    pub(super) qualifying: &'a [bool],
    /// The word before each, determiners aside.
    pub(super) preceding: &'a [&'a str],
}

/// The record whose field a request is about ("a *contact's* phone number").
pub(super) struct Record {
    /// The content word that names its owner.
    pub(super) owner: usize,
    /// All the content words that name it, when a qualifier does ("the text *of my post*").
    pub(super) owners: Vec<usize>,
    /// The owner is a person named by name: a user.
    pub(super) person: bool,
    /// The content words that name the field.
    pub(super) fields: Vec<usize>,
}

/// Where a content word of a request stands towards a kind of record it names.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum KindAt {
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
pub(super) struct Holder {
    /// The words that name it.
    pub(super) names: Vec<Term>,
    /// The words before it that say which kind it is, each with its synonyms.
    pub(super) modifiers: Vec<Vec<Term>>,
}

pub(super) struct Query {
    pub(super) verb: Option<Verb>,
    /// What the request is about, with every word that names it and how strongly.
    pub(super) head: Vec<(Term, f32)>,
    /// What its qualifiers name.
    pub(super) qualifier_heads: Vec<Term>,
    /// What a qualifier names one of by number ("posts *in chat 910*"): what holds the records.
    pub(super) holders: Vec<Holder>,
    /// The verb's own term and the operation verb it asks for.
    pub(super) verb_terms: [Option<Term>; 2],
    /// The operation verb the request names, when it names one the API uses.
    pub(super) action: Option<Term>,
    pub(super) specific: bool,
    pub(super) names_action: bool,
    pub(super) plural: bool,
    pub(super) number: Number,
    pub(super) scope: Scope,
    /// Speaks of calls in general, as settings do, rather than of one live call.
    pub(super) calls_in_general: bool,
    /// Asks to set up how calls are handled ("forward my calls"), by making or changing a setting.
    pub(super) configures: bool,
    /// Counts the records to make, change or remove ("import 200 switches").
    pub(super) counted: bool,
    pub(super) terms: Vec<QueryTerm>,
}

/// What normalizing a request hands to reading it.
pub(super) struct Normalized {
    /// The request's text, tidied: what the words were taken from.
    cleaned: String,
    /// Its words, lower case, misspellings corrected.
    raw: Vec<String>,
    /// The nouns it names one record of by id ("webhook 12").
    id_nouns: Vec<String>,
}

/// The content words of a request, one entry per word in each list.
pub(super) struct ContentWords<'w> {
    pub(super) content: Vec<String>,
    /// Which qualify what the request is about ("calls *from a number*").
    pub(super) qualifying: Vec<bool>,
    /// The word before each, articles aside.
    pub(super) preceding: Vec<&'w str>,
    /// Which say what a permission allows ("permission *to read the call log*").
    pub(super) permitted: Vec<bool>,
    /// Whether a number follows each ("paging group *2001*").
    pub(super) numbered: Vec<bool>,
    /// Where each stands among the words.
    pub(super) word_at: Vec<usize>,
    /// A word says the request is about one's own records.
    pub(super) mine: bool,
}

/// What the reading of a request has found by the time its content words are weighed.
#[derive(Clone, Copy)]
pub(super) struct Reading<'a> {
    pub(super) content: &'a [String],
    pub(super) stems: &'a [String],
    pub(super) preceding: &'a [&'a str],
    pub(super) qualifying: &'a [bool],
    pub(super) permitted: &'a [bool],
    /// Where each content word stands towards a kind of record it names.
    pub(super) kind_at: &'a [KindAt],
    /// The record whose field the request is about, if any.
    pub(super) record: &'a Option<Record>,
    pub(super) info: Option<&'a VerbInfo>,
    pub(super) specific: bool,
    pub(super) verb: Option<Verb>,
    pub(super) verb_at: Option<usize>,
    pub(super) names_person: bool,
    pub(super) joins_or_leaves: bool,
    /// Words written as someone's ("Bob's").
    pub(super) possessors: &'a [String],
}

/// What weighing a request's content words hands back.
pub(super) struct Weighed {
    pub(super) terms: Vec<QueryTerm>,
    /// Some content word is plural.
    pub(super) plural: bool,
    pub(super) scope: Scope,
    pub(super) verb: Option<Verb>,
}

/// The head of a request, as `Index::head` finds it.
pub(super) struct Head {
    /// The terms of the head's words.
    pub(super) named: Vec<Term>,
    /// Whether the head is plural, when it says.
    pub(super) plural: Option<bool>,
}

/// What the reading of a request has found by the time it counts the records asked for.
#[derive(Clone, Copy)]
pub(super) struct Framed<'a> {
    pub(super) words: &'a [String],
    pub(super) id_nouns: &'a [String],
    /// The terms of the request's head.
    pub(super) named: &'a [Term],
    pub(super) verb: Option<Verb>,
    pub(super) action: Option<Term>,
    pub(super) specific: bool,
    pub(super) question: Question,
    pub(super) plural: bool,
    pub(super) singular: bool,
    pub(super) scope: Scope,
}

/// How many records a request is about, and whose.
pub(super) struct Counting {
    pub(super) number: Number,
    /// It counts new records to make or change together ("import 200 switches").
    pub(super) counted: bool,
    pub(super) plural: bool,
    pub(super) scope: Scope,
}

/// A request's words once tidied, with what reading them before the verb finds: its content
/// words and where each stands, and what kind of question it is.
#[derive(Clone, Copy)]
struct Sentence<'a> {
    /// The request's text, tidied.
    cleaned: &'a str,
    /// Its words, phrases and compounds joined.
    words: &'a [String],
    /// The stem of every word, small ones included: where a verb's context is found.
    all_stems: &'a [String],
    /// Its words as written, lower case, punctuation trimmed.
    tokens: &'a [String],
    content: &'a [String],
    stems: &'a [String],
    /// Whether each content word qualifies what the request is about.
    qualifying: &'a [bool],
    /// The word before each content word, articles aside.
    preceding: &'a [&'a str],
    /// Whether each content word says what a permission allows.
    permitted: &'a [bool],
    /// Whether a number follows each content word.
    numbered: &'a [bool],
    /// Where each content word stands among the words.
    word_at: &'a [usize],
    question: Question,
    /// It asks to be answered yes or no.
    yes_or_no: bool,
    /// It speaks of calls in general rather than of a few in hand.
    calls_in_general: bool,
}

/// The verb a request's words name: where it stands among the content words, its class, and
/// what the lexicon knows of it.
struct FoundVerb<'i> {
    at: Option<usize>,
    verb: Option<Verb>,
    info: Option<&'i VerbInfo>,
}

/// What a request's verb asks for, once the words after it have had their say.
struct Sense<'i> {
    verb_at: Option<usize>,
    verb: Option<Verb>,
    /// What the lexicon knows of the verb, unless its context gives it another meaning.
    info: Option<&'i VerbInfo>,
    /// The rule of `Index::in_context` whose context follows the verb, if any.
    verb_context: Option<usize>,
    /// The operation verb it asks for, when the API uses it.
    action: Option<Term>,
    /// It names one kind of operation.
    specific: bool,
    /// It prefers the operations named by its action.
    names_action: bool,
    /// It asks to set up how calls are handled.
    configures: bool,
    /// The request names a person.
    names_person: bool,
    /// Someone joins or leaves a group.
    joins_or_leaves: bool,
}
