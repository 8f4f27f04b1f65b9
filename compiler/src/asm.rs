//! The assembling buffer the `dynasm!` macro writes into, in place of the `dynasmrt` runtime
//! crate (which needs `std`).
//!
//! The x64 expansion of `dynasm!` is a sequence of method calls on the ops value: `push*` and
//! `extend` for the instruction bytes, `dynamic_label` to bind a label here, `dynamic_reloc`
//! after an instruction whose trailing field refers to a label, and `align` for the `.align`
//! directive. Only those are implemented: static labels (`name:`, `<name`, `>name`, `->name`)
//! and value relocations are not, so using them in a `dynasm!` block does not compile.
//!
//! Relocations are resolved by [`Assembler::finalize`]. The macro encodes each one as:
//! `field_offset` = bytes from the end of the field to the current offset (the reloc call comes
//! right after the instruction), `ref_offset` = bytes from the address the value is relative to
//! to the current offset (0 on x64: relative to the end of the instruction), and a `kind` byte
//! with the relocation kind in bits 6-7 (0 = relative) and the field size in bits 0-5
//! (0 = 1 byte, 1 = 2, 2 = 4, 3 = 8). We accept relative rel8 and rel32 only; anything else is
//! recorded as an error that `finalize` returns.
//!
//! The buffer never grows past its size limit: an emission that would cross it is dropped, the
//! assembler enters a failed state in which every further emission is a no-op, and
//! [`Assembler::failed`] / `finalize` report [`AsmError::LimitExceeded`]. Growth uses
//! `try_reserve`, so running out of memory is an error too, not an abort.

use alloc::vec::Vec;
use core::fmt;

/// A position in the code, bound once with [`Assembler::dynamic_label`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label(u32);

/// Why the code could not be assembled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsmError {
    /// A relocation refers to a label that was never bound.
    UnboundLabel(Label),
    /// A label was bound twice.
    LabelBoundTwice(Label),
    /// The macro asked for a relocation kind we do not implement (the raw `kind` byte).
    UnsupportedRelocation(u8),
    /// A relocation's target is too far for its field (say, rel8 over 127 bytes).
    OutOfRange { label: Label, at: usize },
    /// The code would have grown past the size limit.
    LimitExceeded { limit: usize },
    /// Allocating room for the code failed.
    OutOfMemory,
}

impl AsmError {
    /// How a compile that ran into this error was refused.
    pub fn kind(&self) -> crate::ErrorKind {
        match self {
            AsmError::LimitExceeded { .. } => crate::ErrorKind::CodeBudget,
            AsmError::OutOfMemory => crate::ErrorKind::OutOfMemory,
            _ => crate::ErrorKind::Invalid,
        }
    }
}

impl fmt::Display for AsmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            AsmError::UnboundLabel(l) => write!(f, "label {} is never bound", l.0),
            AsmError::LabelBoundTwice(l) => write!(f, "label {} is bound twice", l.0),
            AsmError::UnsupportedRelocation(k) => write!(f, "unsupported relocation kind {k:#x}"),
            AsmError::OutOfRange { label, at } => write!(
                f,
                "relocation at {at:#x} cannot reach label {} (field too small)",
                label.0
            ),
            AsmError::LimitExceeded { limit } => {
                write!(f, "code size budget exceeded ({limit} bytes)")
            }
            AsmError::OutOfMemory => write!(f, "out of memory for the code buffer"),
        }
    }
}

/// A relocation waiting for `finalize`.
#[derive(Clone, Copy, Debug)]
struct Reloc {
    label: Label,
    /// Offset of the first byte of the field.
    field: usize,
    /// Field size in bytes (1 or 4).
    size: u8,
    /// The value written is `target + target_offset - base`.
    base: usize,
    target_offset: isize,
}

const UNBOUND: usize = usize::MAX;

#[derive(Debug)]
pub struct Assembler {
    code: Vec<u8>,
    /// The code may not grow past this many bytes.
    limit: usize,
    /// Emissions up to this length need no check: `min(capacity, limit)`, 0 once failed.
    room_end: usize,
    /// Label offsets, `UNBOUND` until bound.
    labels: Vec<usize>,
    relocs: Vec<Reloc>,
    /// The first error; emission continues as a no-op after a capacity error.
    error: Option<AsmError>,
    /// The offset of the last label bound (`rewind` never goes back past it).
    last_bound: usize,
}

impl Default for Assembler {
    fn default() -> Self {
        Self::new(usize::MAX)
    }
}

impl Assembler {
    /// An empty buffer that will not grow past `limit` bytes.
    pub fn new(limit: usize) -> Self {
        Self {
            code: Vec::new(),
            limit,
            room_end: 0,
            labels: Vec::new(),
            relocs: Vec::new(),
            error: None,
            last_bound: 0,
        }
    }

    /// Drops the code from offset `to` on, to replace the last instruction by a better one;
    /// false (changing nothing) if a label was bound or a relocation recorded past `to`.
    pub fn rewind(&mut self, to: usize) -> bool {
        let relocated = self.relocs.last().is_some_and(|r| r.field >= to);
        if self.error.is_some() || to > self.code.len() || self.last_bound > to || relocated {
            return false;
        }
        self.code.truncate(to);
        true
    }

    /// Current offset (the length of the code).
    pub fn offset(&self) -> usize {
        self.code.len()
    }

    pub fn new_label(&mut self) -> Label {
        match u32::try_from(self.labels.len()) {
            Ok(id) if id != u32::MAX => {
                self.labels.push(UNBOUND);
                Label(id)
            }
            // Out of label ids: a label that can never be bound, so `finalize` fails.
            _ => Label(u32::MAX),
        }
    }

    /// The size limit was hit or memory ran out: nothing more is emitted.
    pub fn failed(&self) -> Option<AsmError> {
        match self.error {
            Some(e @ (AsmError::LimitExceeded { .. } | AsmError::OutOfMemory)) => Some(e),
            _ => None,
        }
    }

    fn set_error(&mut self, e: AsmError) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    /// Makes room for `n` more bytes; false (and the failed state) if that is not possible.
    #[inline]
    fn room(&mut self, n: usize) -> bool {
        self.code.len() + n <= self.room_end || self.grow(n)
    }

    #[cold]
    fn grow(&mut self, n: usize) -> bool {
        if self.failed().is_some() {
            return false;
        }
        let len = self.code.len();
        let need = match len.checked_add(n) {
            Some(need) if need <= self.limit => need,
            _ => {
                self.fail(AsmError::LimitExceeded { limit: self.limit });
                return false;
            }
        };
        if need > self.code.capacity() {
            // Double, but not past the limit (`need <= limit` here).
            let want = self
                .code
                .capacity()
                .saturating_mul(2)
                .max(4096)
                .min(self.limit)
                .max(need);
            if self.code.try_reserve_exact(want - len).is_err() {
                self.fail(AsmError::OutOfMemory);
                return false;
            }
        }
        self.room_end = self.code.capacity().min(self.limit);
        true
    }

    fn fail(&mut self, e: AsmError) {
        // A capacity failure takes precedence: it is why the code is incomplete.
        if self.failed().is_none() {
            self.error = Some(e);
        }
        self.room_end = 0;
    }

    // ---- what the dynasm! expansion calls ----
    // (Some are not used by today's instructions; they stay so that any x64 instruction
    // assembles.)

    #[inline]
    pub fn push(&mut self, byte: u8) {
        if self.room(1) {
            self.code.push(byte);
        }
    }

    pub fn push_i8(&mut self, v: i8) {
        self.push(v as u8);
    }

    #[allow(dead_code)]
    pub fn push_i16(&mut self, v: i16) {
        self.extend(v.to_le_bytes());
    }

    pub fn push_i32(&mut self, v: i32) {
        self.extend(v.to_le_bytes());
    }

    pub fn push_i64(&mut self, v: i64) {
        self.extend(v.to_le_bytes());
    }

    #[allow(dead_code)]
    pub fn push_u16(&mut self, v: u16) {
        self.extend(v.to_le_bytes());
    }

    #[allow(dead_code)]
    pub fn push_u32(&mut self, v: u32) {
        self.extend(v.to_le_bytes());
    }

    #[allow(dead_code)]
    pub fn push_u64(&mut self, v: u64) {
        self.extend(v.to_le_bytes());
    }

    #[inline]
    pub fn extend(&mut self, bytes: impl AsRef<[u8]>) {
        let bytes = bytes.as_ref();
        if self.room(bytes.len()) {
            self.code.extend_from_slice(bytes);
        }
    }

    /// Pads with `with` up to a multiple of `alignment`.
    pub fn align(&mut self, alignment: usize, with: u8) {
        let rem = self.offset() % alignment;
        if rem != 0 {
            for _ in rem..alignment {
                self.push(with);
            }
        }
    }

    /// Binds `label` to the current offset.
    pub fn dynamic_label(&mut self, label: Label) {
        if self.failed().is_some() {
            return;
        }
        let offset = self.offset();
        match self.labels.get_mut(label.0 as usize) {
            Some(slot) if *slot == UNBOUND => {
                *slot = offset;
                self.last_bound = offset;
            }
            Some(_) => self.set_error(AsmError::LabelBoundTwice(label)),
            None => self.set_error(AsmError::UnboundLabel(label)),
        }
    }

    /// Records that the field ending `field_offset` bytes before the current offset refers to
    /// `label` (see the module docs for the encoding).
    pub fn dynamic_reloc(
        &mut self,
        label: Label,
        target_offset: isize,
        field_offset: u8,
        ref_offset: u8,
        kind: u8,
    ) {
        if self.failed().is_some() {
            return;
        }
        let size = match kind {
            0 => 1, // relative, 1 byte
            2 => 4, // relative, 4 bytes
            _ => {
                self.set_error(AsmError::UnsupportedRelocation(kind));
                return;
            }
        };
        let location = self.offset();
        let (Some(field), Some(base)) = (
            location.checked_sub(usize::from(field_offset)),
            location.checked_sub(usize::from(ref_offset)),
        ) else {
            self.set_error(AsmError::UnsupportedRelocation(kind));
            return;
        };
        if field + size > location {
            self.set_error(AsmError::UnsupportedRelocation(kind));
            return;
        }
        self.relocs.push(Reloc {
            label,
            field,
            size: size as u8,
            base,
            target_offset,
        });
    }

    /// Resolves the relocations and returns the code.
    pub fn finalize(mut self) -> Result<Vec<u8>, AsmError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        for r in &self.relocs {
            let target = match self.labels.get(r.label.0 as usize) {
                Some(&target) if target != UNBOUND => target,
                _ => return Err(AsmError::UnboundLabel(r.label)),
            };
            let value = (target as isize)
                .wrapping_sub(r.base as isize)
                .wrapping_add(r.target_offset);
            let field = &mut self.code[r.field..r.field + usize::from(r.size)];
            let out_of_range = AsmError::OutOfRange {
                label: r.label,
                at: r.field,
            };
            match r.size {
                1 => field[0] = i8::try_from(value).map_err(|_| out_of_range)? as u8,
                _ => field.copy_from_slice(
                    &i32::try_from(value)
                        .map_err(|_| out_of_range)?
                        .to_le_bytes(),
                ),
            }
        }
        Ok(self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynasm::dynasm;

    #[test]
    fn forward_and_backward_rel32() {
        let mut a = Assembler::default();
        let (back, fwd) = (a.new_label(), a.new_label());
        dynasm!(a
            ; .arch x64
            ; =>back
            ; nop
            ; jmp =>fwd      // e9 rel32, ends at 6
            ; jne =>back     // 0f 85 rel32, ends at 12
            ; =>fwd
            ; ret
        );
        let code = a.finalize().unwrap();
        assert_eq!(
            code,
            [0x90, 0xe9, 6, 0, 0, 0, 0x0f, 0x85, 0xf4, 0xff, 0xff, 0xff, 0xc3]
        );
    }

    #[test]
    fn rel8_both_directions() {
        let mut a = Assembler::default();
        let (top, end) = (a.new_label(), a.new_label());
        dynasm!(a
            ; .arch x64
            ; =>top
            ; jmp BYTE =>end // eb rel8, ends at 2
            ; nop
            ; jz BYTE =>top  // 74 rel8, ends at 5
            ; =>end
        );
        assert_eq!(a.finalize().unwrap(), [0xeb, 3, 0x90, 0x74, 0xfb]);
    }

    #[test]
    fn rel8_out_of_range_is_an_error() {
        let mut a = Assembler::default();
        let end = a.new_label();
        dynasm!(a ; .arch x64 ; jmp BYTE =>end);
        for _ in 0..200 {
            a.push(0x90);
        }
        a.dynamic_label(end);
        assert_eq!(
            a.finalize(),
            Err(AsmError::OutOfRange { label: end, at: 1 })
        );
    }

    #[test]
    fn field_before_trailing_immediate() {
        // The label field is followed by an imm32: the reloc's field_offset counts both.
        let mut a = Assembler::default();
        let data = a.new_label();
        dynasm!(a
            ; .arch x64
            ; mov DWORD [=>data], 0x1234_5678 // c7 05 rel32 imm32, 10 bytes
            ; =>data
        );
        let code = a.finalize().unwrap();
        assert_eq!(code[..2], [0xc7, 0x05]);
        assert_eq!(code[2..6], 0i32.to_le_bytes()); // data is right after the instruction
        assert_eq!(code[6..10], 0x1234_5678i32.to_le_bytes());
    }

    #[test]
    fn unbound_label_is_an_error() {
        let mut a = Assembler::default();
        let nowhere = a.new_label();
        dynasm!(a ; .arch x64 ; call =>nowhere);
        assert_eq!(a.finalize(), Err(AsmError::UnboundLabel(nowhere)));
        // A label of another assembler: an error too, not a panic.
        let mut b = Assembler::default();
        b.dynamic_label(nowhere);
        assert_eq!(b.finalize(), Err(AsmError::UnboundLabel(nowhere)));
    }

    #[test]
    fn label_bound_twice_is_an_error() {
        let mut a = Assembler::default();
        let l = a.new_label();
        a.dynamic_label(l);
        a.push(0x90);
        a.dynamic_label(l);
        assert_eq!(a.finalize(), Err(AsmError::LabelBoundTwice(l)));
    }

    #[test]
    fn unsupported_relocations_are_errors() {
        let mut a = Assembler::default();
        let l = a.new_label();
        a.dynamic_label(l);
        // An absolute 8-byte field (`mov rax, QWORD =>label`): kind AbsToRel, size 8.
        dynasm!(a ; .arch x64 ; mov rax, QWORD =>l);
        assert_eq!(
            a.finalize(),
            Err(AsmError::UnsupportedRelocation(1 << 6 | 3))
        );
        let mut a = Assembler::default();
        let l = a.new_label();
        a.dynamic_label(l);
        a.extend([0u8; 2]);
        a.dynamic_reloc(l, 0, 2, 0, 1); // rel16
        assert_eq!(a.finalize(), Err(AsmError::UnsupportedRelocation(1)));
    }

    #[test]
    fn align_pads() {
        let mut a = Assembler::default();
        a.push(1);
        a.align(4, 0xcc);
        a.align(4, 0xcc);
        a.push_u16(0x0302);
        a.push_i32(-1);
        assert_eq!(
            a.finalize().unwrap(),
            [1, 0xcc, 0xcc, 0xcc, 2, 3, 0xff, 0xff, 0xff, 0xff]
        );
    }

    #[test]
    fn never_grows_past_the_limit() {
        let mut a = Assembler::new(10);
        a.extend([0x90; 8]);
        assert_eq!(a.failed(), None);
        a.extend([0x90; 3]); // would end at 11: dropped
        assert_eq!(a.offset(), 8);
        assert_eq!(a.failed(), Some(AsmError::LimitExceeded { limit: 10 }));
        a.push(0x90); // would fit, but the buffer has failed
        assert_eq!(a.offset(), 8);
        assert_eq!(a.finalize(), Err(AsmError::LimitExceeded { limit: 10 }));

        let mut a = Assembler::new(10_000);
        for _ in 0..10_000 {
            a.push(0x90);
        }
        assert_eq!(a.failed(), None);
        a.push(0x90);
        assert!(a.failed().is_some());
        assert_eq!(a.offset(), 10_000);
    }
}
