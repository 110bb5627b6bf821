//! Byte-level mutations: flips, inserts, deletes, duplicated slices, lines moved, two seeds
//! spliced, and "interesting" tokens (numbers past every bound, impossible dates, Persian and
//! Arabic digits, control characters, YAML anchors, deep nesting, long lines, invalid
//! UTF-8) dropped in where a number or a word was.

use crate::fuzz::rng::Rng;

/// No generated input grows past this, so a case stays quick.
pub const MAX_INPUT: usize = 256 * 1024;

/// Texts that have broken parsers before, or sit on a boundary bashgah checks.
pub const TOKENS: &[&str] = &[
    // numbers
    "99999999999999999999999999999",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "-79228162514264337593543950336",
    "0.0000000000000000000000000001",
    "0.00000000000000000000000000001",
    "1000000000000000000",
    "1000000000000000001",
    "-1000000000000000001",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "1e400",
    "-1e400",
    "1e-400",
    "1.5e3",
    "1E28",
    "-0",
    "-0.0",
    "0",
    "-1",
    "1",
    "NaN",
    "nan",
    ".nan",
    "inf",
    ".inf",
    "-.inf",
    "Infinity",
    "1_000",
    "0x10",
    "0o17",
    "0b101",
    "1,250",
    "1.2.3",
    ".5",
    "5.",
    "+5",
    "--5",
    "۱۲۳۴۵",
    "١٢٣٤٥",
    "۱٬۲۵۰",
    "۱۲/۵",
    // dates and times
    "9999-12-31T23:59:59-23:59",
    "0000-00-00",
    "0000-01-01",
    "-0001-01-01",
    "999-12-31",
    "1000-01-01",
    "1699-12-29",
    "1700-01-01",
    "1403-12-30",
    "1403-12-31",
    "1404-01-01",
    "1403-06-31 23:59",
    "1403-07-31",
    "2023-02-29",
    "2024-02-29",
    "2025-13-01",
    "2025-00-10",
    "2025-01-32",
    "9000-12-31",
    "9001-01-01",
    "2025-03-30T02:30:00",
    "2025-01-15T10:30:00+03:30",
    "2025-01-15T24:00:00Z",
    "2025-01-15T23:59:60Z",
    "2025-01-15 10:30",
    "2025-01-15T10:30:00+99:99",
    "۱۴۰۳-۱۰-۱۰",
    "١٤٠٣-١٠-١٠",
    "T",
    "Z",
    "+03:30",
    // spans and clock times
    "0d",
    "36500d",
    "36501d",
    "5215w",
    "1201m",
    "101y",
    "99999999999999999999y",
    "-1d",
    "1.5m",
    "12",
    "25:00",
    "23:60",
    "-1:00",
    // words with a meaning somewhere
    "~",
    "null",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "purchase",
    "return",
    "payment",
    "custom",
    "enroll",
    "birthday",
    "jalali",
    "gregorian",
    "Asia/Tehran",
    "Europe/Berlin",
    "Etc/GMT+12",
    "Pacific/Kiritimati",
    "individual",
    "business",
    "natural",
    "legal",
    // YAML syntax
    "\0",
    "\r\n",
    "\r",
    "\n",
    "\t",
    " ",
    "&a ",
    "*a",
    "&anchor [1, 2]",
    "<<: *a",
    "!!binary aGVsbG8=",
    "!!str",
    "!!int",
    "!!float",
    "!!map",
    "!!seq",
    "!custom",
    "? ",
    "- ",
    ": ",
    "---\n",
    "...\n",
    "%YAML 1.2\n",
    "%TAG ! tag:x:\n",
    "|\n",
    ">-\n",
    "#",
    "{",
    "}",
    "[",
    "]",
    ",",
    "'",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "{}",
    "[]",
    "{a: }",
    "key: value",
    // text
    "\u{feff}",
    "\u{200c}",
    "\u{202e}",
    "\u{fffd}",
    "é",
    "ی",
    "ك",
    "😀",
    "M001",
    "P1001",
    "..",
    "../../etc/passwd",
    "%00",
    "%2F",
    "%",
    "{name}",
    "{{",
    "}}",
];

/// Bytes that are not UTF-8: lone continuation bytes, truncated sequences, overlong
/// encodings, surrogates and values past U+10FFFF.
const INVALID_UTF8: &[&[u8]] = &[
    &[0xff],
    &[0x80],
    &[0xc3],
    &[0xe2, 0x82],
    &[0xed, 0xa0, 0x80],
    &[0xf4, 0x90, 0x80, 0x80],
    &[0xc0, 0x80],
    &[0xfe, 0xff],
];

/// How deep generated nesting goes. (YAML nested a few thousand deep used to overflow the
/// stack, which aborts the whole run, so nesting was kept to 250 unless
/// `BASHGAH_FUZZ_OPEN=1`; the YAML tree is now built without recursion and refuses nesting
/// deeper than 64, and `tests/fuzz/crashes/` keeps inputs nested 100,000 deep.)
const DEEPEST: usize = 20_000;

/// A token that is too big to keep in a table: deep nesting, long lines, alias bombs.
pub fn generated_token(rng: &mut Rng) -> Vec<u8> {
    let d = DEEPEST;
    let depth = match rng.below(4) {
        0 => rng.between(10, 100),
        1 => rng.between(100, 300.min(d)),
        2 => rng.between(300.min(d), 2_000.min(d)),
        _ => rng.between(2_000.min(d), d),
    };
    match rng.below(11) {
        0 => "[".repeat(depth).into_bytes(),
        1 => format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes(),
        2 => "{a: ".repeat(depth).into_bytes(),
        3 => {
            let mut text = String::new();
            for level in 0..depth.min(3_000) {
                text.push_str(&"  ".repeat(level));
                text.push_str("a:\n");
            }
            text.into_bytes()
        }
        4 => "- ".repeat(depth).into_bytes(),
        5 => "{\"a\":".repeat(depth).into_bytes(),
        6 => {
            let unit = rng.pick(&["x", "9", "۹", "a b ", "\\", "'", "😀"]);
            unit.repeat(rng.between(1_000, 100_000)).into_bytes()
        }
        7 => alias_bomb(rng.between(3, 12)).into_bytes(),
        8 => {
            // An anchor used before and after it is defined, and a recursive merge.
            "base: &b {x: 1, <<: *b}\nother: *b\n"
                .to_owned()
                .into_bytes()
        }
        9 => "\n".repeat(depth).into_bytes(),
        _ => (0..rng.between(1, 64))
            .map(|_| rng.next_u64() as u8)
            .collect(),
    }
}

/// `a0: &a0 [x, x, ...]` and each level nine aliases of the one before: a few lines
/// that expand to 9^levels nodes if a parser expands aliases eagerly.
pub fn alias_bomb(levels: usize) -> String {
    let mut text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n".to_owned();
    for level in 1..levels {
        let prev = format!("*a{}", level - 1);
        let items = [prev.as_str(); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{items}]\n"));
    }
    text
}

/// One token as bytes: from the table, invalid UTF-8, or generated.
pub fn token(rng: &mut Rng) -> Vec<u8> {
    match rng.below(20) {
        0 => rng.pick(INVALID_UTF8).to_vec(),
        1 => generated_token(rng),
        _ => rng.pick(TOKENS).as_bytes().to_vec(),
    }
}

/// A token that fits in a value: no generated monsters, short.
pub fn short_token(rng: &mut Rng) -> String {
    rng.pick(TOKENS).to_string()
}

/// Applies one to four byte-level mutations to `data`; `others` are the other seeds
/// (for splicing).
pub fn bytes(rng: &mut Rng, data: &mut Vec<u8>, others: &[Vec<u8>]) {
    let rounds = if rng.one_in(2) { 1 } else { rng.between(2, 4) };
    for _ in 0..rounds {
        one(rng, data, others);
        if data.len() > MAX_INPUT {
            data.truncate(MAX_INPUT);
        }
    }
}

fn one(rng: &mut Rng, data: &mut Vec<u8>, others: &[Vec<u8>]) {
    let len = data.len();
    match rng.below(16) {
        // flip a bit
        0 if len > 0 => {
            let at = rng.below(len);
            data[at] ^= 1 << rng.below(8);
        }
        // set a byte to one that means something in YAML, CSV or JSON
        1 if len > 0 => {
            let at = rng.below(len);
            data[at] = *rng.pick(b"\0\n\r\t \"',:;-{}[]#&*!|>%@`\\0179.\x7f\x80\xff");
        }
        // insert random bytes
        2 => {
            let at = rng.below(len + 1);
            let count = rng.small_len(32);
            let insert: Vec<u8> = (0..count).map(|_| rng.next_u64() as u8).collect();
            data.splice(at..at, insert);
        }
        // delete a slice
        3 if len > 0 => {
            let at = rng.below(len);
            let count = rng.small_len(len - at);
            data.drain(at..at + count);
        }
        // duplicate a slice somewhere
        4 if len > 0 => {
            let at = rng.below(len);
            let count = rng.small_len(len - at);
            let slice = data[at..at + count].to_vec();
            let to = rng.below(len + 1);
            data.splice(to..to, slice);
        }
        // overwrite a slice with another part of the input
        5 if len > 1 => {
            let from = rng.below(len);
            let count = rng.small_len(len - from);
            let slice = data[from..from + count].to_vec();
            let to = rng.below(len - count + 1);
            data[to..to + count].copy_from_slice(&slice);
        }
        // insert a token
        6 | 7 => {
            let at = boundary(rng, data);
            data.splice(at..at, token(rng));
        }
        // replace a number, date or word with a token
        8..=10 => replace_word(rng, data),
        // line-level: duplicate, delete, swap, indent, dedent
        11 | 12 => lines(rng, data),
        // splice with another seed
        13 if !others.is_empty() => {
            let other = rng.pick(others);
            let cut_here = boundary(rng, data);
            let cut_there = rng.below(other.len() + 1);
            data.truncate(cut_here);
            data.extend_from_slice(&other[cut_there..]);
        }
        // truncate
        14 if len > 0 => {
            let at = rng.below(len);
            data.truncate(at);
        }
        // repeat the whole input (many rows, many keys)
        15 if len < MAX_INPUT / 8 => {
            let copy = data.clone();
            for _ in 0..rng.between(1, 7) {
                data.extend_from_slice(&copy);
            }
        }
        _ => {
            let at = rng.below(len + 1);
            data.splice(at..at, token(rng));
        }
    }
}

/// A position, usually at the start or end of a word or line rather than inside one.
fn boundary(rng: &mut Rng, data: &[u8]) -> usize {
    let at = rng.below(data.len() + 1);
    if rng.one_in(3) {
        return at;
    }
    let mut i = at;
    while i < data.len() && data[i].is_ascii_alphanumeric() {
        i += 1;
    }
    i
}

/// Replaces a run of digits (with `-`, `.`, `:`) or letters with a token.
fn replace_word(rng: &mut Rng, data: &mut Vec<u8>) {
    if data.is_empty() {
        return;
    }
    let start_at = rng.below(data.len());
    let digits = rng.one_in(2);
    let is_part = |b: u8| {
        if digits {
            b.is_ascii_digit() || b == b'-' || b == b'.' || b == b':'
        } else {
            b.is_ascii_alphanumeric() || b == b'_'
        }
    };
    let Some(start) = (start_at..data.len())
        .chain(0..start_at)
        .find(|&i| is_part(data[i]))
    else {
        return;
    };
    let mut end = start;
    while end < data.len() && is_part(data[end]) {
        end += 1;
    }
    let mut begin = start;
    while begin > 0 && is_part(data[begin - 1]) {
        begin -= 1;
    }
    data.splice(begin..end, token(rng));
}

fn lines(rng: &mut Rng, data: &mut Vec<u8>) {
    let mut lines: Vec<Vec<u8>> = data
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    if lines.is_empty() {
        return;
    }
    let at = rng.below(lines.len());
    match rng.below(6) {
        0 => {
            let copy = lines[at].clone();
            let to = rng.below(lines.len() + 1);
            lines.insert(to, copy);
        }
        1 => {
            lines.remove(at);
        }
        2 => {
            let other = rng.below(lines.len());
            lines.swap(at, other);
        }
        3 => {
            let indent = *rng.pick(&[" ", "  ", "\t", "    ", "- "]);
            lines[at].splice(0..0, indent.bytes());
        }
        4 => {
            let spaces = lines[at].iter().take_while(|b| **b == b' ').count();
            let remove = rng.between(0, spaces);
            lines[at].drain(..remove);
        }
        _ => {
            // the line's end: CRLF, none, or a lone CR
            let line = &mut lines[at];
            if line.last() == Some(&b'\n') {
                line.pop();
                match rng.below(3) {
                    0 => line.extend_from_slice(b"\r\n"),
                    1 => line.push(b'\r'),
                    _ => {}
                }
            }
        }
    }
    *data = lines.concat();
}
