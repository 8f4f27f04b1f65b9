/* String search: Boyer-Moore-Horspool counting the occurrences of 16 patterns (4 to 24 bytes)
 * in 1 MiB of generated text over a small alphabet, n times with the text changed each pass. */
#include "common.h"

#define TEXT (1 << 20)
static uint8_t text[TEXT];

static uint32_t horspool(const uint8_t *hay, size_t hlen, const uint8_t *pat, size_t plen) {
    size_t skip[256];
    for (int i = 0; i < 256; i++) skip[i] = plen;
    for (size_t i = 0; i + 1 < plen; i++) skip[pat[i]] = plen - 1 - i;
    uint32_t count = 0;
    size_t at = 0;
    uint8_t last = pat[plen - 1];
    while (at + plen <= hlen) {
        uint8_t c = hay[at + plen - 1];
        if (c == last) {
            size_t k = 0;
            while (k + 1 < plen && hay[at + k] == pat[k]) k++;
            if (k + 1 == plen) count++;
        }
        at += skip[c];
    }
    return count;
}

EXPORT uint32_t run(uint32_t n) {
    uint32_t s = 0x5EED5EEDu;
    /* Text: words over "acgt" with spaces, like a genome with separators. */
    for (int i = 0; i < TEXT; i++) {
        uint32_t r = xorshift32(&s);
        text[i] = (r & 15) == 0 ? ' ' : "acgtacgtacgtaacg"[(r >> 4) & 15];
    }
    uint8_t pats[16][24];
    size_t lens[16];
    uint32_t h = 2166136261u;
    for (uint32_t r = 0; r < n; r++) {
        /* Patterns cut from the text, so each occurs at least once. */
        for (int p = 0; p < 16; p++) {
            lens[p] = 4 + (size_t)((p * 5 + r) % 21);
            size_t from = xorshift32(&s) % (TEXT - 32);
            for (size_t k = 0; k < lens[p]; k++) pats[p][k] = text[from + k];
        }
        for (int p = 0; p < 16; p++) h = mix(h, horspool(text, TEXT, pats[p], lens[p]));
        text[xorshift32(&s) % TEXT] = 'x';
    }
    return h;
}
