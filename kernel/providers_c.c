// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of host API providers other modules register (kwasm_provider.h), and the
 * lookup the loader uses, which pins the provider's module for the program.
 */
#include <linux/export.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "helpers.h"
#include "kwasm_provider.h"

static LIST_HEAD(kwasm_providers);
static DEFINE_MUTEX(kwasm_providers_lock);

static struct kwasm_provider *kwasm_provider_find_locked(const char *module, size_t len)
{
	struct kwasm_provider *p;

	list_for_each_entry(p, &kwasm_providers, node)
		if (strlen(p->module) == len && !memcmp(p->module, module, len))
			return p;
	return NULL;
}

int kwasm_provider_register(struct kwasm_provider *provider)
{
	int ret = 0;

	if (!provider || provider->abi_version != KWASM_PROVIDER_ABI || !provider->module ||
	    !provider->fns || !provider->nfns)
		return -EINVAL;
	/*
	 * The owner is what a program pins while it can call the functions (lookup below): with
	 * none, the provider's module could be unloaded, and its text freed, under a running
	 * program.
	 */
	if (!provider->owner) {
		pr_warn("kwasm: provider %s: refused: no owner module (set .owner = THIS_MODULE)\n",
			provider->module);
		return -EINVAL;
	}
	mutex_lock(&kwasm_providers_lock);
	if (kwasm_provider_find_locked(provider->module, strlen(provider->module)))
		ret = -EEXIST;
	else
		list_add_tail(&provider->node, &kwasm_providers);
	mutex_unlock(&kwasm_providers_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(kwasm_provider_register);

void kwasm_provider_unregister(struct kwasm_provider *provider)
{
	mutex_lock(&kwasm_providers_lock);
	list_del(&provider->node);
	mutex_unlock(&kwasm_providers_lock);
}
EXPORT_SYMBOL_GPL(kwasm_provider_unregister);

static bool kwasm_sig_equal(const char *have, const u8 *want, size_t len)
{
	return strlen(have) == len && !memcmp(have, want, len);
}

int kwasm_provider_lookup(const u8 *module, size_t module_len, const u8 *name, size_t name_len,
			  const u8 *params, size_t nparams, const u8 *results, size_t nresults,
			  unsigned long *addr, void **owner)
{
	struct kwasm_provider *p;
	int ret = -ENOENT;
	u32 i;

	mutex_lock(&kwasm_providers_lock);
	p = kwasm_provider_find_locked((const char *)module, module_len);
	for (i = 0; p && i < p->nfns; i++) {
		const struct kwasm_host_fn *f = &p->fns[i];

		if (strlen(f->name) != name_len || memcmp(f->name, name, name_len))
			continue;
		if (!kwasm_sig_equal(f->params, params, nparams) ||
		    !kwasm_sig_equal(f->results, results, nresults)) {
			ret = -EINVAL;
			break;
		}
		/* The program keeps the provider's module until it is unloaded. */
		if (!try_module_get(p->owner)) {
			ret = -ENOENT;
			break;
		}
		*addr = (unsigned long)f->fn;
		*owner = p->owner;
		ret = 0;
		break;
	}
	mutex_unlock(&kwasm_providers_lock);
	return ret;
}

void kwasm_provider_put(void *owner)
{
	module_put(owner);
}
