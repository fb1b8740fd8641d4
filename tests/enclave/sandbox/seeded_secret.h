/* SPDX-License-Identifier: Apache-2.0 */
/* tests/enclave/sandbox/seeded_secret.h: a secret both sides can recognise without a copy in the
 * host. */
#ifndef CELLA_TEST_SEEDED_SECRET_H
#define CELLA_TEST_SEEDED_SECRET_H

#include <stdint.h>

/*
 * The enclave expands a 64-bit seed into SEEDED_SECRET_WORDS words and keeps them in its
 * heap and globals. A host that searches memory for them computes each word when it compares
 * it, so the secret's bytes never sit in the searching process's own memory, and finding them
 * anywhere means they leaked.
 */
#define SEEDED_SECRET_WORDS 4

static inline uint64_t seeded_secret_word(uint64_t seed, unsigned index)
{
    uint64_t z = seed + 0x9e3779b97f4a7c15ull * (uint64_t)(index + 1u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

#endif /* CELLA_TEST_SEEDED_SECRET_H */
