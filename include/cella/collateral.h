/* SPDX-License-Identifier: Apache-2.0 */
/* cella/collateral.h: the signed collateral of DCAP verification: TCB Info and QE Identity. */
#ifndef CELLA_COLLATERAL_H
#define CELLA_COLLATERAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "defs.h"
#include "result.h"

CELLA_EXTERN_C_BEGIN

/* TCB statuses, in the order of severity the verifier combines them by. */
typedef enum cella_tcb_status {
    CELLA_TCB_STATUS_UP_TO_DATE = 0,           /* "UpToDate" */
    CELLA_TCB_STATUS_SW_HARDENING_NEEDED = 1,  /* "SWHardeningNeeded" */
    CELLA_TCB_STATUS_CONFIGURATION_NEEDED = 2, /* "ConfigurationNeeded" */
    /* "ConfigurationAndSWHardeningNeeded" */
    CELLA_TCB_STATUS_CONFIGURATION_AND_SW_HARDENING_NEEDED = 3,
    CELLA_TCB_STATUS_OUT_OF_DATE = 4,                      /* "OutOfDate" */
    CELLA_TCB_STATUS_OUT_OF_DATE_CONFIGURATION_NEEDED = 5, /* "OutOfDateConfigurationNeeded" */
    CELLA_TCB_STATUS_REVOKED = 6,                          /* "Revoked" */
} cella_tcb_status_t;

/* The collateral's name of a status ("UpToDate", ...); "unknown" for other values. */
CELLA_API const char *cella_tcb_status_str(cella_tcb_status_t status);

/* The status named `name` (exactly as in the collateral). CELLA_OK; CELLA_ERR_INVALID_FORMAT
 * for any other string, CELLA_ERR_INVALID_ARGUMENT for NULL. */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_tcb_status_parse(const char *name,
                                                                 cella_tcb_status_t *status);

#define CELLA_TCB_COMPONENT_COUNT        16         /* SGX TCB component SVNs of a level */
#define CELLA_ADVISORY_ID_MAX_BYTES      32         /* "INTEL-SA-00615" and a NUL, with room */
#define CELLA_COLLATERAL_MAX_BYTES       (1u << 20) /* larger JSON documents are refused */
#define CELLA_COLLATERAL_SIGNATURE_BYTES 64         /* ECDSA P-256 r || s, big-endian */

/* One TCB level of a TCB Info, or of an enclave identity (where only isv_svn counts). */
typedef struct cella_tcb_level {
    uint8_t components[CELLA_TCB_COMPONENT_COUNT]; /* TCB Info: sgxtcbcomponents' svn */
    uint16_t pce_svn;                              /* TCB Info: pcesvn */
    uint16_t isv_svn;                              /* enclave identity: tcb.isvsvn */
    int64_t tcb_date;                              /* seconds since the epoch, UTC */
    cella_tcb_status_t status;
    size_t advisory_count;
    char (*advisory_ids)[CELLA_ADVISORY_ID_MAX_BYTES]; /* advisory_count NUL-terminated ids */
} cella_tcb_level_t;

/*
 * A parsed TCB Info document (`{"tcbInfo":{...},"signature":"..."}`, version 2 or 3, SGX).
 * Read-only; owned by the object.
 */
typedef struct cella_tcb_info {
    uint32_t version;   /* 2 or 3 */
    char id[8];         /* "SGX" (version 3), "" (version 2) */
    int64_t issue_date; /* seconds since the epoch, UTC */
    int64_t next_update;
    uint8_t fmspc[6];
    uint8_t pce_id[2];
    uint32_t tcb_type; /* 0 */
    uint32_t tcb_evaluation_data_number;
    size_t level_count;        /* at least 1 */
    cella_tcb_level_t *levels; /* sorted for matching: components, then pce_svn, descending */
    const char *body;          /* the exact bytes of the inner object, which are signed; */
    size_t body_size;          /*   they point into the parsed JSON text */
    uint8_t signature[CELLA_COLLATERAL_SIGNATURE_BYTES];
} cella_tcb_info_t;

/*
 * Parses json_size bytes (1 to CELLA_COLLATERAL_MAX_BYTES, no NUL needed) of TCB Info JSON:
 * one object with exactly the members "tcbInfo" and "signature", nothing after it but
 * whitespace. Strict:
 *   - every field present with its JSON type; unknown fields are refused at every level
 *     (only a component's "category"/"type" strings and a level's "advisoryIDs" are
 *     optional); duplicate keys are refused;
 *   - version 2 (`sgxtcbcomp01svn`..`sgxtcbcomp16svn`, no `id`) or 3 (`id` "SGX",
 *     `sgxtcbcomponents` of exactly 16 objects); tcbType 0;
 *   - SVNs 0..255, pcesvn 0..65535, tcbEvaluationDataNumber 0..2^32-1 (integers, not reals);
 *   - dates as cella_collateral_parse_time() takes them, nextUpdate not before issueDate;
 *   - fmspc 12 and pceId 4 hex digits (either case); the signature 128;
 *   - every tcbStatus one of the names above; advisory IDs 1 to CELLA_ADVISORY_ID_MAX_BYTES - 1
 *     printable ASCII characters without spaces;
 *   - at least one level, no two with the same components and pcesvn.
 * body is found in the text itself (never re-serialised): the exact bytes of the value of
 * "tcbInfo", written without escapes in the key; the span is checked to parse to the same
 * object. The log names what is wrong and where (e.g. "tcbInfo.tcbLevels[2].tcbStatus").
 * Returns CELLA_OK and *out (free with cella_tcb_info_destroy()); CELLA_ERR_INVALID_FORMAT;
 * CELLA_ERR_UNSUPPORTED (id "TDX", versions other than 2 and 3, tcbType other than 0);
 * CELLA_ERR_OUT_OF_MEMORY; CELLA_ERR_INVALID_ARGUMENT (NULL json or out). *out is written
 * only on success. json must outlive *out. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_tcb_info_parse(const char *json, size_t json_size,
                                                               cella_tcb_info_t **out);
CELLA_API void cella_tcb_info_destroy(cella_tcb_info_t *tcb_info);

/*
 * A parsed enclave identity (`{"enclaveIdentity":{...},"signature":"..."}`, version 2): the
 * QE Identity (id "QE"), or "QVE" / "TD_QE". Read-only; owned by the object.
 */
typedef struct cella_enclave_identity {
    uint32_t version; /* 2 */
    char id[8];       /* "QE", "QVE", "TD_QE" */
    int64_t issue_date;
    int64_t next_update;
    uint32_t tcb_evaluation_data_number;
    /* MISCSELECT and its mask as the 4 bytes appear in a report (little-endian u32 there). */
    uint8_t miscselect[4];
    uint8_t miscselect_mask[4];
    /* Attributes and mask: the 16 bytes of a report's attributes (flags LE || xfrm LE). */
    uint8_t attributes[16];
    uint8_t attributes_mask[16];
    uint8_t mrsigner[32];
    uint16_t isv_prod_id;
    size_t level_count;        /* at least 1 */
    cella_tcb_level_t *levels; /* sorted by isv_svn, descending */
    const char *body;          /* the exact signed bytes of the inner object (into the JSON) */
    size_t body_size;
    uint8_t signature[CELLA_COLLATERAL_SIGNATURE_BYTES];
} cella_enclave_identity_t;

/*
 * As cella_tcb_info_parse(), for an enclave identity document (members "enclaveIdentity"
 * and "signature"): id "QE", "QVE" or "TD_QE" (the caller checks which one it needs);
 * version 2, others CELLA_ERR_UNSUPPORTED; miscselect and its mask 8 hex digits, attributes
 * and their mask 32, mrsigner 64; isvprodid and each level's tcb.isvsvn (its only field)
 * 0..65535, no two levels with the same isvsvn.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t
cella_enclave_identity_parse(const char *json, size_t json_size, cella_enclave_identity_t **out);
CELLA_API void cella_enclave_identity_destroy(cella_enclave_identity_t *identity);

/*
 * An ISO 8601 UTC time as collateral writes it, "YYYY-MM-DDThh:mm:ssZ" or with 1 to 9
 * fractional digits ("...:10.000Z", dropped), NUL-terminated, to seconds since the epoch
 * (proleptic Gregorian calendar, years 0001 to 9999; negative before 1970). Refused: other
 * layouts, lower-case 't'/'z', offsets ("+00:00"), dates that do not exist (February 30),
 * hour 24, leap second 60, anything after the 'Z'. Uses no locale or time zone.
 * Returns CELLA_OK and *seconds; CELLA_ERR_INVALID_FORMAT (*seconds untouched);
 * CELLA_ERR_INVALID_ARGUMENT for NULL. Logs nothing. Thread safe.
 */
CELLA_API CELLA_MUST_CHECK cella_result_t cella_collateral_parse_time(const char *text,
                                                                      int64_t *seconds);

CELLA_EXTERN_C_END

#endif /* CELLA_COLLATERAL_H */
