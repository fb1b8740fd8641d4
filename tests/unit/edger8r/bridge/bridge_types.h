/* SPDX-License-Identifier: Apache-2.0 */
/* bridge_types.h: the C types Bridge.edl names as foreign types. */
#ifndef CELLA_TEST_BRIDGE_TYPES_H
#define CELLA_TEST_BRIDGE_TYPES_H

#include <stdint.h>

/* An array typedef, passed with [isary]. */
typedef int array4_t[4];

/* A pointer typedef, passed with [isptr]: one int travels. */
typedef int *int_handle_t;

/* A struct the EDL does not define. */
typedef struct opaque {
    uint64_t key;
    char tag[8];
} opaque_t;

#endif
