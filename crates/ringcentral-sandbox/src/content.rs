//! Binary content of message attachments, built on demand from what the store keeps: a WAV file of
//! the voicemail's length, a one-page-per-fax-page PDF, or plain text.

/// A mono PCM WAV file of `data` (samples of `bits` bits at `rate` per second).
pub(crate) fn wav_file(rate: u32, bits: u16, data: &[u8]) -> Vec<u8> {
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let block = bits.div_ceil(8);
    let mut out = Vec::with_capacity(44 + data.len());
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * u32::from(block)).to_le_bytes()); // bytes per second
    out.extend_from_slice(&block.to_le_bytes()); // block align
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// An 8 kHz, 8-bit mono WAV of `seconds` of quiet hum, so players show the right duration.
pub fn wav(seconds: u32) -> Vec<u8> {
    let samples = 8000 * seconds.max(1);
    // A faint 100 Hz square wave around the 8-bit midpoint.
    let hum: Vec<u8> = (0..samples)
        .map(|i| if (i / 40) % 2 == 0 { 130u8 } else { 126u8 })
        .collect();
    wav_file(8000, 8, &hum)
}

/// A minimal valid PDF with `pages` pages, each showing `text`.
pub fn pdf(text: &str, pages: u32) -> Vec<u8> {
    let pages = pages.clamp(1, 50);
    let safe: String = text
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .map(|c| {
            if matches!(c, '(' | ')' | '\\') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut objects: Vec<String> = Vec::new();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".to_owned());
    let kids: Vec<String> = (0..pages).map(|p| format!("{} 0 R", 4 + p * 2)).collect();
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {pages} >>",
        kids.join(" ")
    ));
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned());
    for p in 0..pages {
        let stream = format!("BT /F1 14 Tf 72 720 Td ({safe} - page {}) Tj ET", p + 1);
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + p * 2
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{obj}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wav_header_matches_length() {
        let w = wav(3);
        assert_eq!(&w[..4], b"RIFF");
        assert_eq!(w.len(), 44 + 24_000);
        assert_eq!(u32::from_le_bytes([w[40], w[41], w[42], w[43]]), 24_000);
    }

    #[test]
    fn pdf_has_pages_and_a_valid_trailer() {
        let p = String::from_utf8(pdf("Signed (contract)", 2)).unwrap_or_default();
        assert!(p.starts_with("%PDF-1.4") && p.ends_with("%%EOF\n"));
        assert!(p.contains("/Count 2"));
        let xref_at: usize = p
            .lines()
            .rev()
            .nth(1)
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        assert!(p[xref_at..].starts_with("xref"));
    }
}
