/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entering the in-kernel compiler on a stack of its own, and leaving it early.
 *
 * kwasm_compile_switch uses the kernel's stack-swizzle pattern (call_on_stack in
 * asm/irq_stack.h): the old stack pointer is stored at the new stack's top word, so both the
 * ORC unwinder and `popq %rsp` find the way back. It saves every callee-saved register on the
 * original stack, so kwasm_compile_unwind can return from the compiler's entry without running
 * the compiler's epilogues.
 */
#include <linux/linkage.h>
#include <asm/unwind_hints.h>
#include <asm/nospec-branch.h>

.text

/* void kwasm_compile_switch(void *req, void *stack_top) */
SYM_FUNC_START(kwasm_compile_switch)
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rsi)
	movq	%rsi, %rsp
	call	kwasm_compile_wasm
	popq	%rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	RET
SYM_FUNC_END(kwasm_compile_switch)

/*
 * void kwasm_compile_unwind(unsigned long return_slot) -- does not return to its caller:
 * `return_slot` is where `call kwasm_compile_wasm` above stored its return address (just below
 * the new stack's top), so this returns from that call, as the entry would have.
 */
SYM_CODE_START(kwasm_compile_unwind)
	UNWIND_HINT_FUNC
	ANNOTATE_NOENDBR
	movq	%rdi, %rsp
	UNWIND_HINT_FUNC
	RET
SYM_CODE_END(kwasm_compile_unwind)
