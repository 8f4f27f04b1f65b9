/* Checksum: CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) with slicing-by-4 tables over
 * a 64 KiB generated buffer, n times, each pass's CRC perturbing the buffer. */
#include "common.h"

#define BUF 65536
static uint8_t buf[BUF];
static uint32_t table[4][256];

static void make_tables(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 4; t++) table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 255];
}

static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t len) {
    crc = ~crc;
    while (len >= 4) {
        crc ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        crc = table[3][crc & 255] ^ table[2][(crc >> 8) & 255] ^ table[1][(crc >> 16) & 255] ^
              table[0][crc >> 24];
        p += 4;
        len -= 4;
    }
    while (len--) crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 255];
    return ~crc;
}

EXPORT uint32_t run(uint32_t n) {
    make_tables();
    uint32_t s = 0xBADC0DEu;
    for (int i = 0; i < BUF; i++) buf[i] = (uint8_t)xorshift32(&s);
    uint32_t crc = 0;
    for (uint32_t r = 0; r < n; r++) {
        crc = crc32(crc, buf, BUF - (r & 3));
        buf[crc % BUF] ^= (uint8_t)r;
    }
    return crc;
}
