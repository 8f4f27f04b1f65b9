// SPDX-License-Identifier: GPL-2.0
/*
 * C glue for maps and links: their file descriptors (a map fd can be polled and, for ring
 * buffers, mapped), the maps' spinlocks, the ring buffers' pages, and the per-CPU bits of the
 * hook entry path. The objects themselves are Rust's (maps.rs, ringbuf.rs, hook_link.rs).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <asm/fpu/api.h>

#include "helpers.h"

/* ---- ring buffer pages: consumer page, producer page, data (hooks/src/ringbuf.rs) ---- */

struct kwasm_ring {
	wait_queue_head_t waiters;
	struct page **pages;
	unsigned long npages;
	/* One kernel mapping of every page, VM_USERMAP so that remap_vmalloc_range() can map it
	 * to userspace. */
	void *vaddr;
};

static void kwasm_ring_free_pages(struct page **pages, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		__free_page(pages[i]);
	kvfree(pages);
}

/* Pages charged to the caller's memory cgroup, zeroed, mapped once for the kernel. */
struct kwasm_ring *kwasm_ring_new(size_t data_size)
{
	unsigned long i, n = 2 + (data_size >> PAGE_SHIFT);
	struct kwasm_ring *ring;

	ring = kzalloc(sizeof(*ring), GFP_KERNEL_ACCOUNT);
	if (!ring)
		return NULL;
	ring->pages = kvcalloc(n, sizeof(*ring->pages), GFP_KERNEL_ACCOUNT);
	if (!ring->pages)
		goto free_ring;
	for (i = 0; i < n; i++) {
		ring->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN);
		if (!ring->pages[i])
			goto free_pages;
	}
	ring->vaddr = vmap(ring->pages, n, VM_MAP | VM_USERMAP, PAGE_KERNEL);
	if (!ring->vaddr)
		goto free_pages;
	ring->npages = n;
	init_waitqueue_head(&ring->waiters);
	return ring;

free_pages:
	kwasm_ring_free_pages(ring->pages, i);
free_ring:
	kfree(ring);
	return NULL;
}

void kwasm_ring_free(struct kwasm_ring *ring)
{
	vunmap(ring->vaddr);
	kwasm_ring_free_pages(ring->pages, ring->npages);
	kfree(ring);
}

void *kwasm_ring_vaddr(struct kwasm_ring *ring)
{
	return ring->vaddr;
}

/* Called after a record was published: wakes pollers, if any (cheap when none wait). */
void kwasm_ring_wake(struct kwasm_ring *ring)
{
	if (wq_has_sleeper(&ring->waiters))
		wake_up_interruptible(&ring->waiters);
}

static bool kwasm_ring_pending(struct kwasm_ring *ring)
{
	u64 *consumer = ring->vaddr;
	u64 *producer = ring->vaddr + PAGE_SIZE;

	return smp_load_acquire(producer) != smp_load_acquire(consumer);
}

/* ---- map and link file descriptors ---- */

static int kwasm_map_fop_release(struct inode *inode, struct file *file)
{
	kwasm_rust_map_release(file->private_data);
	return 0;
}

static __poll_t kwasm_map_fop_poll(struct file *file, struct poll_table_struct *pt)
{
	struct kwasm_ring *ring = kwasm_rust_map_ring(file->private_data);

	if (!ring)
		return 0;
	poll_wait(file, &ring->waiters, pt);
	return kwasm_ring_pending(ring) ? EPOLLIN | EPOLLRDNORM : 0;
}

/*
 * Ring buffers only: page 0 (the consumer position) may be mapped writable, alone; everything
 * else read-only, and never made writable later (VM_MAYWRITE cleared), as bpf's ring buffer.
 */
static int kwasm_map_fop_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kwasm_ring *ring = kwasm_rust_map_ring(file->private_data);
	unsigned long len = vma->vm_end - vma->vm_start;

	if (!ring)
		return -ENODEV;
	/* The consumer position is shared with the kernel: private copies would lose it. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE) {
		if (vma->vm_pgoff != 0 || len > PAGE_SIZE)
			return -EPERM;
	} else {
		vm_flags_clear(vma, VM_MAYWRITE);
	}
	return remap_vmalloc_range(vma, ring->vaddr, vma->vm_pgoff);
}

static const struct file_operations kwasm_map_fops = {
	/* A map fd holds the module, as program fds do. */
	.owner = THIS_MODULE,
	.release = kwasm_map_fop_release,
	.poll = kwasm_map_fop_poll,
	.mmap = kwasm_map_fop_mmap,
	.llseek = noop_llseek,
};

static int kwasm_link_fop_release(struct inode *inode, struct file *file)
{
	kwasm_rust_link_release(file->private_data);
	return 0;
}

static const struct file_operations kwasm_link_fops = {
	.owner = THIS_MODULE,
	.release = kwasm_link_fop_release,
	.llseek = noop_llseek,
};

int kwasm_map_fd_new(void *map)
{
	return anon_inode_getfd("kwasm-map", &kwasm_map_fops, map, O_RDWR | O_CLOEXEC);
}

int kwasm_link_fd_new(void *link)
{
	return anon_inode_getfd("kwasm-link", &kwasm_link_fops, link, O_RDWR | O_CLOEXEC);
}

/* The object behind `fd` if it is a map (a link), with a new reference; NULL otherwise. */
void *kwasm_map_fd_get(int fd)
{
	struct fd f = fdget(fd);
	void *map = NULL;

	if (fd_file(f) && fd_file(f)->f_op == &kwasm_map_fops)
		map = kwasm_rust_map_get(fd_file(f)->private_data);
	fdput(f);
	return map;
}

void *kwasm_link_fd_get(int fd)
{
	struct fd f = fdget(fd);
	void *link = NULL;

	if (fd_file(f) && fd_file(f)->f_op == &kwasm_link_fops)
		link = kwasm_rust_link_get(fd_file(f)->private_data);
	fdput(f);
	return link;
}

/* ---- the maps' spinlocks: taken with interrupts off, from hooks and from ioctls ---- */

spinlock_t *kwasm_spinlock_new(void)
{
	spinlock_t *lock = kmalloc(sizeof(*lock), GFP_KERNEL_ACCOUNT);

	if (lock)
		spin_lock_init(lock);
	return lock;
}

void kwasm_spinlock_free(spinlock_t *lock)
{
	kfree(lock);
}

unsigned long kwasm_spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags;

	spin_lock_irqsave(lock, flags);
	return flags;
}

void kwasm_spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock_irqrestore(lock, flags);
}

/* ---- pins hold the module (pins.rs) ---- */

bool kwasm_module_get(void)
{
	return try_module_get(THIS_MODULE);
}

void kwasm_module_put(void)
{
	module_put(THIS_MODULE);
}

/* ---- per-CPU instances ---- */

unsigned int kwasm_nr_cpu_ids(void)
{
	return nr_cpu_ids;
}

/* Only with preemption off (bottom halves disabled by the hook entry). */
unsigned int kwasm_this_cpu(void)
{
	return smp_processor_id();
}

/* This CPU, with preemption off until kwasm_put_cpu(). */
unsigned int kwasm_get_cpu(void)
{
	return get_cpu();
}

void kwasm_put_cpu(void)
{
	put_cpu();
}

void kwasm_bh_disable(void)
{
	local_bh_disable();
}

void kwasm_bh_enable(void)
{
	local_bh_enable();
}

bool kwasm_irq_fpu_usable(void)
{
	return irq_fpu_usable();
}
