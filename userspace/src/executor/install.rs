//! Installing an artifact's code in this process: copied into a fresh mapping with the
//! veneers after it (the indirect-branch and return thunks, a jump per helper, an entry per
//! import into the host dispatcher), relocated for where it landed, then made executable.

use super::code::CodeMemory;
use super::helpers;
use super::instance::InstantiateError;
use kwasm_hooks::artifact::*;
use kwasm_kcore::artifact::Artifact;
use kwasm_kcore::reloc;

/// Veneer area layout after the code: the r11 thunk and the return thunk, one per helper, one
/// per import.
const VENEER_THUNK: usize = 16;
/// Offset of the stand-in return thunk (`ret; int3`) in the thunk veneer.
const RETURN_THUNK_AT: usize = 8;
const VENEER_HELPER: usize = 16;
const VENEER_IMPORT: usize = 32;

fn write_jmp_abs(buf: &mut [u8], target: u64) {
    buf[..6].copy_from_slice(&[0xff, 0x25, 0, 0, 0, 0]); // jmp [rip + 0]
    buf[6..14].copy_from_slice(&target.to_le_bytes());
}

/// Where the veneers go after the code (`VENEER_THUNK` and the others).
struct Veneers {
    imports: usize,
    thunk_at: usize,
    helpers_at: usize,
    imports_at: usize,
    end: usize,
}

impl Veneers {
    fn new(code_len: usize, imports: usize) -> Veneers {
        let thunk_at = code_len.next_multiple_of(16);
        let helpers_at = thunk_at + VENEER_THUNK;
        let imports_at = helpers_at + VENEER_HELPER * HELPER_COUNT as usize;
        let end = imports_at + VENEER_IMPORT * imports;
        Veneers {
            imports,
            thunk_at,
            helpers_at,
            imports_at,
            end,
        }
    }

    fn write(&self, buf: &mut [u8]) {
        // The indirect-branch thunk: `jmp r11`.
        buf[self.thunk_at..self.thunk_at + 3].copy_from_slice(&[0x41, 0xff, 0xe3]);
        // What `RELOC_RETURN_THUNK` jumps to: the kernel's `__x86_return_thunk` stands in for
        // `ret` there; here a `ret` does (the `int3` after it is already in place).
        buf[self.thunk_at + RETURN_THUNK_AT] = 0xc3;
        for h in 0..HELPER_COUNT as usize {
            write_jmp_abs(&mut buf[self.helper(h)..], helpers::address(h as u32));
        }
        let dispatch = helpers::host_dispatch as *const () as usize as u64;
        for i in 0..self.imports {
            let at = self.import(i);
            buf[at] = 0xba; // mov edx, imm32: the import index for the dispatcher
            buf[at + 1..at + 5].copy_from_slice(&(i as u32).to_le_bytes());
            write_jmp_abs(&mut buf[at + 5..], dispatch);
        }
    }

    fn helper(&self, h: usize) -> usize {
        self.helpers_at + VENEER_HELPER * h
    }

    fn import(&self, i: usize) -> usize {
        self.imports_at + VENEER_IMPORT * i
    }
}

/// The artifact's code, its veneers after it, relocated for where it is and executable.
pub(super) fn install_code(
    art: &Artifact<'_>,
    type_ids: &[u32],
) -> Result<CodeMemory, InstantiateError> {
    let code_bytes = art.section(Section::Code);
    let veneers = Veneers::new(code_bytes.len(), art.imports().len());
    let memory_error = |e: std::io::Error| InstantiateError::Memory(e.to_string());
    let mut code = CodeMemory::new(veneers.end).map_err(memory_error)?;
    let base = code.base();
    let buf = code.bytes_mut();
    buf[..code_bytes.len()].copy_from_slice(code_bytes);
    veneers.write(buf);
    let at = |offset: usize| base + offset as u64;
    let target = |r: &Reloc| match r.kind {
        RELOC_CALL_IMPORT => Some(at(veneers.import(r.target as usize))),
        RELOC_CALL_HELPER => Some(at(veneers.helper(r.target as usize))),
        RELOC_INDIRECT_THUNK if r.target == 11 => Some(at(veneers.thunk_at)),
        RELOC_RETURN_THUNK => Some(at(veneers.thunk_at + RETURN_THUNK_AT)),
        RELOC_TYPE_ID => type_ids.get(r.target as usize).map(|&id| u64::from(id)),
        _ => None,
    };
    reloc::apply(
        &mut buf[..code_bytes.len()],
        base,
        art.relocs().iter(),
        target,
    )
    .map_err(|e| InstantiateError::Reloc(format!("{e:?}")))?;
    code.make_executable().map_err(memory_error)?;
    Ok(code)
}
