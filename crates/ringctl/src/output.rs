//! Rendering, in one place: commands compute a [`View`] once, and this module prints it as JSON
//! (with `--json`, or whenever stdout is not a terminal) or as a readable table or record.
//! stdout carries results only; notes and errors go to stderr. JSON output takes its [`Shape`]
//! from the global `--fields`, `--jq` and `--ndjson` here too, whole or record by record as
//! records stream in.

use std::io::{IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use serde_json::{Map, Value, json};

use crate::exit::{CliError, CliResult};

/// What a command produced.
pub enum View {
    /// Rows for a terminal; `json` is the same data for machines.
    Table {
        json: Value,
        columns: Vec<&'static str>,
        rows: Vec<Vec<String>>,
        /// Printed under the table on a terminal (e.g. "3 of 520 actions").
        footer: Option<String>,
    },
    /// One object as `label: value` lines, then free-form sections.
    Record {
        json: Value,
        fields: Vec<(&'static str, String)>,
        sections: Vec<(String, String)>,
    },
    /// JSON in every mode (API responses).
    Json(Value),
    /// An API answer: on a terminal, a listing (records under `records`, `items` or `Resources`,
    /// or an array of records) is a table of the columns its records fill; anything else, and
    /// every answer off a terminal, is JSON.
    Records(Value),
    /// Nothing on stdout and a line on stderr (`done (204 No Content)`, `not modified`).
    Note(String),
    /// Bytes exactly as received.
    Raw(Vec<u8>),
    /// Nothing on stdout.
    Nothing,
    /// JSON results of which some failed: printed whole, then the error on stderr, which sets
    /// the exit code (a bulk answer with failed items).
    Partial { json: Value, error: CliError },
}

/// How to print.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub json: bool,
    /// With `json`, errors also go to stdout as a JSON object (not for raw requests, whose stdout
    /// is the response body).
    pub error_json: bool,
    pub color: bool,
    pub terminal: bool,
    /// `--fields`, `--jq` and `--ndjson`; made once per process, so shared by reference.
    pub shape: &'static Shape,
}

/// Why output stopped early: the reader went away (`| head`), which is no failure, or an error.
#[derive(Debug)]
pub enum Stop {
    Closed,
    Failed(CliError),
}

impl From<std::io::Error> for Stop {
    fn from(err: std::io::Error) -> Stop {
        if err.kind() == std::io::ErrorKind::BrokenPipe {
            Stop::Closed
        } else {
            Stop::Failed(CliError::failure(format!("cannot write output: {err}")))
        }
    }
}

impl From<CliError> for Stop {
    fn from(err: CliError) -> Stop {
        Stop::Failed(err)
    }
}

impl Output {
    pub fn detect(json_flag: bool) -> Output {
        let terminal = std::io::stdout().is_terminal();
        let color = std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Output {
            json: json_flag || !terminal,
            error_json: true,
            color,
            terminal,
            shape: &PLAIN,
        }
    }

    /// The same, shaping JSON output as `shape` says. `--jq` and `--ndjson` print JSON even on a
    /// terminal; `--fields` there makes a table of those fields.
    pub fn shaped(mut self, shape: Shape) -> Output {
        if shape.jq.is_some() || shape.ndjson {
            self.json = true;
        }
        if !shape.is_plain() {
            // One small value per process, alive as long as the process anyway.
            self.shape = Box::leak(Box::new(shape));
        }
        self
    }

    pub fn render(&self, view: View) -> Result<(), Stop> {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        match view {
            View::Nothing => Ok(()),
            View::Note(message) => {
                self.note(&message);
                Ok(())
            }
            View::Raw(bytes) => {
                out.write_all(&bytes)?;
                Ok(out.flush()?)
            }
            View::Json(value) | View::Partial { json: value, .. } => self.emit(&mut out, value),
            View::Table { json, .. } | View::Record { json, .. } | View::Records(json)
                if self.json =>
            {
                self.emit(&mut out, json)
            }
            View::Table { json, .. } if !self.shape.fields.is_empty() => {
                let answer = json.clone();
                let records = records_of(json);
                let (columns, rows) = self.shape.table(&records);
                let footer = count_line(records.len(), Some(&answer));
                write_table(&mut out, columns, rows, Some(footer))
            }
            View::Records(value) => match listing(&value) {
                Some(records) if !self.shape.fields.is_empty() => {
                    let (columns, rows) = self.shape.table(records);
                    let footer = count_line(records.len(), Some(&value));
                    write_table(&mut out, columns, rows, Some(footer))
                }
                Some(records) => {
                    let (columns, rows) = auto_table(records);
                    let footer = count_line(records.len(), Some(&value));
                    write_table(&mut out, columns, rows, Some(footer))
                }
                None => self.emit(&mut out, value),
            },
            View::Table {
                columns,
                rows,
                footer,
                ..
            } => write_table(
                &mut out,
                columns.into_iter().map(str::to_string).collect(),
                rows,
                footer,
            ),
            View::Record { json, .. } if !self.shape.fields.is_empty() => self.emit(&mut out, json),
            View::Record {
                fields, sections, ..
            } => {
                let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
                for (label, value) in fields {
                    if !value.is_empty() {
                        writeln!(out, "{label:>width$}  {value}")?;
                    }
                }
                for (title, body) in sections {
                    writeln!(out, "\n{}\n{}", self.bold(&title), body.trim_end())?;
                }
                Ok(())
            }
        }
    }

    /// Prints a JSON value as the shape says: the fields kept, then the jq filter's outputs, or
    /// the records one per line, or the value (pretty on a terminal).
    fn emit(&self, out: &mut impl Write, value: Value) -> Result<(), Stop> {
        let value = self.shape.keep_fields(value);
        if let Some(code) = &self.shape.jq {
            let jq = Jq::compile(code).map_err(jq_error)?;
            let pretty = self.terminal && !self.shape.ndjson;
            jq.run(&value, |v| write_jq_value(&mut *out, v, pretty))?;
        } else if self.shape.ndjson {
            for record in records_of(value) {
                serde_json::to_writer(&mut *out, &record).map_err(std::io::Error::from)?;
                writeln!(out)?;
            }
        } else if self.terminal {
            serde_json::to_writer_pretty(&mut *out, &value).map_err(std::io::Error::from)?;
            writeln!(out)?;
        } else {
            serde_json::to_writer(&mut *out, &value).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Ok(out.flush()?)
    }

    /// Prints an error: one line on stderr, details after it, and with `--json` an error object on
    /// stdout.
    pub fn error(&self, err: &CliError) {
        self.error_line(err);
        if self.json && self.error_json {
            let body = json!({
                "error": {
                    "code": err.exit.name(),
                    "message": err.to_string(),
                    "status": err.api.as_ref().and_then(|a| a.status),
                    "errorCode": err.api.as_ref().and_then(|a| a.error_code.clone()),
                    "requestId": err.api.as_ref().and_then(|a| a.request_id.clone()),
                    "details": err.details,
                }
            });
            let mut stdout = std::io::stdout().lock();
            let _ = serde_json::to_writer(&mut stdout, &body);
            let _ = writeln!(stdout);
        }
    }

    /// The error's line (and details) on stderr alone, for output that already says it on stdout.
    pub fn error_line(&self, err: &CliError) {
        let prefix = if self.color {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "{prefix}: {err}");
        for line in &err.details {
            let _ = writeln!(stderr, "  {line}");
        }
    }

    /// A note for the user on stderr.
    pub fn note(&self, message: &str) {
        let mut stderr = std::io::stderr().lock();
        if self.color {
            let _ = writeln!(stderr, "\x1b[2m{message}\x1b[0m");
        } else {
            let _ = writeln!(stderr, "{message}");
        }
    }

    /// A progress spinner on stderr, or a hidden one when stderr is not a terminal.
    pub fn progress(&self, unit: &str) -> indicatif::ProgressBar {
        if !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {pos} {msg} ({rate})")
            .map(|s| {
                // A whole number of records a second: the decimals only flicker.
                s.with_key(
                    "rate",
                    |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0}/s", state.per_sec());
                    },
                )
            })
        {
            bar.set_style(style);
        }
        crate::progress::register(&bar, unit);
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    }

    pub fn bold(&self, text: &str) -> String {
        if self.color && self.terminal {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Shortens `text` to at most `max` characters, marking the cut with an ellipsis.
pub fn ellipsize(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() <= max {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// An RFC 3339 time at second precision in UTC (`2026-01-02T03:04:05Z`), as tables show times;
/// other text is returned as it is.
pub fn seconds(text: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(text.trim()) {
        Ok(time) => time
            .with_timezone(&chrono::Utc)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        Err(_) => text.to_string(),
    }
}

/// Where list answers keep their records: RingCentral's `records`, ringctl's own `items`, SCIM's
/// `Resources`.
const RECORD_KEYS: &[&str] = &["records", "items", "Resources"];

/// The most columns a table chooses by itself; `--fields` may ask for more.
const AUTO_COLUMNS: usize = 7;

/// How many values one `--jq` run may print, so that a filter that never ends (`repeat(.)`) stops.
const MAX_JQ_OUTPUTS: usize = 10_000_000;

/// How JSON output is shaped, from the global `--fields`, `--jq` and `--ndjson`.
#[derive(Debug)]
pub struct Shape {
    /// The fields to keep of each record, as dotted paths split at the dots; empty keeps all.
    pub fields: Vec<Vec<String>>,
    /// The jq filter's text, known to compile. Compiled again where it runs: its values are not
    /// `Send`, and compiling takes well under a millisecond.
    pub jq: Option<String>,
    pub ndjson: bool,
}

static PLAIN: Shape = Shape {
    fields: Vec::new(),
    jq: None,
    ndjson: false,
};

impl Shape {
    /// Reads the flags; a field path with an empty part or a jq filter that does not compile is a
    /// usage error, found before anything is sent.
    pub fn new(fields: &[String], jq: Option<&str>, ndjson: bool) -> CliResult<Shape> {
        let mut paths = Vec::new();
        for field in fields.iter().flat_map(|f| f.split(',')) {
            let field = field.trim();
            if field.is_empty() {
                continue;
            }
            let path: Vec<String> = field.split('.').map(|p| p.trim().to_string()).collect();
            if path.iter().any(String::is_empty) {
                return Err(
                    CliError::usage(format!("--fields: `{field}` has an empty part"))
                        .hint("Name fields as id,name or dotted, as site.name."),
                );
            }
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
        if let Some(code) = jq {
            Jq::compile(code).map_err(|message| {
                CliError::usage(format!("--jq: {message}"))
                    .hint("Write a jq filter, e.g. --jq '.records[].email'; nothing was sent.")
            })?;
        }
        Ok(Shape {
            fields: paths,
            jq: jq.map(str::to_string),
            ndjson,
        })
    }

    pub fn is_plain(&self) -> bool {
        self.fields.is_empty() && self.jq.is_none() && !self.ndjson
    }

    /// Keeps the asked-for fields of each record: of each element of an array, of each record
    /// of a list answer (its envelope, such as `paging`, stays), or of a single object.
    pub fn keep_fields(&self, value: Value) -> Value {
        if self.fields.is_empty() {
            return value;
        }
        let paths: Vec<&[String]> = self.fields.iter().map(Vec::as_slice).collect();
        match value {
            Value::Array(items) => Value::Array(items.iter().map(|r| pick(r, &paths)).collect()),
            Value::Object(mut map) => {
                let key = RECORD_KEYS
                    .iter()
                    .find(|k| matches!(map.get(**k), Some(Value::Array(_))));
                match key {
                    Some(key) => {
                        if let Some(Value::Array(records)) = map.get_mut(*key) {
                            for record in records.iter_mut() {
                                *record = pick(record, &paths);
                            }
                        }
                        Value::Object(map)
                    }
                    None => pick(&Value::Object(map), &paths),
                }
            }
            other => other,
        }
    }

    /// A table of the asked-for fields, one column each.
    fn table(&self, records: &[Value]) -> (Vec<String>, Vec<Vec<String>>) {
        let columns = self
            .fields
            .iter()
            .map(|p| p.join(".").to_uppercase())
            .collect();
        let rows = records
            .iter()
            .map(|r| {
                self.fields
                    .iter()
                    .map(|p| ellipsize(&cell(&at_path(r, p)), 48))
                    .collect()
            })
            .collect();
        (columns, rows)
    }
}

/// Those fields of one record, nested as in the record; a field it lacks is `null`. A path
/// through an array reaches into each element (`phoneNumbers.phoneNumber`).
fn pick(record: &Value, paths: &[&[String]]) -> Value {
    match record {
        Value::Array(items) => Value::Array(items.iter().map(|i| pick(i, paths)).collect()),
        Value::Object(map) => {
            let mut out = Map::new();
            for path in paths {
                let Some(first) = path.first() else { continue };
                if out.contains_key(first) {
                    continue;
                }
                let rest: Vec<&[String]> = paths
                    .iter()
                    .filter(|p| p.first() == Some(first))
                    .map(|p| &p[1..])
                    .collect();
                let child = map.get(first).unwrap_or(&Value::Null);
                let value = if rest.iter().any(|r| r.is_empty()) || child.is_null() {
                    child.clone()
                } else {
                    pick(child, &rest)
                };
                out.insert(first.clone(), value);
            }
            Value::Object(out)
        }
        _ => Value::Null,
    }
}

/// The value at a dotted path, through arrays as [`pick`] goes.
fn at_path(value: &Value, path: &[String]) -> Value {
    let Some((first, rest)) = path.split_first() else {
        return value.clone();
    };
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|i| at_path(i, path)).collect()),
        Value::Object(map) => map.get(first).map_or(Value::Null, |v| at_path(v, rest)),
        _ => Value::Null,
    }
}

/// A value as a table cell: text as it is (times to the second), lists joined, objects as JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => seconds(s),
        Value::Array(items) => items
            .iter()
            .map(cell)
            .filter(|c| !c.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => value.to_string(),
        other => other.to_string(),
    }
}

/// The records of a JSON value: the elements of an array, the records of a list answer, or the
/// value itself.
pub fn records_of(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        Value::Object(mut map) => {
            for key in RECORD_KEYS {
                if matches!(map.get(*key), Some(Value::Array(_)))
                    && let Some(Value::Array(records)) = map.remove(*key)
                {
                    return records;
                }
            }
            vec![Value::Object(map)]
        }
        other => vec![other],
    }
}

/// The records of a listing, when the value is one: an array of objects, or an object holding one.
fn listing(value: &Value) -> Option<&[Value]> {
    let records = match value {
        Value::Array(items) => items,
        Value::Object(map) => RECORD_KEYS
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_array))?,
        _ => return None,
    };
    records
        .iter()
        .all(Value::is_object)
        .then_some(records.as_slice())
}

/// "N records", with the answer's page and how to see the rest when there is more.
fn count_line(count: usize, answer: Option<&Value>) -> String {
    let noun = if count == 1 { "record" } else { "records" };
    let paging = answer.map_or(&Value::Null, |a| &a["paging"]);
    let number = |key: &str| {
        paging[key]
            .as_u64()
            .or_else(|| paging[key].as_str().and_then(|s| s.parse().ok()))
    };
    match (
        number("page"),
        number("totalPages"),
        number("totalElements"),
    ) {
        (Some(page), Some(pages), total) => {
            let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
            let more = if page < pages {
                " --all-pages shows them all."
            } else {
                ""
            };
            format!("{count}{of} {noun}, page {page} of {pages}.{more}")
        }
        _ => {
            let more = answer
                .and_then(|a| a.pointer("/navigation/nextPage"))
                .map_or("", |_| " More follow: --all-pages shows them all.");
            format!("{count} {noun}.{more}")
        }
    }
}

/// One column a table may show: its header and how a record fills it.
struct Column {
    header: &'static str,
    value: fn(&Value) -> String,
}

fn first_text(record: &Value, pointers: &[&str]) -> String {
    pointers
        .iter()
        .map(|p| record.pointer(p).map(cell).unwrap_or_default())
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

/// A person's name (of the record or its contact), else the record's own name.
fn name_of(record: &Value) -> String {
    for base in ["", "/contact"] {
        let first = first_text(record, &[&format!("{base}/firstName")]);
        let last = first_text(record, &[&format!("{base}/lastName")]);
        let person = format!("{first} {last}");
        if !person.trim().is_empty() {
            return person.trim().to_string();
        }
    }
    first_text(record, &["/name", "/displayName", "/userName", "/title"])
}

/// The columns a listing's records may fill, in the order a table shows them: identity first,
/// then who, what state, and when. Whichever the records fill make the table, so a call log, a
/// message store and an extension list each get their own.
const COLUMNS: &[Column] = &[
    Column {
        header: "ID",
        value: |r| first_text(r, &["/id"]),
    },
    Column {
        header: "NAME",
        value: name_of,
    },
    Column {
        header: "EXT",
        value: |r| first_text(r, &["/extensionNumber"]),
    },
    Column {
        header: "EMAIL",
        value: |r| first_text(r, &["/email", "/contact/email", "/emails/0/value"]),
    },
    Column {
        header: "PHONE",
        value: |r| first_text(r, &["/phoneNumber", "/phoneNumbers/0/phoneNumber"]),
    },
    Column {
        header: "TYPE",
        value: |r| first_text(r, &["/type"]),
    },
    Column {
        header: "STATUS",
        value: |r| first_text(r, &["/status", "/messageStatus", "/result"]),
    },
    Column {
        header: "DIRECTION",
        value: |r| first_text(r, &["/direction"]),
    },
    Column {
        header: "FROM",
        value: |r| {
            first_text(
                r,
                &["/from/phoneNumber", "/from/extensionNumber", "/from/name"],
            )
        },
    },
    Column {
        header: "TO",
        value: |r| {
            first_text(
                r,
                &[
                    "/to/0/phoneNumber",
                    "/to/phoneNumber",
                    "/to/0/extensionNumber",
                    "/to/name",
                ],
            )
        },
    },
    Column {
        header: "SUBJECT",
        value: |r| first_text(r, &["/subject"]),
    },
    Column {
        header: "DEPARTMENT",
        value: |r| first_text(r, &["/department", "/contact/department"]),
    },
    Column {
        header: "SITE",
        value: |r| first_text(r, &["/site/name"]),
    },
    Column {
        header: "START",
        value: |r| first_text(r, &["/startTime"]),
    },
    Column {
        header: "DURATION",
        value: |r| first_text(r, &["/duration"]),
    },
    Column {
        header: "CREATED",
        value: |r| first_text(r, &["/creationTime", "/created", "/meta/created"]),
    },
    Column {
        header: "MODIFIED",
        value: |r| {
            first_text(
                r,
                &["/lastModifiedTime", "/lastModified", "/meta/lastModified"],
            )
        },
    },
];

/// A table of the known columns the records fill; records that fill none of them get their
/// first plain fields instead.
fn auto_table(records: &[Value]) -> (Vec<String>, Vec<Vec<String>>) {
    let chosen: Vec<&Column> = COLUMNS
        .iter()
        .filter(|c| records.iter().any(|r| !(c.value)(r).is_empty()))
        .take(AUTO_COLUMNS)
        .collect();
    if chosen.len() >= 2 {
        let columns = chosen.iter().map(|c| c.header.to_string()).collect();
        let rows = records
            .iter()
            .map(|r| {
                chosen
                    .iter()
                    .map(|c| ellipsize(&(c.value)(r), 40))
                    .collect()
            })
            .collect();
        return (columns, rows);
    }
    let keys: Vec<String> = records
        .first()
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(_, v)| !v.is_object() && !v.is_array())
                .map(|(k, _)| k.clone())
                .take(AUTO_COLUMNS)
                .collect()
        })
        .unwrap_or_default();
    let columns = keys.iter().map(|k| k.to_uppercase()).collect();
    let rows = records
        .iter()
        .map(|r| {
            keys.iter()
                .map(|k| ellipsize(&cell(&r[k.as_str()]), 40))
                .collect()
        })
        .collect();
    (columns, rows)
}

fn write_table(
    out: &mut impl Write,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    footer: Option<String>,
) -> Result<(), Stop> {
    if rows.is_empty() {
        writeln!(out, "{}", footer.as_deref().unwrap_or("Nothing to show."))?;
        return Ok(());
    }
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(columns);
    // Without a usable terminal width (some pseudo-terminals report none), wrap at a
    // comfortable width instead of squeezing every column to one character.
    if table.width().is_none_or(|w| w < 40) {
        table.set_width(120);
    }
    for row in rows {
        table.add_row(row);
    }
    writeln!(out, "{table}")?;
    if let Some(footer) = footer {
        writeln!(out, "\n{footer}")?;
    }
    Ok(())
}

type JqData = jaq_core::data::JustLut<jaq_json::Val>;

/// A compiled jq filter (the jaq implementation, with jq's standard library).
pub struct Jq {
    filter: jaq_core::compile::Filter<jaq_core::Native<JqData>>,
}

impl Jq {
    /// Compiles a filter; the error is the parser's or compiler's message.
    pub fn compile(code: &str) -> Result<Jq, String> {
        use jaq_core::load::{Arena, File, Loader};

        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let arena = Arena::default();
        let modules = Loader::new(defs)
            .load(&arena, File { code, path: () })
            .map_err(|errors| {
                let mut messages: Vec<String> = Vec::new();
                for message in errors.into_iter().flat_map(|(_, e)| load_messages(code, e)) {
                    if !messages.contains(&message) {
                        messages.push(message);
                    }
                }
                messages.truncate(3);
                messages.join("; ")
            })?;
        let filter = jaq_core::Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                errors
                    .into_iter()
                    .flat_map(|(_, e)| e)
                    .take(3)
                    .map(|(name, kind)| {
                        format!("undefined {} `{name}`{}", kind.as_str(), at(code, name))
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            })?;
        Ok(Jq { filter })
    }

    /// Runs the filter on `input`, handing each output to `emit` as it comes.
    pub fn run(
        &self,
        input: &Value,
        mut emit: impl FnMut(&jaq_json::Val) -> std::io::Result<()>,
    ) -> Result<(), Stop> {
        let text = serde_json::to_vec(input).map_err(std::io::Error::from)?;
        let input = jaq_json::read::parse_single(&text)
            .map_err(|e| CliError::failure(format!("--jq cannot read the JSON to filter: {e}")))?;
        let ctx = jaq_core::Ctx::<JqData>::new(&self.filter.lut, jaq_core::Vars::new([]));
        for (n, output) in self.filter.id.run((ctx, input)).enumerate() {
            if n >= MAX_JQ_OUTPUTS {
                return Err(CliError::failure(format!(
                    "--jq: the filter printed {MAX_JQ_OUTPUTS} values and was stopped"
                ))
                .into());
            }
            match output {
                Ok(value) => emit(&value)?,
                Err(exn) => {
                    let message = match exn.get_err() {
                        Ok(err) => match err.into_val() {
                            jaq_json::Val::TStr(text) => {
                                format!("--jq: {}", String::from_utf8_lossy(&text))
                            }
                            other => format!("--jq: {other}"),
                        },
                        Err(exn) => match exn.get_halt() {
                            Ok(code) => format!("--jq: the filter halted with code {code}"),
                            Err(_) => "--jq: the filter failed".to_string(),
                        },
                    };
                    return Err(CliError::failure(message).into());
                }
            }
        }
        Ok(())
    }
}

/// Where in the filter a piece of it is, when it is a piece of it.
fn at(code: &str, piece: &str) -> String {
    let offset = (piece.as_ptr() as usize).wrapping_sub(code.as_ptr() as usize);
    if offset <= code.len() {
        format!(" at column {}", code[..offset].chars().count() + 1)
    } else {
        String::new()
    }
}

fn load_messages(code: &str, error: jaq_core::load::Error<&str>) -> Vec<String> {
    use jaq_core::load::{Error, lex, parse};

    match error {
        Error::Io(errors) => errors
            .into_iter()
            .map(|(path, e)| format!("cannot load `{path}`: {e}"))
            .collect(),
        Error::Lex(errors) => errors
            .into_iter()
            .map(|(expect, rest)| {
                let wanted = match expect {
                    lex::Expect::Digit => "a digit",
                    lex::Expect::Ident => "an identifier",
                    lex::Expect::Delim("(") => "a closing parenthesis",
                    lex::Expect::Delim("[") => "a closing bracket",
                    lex::Expect::Delim("{") => "a closing brace",
                    lex::Expect::Delim("\"") => "a closing quote",
                    lex::Expect::Delim(_) => "a closing delimiter",
                    lex::Expect::Escape => "a string escape sequence",
                    lex::Expect::Unicode => "a 4-digit hexadecimal code point",
                    lex::Expect::Token => "a token",
                    _ => "something else",
                };
                format!("expected {wanted}{}", at(code, rest))
            })
            .collect(),
        Error::Parse(errors) => errors
            .into_iter()
            .map(|(expect, found): (parse::Expect<&str>, &str)| {
                if found.is_empty() {
                    format!("expected {} but the filter ended", expect.as_str())
                } else {
                    format!(
                        "expected {}, found `{found}`{}",
                        expect.as_str(),
                        at(code, found)
                    )
                }
            })
            .collect(),
    }
}

fn jq_error(message: String) -> CliError {
    CliError::usage(format!("--jq: {message}"))
}

/// One output of a jq filter: a string bare (as gh prints them), anything else as JSON.
fn write_jq_value(
    out: &mut impl Write,
    value: &jaq_json::Val,
    pretty: bool,
) -> std::io::Result<()> {
    match value {
        jaq_json::Val::TStr(text) => out.write_all(text)?,
        other => {
            let pp = jaq_json::write::Pp {
                indent: pretty.then(|| "  ".to_string()),
                sep_space: pretty,
                ..Default::default()
            };
            jaq_json::write::write(&mut *out, &pp, 0, other)?;
        }
    }
    writeln!(out)
}

/// Writes records on stdout as they stream in, as the shape says: one JSON array (pretty on a
/// terminal), one record a line with `--ndjson`, or the `--jq` filter's outputs for each record.
pub struct RecordWriter {
    out: std::io::BufWriter<std::io::Stdout>,
    shape: &'static Shape,
    jq: Option<Jq>,
    pretty: bool,
    count: usize,
}

impl RecordWriter {
    pub fn start(output: &Output) -> Result<RecordWriter, Stop> {
        let shape = output.shape;
        let jq = match &shape.jq {
            Some(code) => Some(Jq::compile(code).map_err(jq_error)?),
            None => None,
        };
        let mut writer = RecordWriter {
            out: std::io::BufWriter::new(std::io::stdout()),
            shape,
            jq,
            pretty: output.terminal && !shape.ndjson,
            count: 0,
        };
        if writer.array() {
            writer.out.write_all(b"[")?;
        }
        Ok(writer)
    }

    /// Whether the records go into one array (neither `--ndjson` nor `--jq`).
    fn array(&self) -> bool {
        self.jq.is_none() && !self.shape.ndjson
    }

    pub fn push(&mut self, record: Value) -> Result<(), Stop> {
        let record = match self.shape.fields.is_empty() {
            true => record,
            false => {
                let paths: Vec<&[String]> = self.shape.fields.iter().map(Vec::as_slice).collect();
                pick(&record, &paths)
            }
        };
        self.count += 1;
        if let Some(jq) = &self.jq {
            let (out, pretty) = (&mut self.out, self.pretty);
            return jq.run(&record, |v| write_jq_value(&mut *out, v, pretty));
        }
        if self.shape.ndjson {
            serde_json::to_writer(&mut self.out, &record).map_err(std::io::Error::from)?;
            self.out.write_all(b"\n")?;
            return Ok(());
        }
        if self.count > 1 {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\n")?;
        if self.pretty {
            serde_json::to_writer_pretty(&mut self.out, &record).map_err(std::io::Error::from)?;
        } else {
            serde_json::to_writer(&mut self.out, &record).map_err(std::io::Error::from)?;
        }
        Ok(())
    }

    /// Writes a record received as JSON text. Without `--fields`, `--jq` or pretty printing the
    /// text goes out as it came, so no value tree is built; a record the server spread over
    /// several lines is compacted first, as NDJSON needs one record a line.
    pub fn push_raw(&mut self, record: &ringcentral::RawRecord) -> Result<(), Stop> {
        let text = record.json();
        let as_is = self.jq.is_none()
            && self.shape.fields.is_empty()
            && !self.pretty
            && !text.iter().any(|b| *b == b'\n' || *b == b'\r');
        if !as_is {
            let value = record.to_value().map_err(|e| {
                CliError::failure(format!("cannot read a record of the listing: {e}"))
            })?;
            return self.push(value);
        }
        self.count += 1;
        if self.shape.ndjson {
            self.out.write_all(text)?;
            self.out.write_all(b"\n")?;
            return Ok(());
        }
        let separator: &[u8] = if self.count > 1 { b",\n" } else { b"\n" };
        self.out.write_all(separator)?;
        self.out.write_all(text)?;
        Ok(())
    }

    pub fn count(&self) -> usize {
        self.count
    }

    pub fn finish(mut self) -> Result<(), Stop> {
        if self.array() {
            self.out.write_all(b"\n]\n")?;
        }
        Ok(self.out.flush()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(fields: &[&str]) -> Shape {
        let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        Shape::new(&fields, None, false).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn fields_reach_through_objects_and_arrays() {
        let record = json!({
            "id": 1, "name": "A", "site": {"id": "9", "name": "HQ"},
            "phoneNumbers": [{"phoneNumber": "+1", "type": "x"}, {"phoneNumber": "+2"}],
        });
        let kept = shape(&["id,site.name", "phoneNumbers.phoneNumber", "missing"])
            .keep_fields(json!({"records": [record], "paging": {"page": 1}}));
        assert_eq!(
            kept,
            json!({
                "records": [{
                    "id": 1, "site": {"name": "HQ"},
                    "phoneNumbers": [{"phoneNumber": "+1"}, {"phoneNumber": "+2"}],
                    "missing": null,
                }],
                "paging": {"page": 1},
            })
        );
    }

    #[test]
    fn times_in_cells_are_to_the_second_in_utc() {
        assert_eq!(seconds("2026-12-07T16:15:06.123Z"), "2026-12-07T16:15:06Z");
        assert_eq!(
            seconds("2026-12-07T18:15:06.9+02:00"),
            "2026-12-07T16:15:06Z"
        );
        assert_eq!(seconds("not a time"), "not a time");
    }

    #[test]
    fn jq_errors_say_what_and_where() {
        let message = |code: &str| Jq::compile(code).err().unwrap_or_default();
        assert!(message(".a[").contains("closing bracket"));
        assert!(message("nope").contains("undefined filter `nope` at column 1"));
        assert!(Jq::compile(".records[] | {id, name}").is_ok());
    }
}
