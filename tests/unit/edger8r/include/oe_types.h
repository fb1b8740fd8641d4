/* SPDX-License-Identifier: Apache-2.0 */
/* oe_types.h: the C constant OpenEnclave.edl names as an array dimension. */
#ifndef CELLA_TEST_EDL_OE_TYPES_H
#define CELLA_TEST_EDL_OE_TYPES_H

#define OE_DIMENSION 3

#endif
