/* Sorting: quicksort (median of three, insertion sort below 16) of n pseudo-random ints, then a
 * checksum over the sorted array (which also checks it is sorted). */
#include "common.h"

#define MAX_N (1u << 21)
static int32_t data[MAX_N];

static void insertion(int32_t *a, int lo, int hi) {
    for (int i = lo + 1; i <= hi; i++) {
        int32_t v = a[i];
        int j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void swap(int32_t *a, int i, int j) {
    int32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

static void quicksort(int32_t *a, int lo, int hi) {
    while (hi - lo > 16) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap(a, mid, lo);
        if (a[hi] < a[lo]) swap(a, hi, lo);
        if (a[hi] < a[mid]) swap(a, hi, mid);
        int32_t pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                swap(a, i, j);
                i++;
                j--;
            }
        }
        /* Recurse into the smaller side, loop on the larger: stack depth O(log n). */
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion(a, lo, hi);
}

EXPORT uint32_t run(uint32_t n) {
    if (n > MAX_N) n = MAX_N;
    uint32_t s = 0x2545F491u;
    for (uint32_t i = 0; i < n; i++) data[i] = (int32_t)xorshift32(&s);
    if (n > 1) quicksort(data, 0, (int)n - 1);
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++) {
        if (i > 0 && data[i - 1] > data[i]) return 0; /* not sorted */
        if ((i & 63) == 0) h = mix(h, (uint32_t)data[i]);
    }
    return mix(h, n);
}
