/* SPDX-License-Identifier: Apache-2.0 */
/* cella/defs.h: macros shared by every public header (export, attributes, C++ guards). */
#ifndef CELLA_DEFS_H
#define CELLA_DEFS_H

#ifdef __cplusplus
#define CELLA_EXTERN_C_BEGIN extern "C" {
#define CELLA_EXTERN_C_END   }
#else
#define CELLA_EXTERN_C_BEGIN
#define CELLA_EXTERN_C_END
#endif

/* Symbols of the public API; everything else is hidden (-fvisibility=hidden). */
#define CELLA_API __attribute__((visibility("default")))

/* A fallible function: ignoring its result does not compile cleanly. */
#define CELLA_MUST_CHECK __attribute__((warn_unused_result))

/* printf-style argument checking. */
#define CELLA_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))

/* Compile-time checks that work in C and C++ headers alike. */
#ifdef __cplusplus
#define CELLA_STATIC_ASSERT(condition, message) static_assert(condition, message)
#else
#define CELLA_STATIC_ASSERT(condition, message) _Static_assert(condition, message)
#endif

/* Wire structures are packed; their sizes are asserted right after each definition. */
#define CELLA_PACKED __attribute__((packed))

#endif /* CELLA_DEFS_H */
