/* SPDX-License-Identifier: Apache-2.0 */
/* test_rename.h: gives every public name of the trusted C library a cella_tlibc_ prefix. */
/*
 * The host-side test build (cella_tlibc_hosttest) compiles the library's sources with
 * `-include trusted/libc/test_rename.h` so that they link next to the host's C library without
 * clashing: the trusted `snprintf` becomes `cella_tlibc_snprintf`, and so on. Tests call the
 * prefixed names (tests/unit/tlibc/tlibc.h declares them). The enclave build never includes
 * this file. Keep it in step with trusted/include: a public function missing here would silently
 * replace the host's in the test program; the test tlibc_hosttest_symbols_are_prefixed fails
 * when the host-test library defines any global symbol outside the cella_ prefixes.
 */
#ifndef CELLA_TLIBC_TEST_RENAME_H
#define CELLA_TLIBC_TEST_RENAME_H

#define CELLA_TLIBC_RENAMED 1

/* string.h, strings.h, mbusafecrt.h */
#define memcpy             cella_tlibc_memcpy
#define memmove            cella_tlibc_memmove
#define memset             cella_tlibc_memset
#define memcmp             cella_tlibc_memcmp
#define memchr             cella_tlibc_memchr
#define memrchr            cella_tlibc_memrchr
#define mempcpy            cella_tlibc_mempcpy
#define strlen             cella_tlibc_strlen
#define strnlen            cella_tlibc_strnlen
#define strcmp             cella_tlibc_strcmp
#define strncmp            cella_tlibc_strncmp
#define strcoll            cella_tlibc_strcoll
#define strxfrm            cella_tlibc_strxfrm
#define strcpy             cella_tlibc_strcpy
#define strncpy            cella_tlibc_strncpy
#define stpcpy             cella_tlibc_stpcpy
#define stpncpy            cella_tlibc_stpncpy
#define strcat             cella_tlibc_strcat
#define strncat            cella_tlibc_strncat
#define strlcpy            cella_tlibc_strlcpy
#define strlcat            cella_tlibc_strlcat
#define strchr             cella_tlibc_strchr
#define strrchr            cella_tlibc_strrchr
#define strstr             cella_tlibc_strstr
#define strspn             cella_tlibc_strspn
#define strcspn            cella_tlibc_strcspn
#define strpbrk            cella_tlibc_strpbrk
#define strtok             cella_tlibc_strtok
#define strtok_r           cella_tlibc_strtok_r
#define strtok_s           cella_tlibc_strtok_s
#define strdup             cella_tlibc_strdup
#define strndup            cella_tlibc_strndup
#define strerror           cella_tlibc_strerror
#define strerror_r         cella_tlibc_strerror_r
#define strcasecmp         cella_tlibc_strcasecmp
#define strncasecmp        cella_tlibc_strncasecmp
#define ffs                cella_tlibc_ffs
#define ffsl               cella_tlibc_ffsl
#define ffsll              cella_tlibc_ffsll
#define explicit_bzero     cella_tlibc_explicit_bzero
#define consttime_memequal cella_tlibc_consttime_memequal
#define memset_s           cella_tlibc_memset_s
#define memcpy_s           cella_tlibc_memcpy_s
#define memmove_s          cella_tlibc_memmove_s
#define strcpy_s           cella_tlibc_strcpy_s
#define strncpy_s          cella_tlibc_strncpy_s
#define strcat_s           cella_tlibc_strcat_s
#define strncat_s          cella_tlibc_strncat_s
#define memcpy_verw        cella_tlibc_memcpy_verw
#define memmove_verw       cella_tlibc_memmove_verw
#define memset_verw        cella_tlibc_memset_verw
#define memset_verw_s      cella_tlibc_memset_verw_s
#define memcpy_verw_s      cella_tlibc_memcpy_verw_s
#define memmove_verw_s     cella_tlibc_memmove_verw_s

/* wchar.h */
#define wcslen   cella_tlibc_wcslen
#define wcsnlen  cella_tlibc_wcsnlen
#define wcscmp   cella_tlibc_wcscmp
#define wcsncmp  cella_tlibc_wcsncmp
#define wcscpy   cella_tlibc_wcscpy
#define wcsncpy  cella_tlibc_wcsncpy
#define wcscat   cella_tlibc_wcscat
#define wcsncat  cella_tlibc_wcsncat
#define wcschr   cella_tlibc_wcschr
#define wcsrchr  cella_tlibc_wcsrchr
#define wmemcpy  cella_tlibc_wmemcpy
#define wmemmove cella_tlibc_wmemmove
#define wmemset  cella_tlibc_wmemset
#define wmemcmp  cella_tlibc_wmemcmp
#define wmemchr  cella_tlibc_wmemchr

/* ctype.h */
#define isalnum  cella_tlibc_isalnum
#define isalpha  cella_tlibc_isalpha
#define isblank  cella_tlibc_isblank
#define iscntrl  cella_tlibc_iscntrl
#define isdigit  cella_tlibc_isdigit
#define isgraph  cella_tlibc_isgraph
#define islower  cella_tlibc_islower
#define isprint  cella_tlibc_isprint
#define ispunct  cella_tlibc_ispunct
#define isspace  cella_tlibc_isspace
#define isupper  cella_tlibc_isupper
#define isxdigit cella_tlibc_isxdigit
#define isascii  cella_tlibc_isascii
#define tolower  cella_tlibc_tolower
#define toupper  cella_tlibc_toupper

/* stdlib.h, inttypes.h */
#define malloc         cella_tlibc_malloc
#define calloc         cella_tlibc_calloc
#define realloc        cella_tlibc_realloc
#define reallocarray   cella_tlibc_reallocarray
#define free           cella_tlibc_free
#define aligned_alloc  cella_tlibc_aligned_alloc
#define memalign       cella_tlibc_memalign
#define posix_memalign cella_tlibc_posix_memalign
#define strtol         cella_tlibc_strtol
#define strtoul        cella_tlibc_strtoul
#define strtoll        cella_tlibc_strtoll
#define strtoull       cella_tlibc_strtoull
#define strtoimax      cella_tlibc_strtoimax
#define strtoumax      cella_tlibc_strtoumax
#define strtod         cella_tlibc_strtod
#define strtof         cella_tlibc_strtof
#define strtold        cella_tlibc_strtold
#define atof           cella_tlibc_atof
#define atoi           cella_tlibc_atoi
#define atol           cella_tlibc_atol
#define atoll          cella_tlibc_atoll
#define qsort          cella_tlibc_qsort
#define qsort_r        cella_tlibc_qsort_r
#define bsearch        cella_tlibc_bsearch
#define abs            cella_tlibc_abs
#define labs           cella_tlibc_labs
#define llabs          cella_tlibc_llabs
#define imaxabs        cella_tlibc_imaxabs
#define div            cella_tlibc_div
#define ldiv           cella_tlibc_ldiv
#define lldiv          cella_tlibc_lldiv
#define imaxdiv        cella_tlibc_imaxdiv
#define div_t          cella_tlibc_div_t
#define ldiv_t         cella_tlibc_ldiv_t
#define lldiv_t        cella_tlibc_lldiv_t
#define imaxdiv_t      cella_tlibc_imaxdiv_t
#define abort          cella_tlibc_abort

/* stdio.h */
#define snprintf  cella_tlibc_snprintf
#define vsnprintf cella_tlibc_vsnprintf
#define asprintf  cella_tlibc_asprintf
#define vasprintf cella_tlibc_vasprintf
#define printf    cella_tlibc_printf
#define vprintf   cella_tlibc_vprintf
#define puts      cella_tlibc_puts
#define putchar   cella_tlibc_putchar

/* assert.h, setjmp.h, compiler support */
#define __assert_fail     cella_tlibc_assert_fail
#define setjmp            cella_tlibc_setjmp
#define longjmp           cella_tlibc_longjmp
#define jmp_buf           cella_tlibc_jmp_buf
#define __stack_chk_fail  cella_tlibc_stack_chk_fail
#define __stack_chk_guard cella_tlibc_stack_chk_guard
#define __errno_location  cella_tlibc_errno_location
#define __memcpy_chk      cella_tlibc_memcpy_chk
#define __memmove_chk     cella_tlibc_memmove_chk
#define __mempcpy_chk     cella_tlibc_mempcpy_chk
#define __memset_chk      cella_tlibc_memset_chk
#define __strcpy_chk      cella_tlibc_strcpy_chk
#define __stpcpy_chk      cella_tlibc_stpcpy_chk
#define __strncpy_chk     cella_tlibc_strncpy_chk
#define __strcat_chk      cella_tlibc_strcat_chk
#define __strncat_chk     cella_tlibc_strncat_chk
#define __vsnprintf_chk   cella_tlibc_vsnprintf_chk
#define __snprintf_chk    cella_tlibc_snprintf_chk

#endif /* CELLA_TLIBC_TEST_RENAME_H */
