//! Cost of the spec-driven answers, without HTTP: validating a request and synthesizing the answer
//! for single operations (a large single resource, a filtered list, a JSON body), for all 520
//! example requests in a row, and the one-time compilation of every operation's validators.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ringcentral_api::OPERATIONS;
use ringcentral_sandbox::spec::{ExampleRequest, SpecAnswerer, example_request};

struct Prepared {
    op: &'static ringcentral_api::Operation,
    ex: ExampleRequest,
    headers: http::HeaderMap,
}

fn prepare(op: &'static ringcentral_api::Operation) -> Prepared {
    let ex = example_request(op);
    let headers = ex.headers();
    Prepared { op, ex, headers }
}

fn answer(answerer: &SpecAnswerer, p: &Prepared) -> usize {
    let req = p.ex.spec_request(&p.headers, "http://127.0.0.1:8080");
    answerer.answer(p.op, &req).body.len()
}

fn single(c: &mut Criterion) {
    let answerer = SpecAnswerer::new();
    for id in ["readExtension", "readUserCallLog", "updateExtension"] {
        let Some(op) = ringcentral_api::operation(id) else {
            continue;
        };
        let p = prepare(op);
        // Warm the validator cache, as a running sandbox would be.
        answer(&answerer, &p);
        c.bench_function(&format!("answer {id}"), |b| {
            b.iter(|| black_box(answer(&answerer, &p)))
        });
    }
}

fn catalog(c: &mut Criterion) {
    let prepared: Vec<Prepared> = OPERATIONS.iter().map(prepare).collect();
    let answerer = SpecAnswerer::new();
    for p in &prepared {
        answer(&answerer, p);
    }
    let mut group = c.benchmark_group("catalog");
    group.sample_size(10);
    group.bench_function("answer all 520 example requests", |b| {
        b.iter(|| prepared.iter().map(|p| answer(&answerer, p)).sum::<usize>())
    });
    group.bench_function("compile validators and answer all 520 (cold)", |b| {
        b.iter(|| {
            let fresh = SpecAnswerer::new();
            prepared.iter().map(|p| answer(&fresh, p)).sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, single, catalog);
criterion_main!(benches);
