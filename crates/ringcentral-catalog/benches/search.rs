//! Intent search latency: building the index over every action (paid once per process, at the
//! first search) and ranking all actions for a query, over a mix of short commands and longer
//! requests in everyday words.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ringcentral_catalog::search::Index;

/// Requests of the kinds users type: terse commands, everyday paraphrases, questions, and long
/// sentences carrying names, numbers and quoted text that the search has to see past.
const QUERIES: &[&str] = &[
    "send an SMS",
    "list extensions",
    "get a user's presence",
    "list call queue members",
    "create a meeting",
    "delete a contact",
    "get call log records",
    "create a task in a chat",
    "text my colleague that I'm running late",
    "who is on the support queue?",
    "cancel tomorrow's video meeting",
    "put the caller on hold",
    "show my unread voicemails",
    "block calls from 800-555-0199",
    "add Raj to the marketing team",
    "what are the company's business hours?",
    "renew subscription 0e5a5a2f before it expires",
    "change my outbound caller ID to the main company number",
    "export all team messaging data for a legal hold",
    "reply to the customer's text with \"Thanks, see you Monday\"",
    "list every inbound call across the whole company last week",
    "assign phone number +13125550111 to Jane's extension",
    "which roles am I allowed to assign?",
    "subscribe to new SMS notifications via webhook",
];

fn bench(c: &mut Criterion) {
    c.bench_function("index build (all actions)", |b| {
        b.iter(|| black_box(Index::new()))
    });

    let index = Index::new();
    c.bench_function("query mix (24 queries, top 10 each)", |b| {
        b.iter(|| {
            for query in QUERIES {
                black_box(index.search(black_box(query), 10));
            }
        })
    });
    c.bench_function("short query: send an SMS", |b| {
        b.iter(|| black_box(index.search(black_box("send an SMS"), 10)))
    });
    let long = "change my outbound caller ID to the main company number";
    c.bench_function("long query: change my outbound caller ID ...", |b| {
        b.iter(|| black_box(index.search(black_box(long), 10)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
