/* SPDX-License-Identifier: Apache-2.0 */
/* inttypes.h: format macros and intmax_t functions of cella's trusted C library (x86-64). */
#ifndef CELLA_LIBC_INTTYPES_H
#define CELLA_LIBC_INTTYPES_H

#include <stdint.h>

#include "cella_libc_defs.h"

CELLA_LIBC_BEGIN

/*
 * x86-64 is LP64: int64_t, intmax_t and intptr_t are long. The fast 16- and 32-bit types are
 * the compiler's choice (long for GCC, short and int for clang), so their length modifiers
 * follow the compiler's width macros.
 */
#if __INT_FAST16_WIDTH__ == 64
#define CELLA_LIBC_PRI_FAST16 "l"
#define CELLA_LIBC_SCN_FAST16 "l"
#elif __INT_FAST16_WIDTH__ == 32
#define CELLA_LIBC_PRI_FAST16 ""
#define CELLA_LIBC_SCN_FAST16 ""
#else
#define CELLA_LIBC_PRI_FAST16 ""
#define CELLA_LIBC_SCN_FAST16 "h"
#endif
#if __INT_FAST32_WIDTH__ == 64
#define CELLA_LIBC_PRI_FAST32 "l"
#else
#define CELLA_LIBC_PRI_FAST32 ""
#endif

#define PRId8       "d"
#define PRId16      "d"
#define PRId32      "d"
#define PRId64      "ld"
#define PRIdLEAST8  "d"
#define PRIdLEAST16 "d"
#define PRIdLEAST32 "d"
#define PRIdLEAST64 "ld"
#define PRIdFAST8   "d"
#define PRIdFAST16  CELLA_LIBC_PRI_FAST16 "d"
#define PRIdFAST32  CELLA_LIBC_PRI_FAST32 "d"
#define PRIdFAST64  "ld"
#define PRIdMAX     "ld"
#define PRIdPTR     "ld"

#define PRIi8       "i"
#define PRIi16      "i"
#define PRIi32      "i"
#define PRIi64      "li"
#define PRIiLEAST8  "i"
#define PRIiLEAST16 "i"
#define PRIiLEAST32 "i"
#define PRIiLEAST64 "li"
#define PRIiFAST8   "i"
#define PRIiFAST16  CELLA_LIBC_PRI_FAST16 "i"
#define PRIiFAST32  CELLA_LIBC_PRI_FAST32 "i"
#define PRIiFAST64  "li"
#define PRIiMAX     "li"
#define PRIiPTR     "li"

#define PRIo8       "o"
#define PRIo16      "o"
#define PRIo32      "o"
#define PRIo64      "lo"
#define PRIoLEAST8  "o"
#define PRIoLEAST16 "o"
#define PRIoLEAST32 "o"
#define PRIoLEAST64 "lo"
#define PRIoFAST8   "o"
#define PRIoFAST16  CELLA_LIBC_PRI_FAST16 "o"
#define PRIoFAST32  CELLA_LIBC_PRI_FAST32 "o"
#define PRIoFAST64  "lo"
#define PRIoMAX     "lo"
#define PRIoPTR     "lo"

#define PRIu8       "u"
#define PRIu16      "u"
#define PRIu32      "u"
#define PRIu64      "lu"
#define PRIuLEAST8  "u"
#define PRIuLEAST16 "u"
#define PRIuLEAST32 "u"
#define PRIuLEAST64 "lu"
#define PRIuFAST8   "u"
#define PRIuFAST16  CELLA_LIBC_PRI_FAST16 "u"
#define PRIuFAST32  CELLA_LIBC_PRI_FAST32 "u"
#define PRIuFAST64  "lu"
#define PRIuMAX     "lu"
#define PRIuPTR     "lu"

#define PRIx8       "x"
#define PRIx16      "x"
#define PRIx32      "x"
#define PRIx64      "lx"
#define PRIxLEAST8  "x"
#define PRIxLEAST16 "x"
#define PRIxLEAST32 "x"
#define PRIxLEAST64 "lx"
#define PRIxFAST8   "x"
#define PRIxFAST16  CELLA_LIBC_PRI_FAST16 "x"
#define PRIxFAST32  CELLA_LIBC_PRI_FAST32 "x"
#define PRIxFAST64  "lx"
#define PRIxMAX     "lx"
#define PRIxPTR     "lx"

#define PRIX8       "X"
#define PRIX16      "X"
#define PRIX32      "X"
#define PRIX64      "lX"
#define PRIXLEAST8  "X"
#define PRIXLEAST16 "X"
#define PRIXLEAST32 "X"
#define PRIXLEAST64 "lX"
#define PRIXFAST8   "X"
#define PRIXFAST16  CELLA_LIBC_PRI_FAST16 "X"
#define PRIXFAST32  CELLA_LIBC_PRI_FAST32 "X"
#define PRIXFAST64  "lX"
#define PRIXMAX     "lX"
#define PRIXPTR     "lX"

#define SCNd8       "hhd"
#define SCNd16      "hd"
#define SCNd32      "d"
#define SCNd64      "ld"
#define SCNdLEAST8  "hhd"
#define SCNdLEAST16 "hd"
#define SCNdLEAST32 "d"
#define SCNdLEAST64 "ld"
#define SCNdFAST8   "hhd"
#define SCNdFAST16  CELLA_LIBC_SCN_FAST16 "d"
#define SCNdFAST32  CELLA_LIBC_PRI_FAST32 "d"
#define SCNdFAST64  "ld"
#define SCNdMAX     "ld"
#define SCNdPTR     "ld"

#define SCNi8       "hhi"
#define SCNi16      "hi"
#define SCNi32      "i"
#define SCNi64      "li"
#define SCNiLEAST8  "hhi"
#define SCNiLEAST16 "hi"
#define SCNiLEAST32 "i"
#define SCNiLEAST64 "li"
#define SCNiFAST8   "hhi"
#define SCNiFAST16  CELLA_LIBC_SCN_FAST16 "i"
#define SCNiFAST32  CELLA_LIBC_PRI_FAST32 "i"
#define SCNiFAST64  "li"
#define SCNiMAX     "li"
#define SCNiPTR     "li"

#define SCNo8       "hho"
#define SCNo16      "ho"
#define SCNo32      "o"
#define SCNo64      "lo"
#define SCNoLEAST8  "hho"
#define SCNoLEAST16 "ho"
#define SCNoLEAST32 "o"
#define SCNoLEAST64 "lo"
#define SCNoFAST8   "hho"
#define SCNoFAST16  CELLA_LIBC_SCN_FAST16 "o"
#define SCNoFAST32  CELLA_LIBC_PRI_FAST32 "o"
#define SCNoFAST64  "lo"
#define SCNoMAX     "lo"
#define SCNoPTR     "lo"

#define SCNu8       "hhu"
#define SCNu16      "hu"
#define SCNu32      "u"
#define SCNu64      "lu"
#define SCNuLEAST8  "hhu"
#define SCNuLEAST16 "hu"
#define SCNuLEAST32 "u"
#define SCNuLEAST64 "lu"
#define SCNuFAST8   "hhu"
#define SCNuFAST16  CELLA_LIBC_SCN_FAST16 "u"
#define SCNuFAST32  CELLA_LIBC_PRI_FAST32 "u"
#define SCNuFAST64  "lu"
#define SCNuMAX     "lu"
#define SCNuPTR     "lu"

#define SCNx8       "hhx"
#define SCNx16      "hx"
#define SCNx32      "x"
#define SCNx64      "lx"
#define SCNxLEAST8  "hhx"
#define SCNxLEAST16 "hx"
#define SCNxLEAST32 "x"
#define SCNxLEAST64 "lx"
#define SCNxFAST8   "hhx"
#define SCNxFAST16  CELLA_LIBC_SCN_FAST16 "x"
#define SCNxFAST32  CELLA_LIBC_PRI_FAST32 "x"
#define SCNxFAST64  "lx"
#define SCNxMAX     "lx"
#define SCNxPTR     "lx"

typedef struct {
    intmax_t quot;
    intmax_t rem;
} imaxdiv_t;

intmax_t imaxabs(intmax_t value) __attribute__((const));
imaxdiv_t imaxdiv(intmax_t numerator, intmax_t denominator) __attribute__((const));
/* As strtoll/strtoull (ERANGE on overflow, EINVAL for a bad base). */
intmax_t strtoimax(const char *CELLA_LIBC_RESTRICT string, char **CELLA_LIBC_RESTRICT end,
                   int base);
uintmax_t strtoumax(const char *CELLA_LIBC_RESTRICT string, char **CELLA_LIBC_RESTRICT end,
                    int base);

CELLA_LIBC_END

#endif /* CELLA_LIBC_INTTYPES_H */
