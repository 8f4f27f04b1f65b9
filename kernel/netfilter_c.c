// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter hook of kwasm links (hook_link.rs): a struct nf_hook_ops per link, registered
 * in the network namespace of the task that attached it. The program runs through an RCU
 * pointer, so LINK_UPDATE swaps it atomically: a packet sees the old program or the new one.
 */
#include <linux/capability.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/nsproxy.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "helpers.h"

struct kwasm_nf_link {
	struct nf_hook_ops ops;
	struct net *net;
	/* The attached program (a Rust Program the link holds a reference to). */
	const void __rcu *prog;
	/* The Rust link: its counters and default verdict. */
	const void *link;
};

static unsigned int kwasm_nf_hook(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	struct kwasm_nf_link *l = priv;
	struct kwasm_nf_packet pkt = {
		.skb = skb,
		.hook = state->hook,
		.family = state->pf,
		.ifindex_in = state->in ? state->in->ifindex : 0,
		.ifindex_out = state->out ? state->out->ifindex : 0,
		.len = skb->len - skb_network_offset(skb),
		.mark = skb->mark,
	};
	unsigned int verdict;

	/*
	 * Netfilter calls hooks under rcu_read_lock(), in softirq or in process context (local
	 * output) with preemption possibly on. The program's per-CPU instance needs this CPU to
	 * itself: no softirq may run the same program here meanwhile.
	 */
	local_bh_disable();
	verdict = kwasm_rust_nf_run(l->link, rcu_dereference(l->prog), &pkt);
	local_bh_enable();
	return verdict;
}

/* Attaching to the network stack needs CAP_NET_ADMIN in its namespace, as bpf's netfilter links. */
bool kwasm_capable_net_admin(void)
{
	return ns_capable(current->nsproxy->net_ns->user_ns, CAP_NET_ADMIN) || capable(CAP_SYS_ADMIN);
}

/*
 * Changing what a link runs, or detaching it, needs what attaching it needed: CAP_NET_ADMIN, in
 * the namespace whose packets it sees.
 */
bool kwasm_nf_capable(const struct kwasm_nf_link *l)
{
	return ns_capable(l->net->user_ns, CAP_NET_ADMIN) || capable(CAP_SYS_ADMIN);
}

/* Registers the hook; NULL with *err set on failure. */
struct kwasm_nf_link *kwasm_nf_attach(const void *link, const void *prog, u32 family, u32 hook, s32 priority, int *err)
{
	struct kwasm_nf_link *l = kzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);

	if (!l) {
		*err = -ENOMEM;
		return NULL;
	}
	l->net = get_net(current->nsproxy->net_ns);
	l->link = link;
	RCU_INIT_POINTER(l->prog, prog);
	l->ops.hook = kwasm_nf_hook;
	l->ops.pf = family;
	l->ops.hooknum = hook;
	l->ops.priority = priority;
	l->ops.priv = l;
	*err = nf_register_net_hook(l->net, &l->ops);
	if (*err) {
		put_net(l->net);
		kfree(l);
		return NULL;
	}
	return l;
}

/*
 * Points the hook at another program and returns the previous one once no packet runs it any
 * more. The caller serializes swaps and detaches (the link's mutex).
 */
const void *kwasm_nf_swap(struct kwasm_nf_link *l, const void *prog)
{
	const void *old = rcu_replace_pointer(l->prog, prog, true);

	synchronize_rcu();
	return old;
}

/* Unregisters the hook and frees it once no packet is inside it. */
void kwasm_nf_detach(struct kwasm_nf_link *l)
{
	nf_unregister_net_hook(l->net, &l->ops);
	/* Unregistering does not wait for hooks already running (they hold rcu_read_lock). */
	synchronize_rcu();
	put_net(l->net);
	kfree(l);
}

/* Copies packet bytes from `offset` past the network header; the number copied. */
u32 kwasm_skb_copy(const void *skb, u32 offset, u8 *dst, u32 len)
{
	const struct sk_buff *s = skb;
	int base = skb_network_offset(s);
	u32 avail;

	if (base < 0 || base > s->len || offset >= s->len - base)
		return 0;
	avail = s->len - base - offset;
	if (len > avail)
		len = avail;
	if (skb_copy_bits(s, base + offset, dst, len))
		return 0;
	return len;
}
