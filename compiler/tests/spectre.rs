//! Spectre v1 hardening of linear-memory accesses: on the failing path of a bounds check
//! (which the CPU may run speculatively before the trap), the access must stay inside the
//! memory. With the usual check (`lea r11, [addr + end]; cmp r10, r11; jb; cmovb r11, r10`,
//! the access at `[r14 + r11 - size]`), r11 becomes the memory's size: the access reads its
//! last bytes. With the check for huge offsets, the clamped address plus the instruction's
//! displacement is 0: the memory's base, whatever the static offset.

use iced_x86::{Code, Decoder, DecoderOptions, Instruction, Mnemonic, OpKind, Register};
use kwasm_hooks::artifact::Section;
use kwasm_kcore::artifact::Artifact;

/// The instructions of defined function 0.
fn body(wat: &str) -> Vec<Instruction> {
    let wasm = wat::parse_str(wat).unwrap();
    let artifact = kwasm_compiler::compile(&wasm, &Default::default()).unwrap();
    let art = Artifact::parse(&artifact).unwrap();
    let code = art.section(Section::Code);
    let f = art.funcs().iter().next().unwrap();
    let body = &code[f.code.offset as usize..(f.code.offset + f.code.len) as usize];
    Decoder::with_ip(64, body, 0, DecoderOptions::NONE)
        .iter()
        .collect()
}

/// The immediate of `mov r11, imm` / `mov r11d, imm` as the 64-bit value r11 ends up with.
fn r11_imm(ins: &Instruction) -> Option<u64> {
    if ins.mnemonic() != Mnemonic::Mov || ins.op_kind(1) == OpKind::Register {
        return None;
    }
    match ins.op0_register() {
        Register::R11 => Some(ins.immediate(1)), // imm32 sign-extended or imm64
        Register::R11D => Some(ins.immediate(1) as u32 as u64),
        _ => None,
    }
}

/// Follows the failing path of the first bounds check: the value `cmovb` puts into the
/// address register, what is added to it before the access, and the access's displacement.
/// Returns `addr + disp` at the access (which must be 0).
fn failing_path_effective_offset(ins: &[Instruction]) -> u64 {
    let clamp = ins
        .iter()
        .position(|i| i.mnemonic() == Mnemonic::Cmovb)
        .expect("a bounds check");
    if ins[clamp].op1_register() == Register::R10 {
        return end_check_effective_offset(ins, clamp);
    }
    assert_eq!(ins[clamp].op1_register(), Register::R11);
    let reg = ins[clamp].op0_register();
    let mut r11 = r11_imm(&ins[clamp - 1]).expect("mov r11, imm right before cmovb");
    let mut addr = r11;
    assert_eq!(
        ins[clamp - 2].mnemonic(),
        Mnemonic::Jb,
        "the check branches first"
    );
    for i in &ins[clamp + 1..] {
        if let Some(v) = r11_imm(i) {
            r11 = v;
        } else if i.code() == Code::Add_rm64_r64 && i.op0_register() == reg {
            assert_eq!(i.op1_register(), Register::R11);
            addr = addr.wrapping_add(r11);
        } else if i.op_count() > 0
            && (0..i.op_count()).any(|k| i.op_kind(k) == OpKind::Memory)
            && i.memory_base() == Register::R14
        {
            assert_eq!(i.memory_index(), reg, "{i}");
            return addr.wrapping_add(i.memory_displacement64());
        } else {
            panic!("unexpected instruction between the check and the access: {i}");
        }
    }
    panic!("no access after the bounds check");
}

/// The memory's size in the test modules (`(memory 1)`).
const SIZE: u64 = 65536;

/// The usual check, into r11 or a copy (`cmovb` at `at`): on its failing path the register is
/// the memory's size; returns the access's offset from the memory's base then, `SIZE - access
/// size`.
fn end_check_effective_offset(ins: &[Instruction], at: usize) -> u64 {
    assert_eq!(ins[at].op1_register(), Register::R10, "{}", ins[at]);
    let end = ins[at].op0_register();
    assert_eq!(ins[at - 1].mnemonic(), Mnemonic::Jb);
    let cmp = &ins[at - 2];
    assert_eq!(cmp.mnemonic(), Mnemonic::Cmp);
    assert_eq!(
        (cmp.op0_register(), cmp.op1_register()),
        (Register::R10, end)
    );
    assert_eq!(ins[at - 3].mnemonic(), Mnemonic::Lea);
    assert_eq!(ins[at - 3].op0_register(), end);
    let access = &ins[at + 1];
    assert_eq!(access.memory_base(), Register::R14, "{access}");
    assert_eq!(access.memory_index(), end, "{access}");
    SIZE.wrapping_add(access.memory_displacement64())
}

#[test]
fn failing_path_address_is_the_memory_base() {
    for offset in [0u64, 1, 0x4000_0000, 0x7fff_fff0, 0x8000_0000, 0xffff_fff0] {
        for (access, size) in [
            (format!("(i32.load offset={offset} (local.get 0))"), 4),
            (format!("(i64.load8_s offset={offset} (local.get 0))"), 1),
            (format!("(f64.load offset={offset} (local.get 0))"), 8),
            (
                format!("(i32.store offset={offset} (local.get 0) (i32.const 7)) (i32.const 0)"),
                4,
            ),
            (
                format!("(f32.store offset={offset} (local.get 0) (f32.const 1)) (i32.const 0)"),
                4,
            ),
        ] {
            let wat = format!(
                "(module (memory 1) (func (param i32) (result i32) {access} drop (i32.const 0)))"
            );
            let ins = body(&wat);
            let at = failing_path_effective_offset(&ins);
            // The memory's last `size` bytes (usual check) or its base (huge offsets).
            let expected = if offset + size <= i32::MAX as u64 {
                SIZE - size
            } else {
                0
            };
            assert_eq!(at, expected, "offset {offset:#x}: {access}");
        }
    }
}

/// Every access to the linear memory in `ins`: (index register, displacement).
fn accesses(ins: &[Instruction]) -> Vec<(Register, i64)> {
    ins.iter()
        .filter(|i| {
            (0..i.op_count()).any(|k| i.op_kind(k) == OpKind::Memory)
                && i.memory_base() == Register::R14
        })
        .map(|i| (i.memory_index(), i.memory_displacement64() as i64))
        .collect()
}

/// With a declared minimum above 2 GiB, offsets of 2^31 and more are inside the minimum; the
/// check-free forms address with a 32-bit displacement, so they must not take such accesses
/// (found by review: the offset became a negative displacement, reaching below the memory).
/// No access may have a negative displacement but the usual check's `[r14 + r11 - size]` and
/// the small ones through a check's copy (`pinned_checks_keep_mispredicted_accesses_inside`).
#[test]
fn offsets_of_two_gib_and_more_never_become_negative_displacements() {
    for (pages, access) in [
        // bounds.rs rule 2: through a pinned local (used in a loop).
        (
            32769,
            "(local $i i32) (local $s i32)
             (loop $l
               (local.set $s (i32.load offset=0x80000000 (local.get 0)))
               (local.set $i (i32.add (local.get $i) (i32.const 1)))
               (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
             (local.get $s)",
        ),
        // Rule 3: an address with a known bound.
        (
            49153,
            "(i32.load offset=0x80000000 (i32.and (local.get 0) (i32.const 0x3ffffffc)))",
        ),
        // Rule 1: a constant address.
        (49153, "(i32.load offset=0x80000000 (i32.const 16))"),
    ] {
        let wat = format!("(module (memory {pages}) (func (param i32) (result i32) {access}))");
        let ins = body(&wat);
        let found = accesses(&ins);
        assert!(!found.is_empty(), "{access}");
        for (index, disp) in found {
            let copy = [Register::RAX, Register::RDX, Register::RCX].contains(&index);
            assert!(
                disp >= 0
                    || (index == Register::R11 && (-8..0).contains(&disp))
                    || (copy && disp > -0x1_0000),
                "{access}: access at [r14 + {index:?} + {disp:#x}]"
            );
        }
    }
}

/// `call_indirect` of a function of another instance goes through the runtime; on a mispredicted
/// instance check the target must not be that function (it would run with this instance's
/// memory), so a `cmovne` on the same flags replaces it right before the call (found by review).
#[test]
fn a_mispredicted_instance_check_does_not_call_the_other_instances_code() {
    let ins = body(
        r#"(module (type $t (func)) (table 1 funcref) (memory 1)
            (func (param i32) (call_indirect (type $t) (local.get 0))))"#,
    );
    let check = ins
        .iter()
        .position(|i| {
            i.mnemonic() == Mnemonic::Cmp
                && i.memory_base() == Register::R11
                && i.memory_displacement64() == 16
        })
        .expect("the instance check");
    assert_eq!(ins[check + 1].mnemonic(), Mnemonic::Jne);
    let call = check
        + ins[check..]
            .iter()
            .position(|i| i.mnemonic() == Mnemonic::Call)
            .expect("the call");
    let between = &ins[check + 2..call];
    let cmov = between
        .iter()
        .position(|i| i.mnemonic() == Mnemonic::Cmovne && i.op0_register() == Register::R11)
        .expect("cmovne r11 before the call");
    // Nothing after it changes r11 or the flags it used.
    assert!(between[cmov + 1..].is_empty(), "{:?}", &between[cmov + 1..]);
}

/// Rule 2 of `bounds.rs` through a copy: `lea c, [p + end]; cmp r10, c; jb; cmovb c, r10` and
/// the accesses the check covers at `[r14 + c + offset - end]`. On the failing path `c` is the
/// memory's size, so every one of them must land inside the memory, and the pinned local's own
/// register must be left alone (a clamp there would lengthen a loop counter's dependency chain).
#[test]
fn pinned_checks_keep_mispredicted_accesses_inside() {
    let ins = body(
        "(module (memory 1) (func (param i32) (result i32) (local $s i32)
           (loop $l
             (local.set $s (i32.add (local.get $s) (i32.load offset=8 (local.get 0))))
             (local.set $s (i32.add (local.get $s) (i32.load16_u offset=2 (local.get 0))))
             (i64.store offset=4 (local.get 0) (i64.const 7))
             (f64.store (local.get 0) (f64.const 1))
             (local.set 0 (i32.add (local.get 0) (i32.const 16)))
             (br_if $l (i32.lt_u (local.get 0) (i32.const 4096))))
           (local.get $s)))",
    );
    let clamp = ins
        .iter()
        .position(|i| {
            i.mnemonic() == Mnemonic::Cmovb
                && i.op1_register() == Register::R10
                && i.op0_register() != Register::R11
        })
        .expect("a check into a copy");
    let copy = ins[clamp].op0_register();
    assert_eq!(ins[clamp - 1].mnemonic(), Mnemonic::Jb);
    let (cmp, lea) = (&ins[clamp - 2], &ins[clamp - 3]);
    assert_eq!(cmp.mnemonic(), Mnemonic::Cmp);
    assert_eq!(
        (cmp.op0_register(), cmp.op1_register()),
        (Register::R10, copy)
    );
    assert_eq!((lea.mnemonic(), lea.op0_register()), (Mnemonic::Lea, copy));
    let pinned = lea.memory_base();
    let end = lea.memory_displacement64();
    assert_eq!(
        end, 12,
        "the check reaches the furthest end of the first access"
    );
    // The accesses through the copy up to the loop's back edge, each inside the memory when
    // the copy is the memory's size.
    let mut through_copy = 0;
    for i in ins[clamp + 1..]
        .iter()
        .take_while(|i| i.mnemonic() != Mnemonic::Jb)
    {
        assert!(
            !(i.op_count() > 0 && i.op0_kind() == OpKind::Register && i.op0_register() == copy),
            "the copy is written before the accesses it covers: {i}"
        );
        assert!(
            !(format!("{:?}", i.mnemonic()).starts_with("Cmov") && i.op0_register() == pinned),
            "the pinned local is clamped in place: {i}"
        );
        if i.memory_base() == Register::R14 && i.memory_index() == copy {
            let at = SIZE.wrapping_add(i.memory_displacement64());
            let size = access_bytes(i);
            assert!(at + size <= SIZE && at >= SIZE - end, "{i}: at {at:#x}");
            through_copy += 1;
        }
    }
    assert!(
        through_copy >= 4,
        "{through_copy} accesses through the copy"
    );
}

/// The width of an access of the test above.
fn access_bytes(i: &Instruction) -> u64 {
    use iced_x86::MemorySize::*;
    match i.memory_size() {
        UInt8 | Int8 => 1,
        UInt16 | Int16 => 2,
        UInt32 | Int32 | Float32 => 4,
        UInt64 | Int64 | Float64 => 8,
        other => panic!("{i}: unexpected access size {other:?}"),
    }
}

/// An address summed right before its load is summed again by the check (`address_sum.rs`):
/// `lea r11, [sum + end]; cmp r10, r11; jb slow; cmovb r11, r10`, and out of line the slow
/// path's wrapping sum `lea r11d, [sum]; add r11, end; cmp r10, r11; jb trap; cmovb r11, r10;
/// jmp back`. On the failing path of either, r11 is the memory's size when the access runs.
#[test]
fn summed_addresses_keep_mispredicted_accesses_inside() {
    for (sum, size) in [
        (
            "(i32.load offset=12 (i32.add (local.get 0) (i32.const 1055)))",
            4,
        ),
        ("(i32.load8_u (i32.add (local.get 0) (local.get 1)))", 1),
        (
            "(f64.load offset=8 (i32.add (i32.shl (local.get 1) (i32.const 3)) (i32.const 64)))",
            8,
        ),
        (
            "(i64.load16_s (i32.add (local.get 0) (i32.shl (local.get 1) (i32.const 2))))",
            2,
        ),
    ] {
        let ins = body(&format!(
            "(module (memory 1) (func (param i32 i32) (result i32) {sum} drop (i32.const 0)))"
        ));
        let clamps: Vec<usize> = (0..ins.len())
            .filter(|&k| {
                ins[k].mnemonic() == Mnemonic::Cmovb
                    && (ins[k].op0_register(), ins[k].op1_register())
                        == (Register::R11, Register::R10)
            })
            .collect();
        assert_eq!(clamps.len(), 2, "{sum}: the check and its slow path");
        let (check, slow) = (clamps[0], clamps[1]);
        assert_eq!(
            end_check_effective_offset(&ins, check),
            SIZE - size,
            "{sum}"
        );
        // The check's failing branch goes to the slow path, whose sum wraps at 2^32.
        let lea = &ins[slow - 4];
        assert_eq!(ins[check - 1].near_branch_target(), lea.ip(), "{sum}");
        assert_eq!(
            (lea.mnemonic(), lea.op0_register()),
            (Mnemonic::Lea, Register::R11D)
        );
        let add = &ins[slow - 3];
        assert_eq!(
            (add.mnemonic(), add.op0_register()),
            (Mnemonic::Add, Register::R11)
        );
        let cmp = &ins[slow - 2];
        assert_eq!(
            (cmp.mnemonic(), cmp.op0_register(), cmp.op1_register()),
            (Mnemonic::Cmp, Register::R10, Register::R11)
        );
        assert_eq!(ins[slow - 1].mnemonic(), Mnemonic::Jb);
        // And comes back to the access, which r11 indexes as after the usual check.
        assert_eq!(ins[slow + 1].mnemonic(), Mnemonic::Jmp);
        assert_eq!(
            ins[slow + 1].near_branch_target(),
            ins[check + 1].ip(),
            "{sum}"
        );
    }
}

/// Loads through a pinned local plus a constant (`local.get; i32.const k; i32.add`) share one
/// check into a copy that reaches past the farthest (`widening.rs`): `lea c, [p + k + end];
/// cmp r10, c; jb slow; cmovb c, r10`, the slow path summing with wrapping as for r11. On the
/// failing path of either, the copy is the memory's size, and every access through it stays
/// inside the memory.
#[test]
fn pinned_sums_keep_mispredicted_accesses_inside() {
    let ins = body(
        "(module (memory 1) (func (param i32) (result i32) (local $s i32)
           (loop $l
             (local.set $s (i32.add (local.get $s)
               (i32.load (i32.add (local.get 0) (i32.const 4)))))
             (local.set $s (i32.add (local.get $s)
               (i32.load16_u (i32.add (local.get 0) (i32.const 40)))))
             (local.set $s (i32.add (local.get $s)
               (i32.load8_u offset=2 (i32.add (local.get 0) (i32.const 20)))))
             (local.set 0 (i32.add (local.get 0) (i32.const 16)))
             (br_if $l (i32.lt_u (local.get 0) (i32.const 4096))))
           (local.get $s)))",
    );
    let clamps: Vec<usize> = (0..ins.len())
        .filter(|&k| {
            ins[k].mnemonic() == Mnemonic::Cmovb
                && ins[k].op1_register() == Register::R10
                && ins[k].op0_register() != Register::R11
        })
        .collect();
    assert_eq!(clamps.len(), 2, "one check and its slow path");
    let (check, slow) = (clamps[0], clamps[1]);
    let copy = ins[check].op0_register();
    let (jb, cmp, lea) = (&ins[check - 1], &ins[check - 2], &ins[check - 3]);
    assert_eq!(jb.mnemonic(), Mnemonic::Jb);
    assert_eq!(
        (cmp.mnemonic(), cmp.op0_register(), cmp.op1_register()),
        (Mnemonic::Cmp, Register::R10, copy)
    );
    assert_eq!((lea.mnemonic(), lea.op0_register()), (Mnemonic::Lea, copy));
    assert_eq!(
        lea.memory_displacement64(),
        4 + 38,
        "past p + 4 to the farthest load's end, 40 + 2 - 4"
    );
    let end = 38;
    let mut through_copy = 0;
    for i in ins[check + 1..]
        .iter()
        .take_while(|i| i.mnemonic() != Mnemonic::Jb)
    {
        if i.memory_base() == Register::R14 && i.memory_index() == copy {
            let at = SIZE.wrapping_add(i.memory_displacement64());
            assert!(
                at + access_bytes(i) <= SIZE && at >= SIZE - end,
                "{i}: at {at:#x}"
            );
            through_copy += 1;
        }
    }
    assert_eq!(through_copy, 3, "every load through the copy");
    // The slow path: the wrapping sum into the copy's 32 bits, plus the end, checked and
    // clamped, then back to the first access.
    let wrap = &ins[slow - 4];
    assert_eq!(jb.near_branch_target(), wrap.ip());
    assert_eq!(wrap.mnemonic(), Mnemonic::Lea);
    assert_eq!(wrap.memory_displacement64(), 4);
    assert_eq!(
        (ins[slow - 3].mnemonic(), ins[slow - 3].immediate(1)),
        (Mnemonic::Add, end)
    );
    assert_eq!(ins[slow - 1].mnemonic(), Mnemonic::Jb);
    assert_eq!(ins[slow + 1].near_branch_target(), ins[check + 1].ip());
}

/// Every check into a copy (`cmovb c, r10`, c not r11) and the accesses through `c` after it,
/// up to the next write of `c`, a call or a return: on the failing path `c` is the memory's
/// size, so each access must land inside the memory. Returns how many accesses it saw.
fn copy_accesses_stay_inside(ins: &[Instruction]) -> usize {
    let mut seen = 0;
    for (k, clamp) in ins.iter().enumerate() {
        if !(clamp.mnemonic() == Mnemonic::Cmovb
            && clamp.op1_register() == Register::R10
            && clamp.op0_register() != Register::R11)
        {
            continue;
        }
        seen += accesses_stay_inside(&ins[k + 1..], clamp.op0_register(), SIZE);
    }
    seen
}

/// The accesses through `reg` in `ins`, up to the next write of `reg`, a call or a return,
/// when `reg` holds `value` (what a clamp left on a check's failing path): each must land
/// inside the memory. Returns how many it saw.
fn accesses_stay_inside(ins: &[Instruction], reg: Register, value: u64) -> usize {
    let mut seen = 0;
    for i in ins {
        if i.memory_base() == Register::R14 && i.memory_index() == reg {
            let at = value.wrapping_add(i.memory_displacement64());
            assert!(at < SIZE && at + access_bytes(i) <= SIZE, "{i}: at {at:#x}");
            seen += 1;
        }
        let writes_reg = i.op_count() > 0
            && i.op0_kind() == OpKind::Register
            && [reg, reg.full_register32()].contains(&i.op0_register());
        if writes_reg || matches!(i.mnemonic(), Mnemonic::Call | Mnemonic::Ret) {
            break;
        }
    }
    seen
}

/// Accesses through a local that holds a pinned local plus a constant (`bounds.rs`, aliases)
/// and through a local kept in memory go through the copies of the checks that cover them.
#[test]
fn aliased_and_memory_locals_keep_mispredicted_accesses_inside() {
    let aliased = body(
        "(module (memory 1)
           (func (param $p i32) (result f64) (local $t i32)
             (drop (local.get $p)) (drop (local.get $p))
             (f64.add (f64.load (i32.add (local.get $p) (i32.const -48))) (f64.load (local.get $p)))
             (local.set $t (i32.add (local.get $p) (i32.const -24)))
             (f64.store (local.get $t) (f64.add (f64.load (local.get $t)) (f64.const 1)))
             (local.set $t (i32.add (local.get $p) (i32.const -16)))
             (f64.load offset=4 (local.get $t))
             (f64.add)))",
    );
    assert!(copy_accesses_stay_inside(&aliased) >= 5);
    let in_memory = body(
        "(module (memory 1)
           (func (param $q i32) (result i32) (local $h1 i32) (local $h2 i32) (local $h3 i32)
             (local $h4 i32)
             (local.set $h1 (i32.add (local.get $h1) (i32.add (local.get $h1) (local.get $h1))))
             (local.set $h2 (i32.add (local.get $h2) (i32.add (local.get $h2) (local.get $h2))))
             (local.set $h3 (i32.add (local.get $h3) (i32.add (local.get $h3) (local.get $h3))))
             (local.set $h4 (i32.add (local.get $h4) (i32.add (local.get $h4) (local.get $h4))))
             (i32.store offset=4 (local.get $q) (i32.load offset=12 (local.get $q)))
             (i32.add (i32.load8_u offset=2 (local.get $q)) (i32.load16_s (local.get $q)))))",
    );
    assert!(copy_accesses_stay_inside(&in_memory) >= 4);
}

/// A check of a pinned local in place (`bounds.rs`, rule 2, when no copy register is free):
/// `lea r11, [p + end]; cmp r10, r11; jb trap; mov r11d, 0; cmovb p, r11`. On the failing
/// path `p` is what `cmovb` puts there, so every access through it up to its next write must
/// lie inside the memory from there. Returns how many accesses it saw.
fn in_place_accesses_stay_inside(ins: &[Instruction]) -> usize {
    let mut seen = 0;
    for (k, clamp) in ins.iter().enumerate() {
        if !(clamp.mnemonic() == Mnemonic::Cmovb
            && clamp.op1_register() == Register::R11
            && ins[k - 2].mnemonic() == Mnemonic::Jb)
        {
            continue;
        }
        let Some(clamped) = r11_imm(&ins[k - 1]) else {
            continue;
        };
        let p = clamp.op0_register();
        let cmp = &ins[k - 3];
        assert_eq!(
            (cmp.mnemonic(), cmp.op0_register()),
            (Mnemonic::Cmp, Register::R10)
        );
        assert_eq!(
            ins[k - 4].memory_base(),
            p,
            "the check sums the local: {}",
            ins[k - 4]
        );
        seen += accesses_stay_inside(&ins[k + 1..], p, clamped);
    }
    seen
}

/// With every copy register taken by values on the operand stack, a loop's pinned local is
/// checked in place: its mispredicted accesses stay inside the memory.
#[test]
fn pinned_local_checked_in_place_keeps_mispredicted_accesses_inside() {
    let ins = body(
        "(module (memory 1)
           (func (param $p i32) (result i32) (local $n i32)
             (local.set $n (i32.const 100))
             (loop $l
               (i32.add (local.get $n) (i32.const 1))
               (i32.add (local.get $n) (i32.const 2))
               (i32.add (local.get $n) (i32.const 3))
               (i32.add (local.get $n) (i32.const 4))
               (i32.add (local.get $n) (i32.const 5))
               (i32.add (local.get $n) (i32.const 6))
               (i32.add (i32.load offset=4 (local.get $p)) (i32.load offset=8 (local.get $p)))
               (i32.add (i32.load16_u offset=2 (local.get $p)))
               (i32.store8 offset=1 (local.get $p))
               (drop) (drop) (drop) (drop) (drop) (drop)
               (local.set $p (i32.add (local.get $p) (i32.const 4)))
               (local.set $n (i32.sub (local.get $n) (i32.const 1)))
               (br_if $l (local.get $n)))
             (local.get $p)))",
    );
    let seen = in_place_accesses_stay_inside(&ins);
    assert!(seen >= 3, "{seen} accesses after an in-place check");
}
