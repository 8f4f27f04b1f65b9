/* Compression: an LZ77 compressor in the style of LZ4 (4-byte minimum match, a 4096-entry hash
 * table of last positions, literal runs and matches as tokens) and its decompressor, round trip
 * over 256 KiB of generated text with repetitions, n times. The result mixes the compressed size
 * and the decompressed bytes; 0 if the round trip does not give back the input. */
#include "common.h"

#define IN_SIZE (256 * 1024)
#define HASH_BITS 12
static uint8_t input[IN_SIZE];
static uint8_t packed[IN_SIZE + IN_SIZE / 64 + 64];
static uint8_t output[IN_SIZE];
static uint32_t table[1 << HASH_BITS];

static const char *const words[16] = {
    "the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dog ",
    "kernel ", "module ", "wasm ", "compiler ", "fuel ", "bounds ", "check ", "\n",
};

static void generate(uint32_t seed) {
    uint32_t s = seed;
    size_t at = 0;
    while (at < IN_SIZE) {
        uint32_t r = xorshift32(&s);
        if ((r & 7) == 0) {
            /* Noise: a few random bytes. */
            for (int k = 0; k < 3 && at < IN_SIZE; k++) input[at++] = (uint8_t)(xorshift32(&s) >> 24);
        } else {
            const char *w = words[(r >> 8) & 15];
            while (*w && at < IN_SIZE) input[at++] = (uint8_t)*w++;
        }
    }
}

static inline uint32_t load32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint32_t hash4(uint32_t v) { return (v * 2654435761u) >> (32 - HASH_BITS); }

static uint8_t *put_length(uint8_t *op, uint32_t len) {
    while (len >= 255) {
        *op++ = 255;
        len -= 255;
    }
    *op++ = (uint8_t)len;
    return op;
}

/* Token: high nibble literal count, low nibble match length - 4 (15 = more bytes follow);
 * then the literals, a 2-byte offset and the match's extra length bytes. The last token has
 * literals only. */
static size_t compress(const uint8_t *in, size_t len, uint8_t *out) {
    for (int i = 0; i < (1 << HASH_BITS); i++) table[i] = 0;
    const uint8_t *const end = in + len;
    const uint8_t *ip = in, *anchor = in;
    uint8_t *op = out;
    while (ip + 12 <= end) {
        uint32_t v = load32(ip);
        uint32_t hslot = hash4(v);
        const uint8_t *ref = in + table[hslot];
        table[hslot] = (uint32_t)(ip - in);
        if (ref >= ip || ip - ref > 65535 || load32(ref) != v) {
            ip++;
            continue;
        }
        size_t mlen = 4;
        while (ip + mlen < end - 5 && ref[mlen] == ip[mlen]) mlen++;
        size_t lit = (size_t)(ip - anchor);
        uint8_t *token = op++;
        *token = (uint8_t)((lit >= 15 ? 15 : lit) << 4);
        if (lit >= 15) op = put_length(op, (uint32_t)(lit - 15));
        for (size_t k = 0; k < lit; k++) *op++ = anchor[k];
        uint32_t off = (uint32_t)(ip - ref);
        *op++ = (uint8_t)off;
        *op++ = (uint8_t)(off >> 8);
        size_t m = mlen - 4;
        *token |= (uint8_t)(m >= 15 ? 15 : m);
        if (m >= 15) op = put_length(op, (uint32_t)(m - 15));
        ip += mlen;
        anchor = ip;
    }
    size_t lit = (size_t)(end - anchor);
    *op++ = (uint8_t)((lit >= 15 ? 15 : lit) << 4);
    if (lit >= 15) op = put_length(op, (uint32_t)(lit - 15));
    for (size_t k = 0; k < lit; k++) *op++ = anchor[k];
    return (size_t)(op - out);
}

static size_t decompress(const uint8_t *in, size_t len, uint8_t *out, size_t cap) {
    const uint8_t *ip = in, *const end = in + len;
    uint8_t *op = out;
    while (ip < end) {
        uint8_t token = *ip++;
        size_t lit = token >> 4;
        if (lit == 15) {
            uint8_t b;
            do {
                b = *ip++;
                lit += b;
            } while (b == 255);
        }
        if ((size_t)(op - out) + lit > cap) return 0;
        for (size_t k = 0; k < lit; k++) *op++ = *ip++;
        if (ip >= end) break;
        uint32_t off = (uint32_t)ip[0] | (uint32_t)ip[1] << 8;
        ip += 2;
        size_t m = (token & 15);
        if (m == 15) {
            uint8_t b;
            do {
                b = *ip++;
                m += b;
            } while (b == 255);
        }
        m += 4;
        if (off == 0 || off > (size_t)(op - out) || (size_t)(op - out) + m > cap) return 0;
        const uint8_t *ref = op - off;
        for (size_t k = 0; k < m; k++) *op++ = ref[k];
    }
    return (size_t)(op - out);
}

EXPORT uint32_t run(uint32_t n) {
    uint32_t h = 2166136261u;
    for (uint32_t r = 0; r < n; r++) {
        generate(0x1234567u + r);
        size_t clen = compress(input, IN_SIZE, packed);
        size_t dlen = decompress(packed, clen, output, IN_SIZE);
        if (dlen != IN_SIZE) return 0;
        for (size_t i = 0; i < IN_SIZE; i++)
            if (output[i] != input[i]) return 0;
        h = mix(h, (uint32_t)clen);
        h = mix(h, load32(output + (r * 4099) % (IN_SIZE - 4)));
    }
    return h;
}
