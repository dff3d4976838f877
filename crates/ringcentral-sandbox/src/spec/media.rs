//! Small, valid bodies for the operations that answer with something other than JSON: a WAV or
//! MP3 of silence for audio, a 1x1 PNG for images, a one-page PDF, and CSV with the documented
//! columns. Each is built from its format's rules rather than stored, and is a few hundred bytes.

pub(crate) use super::multipart::essence;

/// Whether a media type (lower-case, without parameters) is JSON: `application/json` or any
/// `+json` type.
pub(crate) fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// The media type of a request's `Content-Type` header (see [`essence`]), if it has one in text.
pub(crate) fn request_media(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(essence)
}

/// The concrete content type and body for a declared non-JSON response type (which may be a
/// wildcard such as `audio/*`).
pub(crate) fn body_for(content_type: &str, operation_id: &str) -> (String, Vec<u8>) {
    let essence = essence(content_type);
    match essence.as_str() {
        "audio/mpeg" | "audio/mp3" => ("audio/mpeg".to_owned(), mp3()),
        t if t.starts_with("audio/") => ("audio/wav".to_owned(), wav()),
        t if t.starts_with("image/") => ("image/png".to_owned(), png()),
        "application/pdf" => ("application/pdf".to_owned(), pdf()),
        "text/csv" => ("text/csv".to_owned(), csv(operation_id)),
        t if t.starts_with("text/") => (essence.clone(), b"sandbox\n".to_vec()),
        _ => ("application/octet-stream".to_owned(), Vec::new()),
    }
}

/// A tenth of a second of 8 kHz 16-bit mono silence.
pub(crate) fn wav() -> Vec<u8> {
    crate::content::wav_file(8000, 16, &[0; 1600])
}

/// Three MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, mono) of silence: zeroed side
/// information decodes to no audio data.
pub(crate) fn mp3() -> Vec<u8> {
    // 144 * bitrate / sample rate, without padding.
    const FRAME: usize = 144 * 128_000 / 44_100;
    let mut out = Vec::with_capacity(FRAME * 3);
    for _ in 0..3 {
        let start = out.len();
        out.extend_from_slice(&[0xFF, 0xFB, 0x90, 0xC0]);
        out.resize(start + FRAME, 0);
    }
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in bytes {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A 1x1 RGB PNG in RingCentral's blue.
pub(crate) fn png() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&1u32.to_be_bytes());
    header.extend_from_slice(&1u32.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    png_chunk(&mut out, b"IHDR", &header);
    // One scanline: filter type 0, then one pixel.
    let raw = [0u8, 0x06, 0x84, 0xBD];
    let mut zlib = vec![0x78, 0x01, 0x01];
    zlib.extend_from_slice(&(raw.len() as u16).to_le_bytes());
    zlib.extend_from_slice(&(!(raw.len() as u16)).to_le_bytes());
    zlib.extend_from_slice(&raw);
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());
    png_chunk(&mut out, b"IDAT", &zlib);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// A one-page, empty, US Letter PDF with a correct cross-reference table.
pub(crate) fn pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{body}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!(
        "xref\n0 {}\n0000000000 65535 f \n",
        objects.len() + 1
    ));
    for off in offsets {
        out.push_str(&format!("{off:010} 00000 n \n"));
    }
    out.push_str(&format!(
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    ));
    out.into_bytes()
}

/// CSV for the export operations, with the columns the spec documents.
fn csv(operation_id: &str) -> Vec<u8> {
    let text = if operation_id == "exportSmsConsentRecords" {
        "External Party Number,Internal Party Number,Consent Status,Source,Coverage,Campaign Type,Notes,Last Modified Time\r\n\
         +16505550101,+16505550100,OptOut,Recipient,Company,ConversationalMessaging,,2025-01-15T09:30:00.000Z\r\n\
         +16505550102,+16505550100,OptIn,Api,Company,ConversationalMessaging,Re-subscribed,2025-01-14T09:30:00.000Z\r\n"
    } else {
        "id,name\r\n1,sandbox\r\n"
    };
    text.as_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_become_concrete_types() {
        assert_eq!(body_for("audio/*", "x").0, "audio/wav");
        assert_eq!(body_for("image/*", "x").0, "image/png");
        assert_eq!(body_for("audio/mpeg", "x").0, "audio/mpeg");
    }

    #[test]
    fn wav_header_describes_its_data() {
        let w = wav();
        assert_eq!(&w[0..4], b"RIFF");
        let riff = u32::from_le_bytes([w[4], w[5], w[6], w[7]]) as usize;
        assert_eq!(riff + 8, w.len());
        assert_eq!(&w[36..40], b"data");
    }

    #[test]
    fn png_chunks_carry_valid_checksums() {
        let p = png();
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        let mut at = 8;
        let mut kinds = Vec::new();
        while at < p.len() {
            let len = u32::from_be_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]]) as usize;
            let body = &p[at + 4..at + 8 + len];
            let crc = u32::from_be_bytes([
                p[at + 8 + len],
                p[at + 9 + len],
                p[at + 10 + len],
                p[at + 11 + len],
            ]);
            assert_eq!(crc32(body), crc);
            kinds.push(String::from_utf8_lossy(&body[..4]).into_owned());
            at += 12 + len;
        }
        assert_eq!(kinds, ["IHDR", "IDAT", "IEND"]);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn pdf_cross_reference_points_at_its_objects() {
        let p = String::from_utf8(pdf()).unwrap_or_default();
        let startxref: usize = p
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        assert!(p[startxref..].starts_with("xref"));
        let first = p.find("1 0 obj").unwrap_or(0);
        assert!(p.contains(&format!("{first:010} 00000 n")));
    }

    #[test]
    fn mp3_frames_start_with_sync_words() {
        let m = mp3();
        assert_eq!(m.len(), 417 * 3);
        assert!(m.chunks(417).all(|f| f[0] == 0xFF && f[1] & 0xE0 == 0xE0));
    }
}
