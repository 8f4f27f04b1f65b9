//! Entry trampolines (host → wasm) and the common exit that trampolines and traps share.
//! Convention: `kwasm_hooks::vmctx`.

use crate::asm::Label;
use crate::func::ModuleCx;
use crate::module::Sig;
use dynasm::dynasm;
use kwasm_hooks::trap::TRAP_COUNT;
use kwasm_hooks::vmctx::*;

/// Emits the trampoline for a function with signature `sig` at `target`; returns its offset.
///
/// Host frame after the prologue: six saved registers, then `slots` at `[host_sp + 16]`, the
/// previous `vmctx.host_sp` at `[host_sp + 8]` (re-entry from a host call), padding at
/// `[host_sp]`.
pub fn emit(cx: &mut ModuleCx, sig: &Sig, target: Label) -> u32 {
    let m = &mut cx.masm;
    m.align(16);
    let start = m.offset() as u32;
    m.endbr();
    let area = (8 * sig.slots() as i32 + 15) & !15;
    let exit = cx.exit;
    dynasm!(m.ops
        ; .arch x64
        ; push rbp
        ; mov rbp, rsp
        ; push rbx
        ; push r12
        ; push r13
        ; push r14
        ; push r15
        ; push rsi
        ; push QWORD [rdi + VMCTX_HOST_SP]
        ; sub rsp, 8
        ; mov r15, rdi
        ; mov [r15 + VMCTX_HOST_SP], rsp
        ; mov rax, QWORD [r15 + VMCTX_STACK_TOP]
        ; lea rsp, [rax - area]
    );
    m.load_memory();
    m.fuel_load();
    for i in 0..sig.params.len() as i32 {
        dynasm!(m.ops ; .arch x64 ; mov rax, QWORD [rsi + 8 * i] ; mov QWORD [rsp + 8 * i], rax);
    }
    dynasm!(m.ops
        ; .arch x64
        ; call =>target
        ; mov rcx, QWORD [r15 + VMCTX_HOST_SP]
        ; mov rsi, QWORD [rcx + 16]
    );
    for i in 0..sig.results.len() as i32 {
        dynasm!(m.ops ; .arch x64 ; mov rax, QWORD [rsp + 8 * i] ; mov QWORD [rsi + 8 * i], rax);
    }
    dynasm!(m.ops ; .arch x64 ; xor eax, eax ; jmp =>exit);
    start
}

/// An adapter with the wasm calling convention for imported function `import` (what a table
/// entry of an imported function points to): it makes the host call. Returns its offset.
pub fn emit_import_adapter(cx: &mut ModuleCx, import: u32) -> u32 {
    let m = &mut cx.masm;
    m.align(16);
    let start = m.offset() as u32;
    m.endbr();
    let trap = cx.trap_eax;
    dynasm!(m.ops
        ; .arch x64
        ; push rbp
        ; mov rbp, rsp
        ; mov rdi, r15
        ; lea rsi, [rbp + 16]
    );
    m.fuel_store();
    m.call_import(import);
    m.fuel_load();
    dynasm!(m.ops
        ; .arch x64
        ; test eax, eax
        ; jnz =>trap
        ; pop rbp
    );
    m.ret();
    start
}

/// The common exit (eax = 0 or a trap code) and one stub per trap code.
pub fn emit_exit_and_traps(cx: &mut ModuleCx) {
    let m = &mut cx.masm;
    m.align(16);
    let exit = cx.exit;
    dynasm!(m.ops ; .arch x64 ; =>exit);
    // Every way out of the code passes here with the fuel in its register (calls out reload it
    // before testing for a trap).
    m.fuel_store();
    dynasm!(m.ops
        ; .arch x64
        ; mov rsp, QWORD [r15 + VMCTX_HOST_SP]
        ; mov rcx, QWORD [rsp + 8]
        ; mov QWORD [r15 + VMCTX_HOST_SP], rcx
        ; add rsp, 24
        ; pop r15
        ; pop r14
        ; pop r13
        ; pop r12
        ; pop rbx
        ; pop rbp
    );
    m.ret();
    let trap_eax = cx.trap_eax;
    dynasm!(m.ops ; .arch x64 ; =>trap_eax ; jmp =>exit);
    for code in 1..TRAP_COUNT {
        let label = cx.trap_labels[code as usize];
        dynasm!(m.ops ; .arch x64 ; =>label ; mov eax, code as i32 ; jmp =>exit);
    }
}
