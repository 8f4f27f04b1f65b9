/* SPDX-License-Identifier: GPL-2.0 */
/*
 * C glue of the kwasm module: what the 6.12 Rust `kernel` crate has no wrapper for.
 * kwasm_main.rs mirrors these prototypes in its `extern "C"` block; keep them in sync.
 */
#ifndef KWASM_HELPERS_H
#define KWASM_HELPERS_H

#include <linux/spinlock_types.h>
#include <linux/types.h>

/* Size of the executable arena reserved in the module's text (design decision 2). */
#define KWASM_ARENA_SIZE (2UL << 20)

/* Registers /dev/kwasm (mode 0600); ioctls go to kwasm_rust_ioctl(ctx, ...). */
int kwasm_misc_register(const void *ctx);
void kwasm_misc_deregister(void);

/* Implemented in Rust: the ioctl dispatcher. */
long kwasm_rust_ioctl(const void *ctx, unsigned int cmd, unsigned long arg);

size_t kwasm_arena_size(void);
/* Address of the arena's first byte. */
unsigned long kwasm_arena_base(void);
/* Copies code into the arena through a transient writable alias; 0 or -errno. */
int kwasm_arena_write(size_t offset, const void *src, size_t len);
/* Fills a range with int3 so freed code can never run again; 0 or -errno. */
int kwasm_arena_poison(size_t offset, size_t len);
/* Serializes every CPU's instruction stream after new code was written. */
void kwasm_arena_sync_cores(void);
/* Calls code at `offset` as u64 f(u64) through the retpoline-safe path. */
u64 kwasm_arena_call1(size_t offset, u64 arg);

/* Program file descriptors (anon inodes); `prog` is an owned reference (an Arc's raw pointer). */
int kwasm_prog_fd_new(void *prog);
/* The program behind `fd` with a new reference (kwasm_rust_prog_get), or NULL. */
void *kwasm_prog_fd_get(int fd);
/* Implemented in Rust: drop one reference / take one more. */
void kwasm_rust_prog_release(void *prog);
void *kwasm_rust_prog_get(void *prog);

/* Enters generated code: u32 tramp(vmctx, slots) through the retpoline-safe path. */
u32 kwasm_enter(unsigned long tramp, void *vmctx, u64 *slots);
/* Address of the kernel's indirect-branch thunk for r11, or 0 without retpolines. */
unsigned long kwasm_indirect_thunk_r11(void);

/* Address of the kernel's return thunk, or 0 when the kernel returns with plain `ret`. */
unsigned long kwasm_return_thunk(void);
bool kwasm_capable_load(void);
u64 kwasm_ktime_ns(void);
void kwasm_fpu_begin(void);
void kwasm_fpu_end(void);
void kwasm_random_bytes(void *buf, size_t len);
/* Prints a program's message (not NUL-terminated) to the kernel log, rate limited. */
void kwasm_print_ratelimited(const char *prog, const u8 *msg, size_t len);
/* Whether the CPU has the features an artifact needs (kwasm_hooks::artifact::CPU_*). */
bool kwasm_cpu_has(u64 features);
void kwasm_cond_resched(void);
bool kwasm_fatal_signal_pending(void);

struct mutex;
/* A link group's lock (kernel/group.rs): 0 or -EINTR; trylock: true if taken. */
void kwasm_group_lock_init(struct mutex *lock);
int kwasm_group_lock_killable(struct mutex *lock);
bool kwasm_group_trylock(struct mutex *lock);
void kwasm_group_unlock(struct mutex *lock);

/* debugfs listing of programs; the show callback is kwasm_rust_list_programs(ctx, seq). */
void kwasm_debugfs_init(const void *ctx);
void kwasm_debugfs_exit(void);
void kwasm_rust_list_programs(const void *ctx, void *seq);
/* debugfs `state`: what the module holds (programs, groups, signatures, memory). */
void kwasm_rust_show_state(const void *ctx, void *seq);
void kwasm_seq_write(void *seq, const u8 *text, size_t len);

/*
 * Registered providers (providers_c.c): finds module.name with this signature, pins the
 * provider's module (released with kwasm_provider_put). 0, -ENOENT, or -EINVAL (signature).
 */
int kwasm_provider_lookup(const u8 *module, size_t module_len, const u8 *name, size_t name_len,
			  const u8 *params, size_t nparams, const u8 *results, size_t nresults,
			  unsigned long *addr, void **owner);
void kwasm_provider_put(void *owner);

/*
 * The in-kernel compiler (compile_c.c, compile_stack.S, and kcompile.o built from
 * kernel/kcompile/). `req` is a struct Request of kernel/core/src/compile.rs; `status` points to
 * its status field.
 *
 * kwasm_compile_begin takes the compile lock (killable: -EINTR), runs the compile on a stack of
 * its own with a heap of at most `memory_limit` bytes and returns 0 with the lock held and the
 * heap alive (the artifact lives in it); kwasm_compile_end frees the heap and drops the lock.
 */
int kwasm_compile_init(void);
void kwasm_compile_exit(void);
int kwasm_compile_begin(void *req, u32 *status, size_t memory_limit, size_t *peak);
void kwasm_compile_end(void);
struct dentry;
void kwasm_compile_debugfs_init(struct dentry *dir);
/* Called by the compiler (kernel/kcompile/src/lib.rs). */
void kwasm_compile_wasm(void *req);
void *kwasm_compile_alloc(size_t size, size_t align);
void kwasm_compile_free(void *ptr);
int kwasm_compile_progress(u32 func);
void __noreturn notrace kwasm_compile_abort(void);
/* compile_stack.S */
void kwasm_compile_switch(void *req, void *stack_top);
/* Does not return to its caller (objtool cannot know: callers follow it with BUG()). */
void kwasm_compile_unwind(unsigned long return_slot);


/* ---- maps and links (objects_c.c) ---- */

struct kwasm_ring;
/* A ring buffer's pages (2 + data_size / PAGE_SIZE), zeroed and charged; NULL on failure. */
struct kwasm_ring *kwasm_ring_new(size_t data_size);
void kwasm_ring_free(struct kwasm_ring *ring);
void *kwasm_ring_vaddr(struct kwasm_ring *ring);
void kwasm_ring_wake(struct kwasm_ring *ring);

/* Map and link fds (anon inodes); the object is an owned reference (an Arc's raw pointer). */
int kwasm_map_fd_new(void *map);
int kwasm_link_fd_new(void *link);
/* The object behind `fd` with a new reference, or NULL (not such an fd). */
void *kwasm_map_fd_get(int fd);
void *kwasm_link_fd_get(int fd);
/* Implemented in Rust: drop one reference / take one more / the ring buffer of a map. */
void kwasm_rust_map_release(void *map);
void *kwasm_rust_map_get(void *map);
struct kwasm_ring *kwasm_rust_map_ring(void *map);
void kwasm_rust_link_release(void *link);
void *kwasm_rust_link_get(void *link);

spinlock_t *kwasm_spinlock_new(void);
void kwasm_spinlock_free(spinlock_t *lock);
unsigned long kwasm_spin_lock_irqsave(spinlock_t *lock);
void kwasm_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);

bool kwasm_module_get(void);
void kwasm_module_put(void);
unsigned int kwasm_nr_cpu_ids(void);
unsigned int kwasm_this_cpu(void);
unsigned int kwasm_get_cpu(void);
void kwasm_put_cpu(void);
void kwasm_bh_disable(void);
void kwasm_bh_enable(void);
bool kwasm_irq_fpu_usable(void);

/* ---- the netfilter hook (netfilter_c.c) ---- */

/* What the hook passes to Rust about one packet. */
struct kwasm_nf_packet {
	const void *skb;
	u32 hook;
	u32 family;
	u32 ifindex_in;
	u32 ifindex_out;
	/* Bytes from the network header. */
	u32 len;
	u32 mark;
};

struct kwasm_nf_link;
bool kwasm_capable_net_admin(void);
bool kwasm_nf_capable(const struct kwasm_nf_link *l);
struct kwasm_nf_link *kwasm_nf_attach(const void *link, const void *prog, u32 family, u32 hook, s32 priority, int *err);
const void *kwasm_nf_swap(struct kwasm_nf_link *l, const void *prog);
void kwasm_nf_detach(struct kwasm_nf_link *l);
u32 kwasm_skb_copy(const void *skb, u32 offset, u8 *dst, u32 len);
/* Implemented in Rust: runs the program on a packet; NF_ACCEPT or NF_DROP. */
unsigned int kwasm_rust_nf_run(const void *link, const void *prog, const struct kwasm_nf_packet *pkt);

#endif
