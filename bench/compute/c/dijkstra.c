/* Graph: Dijkstra's shortest paths with a binary heap on a generated directed graph (16384
 * nodes, 8 edges each, weights 1..1000), from n sources; the result mixes the distance sums. */
#include "common.h"

#define NODES 16384
#define DEGREE 8
#define EDGES (NODES * DEGREE)
static uint32_t edge_to[EDGES];
static uint32_t edge_w[EDGES];
static uint32_t dist[NODES];
/* The heap holds (distance, node) pairs; a node may be in it more than once (lazy deletion). */
static uint64_t heap[EDGES + NODES];

static void push(uint32_t *len, uint64_t v) {
    uint32_t i = (*len)++;
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (heap[parent] <= v) break;
        heap[i] = heap[parent];
        i = parent;
    }
    heap[i] = v;
}

static uint64_t pop(uint32_t *len) {
    uint64_t top = heap[0];
    uint64_t last = heap[--(*len)];
    uint32_t i = 0, n = *len;
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && heap[child + 1] < heap[child]) child++;
        if (heap[child] >= last) break;
        heap[i] = heap[child];
        i = child;
    }
    if (n > 0) heap[i] = last;
    return top;
}

static uint64_t shortest(uint32_t source) {
    for (uint32_t i = 0; i < NODES; i++) dist[i] = UINT32_MAX;
    uint32_t len = 0;
    dist[source] = 0;
    push(&len, source);
    while (len > 0) {
        uint64_t top = pop(&len);
        uint32_t d = (uint32_t)(top >> 32), u = (uint32_t)top;
        if (d != dist[u]) continue;
        for (uint32_t e = u * DEGREE; e < (u + 1) * DEGREE; e++) {
            uint32_t v = edge_to[e], nd = d + edge_w[e];
            if (nd < dist[v]) {
                dist[v] = nd;
                push(&len, (uint64_t)nd << 32 | v);
            }
        }
    }
    uint64_t sum = 0;
    for (uint32_t i = 0; i < NODES; i++)
        if (dist[i] != UINT32_MAX) sum += dist[i];
    return sum;
}

EXPORT uint32_t run(uint32_t n) {
    uint32_t s = 0xDEADBEEFu;
    for (uint32_t u = 0; u < NODES; u++)
        for (uint32_t k = 0; k < DEGREE; k++) {
            /* Mostly local edges plus some long ones, like a road network with highways. */
            uint32_t r = xorshift32(&s);
            uint32_t to = k < 6 ? (u + 1 + (r % 64)) % NODES : r % NODES;
            edge_to[u * DEGREE + k] = to;
            edge_w[u * DEGREE + k] = 1 + xorshift32(&s) % 1000;
        }
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t sum = shortest((i * 7919u) % NODES);
        h = mix(mix(h, (uint32_t)sum), (uint32_t)(sum >> 32));
    }
    return h;
}
