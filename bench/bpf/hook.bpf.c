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
#define BPF_NOEXIST 1
#define EEXIST 17

/* A map the loader creates before loading the programs that name it. */
struct map_def {
	__u32 type;
	__u32 key_size;
	__u32 value_size;
	__u32 max_entries;
	__u32 flags;
};

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

char LICENSE[] SEC("license") = "GPL";
