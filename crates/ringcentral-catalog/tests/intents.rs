//! Intent search quality on labelled sets of requests: each line is a request and the operationIds
//! that correctly answer it. The shared sample must come out top-1 everywhere; our own sets (long
//! everyday requests for development, more of them held out, short commands across the whole API,
//! a second set of terse requests in the words people type rather than the spec's, a third
//! as agents and integrators phrase a tool call (fetch, enumerate, poll, upsert), a fresh set
//! of requests as different people and agents phrase them, a second fresh set
//! written across every tag of the spec, and a third in the voices the others use less:
//! abbreviations, agent requests, long sentences, British spellings; and a fourth across every tag
//! group with negations, typos and requests naming ids, emails and phone numbers; and one in
//! admins' words of the trade, such as hunt group, DID, CDR and E911; and long requests in admins'
//! own words, with the situation around what they ask) must stay above
//! the quality bars, and the requests an issue named as obvious misses must each rank first. Two sets of requests no one tuned on, each scored once when it was written, keep the
//! figures honest.

use std::path::{Path, PathBuf};

use ringcentral_catalog::search;

struct Case {
    query: String,
    accepted: Vec<String>,
}

fn load(path: &Path) -> Option<Vec<Case>> {
    let text = std::fs::read_to_string(path).ok()?;
    let cases = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (query, ids) = l.split_once('\t')?;
            Some(Case {
                query: query.trim().to_string(),
                accepted: ids.split(',').map(|s| s.trim().to_string()).collect(),
            })
        })
        .collect();
    Some(cases)
}

/// (top-1 rate, top-3 rate), printing every miss.
fn evaluate(name: &str, cases: &[Case]) -> (f64, f64) {
    let (mut top1, mut top3) = (0usize, 0usize);
    for case in cases {
        let hits = search(&case.query, 3);
        let ids: Vec<&str> = hits.iter().map(|h| h.action.operation_id()).collect();
        let rank = ids
            .iter()
            .position(|id| case.accepted.iter().any(|a| a == id));
        match rank {
            Some(0) => {
                top1 += 1;
                top3 += 1;
            }
            Some(_) => {
                top3 += 1;
                println!(
                    "{name}: not first: {:?} -> {ids:?}, want {:?}",
                    case.query, case.accepted
                );
            }
            None => println!(
                "{name}: missed: {:?} -> {ids:?}, want {:?}",
                case.query, case.accepted
            ),
        }
    }
    let n = cases.len().max(1) as f64;
    let rates = (top1 as f64 / n, top3 as f64 / n);
    println!(
        "{name}: {} cases, top-1 {:.1}%, top-3 {:.1}%",
        cases.len(),
        rates.0 * 100.0,
        rates.1 * 100.0
    );
    rates
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(name)
}

#[test]
#[ignore = "reads the published sample from shared/evals beside the repository, which is not part of it; run with --ignored where it is"]
fn shared_sample_intents_are_all_first() {
    // The shared folder sits beside the repository, which may itself be nested (a worktree).
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = manifest
        .ancestors()
        .map(|dir| dir.join("shared/evals/intents-sample.tsv"))
        .find(|path| path.is_file());
    let cases = found.as_deref().and_then(load).unwrap_or_else(|| {
        panic!(
            "no shared/evals/intents-sample.tsv above {}",
            manifest.display()
        )
    });
    assert!(!cases.is_empty());
    let (top1, _) = evaluate("sample", &cases);
    assert_eq!(
        top1, 1.0,
        "every sample intent must rank its operation first"
    );
}

#[test]
fn development_set_quality() {
    let cases = load(&data("intents-dev.tsv"))
        .expect("tests/data/intents-dev.tsv is part of the repository");
    assert!(cases.len() >= 100);
    let (top1, top3) = evaluate("dev", &cases);
    assert!(top1 >= 0.92, "top-1 {top1:.3} fell below 0.92");
    assert!(top3 >= 0.98, "top-3 {top3:.3} fell below 0.98");
}

#[test]
fn held_out_set_quality() {
    let cases = load(&data("intents-holdout.tsv"))
        .expect("tests/data/intents-holdout.tsv is part of the repository");
    assert!(cases.len() >= 50);
    let (top1, top3) = evaluate("holdout", &cases);
    assert!(top1 >= 0.82, "top-1 {top1:.3} fell below 0.82");
    assert!(top3 >= 0.93, "top-3 {top3:.3} fell below 0.93");
}

#[test]
fn short_request_set_quality() {
    let cases = load(&data("intents-short.tsv"))
        .expect("tests/data/intents-short.tsv is part of the repository");
    assert!(cases.len() >= 400);
    let (top1, top3) = evaluate("short", &cases);
    assert!(top1 >= 0.97, "top-1 {top1:.3} fell below 0.97");
    assert!(top3 >= 0.99, "top-3 {top3:.3} fell below 0.99");
}

#[test]
fn short2_set_quality() {
    // Terse requests in the words people type rather than the spec's (DND, hunt group, org
    // chart, 911 address), across every tag.
    let cases = load(&data("intents-short2.tsv"))
        .expect("tests/data/intents-short2.tsv is part of the repository");
    assert!(cases.len() >= 380);
    let (top1, top3) = evaluate("short2", &cases);
    assert!(top1 >= 0.93, "top-1 {top1:.3} fell below 0.93");
    assert!(top3 >= 0.98, "top-3 {top3:.3} fell below 0.98");
}

#[test]
fn short3_set_quality() {
    // Terse requests as an agent or an integration's developer phrases a tool call: the verbs of
    // code (fetch, enumerate, upsert, provision, poll) and integrators' nouns, across every tag.
    let cases = load(&data("intents-short3.tsv"))
        .expect("tests/data/intents-short3.tsv is part of the repository");
    assert!(cases.len() >= 380);
    let (top1, top3) = evaluate("short3", &cases);
    assert!(top1 >= 0.95, "top-1 {top1:.3} fell below 0.95");
    assert!(top3 >= 0.99, "top-3 {top3:.3} fell below 0.99");
}

#[test]
fn fresh_set_quality() {
    let cases = load(&data("intents-fresh.tsv"))
        .expect("tests/data/intents-fresh.tsv is part of the repository");
    assert!(cases.len() >= 300);
    let (top1, top3) = evaluate("fresh", &cases);
    assert!(top1 >= 0.90, "top-1 {top1:.3} fell below 0.90");
    assert!(top3 >= 0.96, "top-3 {top3:.3} fell below 0.96");
}

#[test]
fn fresh2_set_quality() {
    let cases = load(&data("intents-fresh2.tsv"))
        .expect("tests/data/intents-fresh2.tsv is part of the repository");
    assert!(cases.len() >= 250);
    let (top1, top3) = evaluate("fresh2", &cases);
    assert!(top1 >= 0.86, "top-1 {top1:.3} fell below 0.86");
    assert!(top3 >= 0.94, "top-3 {top3:.3} fell below 0.94");
}

#[test]
fn fresh3_set_quality() {
    let cases = load(&data("intents-fresh3.tsv"))
        .expect("tests/data/intents-fresh3.tsv is part of the repository");
    assert!(cases.len() >= 250);
    let (top1, top3) = evaluate("fresh3", &cases);
    assert!(top1 >= 0.89, "top-1 {top1:.3} fell below 0.89");
    assert!(top3 >= 0.95, "top-3 {top3:.3} fell below 0.95");
}

#[test]
fn fresh4_set_quality() {
    let cases = load(&data("intents-fresh4.tsv"))
        .expect("tests/data/intents-fresh4.tsv is part of the repository");
    assert!(cases.len() >= 300);
    let (top1, top3) = evaluate("fresh4", &cases);
    assert!(top1 >= 0.94, "top-1 {top1:.3} fell below 0.94");
    assert!(top3 >= 0.99, "top-3 {top3:.3} fell below 0.99");
}

#[test]
fn jargon_set_quality() {
    // Admins', help-desk staff's and agents' words of the trade (hunt group, auto-attendant, DID,
    // CDR, E911, MOH, PMI, 10DLC, BLF, barge, softphone, offboarding, SSO) and British spellings.
    let cases = load(&data("intents-jargon.tsv"))
        .expect("tests/data/intents-jargon.tsv is part of the repository");
    assert!(cases.len() >= 250);
    let (top1, top3) = evaluate("jargon", &cases);
    assert!(top1 >= 0.86, "top-1 {top1:.3} fell below 0.86");
    assert!(top3 >= 0.96, "top-3 {top3:.3} fell below 0.96");
}

#[test]
fn long_set_quality() {
    // Long requests in admins' own words, with the situation around what they ask: office
    // managers, receptionists, help-desk staff, contact-centre supervisors, HR and developers.
    let cases = load(&data("intents-long.tsv"))
        .expect("tests/data/intents-long.tsv is part of the repository");
    assert!(cases.len() >= 250);
    let (top1, top3) = evaluate("long", &cases);
    assert!(top1 >= 0.60, "top-1 {top1:.3} fell below 0.60");
    assert!(top3 >= 0.76, "top-3 {top3:.3} fell below 0.76");
}

#[test]
fn unseen_set_quality() {
    // Written before the search was restructured, scored once then, and never tuned on: the
    // figure that says how the search does on requests nobody fitted it to.
    let cases = load(&data("intents-unseen.tsv"))
        .expect("tests/data/intents-unseen.tsv is part of the repository");
    assert!(cases.len() >= 150);
    let (top1, top3) = evaluate("unseen", &cases);
    assert!(top1 >= 0.85, "top-1 {top1:.3} fell below 0.85");
    assert!(top3 >= 0.94, "top-3 {top3:.3} fell below 0.94");
}

#[test]
fn unseen2_set_quality() {
    // A second set written before any change it measures, across every tag of the spec: scored
    // once then and never tuned on, so the search's figures on new requests stay honest.
    let cases = load(&data("intents-unseen2.tsv"))
        .expect("tests/data/intents-unseen2.tsv is part of the repository");
    assert!(cases.len() >= 150);
    let (top1, top3) = evaluate("unseen2", &cases);
    assert!(top1 >= 0.87, "top-1 {top1:.3} fell below 0.87");
    assert!(top3 >= 0.93, "top-3 {top3:.3} fell below 0.93");
}

#[test]
fn unseen3_set_quality() {
    // A third set written before any change it measures, in admins' and agents' voices across
    // the API, with their jargon and everyday words for what the spec names otherwise: scored
    // once then (75.9% / 85.6%) and never tuned on.
    let cases = load(&data("intents-unseen3.tsv"))
        .expect("tests/data/intents-unseen3.tsv is part of the repository");
    assert!(cases.len() >= 200);
    let (top1, top3) = evaluate("unseen3", &cases);
    assert!(top1 >= 0.74, "top-1 {top1:.3} fell below 0.74");
    assert!(top3 >= 0.84, "top-3 {top3:.3} fell below 0.84");
}

#[test]
fn issue_requests_are_first() {
    // Requests a reader found obvious and the search once missed; each must now rank first.
    let cases = load(&data("intents-issue.tsv"))
        .expect("tests/data/intents-issue.tsv is part of the repository");
    assert!(cases.len() >= 3);
    let (top1, _) = evaluate("issue", &cases);
    assert_eq!(
        top1, 1.0,
        "every request from the issue must rank its operation first"
    );
}
