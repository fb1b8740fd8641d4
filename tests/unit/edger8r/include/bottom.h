/* SPDX-License-Identifier: Apache-2.0 */
/* bottom.h: a header the golden-test EDL files include; only its place in the output matters. */
#ifndef CELLA_TEST_EDL_BOTTOM_H
#define CELLA_TEST_EDL_BOTTOM_H

#endif
