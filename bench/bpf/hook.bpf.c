/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The eBPF baselines of `cargo xtask bench hook`: netfilter programs doing the same work as the
 * kwasm port filter (vmtests/src/filters.rs `port_filter`) and an empty one.
 *
 * Built with `clang-14 -target bpf -O2 -g0 -c`: no BTF in the object, so no libbpf headers or
 * conventions; the bench's own loader (bench/src/ebpf.rs) reads this file's three conventions:
 * programs in sections "netfilter/<name>", maps as `struct map_def` in section "maps", and
 * kernel functions (kfuncs) as plain extern declarations, resolved by name in the running
 * kernel's BTF (/sys/kernel/btf/vmlinux).
 */

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;

#define SEC(name) __attribute__((section(name), used))

#define NF_DROP 0
#define NF_ACCEPT 1
#define NFPROTO_IPV4 2
#define IPPROTO_TCP 6

#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_MAP_TYPE_PERCPU_ARRAY 6
#define BPF_NOEXIST 1
#define BPF_EXIST 2
#define EEXIST 17

/*
 * A map the loader creates before loading the programs that name it. `value_btf`: 0, or
 * MAP_VALUE_SPIN_LOCK for a value `struct op_locked` (below), which the loader describes to the
 * kernel in BTF of its own (bench/src/btf.rs spin_lock_value).
 */
struct map_def {
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 flags;
	__u32 value_btf;
};
#define MAP_VALUE_SPIN_LOCK 1

/* The program's context (include/linux/filter.h, netfilter.h): only what is read here. */
struct nf_hook_state {
	__u8 hook;
	__u8 pf;
};
struct __sk_buff;
struct bpf_nf_ctx {
	const struct nf_hook_state *state;
	struct __sk_buff *skb;
};

struct bpf_dynptr {
	__u64 opaque[2];
} __attribute__((aligned(8)));

/* kfuncs (vmlinux BTF ids; GPL programs only). */
extern int bpf_dynptr_from_skb(struct __sk_buff *skb, __u64 flags, struct bpf_dynptr *ptr);
extern void *bpf_dynptr_slice(const struct bpf_dynptr *ptr, __u32 offset, void *buffer,
			      __u32 buffer_size);

/* Helpers, by number (include/uapi/linux/bpf.h). */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value,
				   __u64 flags) = (void *)2;
static long (*bpf_get_numa_node_id)(void) = (void *)42;
struct bpf_spin_lock {
	__u32 val;
};
static long (*bpf_spin_lock)(struct bpf_spin_lock *lock) = (void *)93;
static long (*bpf_spin_unlock)(struct bpf_spin_lock *lock) = (void *)94;

/* CONFIG[0]: the TCP destination port to drop, host order (as the kwasm filter's CONFIG). */
struct map_def CONFIG SEC("maps") = { BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0 };
/* DROPS: drops per IPv4 source address (u32, network order as in the header) -> u64. */
struct map_def DROPS SEC("maps") = { BPF_MAP_TYPE_HASH, 4, 8, 1024, 0 };

struct iphdr {
	__u8 version_ihl;
	__u8 tos;
	__u16 tot_len;
	__u16 id;
	__u16 frag_off;
	__u8 ttl;
	__u8 protocol;
	__u16 check;
	__u32 saddr;
	__u32 daddr;
};

struct ports {
	__u16 source;
	__u16 dest;
};

/*
 * Drops TCP over IPv4 to the port in CONFIG[0] and counts the drop by source address; accepts
 * the rest. The kwasm filter gets the same facts from its context, which the kernel fills for
 * every packet (parse_l3 in hooks/src/netfilter.rs): IPv4 with a 20..60-byte header, no
 * fragment offset, TCP, the destination port within the packet.
 */
SEC("netfilter/port_filter")
int port_filter(struct bpf_nf_ctx *ctx)
{
	struct bpf_dynptr pkt;
	struct iphdr ip_buf;
	struct ports ports_buf;
	const struct iphdr *ip;
	const struct ports *ports;
	__u32 zero = 0, ihl, saddr, *port;
	__u64 *count, one = 1;

	if (ctx->state->pf != NFPROTO_IPV4)
		return NF_ACCEPT;
	if (bpf_dynptr_from_skb(ctx->skb, 0, &pkt))
		return NF_ACCEPT;
	ip = bpf_dynptr_slice(&pkt, 0, &ip_buf, sizeof(ip_buf));
	if (!ip || ip->version_ihl >> 4 != 4)
		return NF_ACCEPT;
	ihl = (ip->version_ihl & 0x0f) * 4;
	if (ihl < 20 || (ip->frag_off & __builtin_bswap16(0x1fff)) || ip->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	ports = bpf_dynptr_slice(&pkt, ihl, &ports_buf, sizeof(ports_buf));
	if (!ports)
		return NF_ACCEPT;
	port = bpf_map_lookup_elem(&CONFIG, &zero);
	if (!port || *port != __builtin_bswap16(ports->dest))
		return NF_ACCEPT;
	/* Map keys come from the stack: the packet slice is read-only memory. */
	saddr = ip->saddr;
	count = bpf_map_lookup_elem(&DROPS, &saddr);
	if (count) {
		__sync_fetch_and_add(count, 1);
	} else if (bpf_map_update_elem(&DROPS, &saddr, &one, BPF_NOEXIST) == -EEXIST) {
		/* Another CPU added it first. */
		count = bpf_map_lookup_elem(&DROPS, &saddr);
		if (count)
			__sync_fetch_and_add(count, 1);
	}
	return NF_DROP;
}

/* The fixed cost of entering a netfilter program. */
SEC("netfilter/empty")
int empty(struct bpf_nf_ctx *ctx)
{
	return NF_ACCEPT;
}

/*
 * Per-operation cost: each program runs OPS iterations of one operation and accepts only if
 * every iteration did what it should (a lookup found the value, an update succeeded). The bench
 * reports (time of a program - time of op_noop) / OPS; the kwasm programs doing the same are in
 * bench/src/ops.rs, with the same map layouts, OPS, OP_KEY and OP_MAGIC.
 */
#define OPS 64
/* The key of the hash maps' one entry, and the value the lookup maps hold (set by the bench). */
#define OP_KEY 7
#define OP_MAGIC 0x5eed

struct map_def OP_ARRAY SEC("maps") = { BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0 };
struct map_def OP_HASH SEC("maps") = { BPF_MAP_TYPE_HASH, 4, 8, 1024, 0 };
struct map_def OP_HASH_ADD SEC("maps") = { BPF_MAP_TYPE_HASH, 4, 8, 1024, 0 };
struct map_def OP_PERCPU SEC("maps") = { BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 };
struct map_def OP_HASH_UPD SEC("maps") = { BPF_MAP_TYPE_HASH, 4, 8, 1024, 0 };
struct op_locked {
	struct bpf_spin_lock lock;
	int n;
};
struct map_def OP_LOCKED SEC("maps") = { BPF_MAP_TYPE_ARRAY, 4, 8, 1, 0, MAP_VALUE_SPIN_LOCK };

/* Keeps `v` in a register the compiler must assume changed: no folding across iterations. */
#define barrier_var(v) asm volatile("" : "+r"(v))

/*
 * OPS iterations of `op`, which adds what it read to `sum` and returns NF_DROP when the
 * operation fails (so the verifier follows one path through the loop, not one per outcome); the
 * loop is kept a loop (not unrolled, not folded). Accepts if `sum` is `want`.
 */
#define OP_LOOP(want, op)                                                                    \
	__u64 sum = 0;                                                                       \
	__u32 i;                                                                             \
	_Pragma("clang loop unroll(disable)") for (i = 0; i < OPS; i++)                      \
	{                                                                                    \
		op;                                                                          \
		barrier_var(sum);                                                            \
	}                                                                                    \
	return sum == (want) ? NF_ACCEPT : NF_DROP

/* The loop alone: the baseline of the others. */
SEC("netfilter/op_noop")
int op_noop(struct bpf_nf_ctx *ctx)
{
	OP_LOOP(0, );
}

/* A helper call that does next to nothing and is not inlined: returns the NUMA node (0). */
SEC("netfilter/op_helper_call")
int op_helper_call(struct bpf_nf_ctx *ctx)
{
	OP_LOOP(0, sum += bpf_get_numa_node_id());
}

/* Array lookup (4-byte key and value): the verifier inlines it into the program. */
SEC("netfilter/op_array_lookup")
int op_array_lookup(struct bpf_nf_ctx *ctx)
{
	__u32 key = 0, *v;

	OP_LOOP(OPS * OP_MAGIC, v = bpf_map_lookup_elem(&OP_ARRAY, &key); if (!v) return NF_DROP;
		sum += *v);
}

/* Hash lookup of a present key: a direct call of __htab_map_lookup_elem, under RCU. */
SEC("netfilter/op_hash_lookup")
int op_hash_lookup(struct bpf_nf_ctx *ctx)
{
	__u32 key = OP_KEY;
	__u64 *v;

	OP_LOOP(OPS * OP_MAGIC, v = bpf_map_lookup_elem(&OP_HASH, &key); if (!v) return NF_DROP;
		sum += *v);
}

/* +1 on a hash value: lookup, then an atomic add on the value in place. */
SEC("netfilter/op_hash_add")
int op_hash_add(struct bpf_nf_ctx *ctx)
{
	__u32 key = OP_KEY;
	__u64 *v;

	OP_LOOP(0, v = bpf_map_lookup_elem(&OP_HASH_ADD, &key); if (!v) return NF_DROP;
		__sync_fetch_and_add(v, 1));
}

/* +1 on this CPU's value of a per-CPU array: inlined lookup, then an atomic add. */
SEC("netfilter/op_percpu_add")
int op_percpu_add(struct bpf_nf_ctx *ctx)
{
	__u32 key = 0;
	__u64 *v;

	OP_LOOP(0, v = bpf_map_lookup_elem(&OP_PERCPU, &key); if (!v) return NF_DROP;
		__sync_fetch_and_add(v, 1));
}

/* Update of a present hash key (the value: the iteration, 1..OPS): takes the bucket's lock. */
SEC("netfilter/op_hash_update")
int op_hash_update(struct bpf_nf_ctx *ctx)
{
	__u32 key = OP_KEY;
	__u64 n;

	OP_LOOP(0, n = i + 1; if (bpf_map_update_elem(&OP_HASH_UPD, &key, &n, BPF_EXIST)) return
		NF_DROP);
}

/*
 * +1 on an array value under the value's bpf_spin_lock: interrupts off (traced, as every
 * interrupts-off in this kernel), preemption off and a bare queued spinlock; the lock is not
 * a lockdep-tracked one and has no CONFIG_DEBUG_SPINLOCK checks.
 */
SEC("netfilter/op_spin_lock_add")
int op_spin_lock_add(struct bpf_nf_ctx *ctx)
{
	__u32 key = 0;
	struct op_locked *v;

	OP_LOOP(0, v = bpf_map_lookup_elem(&OP_LOCKED, &key); if (!v) return NF_DROP;
		bpf_spin_lock(&v->lock); v->n++; bpf_spin_unlock(&v->lock));
}

char LICENSE[] SEC("license") = "GPL";
