//! Where a flag's input comes from: the value itself, `@FILE`, or `-` for stdin. One reader for every
//! flag that takes such input (`--input`, `-d`, `-F`, `--from`, secrets), so each reads the same way
//! and says in the same words what it could not read.

use std::io::Read;
use std::path::Path;

use crate::exit::{CliError, CliResult};

/// The origin of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// The text given on the command line.
    Inline(&'a str),
    File(&'a Path),
    Stdin,
}

impl<'a> Source<'a> {
    /// `-` is stdin, `@PATH` a file, anything else the text itself.
    pub fn of(arg: &'a str) -> Source<'a> {
        match arg {
            "-" => Source::Stdin,
            _ => match arg.strip_prefix('@') {
                Some(path) => Source::File(Path::new(path)),
                None => Source::Inline(arg),
            },
        }
    }

    /// `-` is stdin, anything else a path (for flags that always name a file, such as `--from`).
    pub fn path(arg: &'a Path) -> Source<'a> {
        if arg.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::File(arg)
        }
    }

    /// Where it came from, for messages.
    pub fn describe(&self) -> String {
        match self {
            Source::Inline(_) => "the command line".into(),
            Source::File(path) => path.display().to_string(),
            Source::Stdin => "stdin".into(),
        }
    }

    /// The bytes; `what` names the input in an error (`the body`, `the JWT`).
    pub fn bytes(&self, what: &str) -> CliResult<Vec<u8>> {
        let failed = |e: std::io::Error| {
            CliError::usage(format!("cannot read {what} from {}: {e}", self.describe()))
        };
        match self {
            Source::Inline(text) => Ok(text.as_bytes().to_vec()),
            Source::File(path) => std::fs::read(path).map_err(failed),
            Source::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin().read_to_end(&mut bytes).map_err(failed)?;
                Ok(bytes)
            }
        }
    }

    /// The text, which must be UTF-8.
    pub fn text(&self, what: &str) -> CliResult<String> {
        String::from_utf8(self.bytes(what)?).map_err(|_| {
            CliError::usage(format!("{what} from {} is not UTF-8 text", self.describe()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_value_names_its_source() {
        assert_eq!(Source::of("-"), Source::Stdin);
        assert_eq!(Source::of("@in.json"), Source::File(Path::new("in.json")));
        assert_eq!(Source::of("{}"), Source::Inline("{}"));
        assert_eq!(Source::path(Path::new("-")), Source::Stdin);
    }

    #[test]
    fn a_missing_file_is_a_usage_error_naming_it() {
        let err = Source::of("@/nonexistent/input.json")
            .text("the input")
            .expect_err("no such file");
        assert!(
            err.to_string()
                .contains("cannot read the input from /nonexistent/input.json")
        );
        assert_eq!(err.exit, crate::exit::Exit::Usage);
    }
}
