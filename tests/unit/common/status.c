/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for common/status.c: the status code table and the map to cella results. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <cella/status.h>
#include <sgx/sgx_error.h>
#include <sgx/sgx_ql_lib_common.h>

struct constant {
    uint32_t code;
    const char *name;
};

#define CONSTANT(c)       \
    {                     \
        (uint32_t)(c), #c \
    }

/* Every constant of sgx_status_t, listed by hand so a row missing from the table fails. */
static const struct constant sgx_constants[] = {
    CONSTANT(SGX_SUCCESS),
    CONSTANT(SGX_ERROR_UNEXPECTED),
    CONSTANT(SGX_ERROR_INVALID_PARAMETER),
    CONSTANT(SGX_ERROR_OUT_OF_MEMORY),
    CONSTANT(SGX_ERROR_ENCLAVE_LOST),
    CONSTANT(SGX_ERROR_INVALID_STATE),
    CONSTANT(SGX_ERROR_FEATURE_NOT_SUPPORTED),
    CONSTANT(SGX_PTHREAD_EXIT),
    CONSTANT(SGX_ERROR_MEMORY_MAP_FAILURE),
    CONSTANT(SGX_ERROR_INVALID_FUNCTION),
    CONSTANT(SGX_ERROR_OUT_OF_TCS),
    CONSTANT(SGX_ERROR_ENCLAVE_CRASHED),
    CONSTANT(SGX_ERROR_ECALL_NOT_ALLOWED),
    CONSTANT(SGX_ERROR_OCALL_NOT_ALLOWED),
    CONSTANT(SGX_ERROR_STACK_OVERRUN),
    CONSTANT(SGX_ERROR_UNDEFINED_SYMBOL),
    CONSTANT(SGX_ERROR_INVALID_ENCLAVE),
    CONSTANT(SGX_ERROR_INVALID_ENCLAVE_ID),
    CONSTANT(SGX_ERROR_INVALID_SIGNATURE),
    CONSTANT(SGX_ERROR_NDEBUG_ENCLAVE),
    CONSTANT(SGX_ERROR_OUT_OF_EPC),
    CONSTANT(SGX_ERROR_NO_DEVICE),
    CONSTANT(SGX_ERROR_MEMORY_MAP_CONFLICT),
    CONSTANT(SGX_ERROR_INVALID_METADATA),
    CONSTANT(SGX_ERROR_DEVICE_BUSY),
    CONSTANT(SGX_ERROR_INVALID_VERSION),
    CONSTANT(SGX_ERROR_MODE_INCOMPATIBLE),
    CONSTANT(SGX_ERROR_ENCLAVE_FILE_ACCESS),
    CONSTANT(SGX_ERROR_INVALID_MISC),
    CONSTANT(SGX_ERROR_INVALID_LAUNCH_TOKEN),
    CONSTANT(SGX_ERROR_MAC_MISMATCH),
    CONSTANT(SGX_ERROR_INVALID_ATTRIBUTE),
    CONSTANT(SGX_ERROR_INVALID_CPUSVN),
    CONSTANT(SGX_ERROR_INVALID_ISVSVN),
    CONSTANT(SGX_ERROR_INVALID_KEYNAME),
    CONSTANT(SGX_ERROR_UNSUPPORTED_FUNCTION),
    CONSTANT(SGX_ERROR_SERVICE_UNAVAILABLE),
    CONSTANT(SGX_ERROR_SERVICE_TIMEOUT),
    CONSTANT(SGX_ERROR_AE_INVALID_EPIDBLOB),
    CONSTANT(SGX_ERROR_SERVICE_INVALID_PRIVILEGE),
    CONSTANT(SGX_ERROR_EPID_MEMBER_REVOKED),
    CONSTANT(SGX_ERROR_UPDATE_NEEDED),
    CONSTANT(SGX_ERROR_NETWORK_FAILURE),
    CONSTANT(SGX_ERROR_AE_SESSION_INVALID),
    CONSTANT(SGX_ERROR_BUSY),
    CONSTANT(SGX_ERROR_MC_NOT_FOUND),
    CONSTANT(SGX_ERROR_MC_NO_ACCESS_RIGHT),
    CONSTANT(SGX_ERROR_MC_USED_UP),
    CONSTANT(SGX_ERROR_MC_OVER_QUOTA),
    CONSTANT(SGX_ERROR_KDF_MISMATCH),
    CONSTANT(SGX_ERROR_UNRECOGNIZED_PLATFORM),
    CONSTANT(SGX_ERROR_UNSUPPORTED_CONFIG),
    CONSTANT(SGX_ERROR_NO_PRIVILEGE),
    CONSTANT(SGX_ERROR_PCL_ENCRYPTED),
    CONSTANT(SGX_ERROR_PCL_NOT_ENCRYPTED),
    CONSTANT(SGX_ERROR_PCL_MAC_MISMATCH),
    CONSTANT(SGX_ERROR_PCL_SHA_MISMATCH),
    CONSTANT(SGX_ERROR_PCL_GUID_MISMATCH),
    CONSTANT(SGX_ERROR_FILE_BAD_STATUS),
    CONSTANT(SGX_ERROR_FILE_NO_KEY_ID),
    CONSTANT(SGX_ERROR_FILE_NAME_MISMATCH),
    CONSTANT(SGX_ERROR_FILE_NOT_SGX_FILE),
    CONSTANT(SGX_ERROR_FILE_CANT_OPEN_RECOVERY_FILE),
    CONSTANT(SGX_ERROR_FILE_CANT_WRITE_RECOVERY_FILE),
    CONSTANT(SGX_ERROR_FILE_RECOVERY_NEEDED),
    CONSTANT(SGX_ERROR_FILE_FLUSH_FAILED),
    CONSTANT(SGX_ERROR_FILE_CLOSE_FAILED),
    CONSTANT(SGX_ERROR_UNSUPPORTED_ATT_KEY_ID),
    CONSTANT(SGX_ERROR_ATT_KEY_CERTIFICATION_FAILURE),
    CONSTANT(SGX_ERROR_ATT_KEY_UNINITIALIZED),
    CONSTANT(SGX_ERROR_INVALID_ATT_KEY_CERT_DATA),
    CONSTANT(SGX_ERROR_PLATFORM_CERT_UNAVAILABLE),
    CONSTANT(SGX_ERROR_TLS_X509_INVALID_EXTENSION),
    CONSTANT(SGX_INTERNAL_ERROR_ENCLAVE_CREATE_INTERRUPTED),
};

/* Every constant of quote3_error_t that has its own row (not SGX_QL_SUCCESS, ERROR_MIN). */
static const struct constant ql_constants[] = {
    CONSTANT(SGX_QL_ERROR_UNEXPECTED),
    CONSTANT(SGX_QL_ERROR_INVALID_PARAMETER),
    CONSTANT(SGX_QL_ERROR_OUT_OF_MEMORY),
    CONSTANT(SGX_QL_ERROR_ECDSA_ID_MISMATCH),
    CONSTANT(SGX_QL_PATHNAME_BUFFER_OVERFLOW_ERROR),
    CONSTANT(SGX_QL_FILE_ACCESS_ERROR),
    CONSTANT(SGX_QL_ERROR_STORED_KEY),
    CONSTANT(SGX_QL_ERROR_PUB_KEY_ID_MISMATCH),
    CONSTANT(SGX_QL_ERROR_INVALID_PCE_SIG_SCHEME),
    CONSTANT(SGX_QL_ATT_KEY_BLOB_ERROR),
    CONSTANT(SGX_QL_UNSUPPORTED_ATT_KEY_ID),
    CONSTANT(SGX_QL_UNSUPPORTED_LOADING_POLICY),
    CONSTANT(SGX_QL_INTERFACE_UNAVAILABLE),
    CONSTANT(SGX_QL_PLATFORM_LIB_UNAVAILABLE),
    CONSTANT(SGX_QL_ATT_KEY_NOT_INITIALIZED),
    CONSTANT(SGX_QL_ATT_KEY_CERT_DATA_INVALID),
    CONSTANT(SGX_QL_NO_PLATFORM_CERT_DATA),
    CONSTANT(SGX_QL_OUT_OF_EPC),
    CONSTANT(SGX_QL_ERROR_REPORT),
    CONSTANT(SGX_QL_ENCLAVE_LOST),
    CONSTANT(SGX_QL_INVALID_REPORT),
    CONSTANT(SGX_QL_ENCLAVE_LOAD_ERROR),
    CONSTANT(SGX_QL_UNABLE_TO_GENERATE_QE_REPORT),
    CONSTANT(SGX_QL_KEY_CERTIFCATION_ERROR),
    CONSTANT(SGX_QL_NETWORK_ERROR),
    CONSTANT(SGX_QL_MESSAGE_ERROR),
    CONSTANT(SGX_QL_NO_QUOTE_COLLATERAL_DATA),
    CONSTANT(SGX_QL_QUOTE_CERTIFICATION_DATA_UNSUPPORTED),
    CONSTANT(SGX_QL_QUOTE_FORMAT_UNSUPPORTED),
    CONSTANT(SGX_QL_UNABLE_TO_GENERATE_REPORT),
    CONSTANT(SGX_QL_QE_REPORT_INVALID_SIGNATURE),
    CONSTANT(SGX_QL_QE_REPORT_UNSUPPORTED_FORMAT),
    CONSTANT(SGX_QL_PCK_CERT_UNSUPPORTED_FORMAT),
    CONSTANT(SGX_QL_PCK_CERT_CHAIN_ERROR),
    CONSTANT(SGX_QL_TCBINFO_UNSUPPORTED_FORMAT),
    CONSTANT(SGX_QL_TCBINFO_MISMATCH),
    CONSTANT(SGX_QL_QEIDENTITY_UNSUPPORTED_FORMAT),
    CONSTANT(SGX_QL_QEIDENTITY_MISMATCH),
    CONSTANT(SGX_QL_TCB_OUT_OF_DATE),
    CONSTANT(SGX_QL_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED),
    CONSTANT(SGX_QL_SGX_ENCLAVE_IDENTITY_OUT_OF_DATE),
    CONSTANT(SGX_QL_SGX_ENCLAVE_REPORT_ISVSVN_OUT_OF_DATE),
    CONSTANT(SGX_QL_QE_IDENTITY_OUT_OF_DATE),
    CONSTANT(SGX_QL_SGX_TCB_INFO_EXPIRED),
    CONSTANT(SGX_QL_SGX_PCK_CERT_CHAIN_EXPIRED),
    CONSTANT(SGX_QL_SGX_CRL_EXPIRED),
    CONSTANT(SGX_QL_SGX_SIGNING_CERT_CHAIN_EXPIRED),
    CONSTANT(SGX_QL_SGX_ENCLAVE_IDENTITY_EXPIRED),
    CONSTANT(SGX_QL_PCK_REVOKED),
    CONSTANT(SGX_QL_TCB_REVOKED),
    CONSTANT(SGX_QL_TCB_CONFIGURATION_NEEDED),
    CONSTANT(SGX_QL_UNABLE_TO_GET_COLLATERAL),
    CONSTANT(SGX_QL_ERROR_INVALID_PRIVILEGE),
    CONSTANT(SGX_QL_NO_QVE_IDENTITY_DATA),
    CONSTANT(SGX_QL_CRL_UNSUPPORTED_FORMAT),
    CONSTANT(SGX_QL_QEIDENTITY_CHAIN_ERROR),
    CONSTANT(SGX_QL_TCBINFO_CHAIN_ERROR),
    CONSTANT(SGX_QL_ERROR_QVL_QVE_MISMATCH),
    CONSTANT(SGX_QL_TCB_SW_HARDENING_NEEDED),
    CONSTANT(SGX_QL_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED),
    CONSTANT(SGX_QL_UNSUPPORTED_MODE),
    CONSTANT(SGX_QL_NO_DEVICE),
    CONSTANT(SGX_QL_SERVICE_UNAVAILABLE),
    CONSTANT(SGX_QL_NETWORK_FAILURE),
    CONSTANT(SGX_QL_SERVICE_TIMEOUT),
    CONSTANT(SGX_QL_ERROR_BUSY),
    CONSTANT(SGX_QL_UNKNOWN_MESSAGE_RESPONSE),
    CONSTANT(SGX_QL_PERSISTENT_STORAGE_ERROR),
    CONSTANT(SGX_QL_ERROR_MESSAGE_PARSING_ERROR),
    CONSTANT(SGX_QL_PLATFORM_UNKNOWN),
    CONSTANT(SGX_QL_UNKNOWN_API_VERSION),
    CONSTANT(SGX_QL_CERTS_UNAVAILABLE),
    CONSTANT(SGX_QL_QVEIDENTITY_MISMATCH),
    CONSTANT(SGX_QL_QVE_OUT_OF_DATE),
    CONSTANT(SGX_QL_PSW_NOT_AVAILABLE),
    CONSTANT(SGX_QL_COLLATERAL_VERSION_NOT_SUPPORTED),
    CONSTANT(SGX_QL_TDX_MODULE_MISMATCH),
    CONSTANT(SGX_QL_QEIDENTITY_NOT_FOUND),
    CONSTANT(SGX_QL_TCBINFO_NOT_FOUND),
    CONSTANT(SGX_QL_INTERNAL_SERVER_ERROR),
    CONSTANT(SGX_QL_SUPPLEMENTAL_DATA_VERSION_NOT_SUPPORTED),
    CONSTANT(SGX_QL_ROOT_CA_UNTRUSTED),
    CONSTANT(SGX_QL_TCB_NOT_SUPPORTED),
    CONSTANT(SGX_QL_CONFIG_INVALID_JSON),
    CONSTANT(SGX_QL_RESULT_INVALID_SIGNATURE),
    CONSTANT(SGX_QL_ERROR_MAX),
};

/* Names that share their value with a row called otherwise. */
static const struct constant alias_constants[] = {
    CONSTANT(SGX_QL_SUCCESS),
    CONSTANT(SGX_QL_ERROR_MIN),
};

/* DCAP's TEE_ aliases. */
static const struct constant tee_constants[] = {
    CONSTANT(TEE_SUCCESS),
    CONSTANT(TEE_ERROR_MIN),
    CONSTANT(TEE_ERROR_UNEXPECTED),
    CONSTANT(TEE_ERROR_INVALID_PARAMETER),
    CONSTANT(TEE_ERROR_OUT_OF_MEMORY),
    CONSTANT(TEE_ERROR_ECDSA_ID_MISMATCH),
    CONSTANT(TEE_PATHNAME_BUFFER_OVERFLOW_ERROR),
    CONSTANT(TEE_FILE_ACCESS_ERROR),
    CONSTANT(TEE_ERROR_STORED_KEY),
    CONSTANT(TEE_ERROR_PUB_KEY_ID_MISMATCH),
    CONSTANT(TEE_ERROR_INVALID_PCE_SIG_SCHEME),
    CONSTANT(TEE_ATT_KEY_BLOB_ERROR),
    CONSTANT(TEE_UNSUPPORTED_ATT_KEY_ID),
    CONSTANT(TEE_UNSUPPORTED_LOADING_POLICY),
    CONSTANT(TEE_INTERFACE_UNAVAILABLE),
    CONSTANT(TEE_PLATFORM_LIB_UNAVAILABLE),
    CONSTANT(TEE_ATT_KEY_NOT_INITIALIZED),
    CONSTANT(TEE_ATT_KEY_CERT_DATA_INVALID),
    CONSTANT(TEE_NO_PLATFORM_CERT_DATA),
    CONSTANT(TEE_OUT_OF_EPC),
    CONSTANT(TEE_ERROR_REPORT),
    CONSTANT(TEE_ENCLAVE_LOST),
    CONSTANT(TEE_INVALID_REPORT),
    CONSTANT(TEE_ENCLAVE_LOAD_ERROR),
    CONSTANT(TEE_UNABLE_TO_GENERATE_QE_REPORT),
    CONSTANT(TEE_KEY_CERTIFCATION_ERROR),
    CONSTANT(TEE_NETWORK_ERROR),
    CONSTANT(TEE_MESSAGE_ERROR),
    CONSTANT(TEE_NO_QUOTE_COLLATERAL_DATA),
    CONSTANT(TEE_QUOTE_CERTIFICATION_DATA_UNSUPPORTED),
    CONSTANT(TEE_QUOTE_FORMAT_UNSUPPORTED),
    CONSTANT(TEE_UNABLE_TO_GENERATE_REPORT),
    CONSTANT(TEE_QE_REPORT_INVALID_SIGNATURE),
    CONSTANT(TEE_QE_REPORT_UNSUPPORTED_FORMAT),
    CONSTANT(TEE_PCK_CERT_UNSUPPORTED_FORMAT),
    CONSTANT(TEE_PCK_CERT_CHAIN_ERROR),
    CONSTANT(TEE_TCBINFO_UNSUPPORTED_FORMAT),
    CONSTANT(TEE_TCBINFO_MISMATCH),
    CONSTANT(TEE_QEIDENTITY_UNSUPPORTED_FORMAT),
    CONSTANT(TEE_QEIDENTITY_MISMATCH),
    CONSTANT(TEE_TCB_OUT_OF_DATE),
    CONSTANT(TEE_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED),
    CONSTANT(TEE_SGX_ENCLAVE_IDENTITY_OUT_OF_DATE),
    CONSTANT(TEE_SGX_ENCLAVE_REPORT_ISVSVN_OUT_OF_DATE),
    CONSTANT(TEE_QE_IDENTITY_OUT_OF_DATE),
    CONSTANT(TEE_SGX_TCB_INFO_EXPIRED),
    CONSTANT(TEE_SGX_PCK_CERT_CHAIN_EXPIRED),
    CONSTANT(TEE_SGX_CRL_EXPIRED),
    CONSTANT(TEE_SGX_SIGNING_CERT_CHAIN_EXPIRED),
    CONSTANT(TEE_SGX_ENCLAVE_IDENTITY_EXPIRED),
    CONSTANT(TEE_PCK_REVOKED),
    CONSTANT(TEE_TCB_REVOKED),
    CONSTANT(TEE_TCB_CONFIGURATION_NEEDED),
    CONSTANT(TEE_UNABLE_TO_GET_COLLATERAL),
    CONSTANT(TEE_ERROR_INVALID_PRIVILEGE),
    CONSTANT(TEE_NO_QVE_IDENTITY_DATA),
    CONSTANT(TEE_CRL_UNSUPPORTED_FORMAT),
    CONSTANT(TEE_QEIDENTITY_CHAIN_ERROR),
    CONSTANT(TEE_TCBINFO_CHAIN_ERROR),
    CONSTANT(TEE_ERROR_QVL_QVE_MISMATCH),
    CONSTANT(TEE_TCB_SW_HARDENING_NEEDED),
    CONSTANT(TEE_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED),
    CONSTANT(TEE_UNSUPPORTED_MODE),
    CONSTANT(TEE_NO_DEVICE),
    CONSTANT(TEE_SERVICE_UNAVAILABLE),
    CONSTANT(TEE_NETWORK_FAILURE),
    CONSTANT(TEE_SERVICE_TIMEOUT),
    CONSTANT(TEE_ERROR_BUSY),
    CONSTANT(TEE_UNKNOWN_MESSAGE_RESPONSE),
    CONSTANT(TEE_PERSISTENT_STORAGE_ERROR),
    CONSTANT(TEE_ERROR_MESSAGE_PARSING_ERROR),
    CONSTANT(TEE_PLATFORM_UNKNOWN),
    CONSTANT(TEE_UNKNOWN_API_VERSION),
    CONSTANT(TEE_CERTS_UNAVAILABLE),
    CONSTANT(TEE_QVEIDENTITY_MISMATCH),
    CONSTANT(TEE_QVE_OUT_OF_DATE),
    CONSTANT(TEE_PSW_NOT_AVAILABLE),
    CONSTANT(TEE_COLLATERAL_VERSION_NOT_SUPPORTED),
    CONSTANT(TEE_TDX_MODULE_MISMATCH),
    CONSTANT(TEE_QEIDENTITY_NOT_FOUND),
    CONSTANT(TEE_TCBINFO_NOT_FOUND),
    CONSTANT(TEE_INTERNAL_SERVER_ERROR),
    CONSTANT(TEE_SUPPLEMENTAL_DATA_VERSION_NOT_SUPPORTED),
    CONSTANT(TEE_ROOT_CA_UNTRUSTED),
    CONSTANT(TEE_TCB_NOT_SUPPORTED),
    CONSTANT(TEE_CONFIG_INVALID_JSON),
    CONSTANT(TEE_RESULT_INVALID_SIGNATURE),
    CONSTANT(TEE_ERROR_MAX),
};

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static void check_constants_have_rows(const struct constant *constants, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const cella_status_info_t *info = cella_status_lookup(constants[i].code);
        if (info == NULL)
            fail_msg("no row for %s (0x%04X)", constants[i].name, (unsigned)constants[i].code);
        assert_string_equal(info->name, constants[i].name);
        const cella_status_info_t *by_name = cella_status_lookup_name(constants[i].name);
        assert_ptr_equal(by_name, info);
    }
}

static void the_table_is_sorted_by_code_with_each_code_once(void **state)
{
    (void)state;
    size_t count = cella_status_count();
    assert_true(count > 100);
    for (size_t i = 1; i < count; i++)
        assert_true(cella_status_at(i - 1)->code < cella_status_at(i)->code);
}

static void every_sgx_status_constant_has_a_row_with_its_name(void **state)
{
    (void)state;
    check_constants_have_rows(sgx_constants, COUNT(sgx_constants));
}

static void every_quote3_error_constant_has_a_row_with_its_name(void **state)
{
    (void)state;
    check_constants_have_rows(ql_constants, COUNT(ql_constants));
}

static void the_table_has_no_row_beyond_the_two_enums(void **state)
{
    (void)state;
    assert_int_equal(cella_status_count(), COUNT(sgx_constants) + COUNT(ql_constants));
}

static void aliases_find_the_row_of_their_value(void **state)
{
    (void)state;
    for (size_t i = 0; i < COUNT(alias_constants); i++) {
        const cella_status_info_t *info = cella_status_lookup_name(alias_constants[i].name);
        assert_non_null(info);
        assert_int_equal(info->code, alias_constants[i].code);
    }
    for (size_t i = 0; i < COUNT(tee_constants); i++) {
        const cella_status_info_t *info = cella_status_lookup_name(tee_constants[i].name);
        if (info == NULL)
            fail_msg("%s is not found by name", tee_constants[i].name);
        assert_int_equal(info->code, tee_constants[i].code);
    }
}

static void every_row_has_a_name_and_a_one_line_meaning(void **state)
{
    (void)state;
    for (size_t i = 0; i < cella_status_count(); i++) {
        const cella_status_info_t *info = cella_status_at(i);
        assert_non_null(info->name);
        assert_true(strncmp(info->name, "SGX_", 4) == 0);
        assert_non_null(info->meaning);
        assert_true(strlen(info->meaning) > 5);
        assert_null(strchr(info->meaning, '\n'));
        assert_non_null(info->remedy);
        assert_null(strchr(info->remedy, '\n'));
    }
}

static void the_codes_users_hit_have_a_remedy(void **state)
{
    (void)state;
    static const uint32_t codes[] = {
        0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x1001, 0x1003, 0x1006, 0x1007, 0x1009, 0x2001,
        0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2009, 0x200c, 0x200d, 0x200e, 0x200f,
        0x3001, 0x3002, 0x3003, 0x3004, 0x4001, 0x4004, 0x400a, 0x8005, 0xE00D, 0xE00E, 0xE011,
        0xE019, 0xE035, 0xE03F, 0xE040, 0xE044, 0xE047, 0xE065, 0xE067,
    };
    for (size_t i = 0; i < COUNT(codes); i++) {
        const cella_status_info_t *info = cella_status_lookup(codes[i]);
        assert_non_null(info);
        if (strlen(info->remedy) < 10)
            fail_msg("%s has no remedy", info->name);
    }
}

static void no_device_points_to_cella_detect_and_the_software_tee(void **state)
{
    (void)state;
    static const uint32_t codes[] = {0x2006, 0xE03F};
    for (size_t i = 0; i < COUNT(codes); i++) {
        const cella_status_info_t *info = cella_status_lookup(codes[i]);
        assert_non_null(info);
        assert_non_null(strstr(info->remedy, "cella detect"));
        assert_non_null(strstr(info->remedy, "software TEE"));
    }
    assert_string_equal(cella_status_lookup(0x2006)->name, "SGX_ERROR_NO_DEVICE");
    assert_string_equal(cella_status_lookup(0xE03F)->name, "SGX_QL_NO_DEVICE");
}

static void spot_values_match_the_sdk(void **state)
{
    (void)state;
    static const struct constant expected[] = {
        {0x0000, "SGX_SUCCESS"},
        {0x2006, "SGX_ERROR_NO_DEVICE"},
        {0x200e, "SGX_ERROR_MODE_INCOMPATIBLE"},
        {0x4004, "SGX_ERROR_SERVICE_INVALID_PRIVILEGE"},
        {0x7009, "SGX_ERROR_FILE_CLOSE_FAILED"},
        {0x8005, "SGX_ERROR_PLATFORM_CERT_UNAVAILABLE"},
        {0x9001, "SGX_ERROR_TLS_X509_INVALID_EXTENSION"},
        {0xE019, "SGX_QL_NETWORK_ERROR"},
        {0xE0FF, "SGX_QL_ERROR_MAX"},
        {0xF001, "SGX_INTERNAL_ERROR_ENCLAVE_CREATE_INTERRUPTED"},
    };
    for (size_t i = 0; i < COUNT(expected); i++) {
        const cella_status_info_t *info = cella_status_lookup(expected[i].code);
        assert_non_null(info);
        assert_string_equal(info->name, expected[i].name);
    }
    assert_non_null(strstr(cella_status_lookup(0x4004)->remedy, "sgx_prv"));
    assert_true(strlen(cella_status_lookup(0xE019)->remedy) > 0);
    assert_non_null(strstr(cella_status_lookup(0xE019)->remedy, "sgx_default_qcnl.conf"));
}

static void lookup_returns_null_for_codes_that_do_not_exist(void **state)
{
    (void)state;
    static const uint32_t codes[] = {0x0006, 0x0007, 0x1002, 0x2008, 0x5001,  0x7000,
                                     0x700a, 0xE000, 0xE036, 0xE0FE, 0x10000, 0xFFFFFFFF};
    for (size_t i = 0; i < COUNT(codes); i++)
        assert_null(cella_status_lookup(codes[i]));
}

static void lookup_name_rejects_unknown_and_inexact_names(void **state)
{
    (void)state;
    static const char *const names[] = {
        "",
        "SGX_ERROR_",
        "sgx_error_no_device",
        "SGX_ERROR_NO_DEVICE ",
        "SGX_ERROR_NO_DEVICEX",
        "TEE_",
        "TEE_ERROR_NO_DEVICE",  /* no SGX_QL_ERROR_NO_DEVICE */
        "TEE_SGX_ERROR_BUSY",   /* TEE_ aliases only the SGX_QL_ names */
        "SGX_QL_ERROR_NO_SUCH", /* no such code */
        "0x2006",
    };
    for (size_t i = 0; i < COUNT(names); i++) {
        if (cella_status_lookup_name(names[i]) != NULL)
            fail_msg("'%s' was found", names[i]);
    }
    assert_null(cella_status_lookup_name(NULL));
}

static void status_at_walks_the_table_and_stops_at_its_end(void **state)
{
    (void)state;
    size_t count = cella_status_count();
    assert_int_equal(cella_status_at(0)->code, 0);
    for (size_t i = 0; i < count; i++)
        assert_ptr_equal(cella_status_at(i), cella_status_lookup(cella_status_at(i)->code));
    assert_null(cella_status_at(count));
    assert_null(cella_status_at(SIZE_MAX));
}

/* What every cella result becomes as an sgx_status_t, and what that maps back to. */
static const struct {
    cella_result_t result;
    sgx_status_t status;
    cella_result_t back;
} result_mapping[] = {
    {CELLA_OK, SGX_SUCCESS, CELLA_OK},
    {CELLA_ERR_UNEXPECTED, SGX_ERROR_UNEXPECTED, CELLA_ERR_UNEXPECTED},
    {CELLA_ERR_INVALID_ARGUMENT, SGX_ERROR_INVALID_PARAMETER, CELLA_ERR_INVALID_ARGUMENT},
    {CELLA_ERR_OUT_OF_MEMORY, SGX_ERROR_OUT_OF_MEMORY, CELLA_ERR_OUT_OF_MEMORY},
    /* SGX has no code of its own for these three; they take the one the SDK uses. */
    {CELLA_ERR_BUFFER_TOO_SMALL, SGX_ERROR_INVALID_PARAMETER, CELLA_ERR_INVALID_ARGUMENT},
    {CELLA_ERR_INVALID_FORMAT, SGX_ERROR_INVALID_ENCLAVE, CELLA_ERR_INVALID_FORMAT},
    {CELLA_ERR_VERIFY_FAILED, SGX_ERROR_MAC_MISMATCH, CELLA_ERR_VERIFY_FAILED},
    {CELLA_ERR_NOT_FOUND, SGX_ERROR_ENCLAVE_FILE_ACCESS, CELLA_ERR_NOT_FOUND},
    {CELLA_ERR_ACCESS_DENIED, SGX_ERROR_NO_PRIVILEGE, CELLA_ERR_ACCESS_DENIED},
    {CELLA_ERR_IO, SGX_ERROR_UNEXPECTED, CELLA_ERR_UNEXPECTED},
    {CELLA_ERR_UNSUPPORTED, SGX_ERROR_FEATURE_NOT_SUPPORTED, CELLA_ERR_UNSUPPORTED},
    {CELLA_ERR_INVALID_STATE, SGX_ERROR_INVALID_STATE, CELLA_ERR_INVALID_STATE},
    {CELLA_ERR_OVERFLOW, SGX_ERROR_INVALID_PARAMETER, CELLA_ERR_INVALID_ARGUMENT},
    {CELLA_ERR_TIMEOUT, SGX_ERROR_SERVICE_TIMEOUT, CELLA_ERR_TIMEOUT},
    {CELLA_ERR_ENCLAVE_CRASHED, SGX_ERROR_ENCLAVE_CRASHED, CELLA_ERR_ENCLAVE_CRASHED},
    {CELLA_ERR_ENCLAVE_LOST, SGX_ERROR_ENCLAVE_LOST, CELLA_ERR_ENCLAVE_LOST},
    {CELLA_ERR_BUSY, SGX_ERROR_OUT_OF_TCS, CELLA_ERR_BUSY},
};

static void every_cella_result_maps_to_sgx_and_back(void **state)
{
    (void)state;
    assert_int_equal(COUNT(result_mapping), CELLA_RESULT_COUNT);
    for (size_t i = 0; i < COUNT(result_mapping); i++) {
        assert_int_equal(result_mapping[i].result, i);
        sgx_status_t status = cella_result_to_sgx_status(result_mapping[i].result);
        assert_int_equal(status, result_mapping[i].status);
        assert_non_null(cella_status_lookup((uint32_t)status));
        assert_int_equal(cella_result_from_sgx_status(status), result_mapping[i].back);
    }
}

static void results_with_an_sgx_equivalent_round_trip_exactly(void **state)
{
    (void)state;
    size_t exact = 0;
    for (int r = 0; r < CELLA_RESULT_COUNT; r++) {
        cella_result_t result = (cella_result_t)r;
        if (result == CELLA_ERR_BUFFER_TOO_SMALL || result == CELLA_ERR_OVERFLOW ||
            result == CELLA_ERR_IO)
            continue;
        assert_int_equal(cella_result_from_sgx_status(cella_result_to_sgx_status(result)), r);
        exact++;
    }
    assert_int_equal(exact, CELLA_RESULT_COUNT - 3);
}

static void every_status_maps_to_a_valid_result_and_only_success_to_ok(void **state)
{
    (void)state;
    for (size_t i = 0; i < cella_status_count(); i++) {
        uint32_t code = cella_status_at(i)->code;
        cella_result_t result = cella_result_from_sgx_status((sgx_status_t)code);
        assert_true((int)result >= 0 && (int)result < CELLA_RESULT_COUNT);
        assert_int_equal(result == CELLA_OK, code == 0);
    }
}

static void unknown_values_map_to_unexpected(void **state)
{
    (void)state;
    assert_int_equal(cella_result_from_sgx_status((sgx_status_t)0x2008), CELLA_ERR_UNEXPECTED);
    assert_int_equal(cella_result_from_sgx_status((sgx_status_t)0x7fffffff), CELLA_ERR_UNEXPECTED);
    assert_int_equal(cella_result_to_sgx_status((cella_result_t)CELLA_RESULT_COUNT),
                     SGX_ERROR_UNEXPECTED);
}

static void quote3_errors_map_to_sensible_results(void **state)
{
    (void)state;
    assert_int_equal(cella_result_from_sgx_status((sgx_status_t)SGX_QL_NETWORK_ERROR),
                     CELLA_ERR_IO);
    assert_int_equal(cella_result_from_sgx_status((sgx_status_t)SGX_QL_ERROR_INVALID_PRIVILEGE),
                     CELLA_ERR_ACCESS_DENIED);
    assert_int_equal(cella_result_from_sgx_status((sgx_status_t)SGX_QL_TCB_REVOKED),
                     CELLA_ERR_VERIFY_FAILED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_table_is_sorted_by_code_with_each_code_once),
        cmocka_unit_test(every_sgx_status_constant_has_a_row_with_its_name),
        cmocka_unit_test(every_quote3_error_constant_has_a_row_with_its_name),
        cmocka_unit_test(the_table_has_no_row_beyond_the_two_enums),
        cmocka_unit_test(aliases_find_the_row_of_their_value),
        cmocka_unit_test(every_row_has_a_name_and_a_one_line_meaning),
        cmocka_unit_test(the_codes_users_hit_have_a_remedy),
        cmocka_unit_test(no_device_points_to_cella_detect_and_the_software_tee),
        cmocka_unit_test(spot_values_match_the_sdk),
        cmocka_unit_test(lookup_returns_null_for_codes_that_do_not_exist),
        cmocka_unit_test(lookup_name_rejects_unknown_and_inexact_names),
        cmocka_unit_test(status_at_walks_the_table_and_stops_at_its_end),
        cmocka_unit_test(every_cella_result_maps_to_sgx_and_back),
        cmocka_unit_test(results_with_an_sgx_equivalent_round_trip_exactly),
        cmocka_unit_test(every_status_maps_to_a_valid_result_and_only_success_to_ok),
        cmocka_unit_test(unknown_values_map_to_unexpected),
        cmocka_unit_test(quote3_errors_map_to_sensible_results),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
