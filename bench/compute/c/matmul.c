/* Matrix multiply (floating point): C = A x B for n x n doubles (n <= 512), i-k-j order, then a
 * checksum of C's sum and trace, scaled and converted to integers. */
#include "common.h"

#define MAX 512
static double a[MAX * MAX], b[MAX * MAX], c[MAX * MAX];

EXPORT uint32_t run(uint32_t n) {
    if (n > MAX) n = MAX;
    uint32_t s = 0xC0FFEEu;
    for (uint32_t i = 0; i < n * n; i++) {
        a[i] = (double)(xorshift32(&s) % 2001) / 1000.0 - 1.0;
        b[i] = (double)(xorshift32(&s) % 2001) / 1000.0 - 1.0;
        c[i] = 0.0;
    }
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (uint32_t j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
    double sum = 0.0, trace = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        trace += c[i * n + i];
        for (uint32_t j = 0; j < n; j++) sum += c[i * n + j];
    }
    return mix(mix(2166136261u, (uint32_t)(int64_t)(sum * 1000.0)), (uint32_t)(int64_t)(trace * 1000.0));
}
