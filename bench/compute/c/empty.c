/* The empty module: the peers' process baseline (their tool's start, load and instantiate,
 * without a program's work). */
#include "common.h"

EXPORT uint32_t run(uint32_t n) { return n; }
