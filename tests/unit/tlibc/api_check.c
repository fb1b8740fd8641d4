/* SPDX-License-Identifier: Apache-2.0 */
/* api_check.c: compile-time checks of the trusted headers, built into cella_tlibc_hosttest. */
/*
 * Compiled like the library (trusted headers, test_rename.h), so including tlibc.h after the
 * trusted headers makes the compiler compare every test declaration with the real one, and the
 * format checks below compare each inttypes.h macro with the type it is for.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <mbusafecrt.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "tests/unit/tlibc/tlibc.h"

static_assert(sizeof(jmp_buf) == 64, "jmp_buf holds the eight callee-saved values");
static_assert(sizeof(wchar_t) == 4 && sizeof(wint_t) == 4, "Linux x86-64 wide characters");
static_assert(EILSEQ == 84 && ERANGE == 34 && ENOMEM == 12 && EHWPOISON == 133,
              "errno values are Linux's");
static_assert(CHAR_BIT == 8 && INT_MAX == 2147483647 && LONG_MAX == 9223372036854775807L,
              "limits.h comes through");

static_assert(FP_NAN != FP_ZERO && FP_NORMAL != FP_SUBNORMAL, "distinct classes");

int cella_tlibc_api_check(void)
{
    char buffer[32];
    int total = 0;
    volatile double zero = 0.0;
    /* math.h's classification works without a libm. */
    if (!isnan(zero / zero) || !isinf(1.0 / zero) || fpclassify(zero) != FP_ZERO ||
        !signbit(copysign(1.0, -zero)) || fabs(-2.5) != 2.5 || !isfinite(1e308) ||
        isfinite(HUGE_VAL))
        return 0;
    /* -Wformat (with -Werror) rejects any macro that does not match its type. */
    total += snprintf(buffer, sizeof(buffer), "%" PRId8 "%" PRIi16 "%" PRId32 "%" PRId64, (int8_t)1,
                      (int16_t)1, (int32_t)1, (int64_t)1);
    total += snprintf(buffer, sizeof(buffer),
                      "%" PRIuLEAST8 "%" PRIoLEAST16 "%" PRIxLEAST32 "%" PRIXLEAST64,
                      (uint_least8_t)1, (uint_least16_t)1, (uint_least32_t)1, (uint_least64_t)1);
    total +=
        snprintf(buffer, sizeof(buffer), "%" PRIdFAST8 "%" PRIdFAST16 "%" PRIdFAST32 "%" PRIdFAST64,
                 (int_fast8_t)1, (int_fast16_t)1, (int_fast32_t)1, (int_fast64_t)1);
    total += snprintf(buffer, sizeof(buffer),
                      "%" PRIuFAST16 "%" PRIxFAST32 "%" PRIuMAX "%" PRIxPTR "%" PRIdMAX "%" PRIdPTR,
                      (uint_fast16_t)1, (uint_fast32_t)1, (uintmax_t)1, (uintptr_t)1, (intmax_t)1,
                      (intptr_t)1);
    return total == 4 + 4 + 4 + 6;
}
