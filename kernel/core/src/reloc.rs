//! Applying an artifact's relocations: patching each `rel32` call or jump field with the
//! distance to the address the platform resolved for it (host function, helper,
//! indirect-branch thunk, return thunk).

use super::hooks::artifact::{Reloc, RELOC_TYPE_ID};

/// Why a relocation could not be applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelocError {
    /// The platform has nothing for this relocation (unknown helper, unresolved import).
    Unresolved(Reloc),
    /// The target is more than 2 GiB away from the call site.
    OutOfRange(Reloc),
    /// The patch site lies outside the code (only possible with an unvalidated artifact).
    BadSite(Reloc),
}

/// Patches every relocation in `code`, which will run at address `base`.
pub fn apply(
    code: &mut [u8],
    base: u64,
    relocs: impl Iterator<Item = Reloc>,
    mut resolve: impl FnMut(&Reloc) -> Option<u64>,
) -> Result<(), RelocError> {
    for r in relocs {
        let site = r.offset as usize;
        let field = code
            .get_mut(site..site.wrapping_add(4))
            .ok_or(RelocError::BadSite(r))?;
        let target = resolve(&r).ok_or(RelocError::Unresolved(r))?;
        let value = if r.kind == RELOC_TYPE_ID {
            // An immediate compared as a sign-extended imm32: keep it positive.
            i32::try_from(target).map_err(|_| RelocError::OutOfRange(r))?
        } else {
            let next = base.wrapping_add(site as u64 + 4);
            i32::try_from(target.wrapping_sub(next) as i64)
                .map_err(|_| RelocError::OutOfRange(r))?
        };
        field.copy_from_slice(&value.to_le_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hooks::artifact::{RELOC_CALL_HELPER, RELOC_CALL_IMPORT};

    #[test]
    fn patches_rel32_relative_to_the_next_instruction() {
        let mut code = [0xe8, 0, 0, 0, 0, 0xc3];
        let r = Reloc {
            offset: 1,
            kind: RELOC_CALL_IMPORT,
            target: 0,
        };
        apply(&mut code, 0x1000, [r].into_iter(), |_| Some(0x1000 + 0x40)).unwrap();
        assert_eq!(i32::from_le_bytes(code[1..5].try_into().unwrap()), 0x40 - 5);
        apply(&mut code, 0x1000, [r].into_iter(), |_| Some(0x800)).unwrap();
        assert_eq!(
            i32::from_le_bytes(code[1..5].try_into().unwrap()),
            0x800 - 0x1005
        );
    }

    #[test]
    fn return_thunk_jumps_are_patched_like_calls() {
        use crate::hooks::artifact::RELOC_RETURN_THUNK;
        let mut code = [0xe9, 0, 0, 0, 0, 0xcc];
        let r = Reloc {
            offset: 1,
            kind: RELOC_RETURN_THUNK,
            target: 0,
        };
        apply(&mut code, 0x1000, [r].into_iter(), |_| Some(0x2000)).unwrap();
        assert_eq!(
            i32::from_le_bytes(code[1..5].try_into().unwrap()),
            0x2000 - 0x1005
        );
    }

    #[test]
    fn type_ids_are_written_as_absolute_values() {
        let mut code = [0u8; 8];
        let r = Reloc {
            offset: 4,
            kind: RELOC_TYPE_ID,
            target: 1,
        };
        apply(&mut code, 0x1000, [r].into_iter(), |_| Some(77)).unwrap();
        assert_eq!(i32::from_le_bytes(code[4..8].try_into().unwrap()), 77);
        assert_eq!(
            apply(&mut code, 0, [r].into_iter(), |_| Some(1 << 31)),
            Err(RelocError::OutOfRange(r))
        );
    }

    #[test]
    fn refuses_unresolved_far_and_bad_sites() {
        let mut code = [0u8; 8];
        let r = Reloc {
            offset: 2,
            kind: RELOC_CALL_HELPER,
            target: 9,
        };
        assert_eq!(
            apply(&mut code, 0, [r].into_iter(), |_| None),
            Err(RelocError::Unresolved(r))
        );
        assert_eq!(
            apply(&mut code, 0, [r].into_iter(), |_| Some(1 << 40)),
            Err(RelocError::OutOfRange(r))
        );
        let bad = Reloc { offset: 6, ..r };
        assert_eq!(
            apply(&mut code, 0, [bad].into_iter(), |_| Some(0)),
            Err(RelocError::BadSite(bad))
        );
        assert_eq!(
            code, [0u8; 8],
            "nothing written on failure of the first relocation"
        );
    }
}
