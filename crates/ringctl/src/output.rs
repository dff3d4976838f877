//! Rendering, in one place: commands compute a [`View`] once, and this module prints it as JSON
//! (with `--json`, or whenever stdout is not a terminal) or as a readable table or record.
//! stdout carries results only; notes and errors go to stderr.

use std::io::{IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets};
use serde_json::{Value, json};

use crate::exit::CliError;

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
        }
    }

    pub fn render(&self, view: View) -> std::io::Result<()> {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        match view {
            View::Nothing => Ok(()),
            View::Raw(bytes) => {
                out.write_all(&bytes)?;
                out.flush()
            }
            View::Json(value) | View::Partial { json: value, .. } => {
                self.write_json(&mut out, &value)
            }
            View::Table { json, .. } | View::Record { json, .. } if self.json => {
                self.write_json(&mut out, &json)
            }
            View::Table {
                columns,
                rows,
                footer,
                ..
            } => {
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

    fn write_json(&self, out: &mut impl Write, value: &Value) -> std::io::Result<()> {
        if self.terminal {
            serde_json::to_writer_pretty(&mut *out, value)?;
        } else {
            serde_json::to_writer(&mut *out, value)?;
        }
        writeln!(out)?;
        out.flush()
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
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} {pos} {msg} ({per_sec})")
        {
            bar.set_style(style);
        }
        bar.set_message(unit.to_string());
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
