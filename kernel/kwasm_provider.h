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
 * A program that imports "my.add" holds a reference on the provider's module, so the module
 * (and with it the provider) cannot go away while the program is loaded.
 *
 * Host functions use the host-call convention: arguments in 8-byte slots, results written back
 * to the same slots, return 0 or a trap code. They run on the program's wasm stack, in the
 * 32 KiB kept below the deepest wasm frame (HOST_STACK_HEADROOM in kwasm-hooks), which they
 * share with whatever they call: a provider function must stay well within it (no deep
 * recursion, no large on-stack buffers; the VM suite measures the built-in host functions).
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

/* 0, -EINVAL (bad ABI version or fields), -EEXIST (module name taken). */
int kwasm_provider_register(struct kwasm_provider *provider);
void kwasm_provider_unregister(struct kwasm_provider *provider);

#endif
