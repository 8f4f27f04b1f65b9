/* Shared by the compute benchmark's C programs (bench/compute/c). Each program exports
 * `uint32_t run(uint32_t n)`: deterministic work scaled by n, returning a checksum that every
 * engine must reproduce. No libc: the wasm32 build imports nothing. The native build renames
 * `run` to `<program>_run` (-Drun=...), so all programs link into one runner. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stddef.h>

#if defined(__wasm__)
#define EXPORT __attribute__((export_name("run")))
#else
#define EXPORT
#endif

/* Marsaglia's xorshift32: the programs' input generator. */
static inline uint32_t xorshift32(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Mixes a value into a checksum (FNV-1a style over the 4 bytes at once). */
static inline uint32_t mix(uint32_t h, uint32_t v) {
    return (h ^ v) * 16777619u;
}

#endif
