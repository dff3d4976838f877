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

mod document;
mod guides;
mod lexicon;
mod parse;
mod schema;
mod score;
mod text;
mod weights;

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::OnceLock;

use ringcentral_api::{Method, OPERATIONS, Operation, Paging};
use rustc_hash::FxBuildHasher;

use crate::action::Action;
use document::*;
use lexicon::Verb;
use parse::*;
use score::*;
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

// The index is built at start-up from the spec's own words, where the default hasher's
// resistance to crafted keys buys nothing: Fx is the fast hash for short keys.
type Map<K, V> = HashMap<K, V, FxBuildHasher>;
type Set<K> = HashSet<K, FxBuildHasher>;

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
    /// The stems of the names of the operations that read, in order ("get", "ringout", "call",
    /// "status"): the things a request can name by name.
    read_names: Vec<Vec<String>>,
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
    fn taking_someone_off_a_group_is_about_its_members() {
        assert_eq!(top("kick someone off a team"), "removeGlipTeamMembersNew");
    }

    #[test]
    fn a_name_opened_by_a_verb_is_read() {
        // "Hold music" is what callers on hold hear, not a call to hold; "hold the call" and
        // "forward all company calls" stay commands.
        assert_eq!(top("hold music"), "readHoldMusicGreeting");
        assert_eq!(top("ringout status"), "readRingOutCallStatus");
        assert_eq!(top("hold the call"), "holdCallParty");
        assert_eq!(
            top("forward all company calls"),
            "updateForwardAllCompanyCalls"
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
        assert_eq!(top("create a new call queue"), "createExtension");
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
    fn a_command_that_points_back_takes_its_object_from_before_it() {
        assert_eq!(
            top("that old prompt about the Christmas closing still exists, please delete it"),
            "deleteIVRPrompt"
        );
        assert_eq!(
            top("the role we made for the night shift team is no longer needed, please delete it"),
            "deleteCustomRole"
        );
    }

    #[test]
    fn a_wish_after_the_situation_opens_the_command() {
        assert_eq!(
            top(
                "I'm a contact-centre supervisor and need to see who's in the billing queue so I can plan the rota"
            ),
            "listCallQueueMembers"
        );
    }

    #[test]
    fn a_clause_of_purpose_is_no_part_of_the_command_but_a_wish_after_so_is() {
        assert_eq!(
            top(
                "the phone on the front desk needs its name changed from Lobby to Reception so people can find it"
            ),
            "updateDevice"
        );
        assert_eq!(
            top(
                "the caller is about to read out a card number so I need to pause the recording for a minute"
            ),
            "pauseResumeCallRecording"
        );
    }

    #[test]
    fn a_clause_that_says_why_ends_where_the_command_starts() {
        assert_eq!(
            top("Phil left, so he no longer needs calling through Teams; disconnect him"),
            "disconnectTeamsUsers"
        );
    }

    #[test]
    fn asking_whether_one_can_after_the_situation_is_the_command() {
        assert_eq!(
            top("I'm moving to a new phone; can I see all the personal contacts I've saved so far"),
            "listContacts"
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
    fn a_setting_is_set_up_by_changing_it() {
        assert_eq!(top("create my business hours"), "updateUserBusinessHours");
        assert_eq!(
            top("set up the company business address"),
            "updateAccountBusinessAddress"
        );
        // What is made anew stays made: a greeting, a site, a queue (made as an extension).
        assert_eq!(top("set up the company greeting"), "createCompanyGreeting");
        assert_eq!(top("set up a new site"), "createSite");
        assert_eq!(top("create a call queue"), "createExtension");
        // Stopping what is set changes it; what is removed stays removed.
        assert_eq!(
            top("stop blocking anonymous callers"),
            "updateCallerBlockingSettings"
        );
        assert_eq!(top("delete the site 4"), "deleteSite");
    }

    #[test]
    fn limit_is_respected_and_scores_descend() {
        let hits = search("call queue", 7);
        assert_eq!(hits.len(), 7);
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn the_groups_someone_belongs_to_are_theirs() {
        assert_eq!(
            top("update the queues user 330 is a member of"),
            "updateUserCallQueues"
        );
    }

    #[test]
    fn a_participle_before_its_thing_is_a_state() {
        assert_eq!(
            top("activate the suspended webhook 12"),
            "activateGlipWebhookNew"
        );
        assert_eq!(top("delete the locked note 5"), "deleteNoteNew");
    }

    #[test]
    fn who_asks_is_no_part_of_the_request() {
        assert_eq!(
            top("I'm the office manager and I need to list all call queues"),
            "listCallQueues"
        );
        assert_eq!(
            top("the sales queue is swamped: spill the extra calls over to support"),
            "updateCallQueueOverflowSettings"
        );
    }

    #[test]
    fn a_command_after_a_question_is_the_request() {
        assert_eq!(
            top("can this number send texts, check its SMS config"),
            "smsConfigurationInfo"
        );
        // A comma in a question with no command after it leaves the question whole.
        assert_eq!(
            top("can I see my call log, the last week"),
            "readUserCallLog"
        );
    }

    #[test]
    fn no_longer_undoes() {
        assert_eq!(
            top("no longer block +1 650 555 0100"),
            "deleteBlockedAllowedNumber"
        );
        assert_eq!(top("we no longer need extension 330"), "deleteExtension");
    }

    #[test]
    fn a_stop_reply_is_an_opt_out() {
        assert_eq!(
            top("record that 650-555-0100 replied STOP"),
            "addA2PSMSOptOuts"
        );
    }

    #[test]
    fn one_s_voicemail_and_a_list_are_collections() {
        assert_eq!(top("check my voicemail"), "listMessages");
        assert_eq!(
            top("show me the list of call monitoring groups"),
            "listCallMonitoringGroups"
        );
    }

    #[test]
    fn looking_a_record_up_by_id_reads_it() {
        // "By id" closing the request counts as much as "by its id" in the middle.
        assert_eq!(top("lookup a contact by id"), "readContact");
        assert_eq!(top("look up a permission by its id"), "readPermission");
        assert_eq!(top("lookup switch details by id"), "readSwitch");
    }

    #[test]
    fn one_of_many_is_one_record() {
        assert_eq!(
            top("fetch one of a user's emergency locations"),
            "getExtensionEmergencyLocation"
        );
        assert_eq!(
            top("fetch a user's emergency locations"),
            "getExtensionEmergencyLocations"
        );
    }
}
