/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host API providers: how another kernel module offers functions that kwasm programs import.
 *
 *	static const struct kwasm_host_fn my_fns[] = {
 *		{ "add", KWASM_I32 KWASM_I32, KWASM_I32, my_add },
 *	};
 *	static struct kwasm_provider my_provider = {
 *		.abi_version = KWASM_PROVIDER_ABI, .module = "my", .fns = my_fns,
 *		.nfns = ARRAY_SIZE(my_fns), .owner = THIS_MODULE,
 *	};
 *	kwasm_provider_register(&my_provider);	// in init; unregister in exit
 *
 * .owner must be THIS_MODULE (registration without one is refused with -EINVAL): a program that
 * imports "my.add" holds a reference on the provider's module, so the module (and with it the
 * provider and its functions' text) cannot go away while the program is loaded.
 *
 * Host functions use the host-call convention: arguments in 8-byte slots, results written back
 * to the same slots, return 0 or a trap code (kwasm-hooks' TRAP_*, e.g. 11, TRAP_HOST_ABORT).
 * vmctx is kwasm's, opaque to the provider; it and the slots are valid during the call only.
 *
 * The contract under which a provider function is called:
 *
 * - Called directly by the program's generated code (no kwasm code in between), in the task
 *   that runs the program, with the program's link-group lock (a mutex) held. Several programs
 *   may call the same function at the same time on different CPUs: it must be reentrant.
 * - Must not sleep: no sleeping locks, no GFP_KERNEL allocation, no user memory access, no
 *   cond_resched(). Today runs are started by ioctls in process context, but a program that
 *   uses floating point runs inside kernel_fpu_begin() (preemption disabled) and calls its
 *   imports there, and programs attached to hooks will call them from atomic context
 *   (softirq, tracepoints). Treat every call as atomic context.
 * - Must not use the FPU/SIMD registers (no kernel_fpu_begin(): it may be inside the
 *   program's FPU section already, which does not nest).
 * - Must return promptly: time spent inside is not metered (a host call costs the program a
 *   fixed fuel price), so anything long or unbounded escapes the program's time budget.
 * - Stack: it runs on the program's wasm stack (not the task stack), in the 32 KiB kept below
 *   the deepest wasm frame (HOST_STACK_HEADROOM in kwasm-hooks), shared with whatever it calls;
 *   when the host calls it directly (a program's start function or an export that is the
 *   import itself) it runs on the task's kernel stack. Either way: no deep recursion, no large
 *   on-stack buffers (the VM suite measures the built-in host functions).
 * - Must not call back into kwasm (running programs, registering or unregistering providers).
 */
#ifndef KWASM_PROVIDER_H
#define KWASM_PROVIDER_H

#include <linux/list.h>
#include <linux/types.h>

#define KWASM_PROVIDER_ABI 1

/* Value types, to concatenate into signature strings. */
#define KWASM_I32 "\x7f"
#define KWASM_I64 "\x7e"
#define KWASM_F32 "\x7d"
#define KWASM_F64 "\x7c"

struct kwasm_host_fn {
	const char *name;
	const char *params;
	const char *results;
	u32 (*fn)(void *vmctx, u64 *slots);
};

struct kwasm_provider {
	u32 abi_version;
	const char *module;
	const struct kwasm_host_fn *fns;
	u32 nfns;
	struct module *owner;
	/* kwasm's own. */
	struct list_head node;
};

/* 0, -EINVAL (bad ABI version or fields, no owner), -EEXIST (module name taken). */
int kwasm_provider_register(struct kwasm_provider *provider);
void kwasm_provider_unregister(struct kwasm_provider *provider);

#endif
