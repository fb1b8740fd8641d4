/* SPDX-License-Identifier: Apache-2.0 */
/* untrusted_only.h: included by the golden-test EDL files; only its place in the output
 * matters. */
#ifndef CELLA_TEST_EDL_UNTRUSTED_ONLY_H
#define CELLA_TEST_EDL_UNTRUSTED_ONLY_H

#endif
