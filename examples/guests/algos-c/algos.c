/*
 * Ordinary C (libc's qsort, malloc, snprintf, math), built with clang + wasi-libc: the kwasm
 * compiler must run it and agree with the native build on every result.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned xorshift(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void fnv(unsigned *h, const char *s, int len)
{
	for (int k = 0; k < len; k++) {
		*h ^= (unsigned char)s[k];
		*h *= 16777619u;
	}
}

/* Sorts n pseudo-random doubles and hashes a formatted sample of them. */
unsigned c_sort_checksum(unsigned n, unsigned seed)
{
	double *v = malloc((n ? n : 1) * sizeof(*v));
	unsigned h = 2166136261u;
	char buf[96];

	if (!v)
		return 0;
	seed |= 1;
	for (unsigned i = 0; i < n; i++)
		v[i] = (double)xorshift(&seed) / 7.0 - 1e8;
	qsort(v, n, sizeof(*v), cmp_double);
	for (unsigned i = 0; i < n; i += 1 + n / 64) {
		int len = snprintf(buf, sizeof(buf), "%.3f|%g|%e", v[i], sqrt(fabs(v[i])), v[i] / 3.0);
		fnv(&h, buf, len);
	}
	free(v);
	return h;
}

/* Builds a string with strcat/strlen/memmove games and returns its hash. */
unsigned c_strings(unsigned rounds)
{
	char *s = calloc(1, 4096);
	unsigned seed = 12345, h = 2166136261u;

	if (!s)
		return 0;
	for (unsigned r = 0; r < rounds; r++) {
		char word[16];
		int len = snprintf(word, sizeof(word), "%x-", xorshift(&seed) % 4096);

		if (strlen(s) + len >= 4000)
			memmove(s, s + 2000, strlen(s + 2000) + 1);
		strcat(s, word);
	}
	fnv(&h, s, (int)strlen(s));
	free(s);
	return h;
}
