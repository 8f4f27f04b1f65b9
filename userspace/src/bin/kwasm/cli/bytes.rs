//! Map keys and values on the command line. In: `hex:0a000001` (spaces allowed), typed
//! little-endian integers `u32:5`, `i64:-1`, `u16:1,2,3` (a list fills an array), or a bare
//! integer the size of the key or value. Out: hex (`0a000001`), or typed with `--key-type` /
//! `--value-type`.

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Hex,
    U8,
    U16,
    U32,
    U64,
    I8,
    I16,
    I32,
    I64,
}

impl Format {
    fn from_prefix(p: &str) -> Option<Format> {
        Format::value_variants()
            .iter()
            .copied()
            .find(|f| f.to_possible_value().is_some_and(|v| v.get_name() == p))
    }

    /// Bytes of one integer (0 for hex).
    fn width(self) -> usize {
        match self {
            Format::Hex => 0,
            Format::U8 | Format::I8 => 1,
            Format::U16 | Format::I16 => 2,
            Format::U32 | Format::I32 => 4,
            Format::U64 | Format::I64 => 8,
        }
    }

    fn signed(self) -> bool {
        matches!(self, Format::I8 | Format::I16 | Format::I32 | Format::I64)
    }

    /// The integer format of `width` bytes, if there is one.
    fn int(width: usize, signed: bool) -> Option<Format> {
        Format::value_variants()
            .iter()
            .copied()
            .find(|f| f.width() == width && f.signed() == signed && *f != Format::Hex)
    }
}

/// Parses a key or value that must have exactly `size` bytes.
pub fn parse(s: &str, size: usize) -> Result<Vec<u8>, String> {
    let bytes = match s.split_once(':') {
        Some(("hex", hex)) => parse_hex(hex)?,
        Some((prefix, ints)) => {
            let f = Format::from_prefix(prefix)
                .ok_or_else(|| format!("unknown type {prefix:?} (hex, u8..u64, i8..i64)"))?;
            parse_ints(ints, f)?
        }
        None => parse_bare(s, size)?,
    };
    if bytes.len() != size {
        return Err(format!("{s:?} is {} bytes, {size} needed", bytes.len()));
    }
    Ok(bytes)
}

/// A bare integer, as wide as the key or value.
fn parse_bare(s: &str, size: usize) -> Result<Vec<u8>, String> {
    let f = Format::int(size, s.starts_with('-'))
        .ok_or_else(|| format!("{s:?}: give a type for {size} bytes (hex:..., u32:..., ...)"))?;
    parse_ints(s, f)
}

/// Comma-separated integers of format `f`, little-endian, one after the other.
fn parse_ints(s: &str, f: Format) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for part in s.split(',') {
        let v = parse_int(part.trim())?;
        let bits = 8 * f.width() as u32;
        let (min, max) = if f.signed() {
            (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
        } else {
            (0, (1i128 << bits) - 1)
        };
        if v < min || v > max {
            return Err(format!("{part:?} does not fit {f:?}").to_lowercase());
        }
        out.extend_from_slice(&v.to_le_bytes()[..f.width()]);
    }
    Ok(out)
}

fn parse_int(s: &str) -> Result<i128, String> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    let v = match digits.strip_prefix("0x") {
        Some(hex) => i128::from_str_radix(hex, 16),
        None => digits.parse::<i128>(),
    }
    .map_err(|_| format!("{s:?} is not an integer"))?;
    Ok(if neg { -v } else { v })
}

/// Hex bytes, optionally spaced or with a `0x` / `hex:` prefix: `4500001c`, `45 00 00 1c`.
pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let s = s
        .strip_prefix("hex:")
        .or_else(|| s.strip_prefix("0x"))
        .unwrap_or(s);
    let digits: Vec<u8> = s
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'_' | b':'))
        .collect();
    if !digits.len().is_multiple_of(2) {
        return Err("odd number of hex digits".into());
    }
    digits
        .chunks(2)
        .map(|pair| {
            let pair = std::str::from_utf8(pair).map_err(|_| "not hex".to_string())?;
            u8::from_str_radix(pair, 16).map_err(|_| format!("{pair:?} is not a hex byte"))
        })
        .collect()
}

/// `bytes` as integers of format `f` (`None` for hex, or a length it does not divide).
fn ints(bytes: &[u8], f: Format) -> Option<Vec<i128>> {
    let w = f.width();
    if w == 0 || bytes.is_empty() || !bytes.len().is_multiple_of(w) {
        return None;
    }
    let decode = |c: &[u8]| {
        let mut b = [0u8; 16];
        b[..w].copy_from_slice(c);
        let v = i128::from_le_bytes(b);
        let shift = 128 - 8 * w as u32;
        // Sign-extend signed formats from their top bit.
        if f.signed() {
            (v << shift) >> shift
        } else {
            v
        }
    };
    Some(bytes.chunks(w).map(decode).collect())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Text: hex, one integer, or a bracketed list of them.
pub fn format(bytes: &[u8], f: Format) -> String {
    match ints(bytes, f) {
        Some(v) if v.len() == 1 => v[0].to_string(),
        Some(v) => {
            let v: Vec<String> = v.iter().map(i128::to_string).collect();
            format!("[{}]", v.join(", "))
        }
        None => hex(bytes),
    }
}

/// JSON: a hex string, a number, or an array of numbers.
pub fn to_json(bytes: &[u8], f: Format) -> serde_json::Value {
    let num = |v: i128| {
        i64::try_from(v)
            .map(serde_json::Value::from)
            .unwrap_or_else(|_| serde_json::Value::from(v as u64))
    };
    match ints(bytes, f) {
        Some(v) if v.len() == 1 => num(v[0]),
        Some(v) => v.into_iter().map(num).collect(),
        None => hex(bytes).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_parse_from_hex_typed_and_bare() {
        assert_eq!(parse("hex:0a000001", 4), Ok(vec![10, 0, 0, 1]));
        assert_eq!(parse("hex:0a 00 00 01", 4), Ok(vec![10, 0, 0, 1]));
        assert_eq!(parse("u32:5", 4), Ok(vec![5, 0, 0, 0]));
        assert_eq!(parse("i64:-1", 8), Ok(vec![0xff; 8]));
        assert_eq!(parse("u16:1,2", 4), Ok(vec![1, 0, 2, 0]));
        assert_eq!(parse("u32:0x0a000001", 4), Ok(vec![1, 0, 0, 10]));
        assert_eq!(parse("7", 8), Ok(vec![7, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(parse("-2", 2), Ok(vec![0xfe, 0xff]));
        assert_eq!(parse("u8:255", 1), Ok(vec![255]));
    }

    #[test]
    fn bad_keys_say_why() {
        assert!(parse("u32:5", 8).unwrap_err().contains("4 bytes, 8 needed"));
        assert!(parse("u8:256", 1).unwrap_err().contains("does not fit"));
        assert!(parse("i8:-129", 1).is_err());
        assert!(parse("u32:-1", 4).is_err());
        assert!(parse("f32:1", 4).unwrap_err().contains("unknown type"));
        assert!(parse("5", 3).unwrap_err().contains("give a type"));
        assert!(parse("hex:abc", 2).is_err());
        assert!(parse("u32:x", 4).is_err());
    }

    #[test]
    fn values_format_as_hex_or_typed() {
        let b = [1u8, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(format(&b, Format::Hex), "01000000ffffffff");
        assert_eq!(format(&b, Format::U64), "18446744069414584321");
        assert_eq!(format(&b, Format::I32), "[1, -1]");
        assert_eq!(format(&b, Format::U32), "[1, 4294967295]");
        assert_eq!(
            format(&b[..3], Format::U16),
            "010000",
            "not a multiple: hex"
        );
        assert_eq!(to_json(&b, Format::Hex), json!("01000000ffffffff"));
        assert_eq!(to_json(&b, Format::I32), json!([1, -1]));
        assert_eq!(to_json(&[0xff; 8], Format::U64), json!(u64::MAX));
        assert_eq!(to_json(&[5, 0], Format::U16), json!(5));
    }

    #[test]
    fn what_is_formatted_parses_back() {
        for (bytes, f) in [
            (vec![1u8, 2, 3, 4], Format::Hex),
            (vec![0xfe, 0xff, 0xff, 0xff], Format::I32),
            (vec![1, 0, 2, 0], Format::U16),
        ] {
            let text = format(&bytes, f);
            let typed = match f {
                Format::Hex => format!("hex:{text}"),
                _ => format!(
                    "{}:{}",
                    f.to_possible_value().unwrap().get_name(),
                    text.trim_matches(['[', ']']).replace(' ', "")
                ),
            };
            assert_eq!(parse(&typed, bytes.len()), Ok(bytes), "{typed}");
        }
    }
}
