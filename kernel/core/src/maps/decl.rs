//! The maps a program declares: its `hooks::map::MAPS_SECTION` custom section, a sequence of
//! 48-byte `MapDecl` records. Parsed in the kernel from untrusted bytes, so every rule the
//! kernel relies on later (unique names and ids, known types, zero reserved fields) is checked
//! here, with an error that names the record for the load log.

use core::fmt;

use super::super::errno::EINVAL;
use super::super::hooks::map::{
    limits, map_id, MapDecl, MAP_DECL_SIZE, MAP_NAME_LEN, MAP_TYPE_COUNT,
};

/// Why a maps section was refused (`errno()`: `EINVAL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclError {
    /// The section is not a whole number of records.
    Length { len: usize },
    /// More records than `max` (PROG_MAPS_MAX, or the caller's room).
    TooMany { count: usize, max: usize },
    /// Record `index` has nonzero reserved bytes.
    Reserved {
        index: usize,
        name: [u8; MAP_NAME_LEN],
    },
    /// Record `index` has nonzero flags.
    Flags {
        index: usize,
        name: [u8; MAP_NAME_LEN],
        flags: u32,
    },
    /// Record `index` has a map type this ABI does not know.
    UnknownType {
        index: usize,
        name: [u8; MAP_NAME_LEN],
        map_type: u32,
    },
    /// Record `index` has an empty name or bytes after its name's NUL.
    Name {
        index: usize,
        name: [u8; MAP_NAME_LEN],
    },
    /// Record `index` has the name of record `first`.
    DuplicateName {
        index: usize,
        first: usize,
        name: [u8; MAP_NAME_LEN],
    },
    /// Record `index`'s map id (hash of its name) equals record `first`'s.
    DuplicateId {
        index: usize,
        first: usize,
        name: [u8; MAP_NAME_LEN],
    },
}

impl DeclError {
    pub fn errno(&self) -> i32 {
        EINVAL
    }
}

/// A record's name as the log shows it: up to the first NUL, escaped.
struct Name<'n>(&'n [u8; MAP_NAME_LEN]);

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let end = self.0.iter().position(|&b| b == 0).unwrap_or(MAP_NAME_LEN);
        let shown = self.0.get(..end).unwrap_or(&[]);
        write!(f, "\"{}\"", shown.escape_ascii())
    }
}

impl fmt::Display for DeclError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = "kwasm.maps section";
        match *self {
            DeclError::Length { len } => write!(
                f,
                "{s}: {len} bytes is not a whole number of {MAP_DECL_SIZE}-byte map records"
            ),
            DeclError::TooMany { count, max } => {
                write!(f, "{s}: {count} maps declared, at most {max} allowed")
            }
            DeclError::Reserved { index, ref name } => {
                write!(
                    f,
                    "{s}: map {index} {}: reserved bytes are not zero",
                    Name(name)
                )
            }
            DeclError::Flags {
                index,
                ref name,
                flags,
            } => {
                write!(
                    f,
                    "{s}: map {index} {}: flags {flags:#x} must be zero",
                    Name(name)
                )
            }
            DeclError::UnknownType {
                index,
                ref name,
                map_type,
            } => {
                write!(
                    f,
                    "{s}: map {index} {}: unknown map type {map_type}",
                    Name(name)
                )
            }
            DeclError::Name { index, ref name } => write!(
                f,
                "{s}: map {index} {}: name is empty or not NUL-padded",
                Name(name)
            ),
            DeclError::DuplicateName {
                index,
                first,
                ref name,
            } => write!(
                f,
                "{s}: map {index} {}: same name as map {first}",
                Name(name)
            ),
            DeclError::DuplicateId {
                index,
                first,
                ref name,
            } => write!(
                f,
                "{s}: map {index} {}: its map id equals map {first}'s (rename one)",
                Name(name)
            ),
        }
    }
}

/// The map declarations of a program, written to `out`; returns how many.
pub fn parse_decls(section: &[u8], out: &mut [MapDecl]) -> Result<usize, DeclError> {
    if !section.len().is_multiple_of(MAP_DECL_SIZE) {
        return Err(DeclError::Length { len: section.len() });
    }
    let count = section.len() / MAP_DECL_SIZE;
    let max = out.len().min(limits::PROG_MAPS_MAX as usize);
    if count > max {
        return Err(DeclError::TooMany { count, max });
    }
    // Indexed, not zipped: the zip of a `ChunksExact` inlines a panic path that objtool flags
    // in the kernel build.
    for index in 0..count {
        let at = index * MAP_DECL_SIZE;
        let record = section.get(at..at + MAP_DECL_SIZE).unwrap_or(&[]);
        if let Some(slot) = out.get_mut(index) {
            *slot = parse_record(index, record)?;
        }
    }
    let decls = out.get(..count).unwrap_or(&[]);
    check_unique(decls)?;
    Ok(count)
}

fn parse_record(index: usize, record: &[u8]) -> Result<MapDecl, DeclError> {
    let bytes: &[u8; MAP_DECL_SIZE] = record
        .try_into()
        .map_err(|_| DeclError::Length { len: record.len() })?;
    let mut name = [0u8; MAP_NAME_LEN];
    name.copy_from_slice(&bytes[..MAP_NAME_LEN]);
    let decl = MapDecl::from_bytes(bytes).ok_or(DeclError::Reserved { index, name })?;
    if decl.flags != 0 {
        let flags = decl.flags;
        return Err(DeclError::Flags { index, name, flags });
    }
    if decl.map_type == 0 || decl.map_type >= MAP_TYPE_COUNT {
        let map_type = decl.map_type;
        return Err(DeclError::UnknownType {
            index,
            name,
            map_type,
        });
    }
    if !name_ok(&name) {
        return Err(DeclError::Name { index, name });
    }
    Ok(decl)
}

/// Not empty, and only NULs after the first NUL (a full 16-byte name has none).
fn name_ok(name: &[u8; MAP_NAME_LEN]) -> bool {
    let end = name.iter().position(|&b| b == 0).unwrap_or(MAP_NAME_LEN);
    end > 0 && name.iter().skip(end).all(|&b| b == 0)
}

/// Names and map ids pairwise distinct (at most PROG_MAPS_MAX records: quadratic is fine).
fn check_unique(decls: &[MapDecl]) -> Result<(), DeclError> {
    for (index, d) in decls.iter().enumerate() {
        for (first, e) in decls.iter().enumerate().take(index) {
            let name = d.name;
            if d.name == e.name {
                return Err(DeclError::DuplicateName { index, first, name });
            }
            if map_id(&d.name) == map_id(&e.name) {
                return Err(DeclError::DuplicateId { index, first, name });
            }
        }
    }
    Ok(())
}

/// The payload of the first custom section named `name` in a wasm binary. Parsed defensively
/// (bounds-checked LEB128 and lengths): `None` on anything malformed.
pub fn custom_section<'w>(wasm: &'w [u8], name: &str) -> Option<&'w [u8]> {
    let mut rest = wasm.strip_prefix(b"\0asm\x01\0\0\0")?;
    while let Some((&id, after_id)) = rest.split_first() {
        let (size, after_size) = leb_u32(after_id)?;
        let payload = after_size.get(..size as usize)?;
        rest = after_size.get(size as usize..)?;
        if id == 0 {
            let (name_len, body) = leb_u32(payload)?;
            let section_name = body.get(..name_len as usize)?;
            if section_name == name.as_bytes() {
                return body.get(name_len as usize..);
            }
        }
    }
    None
}

/// An unsigned LEB128 u32 (at most 5 bytes, no bits beyond 32) and the bytes after it.
fn leb_u32(bytes: &[u8]) -> Option<(u32, &[u8])> {
    let mut value = 0u32;
    for (i, &byte) in bytes.iter().enumerate().take(5) {
        let bits = u32::from(byte & 0x7f);
        if i == 4 && bits > 0x0f {
            return None;
        }
        value |= bits << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, bytes.get(i + 1..)?));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leb_reads_one_to_five_bytes_and_refuses_more() {
        assert_eq!(leb_u32(&[0x05, 9]), Some((5, &[9u8][..])));
        assert_eq!(leb_u32(&[0xe5, 0x8e, 0x26]), Some((624_485, &[][..])));
        assert_eq!(
            leb_u32(&[0xff, 0xff, 0xff, 0xff, 0x0f]),
            Some((u32::MAX, &[][..]))
        );
        assert_eq!(leb_u32(&[0xff, 0xff, 0xff, 0xff, 0x1f]), None);
        assert_eq!(leb_u32(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x00]), None);
        assert_eq!(leb_u32(&[0x80]), None);
        assert_eq!(leb_u32(&[]), None);
    }

    #[test]
    fn names_must_be_non_empty_and_nul_padded() {
        assert!(name_ok(b"a\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"));
        assert!(name_ok(b"0123456789abcdef"));
        assert!(!name_ok(&[0; MAP_NAME_LEN]));
        assert!(!name_ok(b"a\0b\0\0\0\0\0\0\0\0\0\0\0\0\0"));
    }
}
