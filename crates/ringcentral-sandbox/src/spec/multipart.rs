//! A small reader of `multipart/form-data` and `multipart/mixed` bodies (RFC 7578, RFC 2046):
//! enough to find each part's name, file name, content type and bytes. RingCentral's fax, MMS and
//! greeting uploads use it.

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part<'b> {
    /// The `name` of `Content-Disposition`.
    pub name: Option<String>,
    /// The `filename` of `Content-Disposition`.
    pub filename: Option<String>,
    /// The part's `Content-Type`, lower-cased, without parameters.
    pub content_type: Option<String>,
    pub data: &'b [u8],
}

/// Why a multipart body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum MultipartError {
    #[error("the Content-Type header has no boundary parameter")]
    NoBoundary,
    #[error("the body does not contain the boundary from the Content-Type header")]
    BoundaryNotFound,
    #[error("a part has no blank line between its headers and its content")]
    UnterminatedHeaders,
}

/// A parameter of a header value such as `multipart/form-data; boundary="x"`, case-insensitively.
pub(crate) fn header_param(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case(name) {
            return None;
        }
        let v = v.trim();
        Some(
            v.strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v)
                .to_owned(),
        )
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Splits `body` into parts, given the request's full `Content-Type` value.
pub(crate) fn parse<'b>(
    content_type: &str,
    body: &'b [u8],
) -> Result<Vec<Part<'b>>, MultipartError> {
    let boundary = header_param(content_type, "boundary")
        .filter(|b| !b.is_empty())
        .ok_or(MultipartError::NoBoundary)?;
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut rest = match find(body, delimiter) {
        Some(at) => &body[at + delimiter.len()..],
        None => return Err(MultipartError::BoundaryNotFound),
    };
    let mut parts = Vec::new();
    // Each round starts right after a delimiter; `--` there closes the body.
    while !rest.starts_with(b"--") {
        let after_line = match rest.iter().position(|b| *b == b'\n') {
            Some(nl) => &rest[nl + 1..],
            None => break,
        };
        let (headers, content) = split_headers(after_line)?;
        let end = find(content, delimiter).unwrap_or(content.len());
        let mut data = &content[..end];
        // The line break before a delimiter belongs to the delimiter.
        if let Some(d) = data.strip_suffix(b"\n") {
            data = d.strip_suffix(b"\r").unwrap_or(d);
        }
        parts.push(part(headers, data));
        if end >= content.len() {
            break;
        }
        rest = &content[end + delimiter.len()..];
    }
    Ok(parts)
}

fn split_headers(block: &[u8]) -> Result<(&[u8], &[u8]), MultipartError> {
    if block.starts_with(b"\r\n") {
        return Ok((&[], &block[2..]));
    }
    if block.starts_with(b"\n") {
        return Ok((&[], &block[1..]));
    }
    if let Some(at) = find(block, b"\r\n\r\n") {
        return Ok((&block[..at], &block[at + 4..]));
    }
    if let Some(at) = find(block, b"\n\n") {
        return Ok((&block[..at], &block[at + 2..]));
    }
    Err(MultipartError::UnterminatedHeaders)
}

fn part<'b>(headers: &[u8], data: &'b [u8]) -> Part<'b> {
    let text = String::from_utf8_lossy(headers);
    let mut out = Part {
        name: None,
        filename: None,
        content_type: None,
        data,
    };
    for line in text.lines() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let key = key.trim();
        if key.eq_ignore_ascii_case("content-disposition") {
            out.name = header_param(value, "name");
            out.filename = header_param(value, "filename");
        } else if key.eq_ignore_ascii_case("content-type") {
            out.content_type = Some(super::media::essence(value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_files() {
        let body = b"--XyZ\r\n\
Content-Disposition: form-data; name=\"to\"\r\n\r\n\
+16505550100\r\n\
--XyZ\r\n\
Content-Disposition: form-data; name=\"attachment\"; filename=\"a.txt\"\r\n\
Content-Type: text/plain\r\n\r\n\
hello\r\n\
--XyZ--\r\n";
        let parts = parse("multipart/form-data; boundary=XyZ", body);
        let parts = parts.unwrap_or_default();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name.as_deref(), Some("to"));
        assert_eq!(parts[0].data, b"+16505550100");
        assert_eq!(parts[1].filename.as_deref(), Some("a.txt"));
        assert_eq!(parts[1].content_type.as_deref(), Some("text/plain"));
        assert_eq!(parts[1].data, b"hello");
    }

    #[test]
    fn refuses_bodies_without_the_boundary() {
        assert_eq!(
            parse("multipart/form-data", b"x"),
            Err(MultipartError::NoBoundary)
        );
        assert_eq!(
            parse("multipart/form-data; boundary=q", b"nothing here"),
            Err(MultipartError::BoundaryNotFound)
        );
    }
}
