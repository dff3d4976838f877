//! `cargo xtask fit-search`: fits the numeric weights of intent search by coordinate ascent on
//! the mean reciprocal rank over the training sets, and writes them to the weights file the
//! catalog embeds.
//!
//! Only the training sets are read (the three short sets, development, three fresh sets, the
//! jargon set and the long requests); the held-out and unseen sets are what the fit is judged by
//! afterwards and are never read here. The shared sample, where it sits beside the repository, is
//! a constraint: a change that costs any of its requests the first place is refused, whatever it
//! gains; so is one that leaves any training set with fewer requests first or in the top three
//! than the fit began with.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use ringcentral_catalog::search::{Index, Weights};

/// The sets the weights are fitted on.
const TRAINING: &[&str] = &[
    "intents-short.tsv",
    "intents-dev.tsv",
    "intents-fresh.tsv",
    "intents-fresh2.tsv",
    "intents-fresh3.tsv",
    "intents-short2.tsv",
    "intents-jargon.tsv",
    "intents-short3.tsv",
    "intents-long.tsv",
];

/// Weights that are not fitted: `name` is the unit the field weights are measured in, and `path`
/// is also the bar a word's best field must reach to be an API concept.
const FIXED: &[&str] = &["name", "path"];

/// The steps each weight is tried at, as factors of its current value.
const FACTORS: &[f32] = &[0.5, 0.75, 0.9, 1.1, 1.33, 2.0];

/// How many hits a request's rank is looked for in; further down it counts as not found.
const DEPTH: usize = 10;

/// The least gain in mean reciprocal rank that counts as better rather than noise.
const MIN_GAIN: f64 = 1e-4;

pub const USAGE: &str =
    "usage: cargo xtask fit-search [--rounds N] [--minutes M] [--check] [--out PATH]";

struct Case {
    query: String,
    accepted: Vec<String>,
}

struct Set {
    name: String,
    cases: Vec<Case>,
}

/// How one set of weights does: per set (cases, top-1, top-3, its sum of reciprocal ranks), the
/// sum of reciprocal ranks over every case, and whether every sample request is first.
struct Eval {
    sets: Vec<(usize, usize, usize, f64)>,
    reciprocal: f64,
    cases: usize,
    sample_first: bool,
}

impl Eval {
    fn mrr(&self) -> f64 {
        self.reciprocal / self.cases.max(1) as f64
    }
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("crates/ringcentral-catalog/tests/data")
}

fn weights_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("crates/ringcentral-catalog/src/search/weights.tsv")
}

fn load(path: &Path) -> Result<Vec<Case>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let cases: Vec<Case> = text
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
    if cases.is_empty() {
        bail!("{} has no labelled requests", path.display());
    }
    Ok(cases)
}

/// The shared sample beside the repository, if it is there.
fn sample() -> Result<Option<Vec<Case>>> {
    let found = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("shared/evals/intents-sample.tsv"))
        .find(|path| path.is_file());
    found.as_deref().map(load).transpose()
}

/// The rank (from 0) of the first accepted action among the top hits, if it is there.
fn rank(index: &Index, case: &Case) -> Option<usize> {
    index
        .search(&case.query, DEPTH)
        .iter()
        .position(|hit| case.accepted.iter().any(|a| a == hit.action.operation_id()))
}

fn evaluate(weights: Weights, sets: &[Set], sample: Option<&[Case]>) -> Eval {
    let index = Index::with_weights(weights);
    let mut eval = Eval {
        sets: Vec::new(),
        reciprocal: 0.0,
        cases: 0,
        sample_first: true,
    };
    for set in sets {
        let (mut top1, mut top3, mut reciprocal) = (0, 0, 0.0);
        for case in &set.cases {
            if let Some(r) = rank(&index, case) {
                reciprocal += 1.0 / (r + 1) as f64;
                top1 += usize::from(r == 0);
                top3 += usize::from(r < 3);
            }
        }
        eval.reciprocal += reciprocal;
        eval.cases += set.cases.len();
        eval.sets.push((set.cases.len(), top1, top3, reciprocal));
    }
    eval.sample_first = sample.is_none_or(|cases| cases.iter().all(|c| rank(&index, c) == Some(0)));
    eval
}

fn report(label: &str, sets: &[Set], eval: &Eval) {
    println!("{label}: mean reciprocal rank {:.4}", eval.mrr());
    // Each set's own mean reciprocal rank, so that a set added to the training keeps the older
    // sets' figure readable.
    for (set, (n, top1, top3, reciprocal)) in sets.iter().zip(&eval.sets) {
        let pct = |k: &usize| *k as f64 * 100.0 / (*n).max(1) as f64;
        println!(
            "  {:<8} {n:>4} requests  top-1 {:>5.1}%  top-3 {:>5.1}%  mrr {:.4}",
            set.name,
            pct(top1),
            pct(top3),
            reciprocal / (*n).max(1) as f64
        );
    }
}

/// A weight stepped by `factor`, rounded so that the file stays readable.
fn stepped(value: f32, factor: f32) -> f32 {
    (value * factor * 1000.0).round() / 1000.0
}

pub fn run(mut args: impl Iterator<Item = String>) -> Result<()> {
    let mut rounds = 3usize;
    let mut minutes = 30u64;
    let mut check = false;
    let mut out = weights_file();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .context("--rounds needs a whole number")?;
            }
            "--minutes" => {
                minutes = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .context("--minutes needs a whole number")?;
            }
            "--check" => check = true,
            "--out" => out = PathBuf::from(args.next().context("--out needs a path")?),
            other => bail!("unknown argument `{other}`. {USAGE}"),
        }
    }
    let sets = TRAINING
        .iter()
        .map(|file| {
            Ok(Set {
                name: file
                    .trim_start_matches("intents-")
                    .trim_end_matches(".tsv")
                    .to_string(),
                cases: load(&data_dir().join(file))?,
            })
        })
        .collect::<Result<Vec<Set>>>()?;
    let sample = sample()?;
    let start = Weights::fitted();
    let first = evaluate(start, &sets, sample.as_deref());
    report("current weights", &sets, &first);
    if check {
        return Ok(());
    }
    if !first.sample_first {
        println!("  (the shared sample is not all first with the current weights)");
    }

    let deadline = Instant::now() + Duration::from_secs(minutes * 60);
    let mut best = start;
    let start_mrr = first.mrr();
    let start_sets = first.sets.clone();
    let mut best_eval = first;
    'rounds: for round in 1..=rounds {
        let mut improved = false;
        for name in Weights::NAMES.iter().filter(|n| !FIXED.contains(n)) {
            let Some(value) = best.get(name) else {
                continue;
            };
            for factor in FACTORS {
                if Instant::now() > deadline {
                    println!("time is up in round {round}");
                    break 'rounds;
                }
                let mut candidate = best;
                let next = stepped(value, *factor);
                if next == value || !candidate.set(name, next) {
                    continue;
                }
                let eval = evaluate(candidate, &sets, sample.as_deref());
                let keeps_sample = eval.sample_first || !best_eval.sample_first;
                // A gain on the whole that costs one set its top-1 or top-3 from where the fit
                // began is a trade between sets, not a better search.
                let keeps_sets =
                    eval.sets.iter().zip(&start_sets).all(
                        |((_, top1, top3, _), (_, was1, was3, _))| top1 >= was1 && top3 >= was3,
                    );
                if keeps_sample && keeps_sets && eval.mrr() > best_eval.mrr() + MIN_GAIN {
                    println!(
                        "round {round}: {name} {value} -> {next}: mean reciprocal rank {:.4} -> {:.4}",
                        best_eval.mrr(),
                        eval.mrr()
                    );
                    best = candidate;
                    best_eval = eval;
                    improved = true;
                }
            }
        }
        if !improved {
            println!("round {round} changed nothing: a local optimum");
            break;
        }
    }
    report("fitted weights", &sets, &best_eval);
    let header = format!(
        "The numeric weights of intent search (see weights.rs for what each means): name<TAB>value.\n\
         Written by `cargo run --release -p xtask -- fit-search`: coordinate ascent on the mean\n\
         reciprocal rank over the training sets ({}), never the held-out or unseen sets.\n\
         Mean reciprocal rank {:.4} with the weights it started from, {:.4} with these.",
        sets.iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        start_mrr,
        best_eval.mrr()
    );
    std::fs::write(&out, best.to_tsv(&header))
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!("wrote {}", out.display());
    Ok(())
}
