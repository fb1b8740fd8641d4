/* SPDX-License-Identifier: Apache-2.0 */
/* oe_types.h: the C names OpenEnclave.edl uses without defining them in EDL. */
#ifndef CELLA_TEST_EDL_OE_TYPES_H
#define CELLA_TEST_EDL_OE_TYPES_H

#include <stdint.h>

/* An array dimension given by name (Open Enclave). */
#define OE_DIMENSION 3

/* Named by Edger8rSyntax/Arrays.edl, defined in Types.edl, which OpenEnclave.edl does not
 * import. */
struct struct_foo_t {
    uint32_t struct_foo_0;
    uint64_t struct_foo_1;
};

#endif
