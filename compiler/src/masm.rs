//! The macro assembler: x86-64 emission through dynasm, plus what the artifact needs to know
//! about the code (relocations, patch sites). The function compiler speaks in these operations
//! and in short `dynasm!` blocks for the instruction groups in `ops/`.

use crate::asm::{Assembler, Label};
use crate::error::{CompileError, Result};
use crate::module::Ty;
use crate::prelude::*;
use crate::regalloc::{FUEL_REG, R11};
use dynasm::dynasm;
use kwasm_hooks::artifact::{
    Reloc, RELOC_CALL_HELPER, RELOC_CALL_IMPORT, RELOC_INDIRECT_THUNK, RELOC_RETURN_THUNK,
    RELOC_TYPE_ID,
};
use kwasm_hooks::vmctx::{VMCTX_FUEL, VMCTX_MEMORY_BASE, VMCTX_MEMORY_SIZE};

/// `endbr64`: every function entry and indirect-branch target starts with it (IBT).
pub const ENDBR64: [u8; 4] = [0xf3, 0x0f, 0x1e, 0xfa];

/// A memory operand relative to a fixed register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mem {
    /// `[rbp + disp]`: locals, parameters and operand-stack slots.
    Rbp(i32),
    /// `[rsp + disp]`: the outgoing call area.
    Rsp(i32),
}

pub struct Masm {
    pub ops: Assembler,
    pub relocs: Vec<Reloc>,
    /// `ret` is a `jmp` to the return thunk (`Options::return_thunk`).
    pub return_thunk: bool,
    /// The running fuel lives in [`FUEL_REG`] while wasm code runs (fuel mode): written back
    /// to `vmctx.fuel` before anything outside the generated code reads or changes it (host
    /// and helper calls, the exit) and loaded again after.
    pub fuel_reg: bool,
    /// Bounds checks clamp the address on their failing path, so that a mispredicted check
    /// cannot reach outside the memory (Spectre v1). Off only in benchmark builds
    /// (`Unchecked::spectre`).
    pub spectre_clamps: bool,
}

impl Masm {
    /// A macro assembler whose code may not grow past `max_code_bytes`.
    pub fn new(max_code_bytes: usize) -> Self {
        Self {
            ops: Assembler::new(max_code_bytes),
            relocs: Vec::new(),
            return_thunk: false,
            fuel_reg: false,
            spectre_clamps: true,
        }
    }

    /// After a bounds check's `cmp r10, end` (flags intact): `dst = src` on its failing path
    /// (`cmovb`), unless a benchmark build leaves the clamps out.
    pub fn clamp(&mut self, dst: u8, src: u8) {
        if self.spectre_clamps {
            dynasm!(self.ops ; .arch x64 ; cmovb Rq(dst), Rq(src));
        }
    }

    /// The same with a constant, through r11 (a plain `mov`: the flags survive).
    pub fn clamp_imm(&mut self, dst: u8, value: i64) {
        if !self.spectre_clamps {
            return;
        }
        if value == 0 {
            dynasm!(self.ops ; .arch x64 ; mov r11d, 0);
        } else if let Ok(imm) = i32::try_from(value) {
            dynasm!(self.ops ; .arch x64 ; mov r11, imm);
        } else {
            dynasm!(self.ops ; .arch x64 ; mov r11, QWORD value);
        }
        dynasm!(self.ops ; .arch x64 ; cmovb Rq(dst), r11);
    }

    /// Whether the code can still be emitted in full: an error (at byte `offset` of the module)
    /// once the code size budget was exceeded or the buffer could not grow.
    pub fn check_budget(&self, offset: u64) -> Result<()> {
        match self.ops.failed() {
            None => Ok(()),
            Some(e) => Err(CompileError::new(offset, e.to_string()).with_kind(e.kind())),
        }
    }

    /// True once the code size budget is exceeded: loops that emit per branch target or per
    /// value stop early (the error is reported after the operator).
    pub fn over_budget(&self) -> bool {
        self.ops.failed().is_some()
    }

    pub fn offset(&self) -> usize {
        self.ops.offset()
    }

    pub fn label(&mut self) -> Label {
        self.ops.new_label()
    }

    pub fn bind(&mut self, label: Label) {
        dynasm!(self.ops ; =>label);
    }

    pub fn endbr(&mut self) {
        self.ops.extend(ENDBR64);
    }

    pub fn align(&mut self, to: usize) {
        self.ops.align(to, 0xcc);
    }

    /// Drops the code from offset `to` on, to replace the last instruction by a better one;
    /// false (changing nothing) if a label was bound or a relocation of either kind (the
    /// assembler's label fields, this type's call, type-id and thunk relocations) recorded at
    /// or past `to`.
    pub fn rewind(&mut self, to: usize) -> bool {
        if self.relocs.last().is_some_and(|r| r.offset as usize >= to) {
            return false;
        }
        self.ops.rewind(to)
    }

    /// Pads to a multiple of `to` (at most 16) with the recommended multi-byte `nop`s (Intel
    /// SDM, NOP), for code that runs through the padding: a loop header at the start of a
    /// fetch block, so that where a loop falls does not change how fast it runs.
    pub fn align_with_nops(&mut self, to: usize) {
        const NOPS: [&[u8]; 9] = [
            &[0x90],
            &[0x66, 0x90],
            &[0x0f, 0x1f, 0x00],
            &[0x0f, 0x1f, 0x40, 0x00],
            &[0x0f, 0x1f, 0x44, 0x00, 0x00],
            &[0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
            &[0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
            &[0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
            &[0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
        ];
        let mut pad = (to - self.offset() % to) % to;
        while pad > 0 {
            let n = pad.min(NOPS.len());
            self.ops.extend(NOPS[n - 1]);
            pad -= n;
        }
    }

    /// `ret`, or with `return_thunk` a `jmp rel32` to the return thunk; then `int3` (no
    /// straight-line speculation past it).
    pub fn ret(&mut self) {
        if self.return_thunk {
            self.ops.extend([0xe9, 0, 0, 0, 0]);
            let offset = (self.offset() - 4) as u32;
            self.relocs.push(Reloc {
                offset,
                kind: RELOC_RETURN_THUNK,
                target: 0,
            });
        } else {
            self.ops.push(0xc3);
        }
        self.ops.push(0xcc);
    }

    /// `call rel32` to be patched by the loader; `kind`/`target` as in the artifact.
    fn call_reloc(&mut self, kind: u32, target: u32) {
        self.ops.extend([0xe8, 0, 0, 0, 0]);
        let offset = (self.offset() - 4) as u32;
        self.relocs.push(Reloc {
            offset,
            kind,
            target,
        });
    }

    /// Marks the imm32 that ends the last instruction as the runtime id of type `type_index`.
    pub fn type_id_reloc(&mut self, type_index: u32) {
        let offset = (self.offset() - 4) as u32;
        self.relocs.push(Reloc {
            offset,
            kind: RELOC_TYPE_ID,
            target: type_index,
        });
    }

    pub fn call_import(&mut self, import: u32) {
        self.call_reloc(RELOC_CALL_IMPORT, import);
    }

    pub fn call_helper(&mut self, helper: u32) {
        self.call_reloc(RELOC_CALL_HELPER, helper);
    }

    /// Indirect call through r11, via the platform's thunk (retpoline in the kernel).
    pub fn call_r11(&mut self) {
        self.call_reloc(RELOC_INDIRECT_THUNK, u32::from(R11));
    }

    /// Indirect jump through r11: a `jmp rel32` to the platform's thunk (which jumps to r11).
    pub fn jmp_r11(&mut self) {
        self.ops.extend([0xe9, 0, 0, 0, 0]);
        let offset = (self.offset() - 4) as u32;
        self.relocs.push(Reloc {
            offset,
            kind: RELOC_INDIRECT_THUNK,
            target: u32::from(R11),
        });
    }

    /// Subtracts `n` from the fuel: `sub r13, n` with [`Masm::fuel_reg`], else
    /// `sub QWORD [r15 + VMCTX_FUEL], n`, in their short forms (imm8 when `n` fits and `imm32`
    /// is false). Returns the offset of the end of the instruction, which is the end of its
    /// immediate (a patch site with `imm32`).
    pub fn sub_fuel(&mut self, n: i32, imm32: bool) -> usize {
        const _: () = assert!(VMCTX_FUEL >= 0 && VMCTX_FUEL <= i8::MAX as i32);
        const _: () = assert!(FUEL_REG == 13);
        if self.fuel_reg {
            // REX.W + REX.B (r13), 83 /5 ib or 81 /5 id, ModRM mod=11 reg=5 rm=5 (r13).
            if !imm32 && i8::try_from(n).is_ok() {
                self.ops.extend([0x49, 0x83, 0xed, n as i8 as u8]);
            } else {
                self.ops.extend([0x49, 0x81, 0xed]);
                self.ops.extend(n.to_le_bytes());
            }
            return self.offset();
        }
        // REX.W + REX.B (r15), 83 /5 ib or 81 /5 id, ModRM mod=01 (disp8) reg=5 rm=7 (r15).
        if !imm32 && i8::try_from(n).is_ok() {
            self.ops
                .extend([0x49, 0x83, 0x6f, VMCTX_FUEL as u8, n as i8 as u8]);
        } else {
            self.ops.extend([0x49, 0x81, 0x6f, VMCTX_FUEL as u8]);
            self.ops.extend(n.to_le_bytes());
        }
        self.offset()
    }

    /// Loads the linear memory's base into r14 and its size in bytes into r10 (the bounds
    /// checks' limit): at entry and after anything that may have grown the memory (a call).
    pub fn load_memory(&mut self) {
        dynasm!(self.ops
            ; .arch x64
            ; mov r14, QWORD [r15 + VMCTX_MEMORY_BASE]
            ; mov r10, QWORD [r15 + VMCTX_MEMORY_SIZE]
        );
    }

    /// Writes the fuel register back to `vmctx.fuel` (with [`Masm::fuel_reg`]).
    pub fn fuel_store(&mut self) {
        if self.fuel_reg {
            dynasm!(self.ops ; .arch x64 ; mov QWORD [r15 + VMCTX_FUEL], r13);
        }
    }

    /// Loads the fuel register from `vmctx.fuel` (with [`Masm::fuel_reg`]).
    pub fn fuel_load(&mut self) {
        if self.fuel_reg {
            dynasm!(self.ops ; .arch x64 ; mov r13, QWORD [r15 + VMCTX_FUEL]);
        }
    }

    pub fn jmp(&mut self, label: Label) {
        dynasm!(self.ops ; .arch x64 ; jmp =>label);
    }

    /// Writes a 32-bit value over the 4 bytes ending at `end` (a patch site).
    pub fn patch_i32(code: &mut [u8], end: usize, value: i32) {
        code[end - 4..end].copy_from_slice(&value.to_le_bytes());
    }

    /// 64-bit load from `mem` into general register `r`.
    pub fn load64(&mut self, r: u8, mem: Mem) {
        match mem {
            Mem::Rbp(d) => dynasm!(self.ops ; .arch x64 ; mov Rq(r), QWORD [rbp + d]),
            Mem::Rsp(d) => dynasm!(self.ops ; .arch x64 ; mov Rq(r), QWORD [rsp + d]),
        }
    }

    pub fn store64(&mut self, mem: Mem, r: u8) {
        match mem {
            Mem::Rbp(d) => dynasm!(self.ops ; .arch x64 ; mov QWORD [rbp + d], Rq(r)),
            Mem::Rsp(d) => dynasm!(self.ops ; .arch x64 ; mov QWORD [rsp + d], Rq(r)),
        }
    }

    /// Loads a value of type `ty` (i32 zero-extended into the register).
    pub fn load_gpr(&mut self, ty: Ty, r: u8, mem: Mem) {
        match (ty, mem) {
            (Ty::I32, Mem::Rbp(d)) => dynasm!(self.ops ; .arch x64 ; mov Rd(r), DWORD [rbp + d]),
            (Ty::I32, Mem::Rsp(d)) => dynasm!(self.ops ; .arch x64 ; mov Rd(r), DWORD [rsp + d]),
            _ => self.load64(r, mem),
        }
    }

    pub fn load_xmm(&mut self, ty: Ty, x: u8, mem: Mem) {
        match (ty, mem) {
            (Ty::F32, Mem::Rbp(d)) => dynasm!(self.ops ; .arch x64 ; movss Rx(x), DWORD [rbp + d]),
            (Ty::F32, Mem::Rsp(d)) => dynasm!(self.ops ; .arch x64 ; movss Rx(x), DWORD [rsp + d]),
            (_, Mem::Rbp(d)) => dynasm!(self.ops ; .arch x64 ; movsd Rx(x), QWORD [rbp + d]),
            (_, Mem::Rsp(d)) => dynasm!(self.ops ; .arch x64 ; movsd Rx(x), QWORD [rsp + d]),
        }
    }

    /// Stores all 8 bytes of xmm `x` (slots are 8 bytes whatever the type).
    pub fn store_xmm(&mut self, mem: Mem, x: u8) {
        match mem {
            Mem::Rbp(d) => dynasm!(self.ops ; .arch x64 ; movsd QWORD [rbp + d], Rx(x)),
            Mem::Rsp(d) => dynasm!(self.ops ; .arch x64 ; movsd QWORD [rsp + d], Rx(x)),
        }
    }

    /// Stores a constant (all 8 bytes of the slot).
    pub fn store_const(&mut self, mem: Mem, bits: u64) {
        if bits as i64 == bits as i32 as i64 {
            let imm = bits as i32;
            match mem {
                Mem::Rbp(d) => dynasm!(self.ops ; .arch x64 ; mov QWORD [rbp + d], imm),
                Mem::Rsp(d) => dynasm!(self.ops ; .arch x64 ; mov QWORD [rsp + d], imm),
            }
        } else {
            self.mov_imm(R11, bits);
            self.store64(mem, R11);
        }
    }

    /// Copies 8 bytes from one slot to another through r11.
    pub fn copy_slot(&mut self, dst: Mem, src: Mem) {
        if dst != src {
            self.load64(R11, src);
            self.store64(dst, R11);
        }
    }

    /// `mov r, imm` with the shortest encoding (32-bit moves zero-extend).
    pub fn mov_imm(&mut self, r: u8, bits: u64) {
        if bits == 0 {
            dynasm!(self.ops ; .arch x64 ; xor Rd(r), Rd(r));
        } else if bits <= u64::from(u32::MAX) {
            dynasm!(self.ops ; .arch x64 ; mov Rd(r), bits as u32 as i32);
        } else if bits as i64 == bits as i32 as i64 {
            dynasm!(self.ops ; .arch x64 ; mov Rq(r), bits as i32);
        } else {
            dynasm!(self.ops ; .arch x64 ; mov Rq(r), QWORD bits as i64);
        }
    }

    /// Puts constant bits into xmm `x` (through r11).
    pub fn xmm_imm(&mut self, ty: Ty, x: u8, bits: u64) {
        if bits == 0 {
            dynasm!(self.ops ; .arch x64 ; xorps Rx(x), Rx(x));
            return;
        }
        self.mov_imm(R11, bits);
        if ty == Ty::F32 {
            dynasm!(self.ops ; .arch x64 ; movd Rx(x), Rd(R11));
        } else {
            dynasm!(self.ops ; .arch x64 ; movq Rx(x), Rq(R11));
        }
    }

    /// Loads a value of type `ty` into register `r` of its class (general or XMM).
    pub fn load(&mut self, ty: Ty, r: u8, mem: Mem) {
        if ty.is_float() {
            self.load_xmm(ty, r, mem);
        } else {
            self.load_gpr(ty, r, mem);
        }
    }

    /// Stores all 8 bytes of register `r` of `ty`'s class.
    pub fn store(&mut self, ty: Ty, mem: Mem, r: u8) {
        if ty.is_float() {
            self.store_xmm(mem, r);
        } else {
            self.store64(mem, r);
        }
    }

    /// Copies register `src` to `dst`, both of `ty`'s class.
    pub fn mov(&mut self, ty: Ty, dst: u8, src: u8) {
        if ty.is_float() {
            self.mov_xmm(dst, src);
        } else {
            self.mov_gpr(dst, src);
        }
    }

    /// Puts constant `bits` of type `ty` into register `r` of its class.
    pub fn imm(&mut self, ty: Ty, r: u8, bits: u64) {
        if ty.is_float() {
            self.xmm_imm(ty, r, bits);
        } else {
            self.mov_imm(r, bits);
        }
    }

    pub fn mov_gpr(&mut self, dst: u8, src: u8) {
        if dst != src {
            dynasm!(self.ops ; .arch x64 ; mov Rq(dst), Rq(src));
        }
    }

    pub fn mov_xmm(&mut self, dst: u8, src: u8) {
        if dst != src {
            dynasm!(self.ops ; .arch x64 ; movaps Rx(dst), Rx(src));
        }
    }
}
