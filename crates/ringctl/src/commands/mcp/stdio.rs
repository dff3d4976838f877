//! The stdio transport with one addition: a line that is not JSON, or not a JSON-RPC message, is
//! answered with a JSON-RPC error (-32700 or -32600) instead of being dropped without a word.
//!
//! Lines from stdin pass through a check on their way to the SDK; its answers and the check's
//! errors leave through one writer, a whole line at a time, so they never interleave on stdout.

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Room for a few large messages in flight between the SDK and the pumps.
const PIPE_BYTES: usize = 1 << 20;

/// The SDK's half of the transport, and the pumps' tasks (the writer ends after the SDK's last
/// answer, so awaiting it flushes everything).
pub struct Stdio {
    pub transport: (ReadHalf<DuplexStream>, WriteHalf<DuplexStream>),
    pub reader: JoinHandle<()>,
    pub writer: JoinHandle<()>,
}

pub fn start() -> Stdio {
    let (sdk_side, pump_side) = tokio::io::duplex(PIPE_BYTES);
    let (from_sdk, to_sdk) = tokio::io::split(pump_side);
    let (errors, error_lines) = mpsc::unbounded_channel::<String>();
    let reader = tokio::spawn(read_stdin(to_sdk, errors));
    let writer = tokio::spawn(write_stdout(from_sdk, error_lines));
    Stdio {
        transport: tokio::io::split(sdk_side),
        reader,
        writer,
    }
}

/// Passes each well-formed line on; answers the others. Ends at the end of stdin, which closes
/// the SDK's input and so ends the session.
async fn read_stdin(mut to_sdk: WriteHalf<DuplexStream>, errors: mpsc::UnboundedSender<String>) {
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        let line = match lines.next_line().await {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => {
                tracing::error!(error = %e, "cannot read stdin");
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        match check(&line) {
            Ok(()) => {
                let sent = async {
                    to_sdk.write_all(line.as_bytes()).await?;
                    to_sdk.write_all(b"\n").await?;
                    to_sdk.flush().await
                };
                if sent.await.is_err() {
                    break;
                }
            }
            Err(answer) => {
                tracing::warn!("refused a malformed message");
                if errors.send(answer.to_string()).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to_sdk.shutdown().await;
}

/// Whether a line is a JSON-RPC message; the error to answer with when not.
fn check(line: &str) -> Result<(), Value> {
    let error = |id: Value, code: i64, message: &str| json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    let value: Value = serde_json::from_str(line)
        .map_err(|e| error(Value::Null, -32700, &format!("Parse error: {e}")))?;
    let Value::Object(map) = &value else {
        return Err(error(
            Value::Null,
            -32600,
            "Invalid Request: a message is one JSON-RPC object (batches are not part of MCP)",
        ));
    };
    if map.get("jsonrpc") != Some(&json!("2.0")) {
        let id = match map.get("id") {
            Some(id @ (Value::String(_) | Value::Number(_))) => id.clone(),
            _ => Value::Null,
        };
        return Err(error(
            id,
            -32600,
            "Invalid Request: \"jsonrpc\" must be \"2.0\"",
        ));
    }
    Ok(())
}

/// Writes the SDK's lines and the refusals to stdout, one whole line at a time.
async fn write_stdout(
    from_sdk: ReadHalf<DuplexStream>,
    mut errors: mpsc::UnboundedReceiver<String>,
) {
    let mut stdout = tokio::io::stdout();
    let mut answers = BufReader::new(from_sdk).lines();
    let mut errors_open = true;
    loop {
        let line = tokio::select! {
            answer = answers.next_line() => match answer {
                Ok(Some(line)) => line,
                _ => break,
            },
            refusal = errors.recv(), if errors_open => match refusal {
                Some(line) => line,
                None => {
                    errors_open = false;
                    continue;
                }
            },
        };
        let written = async {
            stdout.write_all(line.as_bytes()).await?;
            stdout.write_all(b"\n").await?;
            stdout.flush().await
        };
        if written.await.is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_rpc_objects_pass() {
        assert!(check(r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#).is_ok());
        let parse = check("not json").expect_err("refused");
        assert_eq!(parse["error"]["code"], -32700);
        assert_eq!(parse["id"], Value::Null);
        let batch = check("[1,2]").expect_err("refused");
        assert_eq!(batch["error"]["code"], -32600);
        let version = check(r#"{"jsonrpc":"1.0","id":7,"method":"ping"}"#).expect_err("refused");
        assert_eq!(version["id"], 7);
        assert_eq!(version["error"]["code"], -32600);
    }
}
