//! Reading the multipart request bodies (`multipart/form-data`, `multipart/mixed`) that fax, MMS,
//! SMS and bulk updates accept: each part's name, file name, media type and bytes. Splitting the
//! body is multer's and media types are read by `mime`; what the parts mean is the caller's.

use bytes::Bytes;

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// The `name` of `Content-Disposition`.
    pub name: Option<String>,
    /// The `filename` of `Content-Disposition`.
    pub filename: Option<String>,
    /// The part's media type, lower-cased, without parameters.
    pub content_type: Option<String>,
    pub data: Bytes,
}

/// Why a multipart body could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MultipartError {
    #[error("the Content-Type header has no boundary parameter")]
    NoBoundary,
    #[error("{0}")]
    Body(#[from] multer::Error),
}

/// A media type without its parameters, lower-cased (`multipart/mixed; boundary=x` gives
/// `multipart/mixed`); text that is not a media type is kept up to its first `;`.
pub(crate) fn essence(content_type: &str) -> String {
    match content_type.parse::<mime::Mime>() {
        Ok(m) => m.essence_str().to_ascii_lowercase(),
        Err(_) => content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase(),
    }
}

/// The `boundary` parameter of a `Content-Type` value.
fn boundary(content_type: &str) -> Option<String> {
    let m = content_type.parse::<mime::Mime>().ok()?;
    let b = m.get_param(mime::BOUNDARY)?.as_str().to_owned();
    (!b.is_empty()).then_some(b)
}

/// Splits `body` into its parts, given the request's full `Content-Type` value.
pub(crate) fn parse(content_type: &str, body: &[u8]) -> Result<Vec<Part>, MultipartError> {
    let boundary = boundary(content_type).ok_or(MultipartError::NoBoundary)?;
    let whole = Bytes::copy_from_slice(body);
    let stream = futures::stream::once(async move { Ok::<_, std::convert::Infallible>(whole) });
    let mut reader = multer::Multipart::new(stream, boundary);
    // The body is in memory already, so every poll is ready and nothing waits on I/O.
    futures::executor::block_on(async {
        let mut parts = Vec::new();
        // Bounded by the body: each part consumes at least its delimiter.
        while let Some(field) = reader.next_field().await? {
            let name = field.name().map(str::to_owned);
            let filename = field.file_name().map(str::to_owned);
            let content_type = field
                .content_type()
                .map(|m| m.essence_str().to_ascii_lowercase());
            let data = field.bytes().await?;
            parts.push(Part {
                name,
                filename,
                content_type,
                data,
            });
        }
        Ok(parts)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_data_and_mixed_parts_are_read() -> Result<(), MultipartError> {
        let body = b"--B\r\nContent-Disposition: form-data; name=\"json\"\r\nContent-Type: application/json; charset=utf-8\r\n\r\n{}\r\n\
--B\r\nContent-Disposition: attachment; filename=\"a.txt\"\r\nContent-Type: Text/Plain\r\n\r\nhi\r\n--B\r\nContent-Type: text/plain\r\n\r\nraw\r\n--B--\r\n";
        let parts = parse("multipart/mixed; boundary=\"B\"", body)?;
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].name.as_deref(), Some("json"));
        assert_eq!(parts[0].content_type.as_deref(), Some("application/json"));
        assert_eq!(&parts[0].data[..], b"{}");
        assert_eq!(parts[1].filename.as_deref(), Some("a.txt"));
        assert_eq!(parts[1].content_type.as_deref(), Some("text/plain"));
        assert_eq!(&parts[2].data[..], b"raw");
        assert_eq!(parts[2].name, None);
        Ok(())
    }

    #[test]
    fn bodies_that_are_not_multipart_are_refused() {
        assert!(matches!(
            parse("multipart/form-data", b"--B--\r\n"),
            Err(MultipartError::NoBoundary)
        ));
        assert!(parse("multipart/form-data; boundary=B", b"no delimiter at all").is_err());
        assert_eq!(essence("Multipart/Mixed; boundary=x"), "multipart/mixed");
        assert_eq!(essence("not a type"), "not a type");
    }
}
