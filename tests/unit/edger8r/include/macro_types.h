/* SPDX-License-Identifier: Apache-2.0 */
/* macro_types.h: included by the golden-test EDL files; only its place in the output matters. */
#ifndef CELLA_TEST_EDL_MACRO_TYPES_H
#define CELLA_TEST_EDL_MACRO_TYPES_H

#endif
