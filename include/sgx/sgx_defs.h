/* SPDX-License-Identifier: Apache-2.0 */
/* sgx/sgx_defs.h: the SGX SDK's calling-convention and linkage macros (empty on Linux). */
#ifndef CELLA_SGX_DEFS_H
#define CELLA_SGX_DEFS_H

#define SGXAPI
#define SGX_CDECL
#define SGX_STDCALL
#define SGX_FASTCALL
#define SGX_DLLIMPORT
#define SGX_NOCONVENTION

/* How generated headers declare an OCALL the application implements. */
#define SGX_UBRIDGE(attr, fname, args) attr fname args

#ifdef __cplusplus
#define SGX_EXTERNC extern "C"
#else
#define SGX_EXTERNC
#endif

#endif /* CELLA_SGX_DEFS_H */
