/* SPDX-License-Identifier: Apache-2.0 */
/* user_types.h: the C types the golden-test EDL files name as foreign types. */
#ifndef CELLA_TEST_EDL_USER_TYPES_H
#define CELLA_TEST_EDL_USER_TYPES_H

#include <stdint.h>
#include <time.h>

/* A pointer typedef: [isptr] copies what it points to. */
typedef uint8_t *buffer_t;
/* A pointer typedef to an incomplete type: only usable with [isptr, size=...]. */
typedef struct opaque_handle *handle_t;
/* An array typedef: [isary] copies the whole array. */
typedef int array_t[4];

#endif
