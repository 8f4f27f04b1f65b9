// SPDX-License-Identifier: GPL-2.0
/*
 * Compiling WebAssembly inside the kernel: the heap, the stack and the unwind path of one
 * compile. The compiler itself is kernel/kcompile/ (kwasm-compiler built no_std), linked into
 * this module as kcompile.o; its only global symbol is kwasm_compile_wasm().
 *
 * - One compile at a time (kwasm_compile_mutex, a leaf lock: nothing else of kwasm is taken
 *   while it is held, and the compiler calls back only into this file). That bounds the memory
 *   compiles can hold at once to one heap, and lets the callbacks below find the current
 *   compile without a context argument.
 * - The heap: every block the compiler allocates is on a list, charged to the caller's memory
 *   cgroup (GFP_KERNEL_ACCOUNT) and counted against a per-compile budget. Whatever way the
 *   compile ends, kwasm_compile_end() frees every block still on the list.
 * - The stack: the compiler needs ~8 KiB and more on hostile input, too much for the 16 KiB task
 *   stack, so it runs on a vmalloc'ed stack of its own, entered with the kernel's stack-switch
 *   pattern (kwasm_compile_switch in compile_stack.S). One stack, allocated with the module and
 *   freed with it (compiles are serialised): a task that slept on it (reclaim, cond_resched)
 *   keeps a saved stack pointer into it until it next switches out, so it must not be freed
 *   under a task. vmalloc areas are separated by guard pages, so an overflow faults rather than
 *   writing into a neighbour. The compiler's Rust is built without KASAN stack redzones
 *   (-asan-stack=0, the kernel's flags), so frames skipped by an unwind leave no poison behind.
 * - Unwinding: a panic (a compiler bug) or a failed allocation ends in kwasm_compile_abort(),
 *   which returns from the entry's call on the original stack (kwasm_compile_unwind), skipping
 *   the compiler's frames: they hold no lock and no kernel object, only heap blocks, which the
 *   list frees.
 */
#include <linux/debugfs.h>
#include <linux/kprobes.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "helpers.h"

/* Stack of one compile; the compiler's deepest measured use is ~9 KiB. */
#define KWASM_COMPILE_STACK_SIZE (64 * 1024)

/* Status values of struct kwasm_compile_request (kernel/core/src/compile.rs, Status). */
enum {
	KWASM_COMPILE_OK = 0,
	KWASM_COMPILE_MEMORY_BUDGET = 3,
	KWASM_COMPILE_MEMORY = 4,
	KWASM_COMPILE_PANIC = 6,
};

/* Answers of kwasm_compile_progress (kernel/kcompile/src/lib.rs). */
enum {
	KWASM_PROGRESS_GO_ON = 0,
	KWASM_PROGRESS_FATAL_SIGNAL = 1,
	KWASM_PROGRESS_INJECT_PANIC = 2,
};

/* In front of every block of the heap. */
struct kwasm_compile_block {
	struct list_head node;
	void *raw;
	size_t size;
};

static DEFINE_MUTEX(kwasm_compile_mutex);
static void *kwasm_compile_stack;

/* The current compile; everything below is guarded by kwasm_compile_mutex. */
static struct {
	struct list_head blocks;
	size_t used, peak, limit;
	/* How an allocation failed (a status), 0 if none did. */
	u32 alloc_failure;
	/* Where kwasm_compile_unwind returns to: the entry call's return address slot. */
	unsigned long return_slot;
	/* The request's status field, set by the abort path. */
	u32 *status;
	unsigned long allocations;
} kwasm_heap;

/*
 * Fault injection for the VM tests (debugfs, root only): fail the n-th allocation of the next
 * compile, or panic before its n-th function body. 0 is off; each fires once.
 */
static u32 kwasm_fail_alloc_nth;
static u32 kwasm_fail_panic_nth;

void kwasm_compile_debugfs_init(struct dentry *dir)
{
	debugfs_create_u32("compile_fail_alloc_nth", 0600, dir, &kwasm_fail_alloc_nth);
	debugfs_create_u32("compile_fail_panic_nth", 0600, dir, &kwasm_fail_panic_nth);
}

void *kwasm_compile_alloc(size_t size, size_t align)
{
	struct kwasm_compile_block *b;
	size_t total;
	void *raw, *user;
	u32 nth;

	lockdep_assert_held(&kwasm_compile_mutex);
	align = max(align, sizeof(void *));
	if (align > PAGE_SIZE ||
	    check_add_overflow(size, sizeof(*b) + align - 1, &total) ||
	    total > kwasm_heap.limit - kwasm_heap.used) {
		kwasm_heap.alloc_failure = KWASM_COMPILE_MEMORY_BUDGET;
		return NULL;
	}
	kwasm_heap.allocations++;
	nth = READ_ONCE(kwasm_fail_alloc_nth);
	if (nth && kwasm_heap.allocations == nth) {
		WRITE_ONCE(kwasm_fail_alloc_nth, 0);
		kwasm_heap.alloc_failure = KWASM_COMPILE_MEMORY;
		return NULL;
	}
	raw = kvmalloc(total, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!raw) {
		kwasm_heap.alloc_failure = KWASM_COMPILE_MEMORY;
		return NULL;
	}
	user = PTR_ALIGN(raw + sizeof(*b), align);
	b = user - sizeof(*b);
	b->raw = raw;
	b->size = total;
	list_add(&b->node, &kwasm_heap.blocks);
	kwasm_heap.used += total;
	kwasm_heap.peak = max(kwasm_heap.peak, kwasm_heap.used);
	return user;
}

void kwasm_compile_free(void *ptr)
{
	struct kwasm_compile_block *b = ptr - sizeof(*b);

	lockdep_assert_held(&kwasm_compile_mutex);
	list_del(&b->node);
	kwasm_heap.used -= b->size;
	kvfree(b->raw);
}

int kwasm_compile_progress(u32 func)
{
	u32 nth = READ_ONCE(kwasm_fail_panic_nth);

	cond_resched();
	if (fatal_signal_pending(current))
		return KWASM_PROGRESS_FATAL_SIGNAL;
	if (nth && func + 1 >= nth) {
		WRITE_ONCE(kwasm_fail_panic_nth, 0);
		return KWASM_PROGRESS_INJECT_PANIC;
	}
	return KWASM_PROGRESS_GO_ON;
}

/* Never returns: not traceable, so no tracer's return hook is left behind by the unwind. */
notrace void kwasm_compile_abort(void)
{
	lockdep_assert_held(&kwasm_compile_mutex);
	/* An allocation failure reaches here as a panic of the compiler's alloc error path. */
	if (kwasm_heap.alloc_failure)
		*kwasm_heap.status = kwasm_heap.alloc_failure;
	else if (*kwasm_heap.status == KWASM_COMPILE_OK)
		*kwasm_heap.status = KWASM_COMPILE_PANIC;
	kwasm_compile_unwind(kwasm_heap.return_slot);
	BUG();
}
NOKPROBE_SYMBOL(kwasm_compile_abort);

int kwasm_compile_init(void)
{
	kwasm_compile_stack = vmalloc(KWASM_COMPILE_STACK_SIZE);
	return kwasm_compile_stack ? 0 : -ENOMEM;
}

void kwasm_compile_exit(void)
{
	vfree(kwasm_compile_stack);
	kwasm_compile_stack = NULL;
}

int kwasm_compile_begin(void *req, u32 *status, size_t memory_limit, size_t *peak)
{
	unsigned long top;

	if (mutex_lock_killable(&kwasm_compile_mutex))
		return -EINTR;
	INIT_LIST_HEAD(&kwasm_heap.blocks);
	kwasm_heap.used = 0;
	kwasm_heap.peak = 0;
	kwasm_heap.limit = memory_limit;
	kwasm_heap.alloc_failure = 0;
	kwasm_heap.allocations = 0;
	kwasm_heap.status = status;
	/* 16-byte aligned top; the word at `top` keeps the original stack pointer. */
	top = (unsigned long)kwasm_compile_stack + KWASM_COMPILE_STACK_SIZE - 16;
	kwasm_heap.return_slot = top - 8;
	kwasm_compile_switch(req, (void *)top);
	/* A failed allocation the compiler turned into an error is still reported as what it was. */
	if (kwasm_heap.alloc_failure && *status != KWASM_COMPILE_OK)
		*status = kwasm_heap.alloc_failure;
	*peak = kwasm_heap.peak;
	return 0;
}

void kwasm_compile_end(void)
{
	struct kwasm_compile_block *b, *next;

	lockdep_assert_held(&kwasm_compile_mutex);
	list_for_each_entry_safe(b, next, &kwasm_heap.blocks, node) {
		list_del(&b->node);
		kvfree(b->raw);
	}
	kwasm_heap.used = 0;
	kwasm_heap.status = NULL;
	mutex_unlock(&kwasm_compile_mutex);
}
