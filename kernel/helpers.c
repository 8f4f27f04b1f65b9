// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of the kwasm module: the misc device and the executable arena.
 *
 * The arena: no exported API gives a module executable pages on 6.12 (vmap forces NX,
 * set_memory_x/execmem_alloc/text_poke are not exported), so the arena is a page-aligned
 * region of this module's own text, filled with int3 at build time. Code is written through a
 * transient writable alias of its pages, so no mapping is ever both writable and executable.
 */
#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/objtool.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/nospec-branch.h>
#include <asm/sync_core.h>

#include "helpers.h"

/*
 * The arena: a filled (not @nobits: objtool crashes on that) executable section. Its start is
 * address-taken without an ENDBR (the code installed later brings its own), which objtool's IBT
 * check must be told about.
 */
asm(".pushsection .text.kwasm_arena, \"ax\", @progbits\n"
    ".balign 4096\n"
    "kwasm_arena:\n"
    ANNOTATE_NOENDBR
    ".fill " __stringify(KWASM_ARENA_SIZE) ", 1, 0xcc\n"
    ".popsection\n");
extern u8 kwasm_arena[];

/* The arena's address, hidden from the optimizer so that the only relocation to the arena is to
 * its annotated start (objtool flags a folded `kwasm_arena + 0xfff` as a reference to !ENDBR). */
static unsigned long kwasm_arena_addr(void)
{
	unsigned long addr = (unsigned long)kwasm_arena;

	OPTIMIZER_HIDE_VAR(addr);
	return addr;
}

static const void *kwasm_ctx;

static long kwasm_fop_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return kwasm_rust_ioctl(kwasm_ctx, cmd, arg);
}

static const struct file_operations kwasm_fops = {
	/* Holding the module while a file is open makes rmmod fail with EBUSY instead. */
	.owner = THIS_MODULE,
	.unlocked_ioctl = kwasm_fop_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice kwasm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kwasm",
	.fops = &kwasm_fops,
	.mode = 0600,
};

int kwasm_misc_register(const void *ctx)
{
	kwasm_ctx = ctx;
	return misc_register(&kwasm_misc);
}

void kwasm_misc_deregister(void)
{
	misc_deregister(&kwasm_misc);
	kwasm_ctx = NULL;
}

size_t kwasm_arena_size(void)
{
	return KWASM_ARENA_SIZE;
}

unsigned long kwasm_arena_base(void)
{
	return kwasm_arena_addr();
}

/* Maps the arena pages covering [offset, offset+len) writable; returns the alias of offset. */
static void *kwasm_arena_map(size_t offset, size_t len, void **alias_base)
{
	unsigned long start = kwasm_arena_addr() + offset;
	unsigned long first = start & PAGE_MASK;
	unsigned int npages = (PAGE_ALIGN(start + len) - first) >> PAGE_SHIFT;
	struct page **pages;
	unsigned int i;
	void *alias;

	pages = kmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < npages; i++) {
		pages[i] = vmalloc_to_page((void *)(first + i * PAGE_SIZE));
		if (!pages[i]) {
			kfree(pages);
			return NULL;
		}
	}
	alias = vmap(pages, npages, VM_MAP, PAGE_KERNEL);
	kfree(pages);
	if (!alias)
		return NULL;
	*alias_base = alias;
	return alias + (start - first);
}

/*
 * Removes the writable alias, from the page tables and from every CPU's TLB, before the code
 * written through it can run (or, after poisoning, before the region is handed out again).
 * vunmap() alone clears the alias's PTEs but leaves the TLB flush to a later lazy purge
 * (mm/vmalloc.c: free_unmap_vmap_area() flushes at once only with debug_pagealloc, and the
 * area waits on the lazy list): until then a CPU may keep a writable translation of pages
 * that are executable code, which W^X forbids. vm_unmap_aliases() purges the lazy areas, ours
 * included, and flushes their range on every CPU before it returns (flush_tlb_kernel_range()
 * itself is not exported to modules). It is a global flush, but installs are rare.
 */
static void kwasm_arena_unmap(void *alias_base)
{
	vunmap(alias_base);
	vm_unmap_aliases();
}

static bool kwasm_arena_range_ok(size_t offset, size_t len)
{
	return len && offset < KWASM_ARENA_SIZE && len <= KWASM_ARENA_SIZE - offset;
}

int kwasm_arena_write(size_t offset, const void *src, size_t len)
{
	void *base, *dst;

	if (!kwasm_arena_range_ok(offset, len))
		return -EINVAL;
	dst = kwasm_arena_map(offset, len, &base);
	if (!dst)
		return -ENOMEM;
	memcpy(dst, src, len);
	kwasm_arena_unmap(base);
	return 0;
}

int kwasm_arena_poison(size_t offset, size_t len)
{
	void *base, *dst;

	if (!kwasm_arena_range_ok(offset, len))
		return -EINVAL;
	dst = kwasm_arena_map(offset, len, &base);
	if (!dst)
		return -ENOMEM;
	memset(dst, 0xcc, len);
	kwasm_arena_unmap(base);
	return 0;
}

static void kwasm_sync_core(void *unused)
{
	sync_core();
}

void kwasm_arena_sync_cores(void)
{
	on_each_cpu(kwasm_sync_core, NULL, 1);
}

u64 kwasm_arena_call1(size_t offset, u64 arg)
{
	void *fn = (void *)(kwasm_arena_addr() + offset);
	register u64 rdi asm("rdi") = arg;
	u64 ret;

	/*
	 * Through the kernel's retpoline thunk (CALL_NOSPEC), not a C function pointer: no
	 * indirect branch objtool would flag, and no kCFI hash check on code we generated.
	 */
	asm volatile(CALL_NOSPEC
		     : "=a"(ret), "+r"(rdi), ASM_CALL_CONSTRAINT
		     : THUNK_TARGET(fn)
		     : "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "memory", "cc");
	return ret;
}

/* ---- program file descriptors ---- */

static int kwasm_prog_fop_release(struct inode *inode, struct file *file)
{
	kwasm_rust_prog_release(file->private_data);
	return 0;
}

static const struct file_operations kwasm_prog_fops = {
	/* A program fd holds the module: rmmod answers EBUSY while programs are open. */
	.owner = THIS_MODULE,
	.release = kwasm_prog_fop_release,
	.llseek = noop_llseek,
};

int kwasm_prog_fd_new(void *prog)
{
	return anon_inode_getfd("kwasm-prog", &kwasm_prog_fops, prog, O_RDWR | O_CLOEXEC);
}

void *kwasm_prog_fd_get(int fd)
{
	struct fd f = fdget(fd);
	void *prog = NULL;

	if (fd_file(f) && fd_file(f)->f_op == &kwasm_prog_fops)
		prog = kwasm_rust_prog_get(fd_file(f)->private_data);
	fdput(f);
	return prog;
}

/* ---- running generated code ---- */

u32 kwasm_enter(unsigned long tramp, void *vmctx, u64 *slots)
{
	register void *rdi asm("rdi") = vmctx;
	register u64 *rsi asm("rsi") = slots;
	u32 ret;

	/* The trampoline saves and restores the callee-saved registers itself. */
	asm volatile(CALL_NOSPEC
		     : "=a"(ret), "+r"(rdi), "+r"(rsi), ASM_CALL_CONSTRAINT
		     : THUNK_TARGET(tramp)
		     : "rcx", "rdx", "r8", "r9", "r10", "r11", "memory", "cc");
	return ret;
}

#ifdef CONFIG_MITIGATION_RETPOLINE
/* Declared by <asm/nospec-branch.h>; exported by arch/x86/lib/retpoline.S. */
unsigned long kwasm_indirect_thunk_r11(void)
{
	return (unsigned long)__x86_indirect_thunk_r11;
}
#else
unsigned long kwasm_indirect_thunk_r11(void)
{
	return 0;
}
#endif

/* Address of the kernel's return thunk (retbleed/SRSO mitigations), or 0 without one. */
unsigned long kwasm_return_thunk(void)
{
#ifdef CONFIG_MITIGATION_RETHUNK
	return (unsigned long)__x86_return_thunk;
#else
	return 0;
#endif
}

bool kwasm_capable_load(void)
{
	return capable(CAP_BPF) || capable(CAP_SYS_ADMIN);
}

u64 kwasm_ktime_ns(void)
{
	return ktime_get_ns();
}

void kwasm_fpu_begin(void)
{
	kernel_fpu_begin();
}

void kwasm_fpu_end(void)
{
	kernel_fpu_end();
}

void kwasm_random_bytes(void *buf, size_t len)
{
	get_random_bytes(buf, len);
}

void kwasm_print_ratelimited(const char *prog, const u8 *msg, size_t len)
{
	static DEFINE_RATELIMIT_STATE(rs, 5 * HZ, 20);

	if (__ratelimit(&rs))
		pr_info("kwasm: %s: %.*s\n", prog, (int)min_t(size_t, len, 256), msg);
}

bool kwasm_cpu_has(u64 features)
{
	/* Bits as in kwasm_hooks::artifact: SSE4.1, POPCNT, LZCNT (ABM), BMI1, BMI2. */
	static const u16 caps[] = { X86_FEATURE_XMM4_1, X86_FEATURE_POPCNT, X86_FEATURE_ABM,
				    X86_FEATURE_BMI1, X86_FEATURE_BMI2 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(caps); i++)
		if ((features & (1ULL << i)) && !boot_cpu_has(caps[i]))
			return false;
	return !(features >> ARRAY_SIZE(caps));
}

void kwasm_cond_resched(void)
{
	cond_resched();
}

bool kwasm_fatal_signal_pending(void)
{
	return fatal_signal_pending(current);
}

/* ---- debugfs: /sys/kernel/debug/kwasm/programs ---- */

static struct dentry *kwasm_debugfs_dir;

static int kwasm_programs_show(struct seq_file *seq, void *unused)
{
	kwasm_rust_list_programs(seq->private, seq);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kwasm_programs);

static int kwasm_state_show(struct seq_file *seq, void *unused)
{
	kwasm_rust_show_state(seq->private, seq);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kwasm_state);

void kwasm_debugfs_init(const void *ctx)
{
	kwasm_debugfs_dir = debugfs_create_dir("kwasm", NULL);
	debugfs_create_file("programs", 0400, kwasm_debugfs_dir, (void *)ctx, &kwasm_programs_fops);
	debugfs_create_file("state", 0400, kwasm_debugfs_dir, (void *)ctx, &kwasm_state_fops);
	kwasm_compile_debugfs_init(kwasm_debugfs_dir);
}

void kwasm_debugfs_exit(void)
{
	debugfs_remove_recursive(kwasm_debugfs_dir);
}

void kwasm_seq_write(void *seq, const u8 *text, size_t len)
{
	seq_write(seq, text, len);
}

/* ---- link group locks (kernel/group.rs) ---- */

/*
 * One lock class for every group: a task holds at most one group lock while it waits for one
 * (runs and single-group loads); a load that merges groups takes the others with trylock only.
 */
void kwasm_group_lock_init(struct mutex *lock)
{
	mutex_init(lock);
}

int kwasm_group_lock_killable(struct mutex *lock)
{
	return mutex_lock_killable(lock);
}

bool kwasm_group_trylock(struct mutex *lock)
{
	return mutex_trylock(lock);
}

void kwasm_group_unlock(struct mutex *lock)
{
	mutex_unlock(lock);
}
