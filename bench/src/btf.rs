//! Just enough BTF to name kernel functions: the id of a `BTF_KIND_FUNC` by name in the running
//! kernel's `/sys/kernel/btf/vmlinux`, which a kfunc call instruction carries.

/// Bytes of the fixed header before `hdr_len` (magic, version, flags, hdr_len, four offsets).
const HEADER_MIN: usize = 24;
const MAGIC: u16 = 0xeb9f;
const KIND_FUNC: u32 = 12;

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Bytes that follow a type's 12-byte `btf_type` record, by kind (include/uapi/linux/btf.h).
fn trailing(kind: u32, vlen: usize) -> Option<usize> {
    Some(match kind {
        // INT, VAR, DECL_TAG: one u32.
        1 | 14 | 17 => 4,
        // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG: nothing.
        2 | 7..=12 | 16 | 18 => 0,
        // ARRAY: element type, index type, count.
        3 => 12,
        // STRUCT, UNION (members), DATASEC (variables), ENUM64 (values): 12 bytes each.
        4 | 5 | 15 | 19 => 12 * vlen,
        // ENUM (values), FUNC_PROTO (parameters): 8 bytes each.
        6 | 13 => 8 * vlen,
        _ => return None,
    })
}

/// The type id of the function `name` in the BTF blob `btf` (the split-less vmlinux BTF).
pub fn func_id(btf: &[u8], name: &str) -> Result<u32, String> {
    if btf.len() < HEADER_MIN || u16::from_le_bytes([btf[0], btf[1]]) != MAGIC {
        return Err("not BTF (bad magic)".into());
    }
    let bad = || "truncated BTF".to_string();
    let hdr_len = u32_at(btf, 4).ok_or_else(bad)? as usize;
    let type_off = u32_at(btf, 8).ok_or_else(bad)? as usize;
    let type_len = u32_at(btf, 12).ok_or_else(bad)? as usize;
    let str_off = u32_at(btf, 16).ok_or_else(bad)? as usize;
    let str_len = u32_at(btf, 20).ok_or_else(bad)? as usize;
    let types = btf
        .get(hdr_len + type_off..hdr_len + type_off + type_len)
        .ok_or_else(bad)?;
    let strings = btf
        .get(hdr_len + str_off..hdr_len + str_off + str_len)
        .ok_or_else(bad)?;
    let name_at = |off: usize| -> &[u8] {
        let s = strings.get(off..).unwrap_or_default();
        &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())]
    };
    let mut at = 0;
    let mut id = 1;
    while at + 12 <= types.len() {
        let name_off = u32_at(types, at).ok_or_else(bad)? as usize;
        let info = u32_at(types, at + 4).ok_or_else(bad)?;
        let kind = (info >> 24) & 0x1f;
        let vlen = (info & 0xffff) as usize;
        if kind == KIND_FUNC && name_at(name_off) == name.as_bytes() {
            return Ok(id);
        }
        at += 12 + trailing(kind, vlen).ok_or_else(|| format!("BTF kind {kind} unknown"))?;
        id += 1;
    }
    Err(format!("no function {name} in the kernel's BTF"))
}

/// A BTF blob describing `struct { struct bpf_spin_lock lock; int n; }` (8 bytes) and `int`, for
/// an array map whose values hold a `bpf_spin_lock` (the verifier finds the lock through the
/// map's BTF). Returns the blob, the key's type id (`int`) and the value's.
pub fn spin_lock_value() -> (Vec<u8>, u32, u32) {
    let strings = b"\0int\0bpf_spin_lock\0val\0op_locked\0lock\0n\0";
    let name = |s: &str| {
        let at = strings
            .windows(s.len() + 2)
            .position(|w| w[0] == 0 && &w[1..=s.len()] == s.as_bytes() && w[s.len() + 1] == 0)
            .expect("a name of the table");
        at as u32 + 1
    };
    const KIND_INT: u32 = 1;
    const KIND_STRUCT: u32 = 4;
    const INT_SIGNED: u32 = 1 << 24;
    let records: [&[u32]; 3] = [
        // [1] int: 4 bytes, 32 bits at offset 0, signed
        &[name("int"), KIND_INT << 24, 4, INT_SIGNED | 32],
        // [2] struct bpf_spin_lock { int val; }: members are (name, type, bit offset)
        &[
            name("bpf_spin_lock"),
            (KIND_STRUCT << 24) | 1,
            4,
            name("val"),
            1,
            0,
        ],
        // [3] struct op_locked { struct bpf_spin_lock lock; int n; }
        &[
            name("op_locked"),
            (KIND_STRUCT << 24) | 2,
            8,
            name("lock"),
            2,
            0,
            name("n"),
            1,
            32,
        ],
    ];
    let types: Vec<u8> = records
        .iter()
        .flat_map(|r| r.iter().flat_map(|w| w.to_le_bytes()))
        .collect();
    let mut b = Vec::new();
    b.extend_from_slice(&MAGIC.to_le_bytes());
    // version 1, flags 0
    b.extend_from_slice(&[1, 0]);
    let header = [
        HEADER_MIN as u32,
        0,
        types.len() as u32,
        types.len() as u32,
        strings.len() as u32,
    ];
    b.extend(header.iter().flat_map(|w| w.to_le_bytes()));
    b.extend_from_slice(&types);
    b.extend_from_slice(strings);
    (b, 1, 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A blob with an INT, a FUNC_PROTO of one parameter, an anonymous FUNC and a FUNC "f".
    fn blob() -> Vec<u8> {
        let strings = b"\0int\0f\0";
        let records: [&[u32]; 4] = [
            // [1] INT "int": name, info, size, then its encoding (32 bits)
            &[1, 1 << 24, 4, 32],
            // [2] FUNC_PROTO returning [1] with one parameter (name, type)
            &[0, (13 << 24) | 1, 1, 0, 1],
            // [3] a FUNC without a name, [4] the FUNC "f"
            &[0, 12 << 24, 2],
            &[5, 12 << 24, 2],
        ];
        let types: Vec<u8> = records
            .iter()
            .flat_map(|r| r.iter().flat_map(|w| w.to_le_bytes()))
            .collect();
        let mut b = Vec::new();
        b.extend_from_slice(&MAGIC.to_le_bytes());
        b.extend_from_slice(&[1, 0]);
        let header = [
            24u32,
            0,
            types.len() as u32,
            types.len() as u32,
            strings.len() as u32,
        ];
        b.extend(header.iter().flat_map(|w| w.to_le_bytes()));
        b.extend_from_slice(&types);
        b.extend_from_slice(strings);
        b
    }

    #[test]
    fn the_spin_lock_blob_parses() {
        let (b, key, value) = spin_lock_value();
        assert_eq!((key, value), (1, 3));
        // It walks (no function in it): every record's length is right.
        assert_eq!(
            func_id(&b, "x"),
            Err("no function x in the kernel's BTF".to_string())
        );
    }

    #[test]
    fn finds_functions_by_name_after_other_kinds() {
        assert_eq!(func_id(&blob(), "f"), Ok(4));
        assert!(func_id(&blob(), "int").is_err(), "an INT is not a function");
        assert!(func_id(&blob(), "g").is_err());
        assert!(func_id(&blob()[..30], "f").is_err());
    }
}
