// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture: a host API provider in a module of its own, as a real provider would be.
 * Offers "testprov.mul_add(a, b, c) -> a * b + c" (i64) and "testprov.fail() -> trap 11".
 * At init it also tries to register a provider without an owner, which kwasm must refuse; the
 * result is the read-only parameter null_owner_ret (/sys/module/kwasm_testprov/parameters/).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "kwasm_provider.h"

static u32 testprov_mul_add(void *vmctx, u64 *slots)
{
	slots[0] = slots[0] * slots[1] + slots[2];
	return 0;
}

static u32 testprov_fail(void *vmctx, u64 *slots)
{
	return 11; /* TRAP_HOST_ABORT */
}

static const struct kwasm_host_fn testprov_fns[] = {
	{ "mul_add", KWASM_I64 KWASM_I64 KWASM_I64, KWASM_I64, testprov_mul_add },
	{ "fail", "", "", testprov_fail },
};

static struct kwasm_provider testprov = {
	.abi_version = KWASM_PROVIDER_ABI,
	.module = "testprov",
	.fns = testprov_fns,
	.nfns = ARRAY_SIZE(testprov_fns),
	.owner = THIS_MODULE,
};

/* What registering testprov_no_owner returned (the VM suite expects -EINVAL). */
static int null_owner_ret = 1;
module_param(null_owner_ret, int, 0444);
MODULE_PARM_DESC(null_owner_ret,
		 "what kwasm_provider_register returned for a provider without an owner");

/* The same functions with .owner left NULL: nothing would pin this module for a program. */
static struct kwasm_provider testprov_no_owner = {
	.abi_version = KWASM_PROVIDER_ABI,
	.module = "testprov_no_owner",
	.fns = testprov_fns,
	.nfns = ARRAY_SIZE(testprov_fns),
};

static int __init testprov_init(void)
{
	null_owner_ret = kwasm_provider_register(&testprov_no_owner);
	if (!null_owner_ret)
		kwasm_provider_unregister(&testprov_no_owner);
	return kwasm_provider_register(&testprov);
}

static void __exit testprov_exit(void)
{
	kwasm_provider_unregister(&testprov);
}

module_init(testprov_init);
module_exit(testprov_exit);
MODULE_DESCRIPTION("kwasm test fixture: a host API provider");
MODULE_LICENSE("GPL");
