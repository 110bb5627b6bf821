//! Lowercase hexadecimal for digests and random ids (key hashes, policy versions,
//! fingerprints of files, webhook signatures, incident ids).
//!
//! One encoder, written without `format!`: the host process hashes the bearer key of
//! every request and compares it in this form, and formatting each byte through
//! `format!("{b:02x}")` (an allocation and a formatter call a byte) cost twice the SHA-256
//! itself (docs/PERFORMANCE.md, tenth stop).

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `bytes` as lowercase hexadecimal, two digits a byte.
pub fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn every_byte_is_two_lowercase_digits_as_the_formatter_writes_them() {
        let every_byte: Vec<u8> = (0..=255).collect();
        let formatted: String = every_byte.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(encode(&every_byte), formatted);
        assert_eq!(encode(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        assert_eq!(encode(&[]), "");
    }
}
