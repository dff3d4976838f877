//! `cargo xtask guide-terms <docs-dir> [--out PATH]`: reads the guides of RingCentral's API
//! documentation (a checkout of `ringcentral/ringcentral-api-docs`) and writes, for each operation
//! a guide names, the content words of the sections that name it, weighted by how much of each
//! section is about that operation. Intent search indexes them as weak evidence
//! (`crates/ringcentral-catalog/src/search/guides.rs`).
//!
//! A guide names an operation by a link to its page of the API reference
//! (`.../api-reference/<Tag>/<operationId>`), by its operationId written out, or by a request in
//! a sample: a method and a path (`POST /restapi/v1.0/account/~/extension/~/sms`,
//! `platform.get('/restapi/...')`, `curl -X PUT https://.../restapi/...`), matched against the
//! catalog's path templates, which the generator takes from the vendored spec. Samples a page
//! includes from other files (`{!> code-samples/... !}`) are read as part of it.
//!
//! What is kept of a mention is the words of its paragraph and the prose paragraphs beside it in
//! its section, and of the headings above it. A paragraph that names several operations gives
//! each of them a share of its words, and a heading its share among every operation named under
//! it; a context that names many operations (an index, a changelog table) gives none. Words
//! that the guides use about a large share of the operations ("request", "token") say nothing of
//! any and go. The file holds words and weights only, sorted by word, never the guides'
//! sentences.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use ringcentral_catalog::{Action, Method, actions};

pub const USAGE: &str = "usage: cargo xtask guide-terms <docs-dir> [--out PATH]";

/// At most this many markdown files are read, this many directories deep.
const MAX_FILES: usize = 5_000;
const MAX_DEPTH: usize = 12;

/// A context that names more operations than this is an index or a table of changes, not a
/// guide to any one of them.
const MAX_OPS: usize = 8;

/// Most words kept per operation, the heaviest first.
const MAX_WORDS: usize = 12;

/// The least weight a word keeps.
const MIN_WEIGHT: f32 = 0.3;

/// A word the guides use about more than this share of the operations they name tells none of
/// them apart.
const MAX_SHARE: f32 = 0.05;

/// How far before a path a method that sends it may stand (`curl -X POST \` then the URL).
const METHOD_REACH: usize = 160;

/// Words of documentation prose that say nothing of what an operation does, beside the usual
/// function words: the languages and formats of samples, the methods of HTTP, and the words that
/// walk a reader through a page.
const STOP_WORDS: &str = "\
    a about above according after again all also always an and any api apis app application \
    applications appropriate apps are as at available be because been before being below between \
    both but by call called calling can cannot case code com comes could csharp curl currently \
    data default demo describes description detail details developer developers does doing done \
    each either else endpoint endpoints etc even every example examples false field fields first \
    follow following follows for found from further get gets given guide has have having here how \
    however html http https if important in include includes including info information into is it \
    its java javascript json just learn like make makes many may method methods more most much \
    must necessary need needs new next no node nodejs not note now null object of on once one only \
    operation optional or order other our out over page parameter parameters params patch php \
    please possible post provide provided provides put python read refer reference request \
    requests required response responses restapi result results return returned returns \
    ringcentral ruby run running same sample samples sdk sdks section see set should show shown \
    shows simple since so some specific specified specify specifying step steps such support \
    supported supports sure take than that the their them then there these they this those through \
    thus to too true type under until upon use used useful user uses using value values version \
    very via want was way we well were what when where whether which while who will with within \
    without would xml yes yet you your";

/// The words of each operation the guides name, with their weights, by operationId.
pub type Terms = BTreeMap<&'static str, BTreeMap<String, f32>>;

pub fn run(mut args: impl Iterator<Item = String>) -> Result<()> {
    let mut docs: Option<PathBuf> = None;
    let mut out = default_out();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = PathBuf::from(args.next().context("--out needs a path")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other if other.starts_with('-') => bail!("unknown argument `{other}`. {USAGE}"),
            other if docs.is_none() => docs = Some(PathBuf::from(other)),
            other => bail!("unexpected argument `{other}`. {USAGE}"),
        }
    }
    let docs = docs.with_context(|| format!("which docs directory? {USAGE}"))?;
    if !docs.is_dir() {
        bail!("{} is not a directory", docs.display());
    }
    let files = markdown_files(&docs)?;
    if files.is_empty() {
        bail!("no markdown files under {}", docs.display());
    }
    let mut raw = Terms::new();
    let mut named = 0usize;
    let mut stats = Stats::default();
    for file in &files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let dir = file.parent().unwrap_or(&docs).to_path_buf();
        let include = |rel: &str| read_include(&docs, &dir, rel);
        let page = extract(&text, &include, &mut stats);
        named += usize::from(!page.is_empty());
        for (op, words) in page {
            let bag = raw.entry(op).or_default();
            for (word, weight) in words {
                *bag.entry(word).or_default() += weight;
            }
        }
    }
    let terms = finish(raw);
    let words: usize = terms.values().map(BTreeMap::len).sum();
    std::fs::write(&out, render(&terms))
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "read {} pages ({named} name an operation): {} reference links, {} operationIds written \
         out, {} requests in samples and tables; wrote {} operations, {words} words to {}",
        files.len(),
        stats.links,
        stats.ids,
        stats.requests,
        terms.len(),
        out.display()
    );
    Ok(())
}

fn default_out() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("spec/guide-terms.tsv")
}

/// The markdown files under `root`, in a stable order; hidden directories are passed over.
fn markdown_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![(root.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let kind = entry.file_type()?;
            if kind.is_dir() && !hidden && depth < MAX_DEPTH {
                pending.push((path, depth + 1));
            } else if kind.is_file() && path.extension().is_some_and(|e| e == "md") {
                found.push(path);
                if found.len() > MAX_FILES {
                    bail!(
                        "more than {MAX_FILES} markdown files under {}",
                        root.display()
                    );
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The text of a file a page includes, looked for beside the page, then from the docs directory
/// and the directories above it (includes are written from the repository's root).
fn read_include(docs: &Path, page_dir: &Path, rel: &str) -> Option<String> {
    let rel = rel.trim_start_matches('/');
    if rel.split('/').any(|s| s == "..") {
        return None;
    }
    std::iter::once(page_dir)
        .chain(docs.ancestors().take(3))
        .map(|dir| dir.join(rel))
        .find(|path| path.is_file())
        .and_then(|path| std::fs::read_to_string(path).ok())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A paragraph of prose.
    Prose,
    /// A list item or a table row: about itself, not its neighbours.
    Item,
    /// A code sample: where requests are, but no words.
    Code,
}

#[derive(Debug)]
struct Block {
    kind: Kind,
    text: String,
    /// The headings above it, outermost first (indexes into `Page::headings`).
    headings: Vec<usize>,
}

#[derive(Debug, Default)]
struct Page {
    headings: Vec<String>,
    blocks: Vec<Block>,
}

/// Splits a markdown page into headings and blocks; included files become code blocks.
fn blocks(markdown: &str, include: &dyn Fn(&str) -> Option<String>) -> Page {
    let mut page = Page::default();
    // The open headings: (level, index).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut current: Option<(Kind, String)> = None;
    let mut fence: Option<&str> = None;
    let mut lines = markdown.lines().peekable();
    // Front matter says how the page is built, not what it is about.
    if lines.peek().is_some_and(|l| l.trim() == "---") {
        lines.next();
        for line in lines.by_ref() {
            if line.trim() == "---" {
                break;
            }
        }
    }
    let heading_path = |stack: &[(usize, usize)]| stack.iter().map(|(_, h)| *h).collect();
    let flush = |page: &mut Page, current: &mut Option<(Kind, String)>, headings: Vec<usize>| {
        if let Some((kind, text)) = current.take()
            && !text.trim().is_empty()
        {
            page.blocks.push(Block {
                kind,
                text,
                headings,
            });
        }
    };
    for line in lines {
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
                flush(&mut page, &mut current, heading_path(&stack));
            } else if let Some((_, text)) = current.as_mut() {
                text.push_str(line);
                text.push('\n');
            }
            continue;
        }
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            flush(&mut page, &mut current, heading_path(&stack));
            fence = Some(marker);
            current = Some((Kind::Code, String::new()));
            continue;
        }
        if let Some(rel) = include_target(trimmed) {
            flush(&mut page, &mut current, heading_path(&stack));
            if let Some(text) = include(rel) {
                page.blocks.push(Block {
                    kind: Kind::Code,
                    text,
                    headings: heading_path(&stack),
                });
            }
            continue;
        }
        let level = trimmed.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&level) && trimmed[level..].starts_with(' ') {
            flush(&mut page, &mut current, heading_path(&stack));
            while stack.last().is_some_and(|(l, _)| *l >= level) {
                stack.pop();
            }
            stack.push((level, page.headings.len()));
            page.headings.push(trimmed[level..].trim().to_string());
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut page, &mut current, heading_path(&stack));
            continue;
        }
        let item = trimmed.starts_with('|')
            || trimmed.starts_with("- ")
            || trimmed.starts_with("* ")
            || trimmed
                .split_once(". ")
                .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        let continues = matches!(current, Some((Kind::Prose, _))) && !item;
        // An indented line under a list item goes on with it.
        let goes_on =
            matches!(current, Some((Kind::Item, _))) && !item && line.starts_with([' ', '\t']);
        if !(continues || goes_on) {
            flush(&mut page, &mut current, heading_path(&stack));
            current = Some((if item { Kind::Item } else { Kind::Prose }, String::new()));
        }
        if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    flush(&mut page, &mut current, heading_path(&stack));
    page
}

/// The file an include line (`{!> code-samples/sms.js [ln:3-] !}`) names.
fn include_target(line: &str) -> Option<&str> {
    let inner = line
        .strip_prefix("{!")?
        .trim_start_matches('>')
        .trim_start();
    let inner = inner.split("!}").next()?;
    inner.split_whitespace().next()
}

/// How many times the guides name an operation in a block, by each means.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub links: usize,
    pub ids: usize,
    pub requests: usize,
}

/// The operations `text` names: reference links, operationIds written out, and requests.
fn mentions(
    text: &str,
    kind: Kind,
    ids: &HashMap<&'static str, Action>,
    stats: &mut Stats,
) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = Vec::new();
    let mut by_link = Vec::new();
    let mut by_id = Vec::new();
    let mut by_request = Vec::new();
    // Links to the reference: `api-reference/<Tag>/<operationId>`.
    for (at, _) in text.match_indices("api-reference/") {
        let rest = &text[at + "api-reference/".len()..];
        for segment in rest.split('/').take(2) {
            let name: &str = segment
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if let Some(action) = ids.get(name) {
                by_link.push(action.operation_id());
            }
        }
    }
    // OperationIds written out: camelCase names of the spec ("listExtensions").
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        let camel = word
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
        if camel && let Some(action) = ids.get(word) {
            by_id.push(action.operation_id());
        }
    }
    for action in requests(text, kind == Kind::Code) {
        by_request.push(action.operation_id());
    }
    for (named, count) in [
        (by_link, &mut stats.links),
        (by_id, &mut stats.ids),
        (by_request, &mut stats.requests),
    ] {
        let mut distinct = Vec::new();
        for id in named {
            if !distinct.contains(&id) {
                distinct.push(id);
            }
            if !found.contains(&id) {
                found.push(id);
            }
        }
        *count += distinct.len();
    }
    found
}

/// The requests a sample or a paragraph sends: each path with the method written before it.
/// In prose the method must be written as on the wire (`GET`); in code any case will do
/// (`platform.get(...)`).
fn requests(text: &str, code: bool) -> Vec<Action> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    // Where the last path ended: a method before it was for that one.
    let mut last_end = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        if bytes[i] != b'/' {
            i += 1;
            continue;
        }
        // A URL's path starts after its host; the method is looked for before the URL.
        let (start, path_from) = if i > 0 && bytes[i - 1] == b':' && bytes.get(i + 1) == Some(&b'/')
        {
            let host = i + 2;
            match text[host..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || ".-_:".contains(c)))
                .map(|n| host + n)
            {
                Some(slash) if bytes[slash] == b'/' => (i, slash),
                _ => {
                    i = host;
                    continue;
                }
            }
        } else if i > 0 && path_char(bytes[i - 1]) || bytes.get(i + 1) == Some(&b'/') {
            i += 1;
            continue;
        } else {
            (i, i)
        };
        let (path, end) = path_at(text, path_from);
        if let Some(action) =
            method_before(text, last_end, start, code).and_then(|m| match_path(m, path))
        {
            found.push(action);
        }
        last_end = end;
        i = end.max(i + 1);
    }
    found
}

/// Characters a path of a request is written with, placeholders included.
fn path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_.~{}$-/[]<>:,+%=".contains(&b)
}

/// The path written at `start`, and where it ends.
fn path_at(text: &str, start: usize) -> (&str, usize) {
    let bytes = text.as_bytes();
    let mut end = start;
    while end < bytes.len() && path_char(bytes[end]) {
        // A markdown link's text ends at `](`.
        if bytes[end] == b']' && bytes.get(end + 1) == Some(&b'(') {
            break;
        }
        end += 1;
    }
    (&text[start..end], end)
}

/// The method written last before `at`, within reach and after `after` (the end of the path
/// before).
fn method_before(text: &str, after: usize, at: usize, code: bool) -> Option<Method> {
    let mut from = at.saturating_sub(METHOD_REACH).max(after).min(at);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut last = None;
    for word in text[from..at].split(|c: char| !c.is_ascii_alphabetic()) {
        let method = match word {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            _ if code => match word.to_ascii_lowercase().as_str() {
                "get" => Method::Get,
                "post" => Method::Post,
                "put" => Method::Put,
                "patch" => Method::Patch,
                "delete" => Method::Delete,
                _ => continue,
            },
            _ => continue,
        };
        last = Some(method);
    }
    last
}

/// The operation a request with `method` on `path` reaches, with or without the
/// `/restapi/v1.0` that some samples and tables leave out.
fn match_path(method: Method, path: &str) -> Option<Action> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path.trim_end_matches(['.', ',', ':', '/']);
    if path.matches('/').count() < 2 || path.contains("//") {
        return None;
    }
    Action::for_request(method, path).or_else(|| {
        (!path.starts_with("/restapi"))
            .then(|| Action::for_request(method, &format!("/restapi/v1.0{path}")))
            .flatten()
    })
}

/// The content words of a block of prose: markup, links' addresses, inline code and anything
/// written as an identifier go; so do stop words and words too short or long to mean much.
fn content_words(text: &str) -> Vec<String> {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Tags and inline code are markup and names, not prose.
            '<' => {
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                }
                plain.push(' ');
            }
            '`' => {
                for c in chars.by_ref() {
                    if c == '`' {
                        break;
                    }
                }
                plain.push(' ');
            }
            // A link's address: `](...)`.
            ']' if chars.peek() == Some(&'(') => {
                let mut depth = 0;
                for c in chars.by_ref() {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                plain.push(' ');
            }
            _ => plain.push(c),
        }
    }
    let mut words = Vec::new();
    for token in plain.split_whitespace() {
        // Addresses and paths are not words.
        if token.contains("://") || token.contains('/') || token.contains('@') {
            continue;
        }
        for word in token.split(|c: char| !c.is_ascii_alphabetic()) {
            let camel = word
                .as_bytes()
                .windows(2)
                .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
            if camel || word.len() < 3 || word.len() > 24 {
                continue;
            }
            let lower = word.to_ascii_lowercase();
            if !STOP_WORDS.split_whitespace().any(|w| w == lower) {
                words.push(lower);
            }
        }
    }
    words
}

/// The words of one page about each operation it names, with their weights; `stats` counts the
/// mentions found by each means.
fn extract(
    markdown: &str,
    include: &dyn Fn(&str) -> Option<String>,
    stats: &mut Stats,
) -> BTreeMap<&'static str, BTreeMap<String, f32>> {
    let ids: HashMap<&'static str, Action> = actions().map(|a| (a.operation_id(), a)).collect();
    let page = blocks(markdown, include);
    let named: Vec<Vec<&'static str>> = page
        .blocks
        .iter()
        .map(|b| mentions(&b.text, b.kind, &ids, stats))
        .collect();
    // The operations named under each heading.
    let mut under: Vec<HashSet<&'static str>> = vec![HashSet::new(); page.headings.len()];
    for (block, ops) in page.blocks.iter().zip(&named) {
        for h in &block.headings {
            under[*h].extend(ops.iter().copied());
        }
    }
    // Each (operation, block) and (operation, heading) at the best share it was given, in a
    // fixed order so that the sums, and the file, come out the same every run.
    let mut shares: BTreeMap<(&'static str, usize), f32> = BTreeMap::new();
    let mut heading_shares: BTreeMap<(&'static str, usize), f32> = BTreeMap::new();
    for (b, ops) in named.iter().enumerate() {
        if ops.is_empty() {
            continue;
        }
        let block = &page.blocks[b];
        let mut window = vec![b];
        if block.kind != Kind::Item {
            // The prose beside a mention in its own section: what introduces a sample and
            // what explains it.
            let beside = [b.checked_sub(1), Some(b + 1)];
            for n in beside.into_iter().flatten() {
                if let Some(other) = page.blocks.get(n)
                    && other.kind == Kind::Prose
                    && other.headings == block.headings
                {
                    window.push(n);
                }
            }
        }
        let mut in_window: Vec<&'static str> = Vec::new();
        for n in &window {
            for op in &named[*n] {
                if !in_window.contains(op) {
                    in_window.push(op);
                }
            }
        }
        if in_window.len() <= MAX_OPS {
            let share = 1.0 / in_window.len() as f32;
            for op in ops {
                for n in &window {
                    let slot = shares.entry((op, *n)).or_default();
                    *slot = slot.max(share);
                }
            }
        }
        for h in &block.headings {
            let count = under[*h].len();
            if count <= MAX_OPS {
                for op in ops {
                    heading_shares.insert((op, *h), 1.0 / count as f32);
                }
            }
        }
    }
    let mut out: BTreeMap<&'static str, BTreeMap<String, f32>> = BTreeMap::new();
    for ((op, b), share) in shares {
        let block = &page.blocks[b];
        if block.kind == Kind::Code {
            continue;
        }
        let bag = out.entry(op).or_default();
        for word in content_words(&block.text) {
            *bag.entry(word).or_default() += share;
        }
    }
    for ((op, h), share) in heading_shares {
        let bag = out.entry(op).or_default();
        for word in content_words(&page.headings[h]) {
            *bag.entry(word).or_default() += share;
        }
    }
    out.retain(|_, bag| !bag.is_empty());
    out
}

/// Drops the words that tell no operation apart and the lightest, and keeps the heaviest few of
/// each operation.
fn finish(raw: Terms) -> Terms {
    let mut spread: HashMap<String, usize> = HashMap::new();
    for bag in raw.values() {
        for word in bag.keys() {
            *spread.entry(word.clone()).or_default() += 1;
        }
    }
    let most = ((raw.len() as f32 * MAX_SHARE).ceil() as usize).max(2);
    let common: HashSet<String> = spread
        .iter()
        .filter(|(_, n)| **n > most)
        .map(|(w, _)| w.clone())
        .collect();
    let raw_len = raw.len() as f32;
    let mut out = Terms::new();
    for (op, bag) in raw {
        let mut kept: Vec<(String, f32)> = bag
            .into_iter()
            .filter(|(w, weight)| !common.contains(w) && *weight >= MIN_WEIGHT)
            .collect();
        // The words that tell this operation apart first: heavy here, rare elsewhere.
        let rank = |(word, weight): &(String, f32)| {
            let ops = spread.get(word).copied().unwrap_or(1) as f32;
            weight * (raw_len / ops).ln_1p()
        };
        kept.sort_by(|a, b| rank(b).total_cmp(&rank(a)).then_with(|| a.0.cmp(&b.0)));
        kept.truncate(MAX_WORDS);
        if !kept.is_empty() {
            out.insert(op, kept.into_iter().collect());
        }
    }
    out
}

/// The data file: a header, then `operationId<TAB>word:weight ...`, words in alphabetical order.
fn render(terms: &Terms) -> String {
    let mut text = String::from(
        "# Words RingCentral's API guides use about each operation they name, weighted by how much of\n\
         # each section is about it: operationId<TAB>word:weight ... (words sorted; no sentences).\n\
         # Written by `cargo xtask guide-terms <docs-dir>`; spec/README.md names the source and date.\n",
    );
    for (op, bag) in terms {
        text.push_str(op);
        text.push('\t');
        let words: Vec<String> = bag.iter().map(|(w, v)| format!("{w}:{v:.2}")).collect();
        text.push_str(&words.join(" "));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_includes(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn a_reference_link_gives_its_section_words_without_stop_words() {
        let page = "# Working hours\n\n\
            ## Opening times of the office\n\n\
            The office keeps its opening times in a weekly schedule; see \
            [Update Company Business Hours](https://developers.ringcentral.com/api-reference/Business-Hours/updateCompanyBusinessHours).\n";
        let mut stats = Stats::default();
        let terms = extract(page, &no_includes, &mut stats);
        assert_eq!((stats.links, stats.ids, stats.requests), (1, 1, 0));
        let bag = &terms["updateCompanyBusinessHours"];
        for word in [
            "office", "opening", "times", "weekly", "schedule", "working",
        ] {
            assert!(bag.contains_key(word), "{word} missing from {bag:?}");
        }
        // Function words, the link's address and its text written as words all stay out.
        for word in ["the", "its", "in", "https", "developers", "reference"] {
            assert!(!bag.contains_key(word), "{word} kept in {bag:?}");
        }
        assert_eq!(terms.len(), 1);
    }

    #[test]
    fn a_sample_request_names_the_operation_of_its_method_and_path() {
        let page = "# Texting\n\n\
            Tell a colleague the courier is downstairs with a text.\n\n\
            ```http\n\
            POST /restapi/v1.0/account/~/extension/~/sms HTTP/1.1\n\
            ```\n\n\
            ## Fax\n\n\
            ```javascript\n\
            await platform.post('/restapi/v1.0/account/~/extension/~/fax', body)\n\
            ```\n";
        let mut stats = Stats::default();
        let terms = extract(page, &no_includes, &mut stats);
        assert_eq!((stats.links, stats.ids, stats.requests), (0, 0, 2));
        let sms = &terms["createSMSMessage"];
        assert!(sms.contains_key("courier") && sms.contains_key("texting"));
        // Code gives no words, and the next section's heading is not about the text.
        assert!(!sms.contains_key("fax") && !sms.contains_key("platform"));
        assert!(terms["createFaxMessage"].contains_key("fax"));
        // A method in prose must be written as on the wire.
        let prose = "# Notes\n\nYou can get /restapi/v1.0/account/~/extension/~/sms here.\n";
        assert!(extract(prose, &no_includes, &mut Stats::default()).is_empty());
    }

    #[test]
    fn a_table_row_path_without_the_prefix_and_an_included_sample_are_found() {
        let page = "# Changes\n\n\
            | Method | Resource | What |\n\
            |---|---|---|\n\
            | `PUT` | [`/account/{accountId}/business-hours`](x) | company hours editable |\n\n\
            ## Federation\n\n\
            Which accounts are linked with ours:\n\n\
            {!> samples/federation.py !}\n";
        let include = |rel: &str| {
            (rel == "samples/federation.py").then(|| {
                "r = rc.get(\"/restapi/v1.0/account/~/directory/federation\")\n".to_string()
            })
        };
        let terms = extract(page, &include, &mut Stats::default());
        assert!(terms["updateCompanyBusinessHours"].contains_key("editable"));
        let federation = &terms["readDirectoryFederation"];
        assert!(federation.contains_key("linked") && federation.contains_key("accounts"));
    }

    #[test]
    fn a_paragraph_naming_several_operations_shares_its_words() {
        let page = "# Contacts\n\n\
            Use listContacts or createContact to keep the phonebook.\n";
        let terms = extract(page, &no_includes, &mut Stats::default());
        assert_eq!(terms["listContacts"]["phonebook"], 0.5);
        // The page title is shared between them as well.
        assert_eq!(terms["createContact"]["contacts"], 0.5);
    }

    #[test]
    fn words_about_many_operations_and_light_words_go() {
        let mut raw = Terms::new();
        let ids: Vec<&'static str> = actions().map(|a| a.operation_id()).take(30).collect();
        for id in &ids {
            raw.entry(id).or_default().insert("token".into(), 1.0);
        }
        raw.entry(ids[0]).or_default().insert("rare".into(), 1.0);
        raw.entry(ids[0]).or_default().insert("faint".into(), 0.01);
        let done = finish(raw);
        assert_eq!(done.len(), 1);
        assert_eq!(done[ids[0]].keys().collect::<Vec<_>>(), ["rare"]);
        assert!(render(&done).contains(&format!("\n{}\trare:1.00\n", ids[0])));
    }
}
