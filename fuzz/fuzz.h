/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz/fuzz.h: what every libFuzzer target here shares. */
#ifndef CELLA_FUZZ_H
#define CELLA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size);

/* A broken invariant is a finding: stop here so libFuzzer saves the input. */
#define REQUIRE(condition) \
    do {                   \
        if (!(condition))  \
            abort();       \
    } while (0)

#endif /* CELLA_FUZZ_H */
