/* SPDX-License-Identifier: Apache-2.0 */
/* common/status.c: the table of SGX and DCAP status codes, and the map to cella results. */
#include <stdbool.h>
#include <string.h>

#include <cella/status.h>
#include <sgx/sgx_ql_lib_common.h>

/* One row: the public description plus the cella result the code maps to. */
struct status_entry {
    cella_status_info_t info;
    cella_result_t result;
};

/* Naming the enum constant once gives both its value and its name, so they cannot drift. */
#define STATUS(constant, result, meaning, remedy)                  \
    {                                                              \
        {(uint32_t)(constant), #constant, meaning, remedy}, result \
    }

#define NO_REMEDY ""

/* Sorted by code, each code once: cella_status_lookup() is a binary search. */
static const struct status_entry entries[] = {
    /* sgx_status_t: generic */
    STATUS(SGX_SUCCESS, CELLA_OK, "success (the same value is SGX_QL_SUCCESS in quote3_error_t)",
           NO_REMEDY),
    STATUS(SGX_ERROR_UNEXPECTED, CELLA_ERR_UNEXPECTED,
           "unexpected error; generated bridges also return it when copying an argument fails",
           "read the log for the detail; in an ECALL or OCALL bridge it usually means an argument "
           "copy or sgx_ocalloc failed"),
    STATUS(SGX_ERROR_INVALID_PARAMETER, CELLA_ERR_INVALID_ARGUMENT,
           "a parameter is wrong; generated bridges return it when a pointer or size check fails",
           "check the pointers and buffer sizes passed to the failing call, and the size/count "
           "attributes of its EDL declaration"),
    STATUS(SGX_ERROR_OUT_OF_MEMORY, CELLA_ERR_OUT_OF_MEMORY, "not enough memory",
           "inside an enclave the heap is usually too small: raise HeapMaxSize in "
           "Enclave.config.xml and sign again"),
    STATUS(SGX_ERROR_ENCLAVE_LOST, CELLA_ERR_ENCLAVE_LOST,
           "the enclave is gone: power transition, use from a fork()ed child, or its enclave "
           "process stopped",
           "destroy the enclave and create it again; never use an enclave inherited across "
           "fork()"),
    STATUS(SGX_ERROR_INVALID_STATE, CELLA_ERR_INVALID_STATE,
           "the call was made in the wrong order or state",
           "check the call sequence: initialise before use and do not reuse a destroyed enclave "
           "or a closed session"),
    STATUS(SGX_ERROR_FEATURE_NOT_SUPPORTED, CELLA_ERR_UNSUPPORTED,
           "the feature is not supported on this platform",
           "`cella detect` shows what this machine supports and which of cella's software "
           "backends can stand in (CELLA_BACKEND)"),
    STATUS(SGX_PTHREAD_EXIT, CELLA_ERR_UNEXPECTED, "an enclave thread called pthread_exit()",
           NO_REMEDY),
    STATUS(SGX_ERROR_MEMORY_MAP_FAILURE, CELLA_ERR_OUT_OF_MEMORY,
           "address space for the enclave could not be reserved",
           "check the process's address-space limit (ulimit -v); a smaller HeapMaxSize, "
           "StackMaxSize or TCSNum shrinks the enclave"),

    /* sgx_status_t: enclave runtime */
    STATUS(SGX_ERROR_INVALID_FUNCTION, CELLA_ERR_INVALID_ARGUMENT,
           "the ECALL or OCALL index is out of range",
           "the host's untrusted bridge and the enclave come from different EDL files: rebuild "
           "both from the same EDL"),
    STATUS(SGX_ERROR_OUT_OF_TCS, CELLA_ERR_BUSY,
           "no free TCS: more threads are calling into the enclave than TCSNum allows",
           "raise TCSNum in Enclave.config.xml and sign again, or limit the threads that call "
           "into the enclave"),
    STATUS(SGX_ERROR_ENCLAVE_CRASHED, CELLA_ERR_ENCLAVE_CRASHED,
           "the enclave crashed: a fault, an abort, a forbidden instruction or system call, or "
           "an exhausted heap",
           "destroy and recreate the enclave; the log says why it stopped (a system call inside "
           "the enclave must become an OCALL)"),
    STATUS(SGX_ERROR_ECALL_NOT_ALLOWED, CELLA_ERR_ACCESS_DENIED, "this ECALL may not be made now",
           "a private ECALL can only be made from an OCALL whose allow(...) list names it, and "
           "no ECALL may nest during enclave initialisation"),
    STATUS(SGX_ERROR_OCALL_NOT_ALLOWED, CELLA_ERR_ACCESS_DENIED,
           "an OCALL may not be made now, e.g. while handling an exception", NO_REMEDY),
    STATUS(SGX_ERROR_STACK_OVERRUN, CELLA_ERR_ENCLAVE_CRASHED, "the enclave ran out of stack",
           "raise StackMaxSize in Enclave.config.xml and sign again, or move large local "
           "variables to the heap"),

    /* sgx_status_t: enclave creation */
    STATUS(SGX_ERROR_UNDEFINED_SYMBOL, CELLA_ERR_INVALID_FORMAT,
           "the enclave image has an undefined symbol",
           "the enclave uses a function the trusted runtime does not provide: remove the call or "
           "turn it into an OCALL"),
    STATUS(SGX_ERROR_INVALID_ENCLAVE, CELLA_ERR_INVALID_FORMAT, "the enclave image is not valid",
           "pass the signed enclave (e.g. enclave.signed.so), not the unsigned image or a host "
           "binary"),
    STATUS(SGX_ERROR_INVALID_ENCLAVE_ID, CELLA_ERR_INVALID_ARGUMENT, "unknown enclave id",
           "usually follows a failed sgx_create_enclave: check its status first, and do not use "
           "an id after sgx_destroy_enclave"),
    STATUS(SGX_ERROR_INVALID_SIGNATURE, CELLA_ERR_VERIFY_FAILED,
           "the enclave's SIGSTRUCT signature does not verify",
           "sign the enclave again; it was modified after signing or signed with another key"),
    STATUS(SGX_ERROR_NDEBUG_ENCLAVE, CELLA_ERR_ACCESS_DENIED,
           "a production enclave (DisableDebug=1) cannot be created as debuggable",
           "create it with debug set to 0, or sign it with DisableDebug=0 for development"),
    STATUS(SGX_ERROR_OUT_OF_EPC, CELLA_ERR_OUT_OF_MEMORY,
           "not enough enclave page cache (EPC) to load the enclave",
           "shrink HeapMaxSize, StackMaxSize or TCSNum, or destroy other enclaves first"),
    STATUS(SGX_ERROR_NO_DEVICE, CELLA_ERR_NOT_FOUND, "the SGX device cannot be opened",
           "no SGX driver, SGX off in the BIOS, or /dev/sgx_enclave not passed into the "
           "container; `cella detect` shows what is missing, and cella's software TEE runs "
           "enclaves without SGX hardware (CELLA_BACKEND)"),
    STATUS(SGX_ERROR_MEMORY_MAP_CONFLICT, CELLA_ERR_UNEXPECTED,
           "the driver failed to map the enclave's pages",
           "the kernel log (dmesg) has the driver's reason; an old out-of-tree SGX driver is a "
           "common cause: use the in-kernel driver (Linux 5.11 or later)"),
    STATUS(SGX_ERROR_INVALID_METADATA, CELLA_ERR_INVALID_FORMAT,
           "the enclave's metadata is not valid for this runtime",
           "the enclave was signed for another mode or toolkit: sign it again with `cella sign`"),
    STATUS(SGX_ERROR_DEVICE_BUSY, CELLA_ERR_BUSY, "the device is busy; mostly EINIT failed",
           "EINIT refused the enclave: check the kernel log (dmesg), then sign the enclave again "
           "and retry"),
    STATUS(SGX_ERROR_INVALID_VERSION, CELLA_ERR_UNSUPPORTED,
           "the enclave's metadata version does not match the runtime, or the runtime does not "
           "suit this platform",
           "sign the enclave with the signer from the same release as the runtime library"),
    STATUS(SGX_ERROR_MODE_INCOMPATIBLE, CELLA_ERR_UNSUPPORTED,
           "the enclave's mode (32/64-bit, simulation/hardware) does not match the runtime",
           "build the enclave for the mode of the host libraries, e.g. no simulation enclave with "
           "hardware libraries; `cella detect` shows what this machine can run"),
    STATUS(SGX_ERROR_ENCLAVE_FILE_ACCESS, CELLA_ERR_NOT_FOUND, "the enclave file cannot be opened",
           "check the path given to sgx_create_enclave (relative to the current directory) and "
           "that the file is readable"),
    STATUS(SGX_ERROR_INVALID_MISC, CELLA_ERR_INVALID_FORMAT,
           "the enclave's MiscSelect/MiscMask are not valid", NO_REMEDY),
    STATUS(SGX_ERROR_INVALID_LAUNCH_TOKEN, CELLA_ERR_VERIFY_FAILED, "the launch token is not valid",
           "delete the cached launch token so that a fresh one is requested"),

    /* sgx_status_t: keys, reports, sealing */
    STATUS(SGX_ERROR_MAC_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "a report or sealed blob failed its MAC check",
           "the data was modified, or sealed or reported by another enclave, signer, platform or "
           "SVN than the one checking it"),
    STATUS(SGX_ERROR_INVALID_ATTRIBUTE, CELLA_ERR_ACCESS_DENIED,
           "the enclave asked for an attribute it is not allowed",
           "check the attributes the enclave requests (e.g. the provisioning key) against what "
           "the platform permits"),
    STATUS(SGX_ERROR_INVALID_CPUSVN, CELLA_ERR_INVALID_ARGUMENT,
           "the requested CPUSVN is newer than the platform's",
           "the data comes from a platform with a newer TCB: unseal it there, or seal it again "
           "on this platform"),
    STATUS(SGX_ERROR_INVALID_ISVSVN, CELLA_ERR_INVALID_ARGUMENT,
           "the requested ISVSVN is higher than the enclave's",
           "the data was sealed by a newer version of the enclave: run that version, or seal "
           "again with this one"),
    STATUS(SGX_ERROR_INVALID_KEYNAME, CELLA_ERR_INVALID_ARGUMENT, "the key name is not supported",
           NO_REMEDY),
    STATUS(SGX_ERROR_UNSUPPORTED_FUNCTION, CELLA_ERR_UNSUPPORTED, "the function is not supported",
           NO_REMEDY),

    /* sgx_status_t: platform services */
    STATUS(SGX_ERROR_SERVICE_UNAVAILABLE, CELLA_ERR_IO,
           "the platform service (aesmd) did not answer",
           "check that aesmd is running and its socket is reachable (in a container, mount "
           "/var/run/aesmd)"),
    STATUS(SGX_ERROR_SERVICE_TIMEOUT, CELLA_ERR_TIMEOUT,
           "a request to the platform service timed out",
           "check that aesmd is healthy and that its proxy settings let it reach the network"),
    STATUS(SGX_ERROR_AE_INVALID_EPIDBLOB, CELLA_ERR_INVALID_FORMAT,
           "the EPID blob failed verification", NO_REMEDY),
    STATUS(SGX_ERROR_SERVICE_INVALID_PRIVILEGE, CELLA_ERR_ACCESS_DENIED,
           "the platform service lacks a privilege; in practice the quoting enclaves could not "
           "be loaded",
           "add the user to group sgx_prv (access to /dev/sgx_provision) and check that "
           "/dev/sgx_enclave exists; `cella detect` shows what is missing"),
    STATUS(SGX_ERROR_EPID_MEMBER_REVOKED, CELLA_ERR_VERIFY_FAILED,
           "the platform's EPID group membership was revoked", NO_REMEDY),
    STATUS(SGX_ERROR_UPDATE_NEEDED, CELLA_ERR_UNSUPPORTED, "the SGX platform needs an update",
           "update the BIOS (microcode) and the SGX platform software"),
    STATUS(SGX_ERROR_NETWORK_FAILURE, CELLA_ERR_IO,
           "a network or proxy error while a platform service was talking to a server",
           "check the network access and proxy settings of aesmd (/etc/aesmd.conf)"),
    STATUS(SGX_ERROR_AE_SESSION_INVALID, CELLA_ERR_INVALID_STATE,
           "the session is invalid or was ended by the server", NO_REMEDY),
    STATUS(SGX_ERROR_BUSY, CELLA_ERR_BUSY, "the service is temporarily unavailable",
           "retry later; if it persists, check that a proxy is not blocking aesmd"),
    STATUS(SGX_ERROR_MC_NOT_FOUND, CELLA_ERR_NOT_FOUND,
           "the monotonic counter does not exist or was invalidated", NO_REMEDY),
    STATUS(SGX_ERROR_MC_NO_ACCESS_RIGHT, CELLA_ERR_ACCESS_DENIED,
           "no access right to the monotonic counter", NO_REMEDY),
    STATUS(SGX_ERROR_MC_USED_UP, CELLA_ERR_BUSY, "the monotonic counters are used up", NO_REMEDY),
    STATUS(SGX_ERROR_MC_OVER_QUOTA, CELLA_ERR_BUSY, "the monotonic counter quota is exceeded",
           NO_REMEDY),
    STATUS(SGX_ERROR_KDF_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "the key derivation function does not match during key exchange", NO_REMEDY),
    STATUS(SGX_ERROR_UNRECOGNIZED_PLATFORM, CELLA_ERR_UNSUPPORTED,
           "EPID provisioning did not recognise the platform", NO_REMEDY),
    STATUS(SGX_ERROR_UNSUPPORTED_CONFIG, CELLA_ERR_UNSUPPORTED,
           "the provisioning configuration is not valid", NO_REMEDY),

    /* sgx_status_t: privilege */
    STATUS(SGX_ERROR_NO_PRIVILEGE, CELLA_ERR_ACCESS_DENIED,
           "not enough privilege for the operation", NO_REMEDY),

    /* sgx_status_t: protected code loader */
    STATUS(SGX_ERROR_PCL_ENCRYPTED, CELLA_ERR_INVALID_FORMAT,
           "protected code loader: the enclave is already encrypted", NO_REMEDY),
    STATUS(SGX_ERROR_PCL_NOT_ENCRYPTED, CELLA_ERR_INVALID_FORMAT,
           "protected code loader: a plain enclave was given where an encrypted one is needed",
           NO_REMEDY),
    STATUS(SGX_ERROR_PCL_MAC_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "protected code loader: a section's MAC does not match", NO_REMEDY),
    STATUS(SGX_ERROR_PCL_SHA_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "protected code loader: the key's MAC does not match", NO_REMEDY),
    STATUS(SGX_ERROR_PCL_GUID_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "protected code loader: the GUID does not match", NO_REMEDY),

    /* sgx_status_t: protected file system */
    STATUS(SGX_ERROR_FILE_BAD_STATUS, CELLA_ERR_INVALID_STATE,
           "protected file: the file is in a bad state after an earlier error", NO_REMEDY),
    STATUS(SGX_ERROR_FILE_NO_KEY_ID, CELLA_ERR_INVALID_FORMAT,
           "protected file: the header has no key id", NO_REMEDY),
    STATUS(SGX_ERROR_FILE_NAME_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "protected file: opened under another name than it was created with", NO_REMEDY),
    STATUS(SGX_ERROR_FILE_NOT_SGX_FILE, CELLA_ERR_INVALID_FORMAT,
           "protected file: the file is not a protected file", NO_REMEDY),
    STATUS(SGX_ERROR_FILE_CANT_OPEN_RECOVERY_FILE, CELLA_ERR_IO,
           "protected file: the recovery file cannot be opened", NO_REMEDY),
    STATUS(SGX_ERROR_FILE_CANT_WRITE_RECOVERY_FILE, CELLA_ERR_IO,
           "protected file: the recovery file cannot be written", NO_REMEDY),
    STATUS(SGX_ERROR_FILE_RECOVERY_NEEDED, CELLA_ERR_INVALID_STATE,
           "protected file: the file must be recovered before use", NO_REMEDY),
    STATUS(SGX_ERROR_FILE_FLUSH_FAILED, CELLA_ERR_IO, "protected file: flushing the file failed",
           NO_REMEDY),
    STATUS(SGX_ERROR_FILE_CLOSE_FAILED, CELLA_ERR_IO, "protected file: closing the file failed",
           NO_REMEDY),

    /* sgx_status_t: attestation key */
    STATUS(SGX_ERROR_UNSUPPORTED_ATT_KEY_ID, CELLA_ERR_UNSUPPORTED,
           "the quoting infrastructure does not support this attestation key", NO_REMEDY),
    STATUS(SGX_ERROR_ATT_KEY_CERTIFICATION_FAILURE, CELLA_ERR_UNEXPECTED,
           "the attestation key could not be generated or certified", NO_REMEDY),
    STATUS(SGX_ERROR_ATT_KEY_UNINITIALIZED, CELLA_ERR_INVALID_STATE,
           "the attestation key is not available", NO_REMEDY),
    STATUS(SGX_ERROR_INVALID_ATT_KEY_CERT_DATA, CELLA_ERR_INVALID_FORMAT,
           "the quote configuration data from the platform library is not valid", NO_REMEDY),
    STATUS(SGX_ERROR_PLATFORM_CERT_UNAVAILABLE, CELLA_ERR_NOT_FOUND,
           "no PCK certificate is available for this platform",
           "the caching service (PCCS) has no certificate for this platform: register it there "
           "and check the PCCS URL in /etc/sgx_default_qcnl.conf"),

    /* sgx_status_t: TLS */
    STATUS(SGX_ERROR_TLS_X509_INVALID_EXTENSION, CELLA_ERR_INVALID_FORMAT,
           "attested TLS: a certificate has an invalid X.509 extension", NO_REMEDY),

    /* quote3_error_t */
    STATUS(SGX_QL_ERROR_UNEXPECTED, CELLA_ERR_UNEXPECTED, "unexpected error in the quote library",
           NO_REMEDY),
    STATUS(SGX_QL_ERROR_INVALID_PARAMETER, CELLA_ERR_INVALID_ARGUMENT,
           "a parameter given to the quote library is wrong", NO_REMEDY),
    STATUS(SGX_QL_ERROR_OUT_OF_MEMORY, CELLA_ERR_OUT_OF_MEMORY,
           "the quote library ran out of memory", NO_REMEDY),
    STATUS(SGX_QL_ERROR_ECDSA_ID_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "the ECDSA id does not match the stored ECDSA blob", NO_REMEDY),
    STATUS(SGX_QL_PATHNAME_BUFFER_OVERFLOW_ERROR, CELLA_ERR_INVALID_ARGUMENT,
           "the path of the ECDSA blob is too long", NO_REMEDY),
    STATUS(SGX_QL_FILE_ACCESS_ERROR, CELLA_ERR_IO, "the ECDSA blob could not be accessed",
           NO_REMEDY),
    STATUS(SGX_QL_ERROR_STORED_KEY, CELLA_ERR_INVALID_FORMAT, "the cached ECDSA key is not valid",
           NO_REMEDY),
    STATUS(SGX_QL_ERROR_PUB_KEY_ID_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "the cached key does not match the request", NO_REMEDY),
    STATUS(SGX_QL_ERROR_INVALID_PCE_SIG_SCHEME, CELLA_ERR_UNSUPPORTED,
           "the PCE uses an unexpected signature scheme", NO_REMEDY),
    STATUS(SGX_QL_ATT_KEY_BLOB_ERROR, CELLA_ERR_INVALID_FORMAT,
           "the attestation key blob is damaged or of the wrong version", NO_REMEDY),
    STATUS(SGX_QL_UNSUPPORTED_ATT_KEY_ID, CELLA_ERR_UNSUPPORTED,
           "the attestation key id is not supported", NO_REMEDY),
    STATUS(SGX_QL_UNSUPPORTED_LOADING_POLICY, CELLA_ERR_UNSUPPORTED,
           "the enclave loading policy is not supported", NO_REMEDY),
    STATUS(SGX_QL_INTERFACE_UNAVAILABLE, CELLA_ERR_NOT_FOUND,
           "the quoting enclave (QE) or PCE could not be loaded",
           "install the DCAP quoting packages and let the user open /dev/sgx_enclave and "
           "/dev/sgx_provision; `cella detect` shows what is missing"),
    STATUS(SGX_QL_PLATFORM_LIB_UNAVAILABLE, CELLA_ERR_NOT_FOUND,
           "no quote provider library (QPL) was found; not fatal on its own",
           "install a quote provider library (Intel's default QPL, or the Azure DCAP client on "
           "Azure) where the quote library can load it"),
    STATUS(SGX_QL_ATT_KEY_NOT_INITIALIZED, CELLA_ERR_INVALID_STATE,
           "the attestation key is missing or not certified", NO_REMEDY),
    STATUS(SGX_QL_ATT_KEY_CERT_DATA_INVALID, CELLA_ERR_INVALID_FORMAT,
           "the certification data from the quote provider library is not valid", NO_REMEDY),
    STATUS(SGX_QL_NO_PLATFORM_CERT_DATA, CELLA_ERR_NOT_FOUND,
           "the quote provider library has no certificate data for this platform",
           "the PCCS has no PCK certificate for this platform: register the platform or fill "
           "the cache, and check the PCCS URL in /etc/sgx_default_qcnl.conf"),
    STATUS(SGX_QL_OUT_OF_EPC, CELLA_ERR_OUT_OF_MEMORY,
           "not enough EPC to load the quoting enclaves", NO_REMEDY),
    STATUS(SGX_QL_ERROR_REPORT, CELLA_ERR_VERIFY_FAILED, "an SGX report could not be verified",
           NO_REMEDY),
    STATUS(SGX_QL_ENCLAVE_LOST, CELLA_ERR_ENCLAVE_LOST,
           "a quoting enclave was lost after a power transition", "retry the call"),
    STATUS(SGX_QL_INVALID_REPORT, CELLA_ERR_VERIFY_FAILED,
           "the application enclave's report failed verification",
           "create the report for the target info returned by sgx_qe_get_target_info, on this "
           "platform"),
    STATUS(SGX_QL_ENCLAVE_LOAD_ERROR, CELLA_ERR_IO,
           "the quoting enclaves could not be loaded (file access, loader, or a machine without "
           "SGX)",
           "check that the DCAP quoting enclaves are installed and that SGX works here; `cella "
           "detect` shows what is missing"),
    STATUS(SGX_QL_UNABLE_TO_GENERATE_QE_REPORT, CELLA_ERR_UNEXPECTED,
           "the quoting enclave could not make a report for the application enclave",
           "ask for the quote again without a QE report (QE report info set to NULL)"),
    STATUS(SGX_QL_KEY_CERTIFCATION_ERROR, CELLA_ERR_VERIFY_FAILED,
           "the quote provider library returned a TCB higher than the platform's", NO_REMEDY),
    STATUS(SGX_QL_NETWORK_ERROR, CELLA_ERR_IO,
           "a network error while fetching the PCK certificates",
           "the PCCS is down or unreachable, or /etc/sgx_default_qcnl.conf is malformed (often a "
           "missing comma): check the PCCS URL, the proxy and the file"),
    STATUS(SGX_QL_MESSAGE_ERROR, CELLA_ERR_INVALID_FORMAT,
           "a bad message while fetching the PCK certificates", NO_REMEDY),
    STATUS(SGX_QL_NO_QUOTE_COLLATERAL_DATA, CELLA_ERR_NOT_FOUND,
           "no verification collateral is available",
           "check the collateral source of the verifier (PCCS URL or collateral directory)"),
    STATUS(SGX_QL_QUOTE_CERTIFICATION_DATA_UNSUPPORTED, CELLA_ERR_UNSUPPORTED,
           "the quote's certification data type is not supported", NO_REMEDY),
    STATUS(SGX_QL_QUOTE_FORMAT_UNSUPPORTED, CELLA_ERR_UNSUPPORTED,
           "the quote format is not supported", NO_REMEDY),
    STATUS(SGX_QL_UNABLE_TO_GENERATE_REPORT, CELLA_ERR_UNEXPECTED,
           "the verification enclave (QvE) could not make a report", NO_REMEDY),
    STATUS(SGX_QL_QE_REPORT_INVALID_SIGNATURE, CELLA_ERR_VERIFY_FAILED,
           "the QE report's signature in the quote is invalid", NO_REMEDY),
    STATUS(SGX_QL_QE_REPORT_UNSUPPORTED_FORMAT, CELLA_ERR_INVALID_FORMAT,
           "the QE report in the quote has an unsupported format", NO_REMEDY),
    STATUS(SGX_QL_PCK_CERT_UNSUPPORTED_FORMAT, CELLA_ERR_INVALID_FORMAT,
           "the PCK certificate has an unsupported format", NO_REMEDY),
    STATUS(SGX_QL_PCK_CERT_CHAIN_ERROR, CELLA_ERR_VERIFY_FAILED,
           "the PCK certificate chain does not verify", NO_REMEDY),
    STATUS(SGX_QL_TCBINFO_UNSUPPORTED_FORMAT, CELLA_ERR_INVALID_FORMAT,
           "the TCB info has an unsupported format", NO_REMEDY),
    STATUS(SGX_QL_TCBINFO_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "the TCB info does not match the platform", NO_REMEDY),
    STATUS(SGX_QL_QEIDENTITY_UNSUPPORTED_FORMAT, CELLA_ERR_INVALID_FORMAT,
           "the QE identity has an unsupported format", NO_REMEDY),
    STATUS(SGX_QL_QEIDENTITY_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "the quoting enclave does not match the QE identity", NO_REMEDY),
    STATUS(SGX_QL_TCB_OUT_OF_DATE, CELLA_ERR_VERIFY_FAILED, "the platform's TCB is out of date",
           "update the BIOS (microcode) and the SGX platform software; the relying party "
           "decides whether to accept it meanwhile"),
    STATUS(SGX_QL_TCB_OUT_OF_DATE_CONFIGURATION_NEEDED, CELLA_ERR_VERIFY_FAILED,
           "the platform's TCB is out of date and its configuration needs a change", NO_REMEDY),
    STATUS(SGX_QL_SGX_ENCLAVE_IDENTITY_OUT_OF_DATE, CELLA_ERR_VERIFY_FAILED,
           "the enclave identity is out of date", NO_REMEDY),
    STATUS(SGX_QL_SGX_ENCLAVE_REPORT_ISVSVN_OUT_OF_DATE, CELLA_ERR_VERIFY_FAILED,
           "the enclave report's ISVSVN is out of date", NO_REMEDY),
    STATUS(SGX_QL_QE_IDENTITY_OUT_OF_DATE, CELLA_ERR_VERIFY_FAILED,
           "the QE identity is out of date", NO_REMEDY),
    STATUS(SGX_QL_SGX_TCB_INFO_EXPIRED, CELLA_ERR_VERIFY_FAILED,
           "the TCB info collateral has expired",
           "fetch fresh collateral (refresh the PCCS cache or the collateral directory)"),
    STATUS(SGX_QL_SGX_PCK_CERT_CHAIN_EXPIRED, CELLA_ERR_VERIFY_FAILED,
           "the PCK certificate chain has expired", NO_REMEDY),
    STATUS(SGX_QL_SGX_CRL_EXPIRED, CELLA_ERR_VERIFY_FAILED, "a revocation list has expired",
           "fetch fresh collateral (refresh the PCCS cache or the collateral directory)"),
    STATUS(SGX_QL_SGX_SIGNING_CERT_CHAIN_EXPIRED, CELLA_ERR_VERIFY_FAILED,
           "the collateral signing certificate chain has expired", NO_REMEDY),
    STATUS(SGX_QL_SGX_ENCLAVE_IDENTITY_EXPIRED, CELLA_ERR_VERIFY_FAILED,
           "the enclave identity collateral has expired", NO_REMEDY),
    STATUS(SGX_QL_PCK_REVOKED, CELLA_ERR_VERIFY_FAILED, "the PCK certificate is revoked",
           NO_REMEDY),
    STATUS(SGX_QL_TCB_REVOKED, CELLA_ERR_VERIFY_FAILED, "the platform's TCB is revoked", NO_REMEDY),
    STATUS(SGX_QL_TCB_CONFIGURATION_NEEDED, CELLA_ERR_VERIFY_FAILED,
           "the TCB is up to date but the platform configuration needs a change", NO_REMEDY),
    STATUS(SGX_QL_UNABLE_TO_GET_COLLATERAL, CELLA_ERR_NOT_FOUND,
           "the verification collateral could not be retrieved",
           "check the PCCS URL and the network access of the verifier"),
    STATUS(SGX_QL_ERROR_INVALID_PRIVILEGE, CELLA_ERR_ACCESS_DENIED, "not enough privilege",
           "add the user to group sgx_prv so it can open /dev/sgx_provision, then log in again"),
    STATUS(SGX_QL_NO_QVE_IDENTITY_DATA, CELLA_ERR_NOT_FOUND, "the QvE identity is not available",
           NO_REMEDY),
    STATUS(SGX_QL_CRL_UNSUPPORTED_FORMAT, CELLA_ERR_INVALID_FORMAT,
           "a revocation list has an unsupported format", NO_REMEDY),
    STATUS(SGX_QL_QEIDENTITY_CHAIN_ERROR, CELLA_ERR_VERIFY_FAILED,
           "the QE identity's signing chain does not verify", NO_REMEDY),
    STATUS(SGX_QL_TCBINFO_CHAIN_ERROR, CELLA_ERR_VERIFY_FAILED,
           "the TCB info's signing chain does not verify", NO_REMEDY),
    STATUS(SGX_QL_ERROR_QVL_QVE_MISMATCH, CELLA_ERR_UNSUPPORTED,
           "the QVL and the QvE disagree on the supplemental data size or version",
           "use the QVL and the QvE of the same DCAP release"),
    STATUS(SGX_QL_TCB_SW_HARDENING_NEEDED, CELLA_ERR_VERIFY_FAILED,
           "the TCB is up to date but software hardening is needed", NO_REMEDY),
    STATUS(SGX_QL_TCB_CONFIGURATION_AND_SW_HARDENING_NEEDED, CELLA_ERR_VERIFY_FAILED,
           "a platform configuration change and software hardening are needed", NO_REMEDY),
    STATUS(SGX_QL_UNSUPPORTED_MODE, CELLA_ERR_UNSUPPORTED, "the mode is not supported", NO_REMEDY),
    STATUS(SGX_QL_NO_DEVICE, CELLA_ERR_NOT_FOUND, "no SGX device",
           "the SGX driver or its device nodes are missing or not passed into the container; "
           "`cella detect` shows what is missing, and cella's software TEE runs enclaves "
           "without SGX hardware (CELLA_BACKEND)"),
    STATUS(SGX_QL_SERVICE_UNAVAILABLE, CELLA_ERR_IO, "the quoting service is unavailable",
           "with SGX_AESM_ADDR set, quoting goes through aesmd: make sure it runs and its socket "
           "is mounted into the container"),
    STATUS(SGX_QL_NETWORK_FAILURE, CELLA_ERR_IO, "a network failure", NO_REMEDY),
    STATUS(SGX_QL_SERVICE_TIMEOUT, CELLA_ERR_TIMEOUT, "the service timed out", NO_REMEDY),
    STATUS(SGX_QL_ERROR_BUSY, CELLA_ERR_BUSY, "the service is busy", "retry later"),
    STATUS(SGX_QL_UNKNOWN_MESSAGE_RESPONSE, CELLA_ERR_INVALID_FORMAT,
           "the caching service (PCCS) gave an unexpected response",
           "check the PCCS URL and the PCCS's own log; on Azure, use the Azure DCAP client as "
           "the quote provider library"),
    STATUS(SGX_QL_PERSISTENT_STORAGE_ERROR, CELLA_ERR_IO, "storing cached data failed", NO_REMEDY),
    STATUS(SGX_QL_ERROR_MESSAGE_PARSING_ERROR, CELLA_ERR_INVALID_FORMAT,
           "a message could not be parsed", NO_REMEDY),
    STATUS(SGX_QL_PLATFORM_UNKNOWN, CELLA_ERR_NOT_FOUND,
           "the caching service does not know this platform",
           "register the platform with the PCCS (or let the PCCS fetch it from Intel), then "
           "retry"),
    STATUS(SGX_QL_UNKNOWN_API_VERSION, CELLA_ERR_UNSUPPORTED,
           "the configured PCS API version is unknown",
           "check pccs_api_version in /etc/sgx_default_qcnl.conf"),
    STATUS(SGX_QL_CERTS_UNAVAILABLE, CELLA_ERR_NOT_FOUND,
           "no certificates are available for this platform", NO_REMEDY),
    STATUS(SGX_QL_QVEIDENTITY_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "the QvE does not match the Intel-signed QvE identity", NO_REMEDY),
    STATUS(SGX_QL_QVE_OUT_OF_DATE, CELLA_ERR_VERIFY_FAILED,
           "the QvE's ISVSVN is below the required threshold", NO_REMEDY),
    STATUS(SGX_QL_PSW_NOT_AVAILABLE, CELLA_ERR_NOT_FOUND,
           "the SGX platform software library cannot be loaded", NO_REMEDY),
    STATUS(SGX_QL_COLLATERAL_VERSION_NOT_SUPPORTED, CELLA_ERR_UNSUPPORTED,
           "the collateral version is not supported by the QVL or QvE", NO_REMEDY),
    STATUS(SGX_QL_TDX_MODULE_MISMATCH, CELLA_ERR_VERIFY_FAILED,
           "the TDX module identity does not match", NO_REMEDY),
    STATUS(SGX_QL_QEIDENTITY_NOT_FOUND, CELLA_ERR_NOT_FOUND, "the QE identity was not found",
           NO_REMEDY),
    STATUS(SGX_QL_TCBINFO_NOT_FOUND, CELLA_ERR_NOT_FOUND, "the TCB info was not found", NO_REMEDY),
    STATUS(SGX_QL_INTERNAL_SERVER_ERROR, CELLA_ERR_IO,
           "the certificate or collateral server had an internal error", NO_REMEDY),
    STATUS(SGX_QL_SUPPLEMENTAL_DATA_VERSION_NOT_SUPPORTED, CELLA_ERR_UNSUPPORTED,
           "the requested supplemental data version is not supported", NO_REMEDY),
    STATUS(SGX_QL_ROOT_CA_UNTRUSTED, CELLA_ERR_VERIFY_FAILED,
           "the certificate of the TLS connection (usually to the PCCS) is not trusted",
           "the PCCS has a self-signed certificate: trust it, or for development only set "
           "\"use_secure_cert\": false in /etc/sgx_default_qcnl.conf"),
    STATUS(SGX_QL_TCB_NOT_SUPPORTED, CELLA_ERR_VERIFY_FAILED,
           "the platform's TCB level is not listed in the TCB info", NO_REMEDY),
    STATUS(SGX_QL_CONFIG_INVALID_JSON, CELLA_ERR_INVALID_FORMAT,
           "the quote provider's configuration file is malformed JSON",
           "fix /etc/sgx_default_qcnl.conf (a missing or extra comma is the usual mistake); "
           "`python3 -m json.tool FILE` shows where"),
    STATUS(SGX_QL_RESULT_INVALID_SIGNATURE, CELLA_ERR_VERIFY_FAILED,
           "a signature failed to verify during quote verification", NO_REMEDY),
    STATUS(SGX_QL_ERROR_MAX, CELLA_ERR_UNEXPECTED,
           "the end of the quote library's error range; no call returns it", NO_REMEDY),

    /* sgx_status_t: internal */
    STATUS(SGX_INTERNAL_ERROR_ENCLAVE_CREATE_INTERRUPTED, CELLA_ERR_BUSY,
           "the enclave-creation system call was interrupted by a signal",
           "retry creating the enclave"),
};

#define ENTRY_COUNT (sizeof(entries) / sizeof(entries[0]))

/* Names that share a value with a row of the table under another name. */
static const struct {
    const char *name;
    uint32_t code;
} aliases[] = {
    {"SGX_QL_SUCCESS", (uint32_t)SGX_QL_SUCCESS},
    {"SGX_QL_ERROR_MIN", (uint32_t)SGX_QL_ERROR_MIN},
};

/* DCAP's TEE_ names alias the SGX_QL_ names: TEE_X is SGX_QL_X. */
static const char tee_prefix[] = "TEE_";
static const char ql_prefix[] = "SGX_QL_";

/* Binary search over the sorted table. */
static const struct status_entry *find_entry(uint32_t code)
{
    size_t low = 0;
    size_t high = ENTRY_COUNT;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        uint32_t found = entries[middle].info.code;
        if (found == code)
            return &entries[middle];
        if (found < code)
            low = middle + 1;
        else
            high = middle;
    }
    return NULL;
}

const cella_status_info_t *cella_status_lookup(uint32_t code)
{
    const struct status_entry *entry = find_entry(code);
    return entry != NULL ? &entry->info : NULL;
}

/* True when name is prefix followed by rest. */
static bool is_prefixed_name(const char *name, const char *prefix, const char *rest)
{
    size_t prefix_size = strlen(prefix);
    return strncmp(name, prefix, prefix_size) == 0 && strcmp(name + prefix_size, rest) == 0;
}

/* Finds the row called prefix + rest, directly or through an alias. */
static const cella_status_info_t *lookup_prefixed_name(const char *prefix, const char *rest)
{
    for (size_t i = 0; i < ENTRY_COUNT; i++) {
        if (is_prefixed_name(entries[i].info.name, prefix, rest))
            return &entries[i].info;
    }
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
        if (is_prefixed_name(aliases[i].name, prefix, rest))
            return cella_status_lookup(aliases[i].code);
    }
    return NULL;
}

const cella_status_info_t *cella_status_lookup_name(const char *name)
{
    if (name == NULL)
        return NULL;
    size_t tee_prefix_size = sizeof(tee_prefix) - 1;
    if (strncmp(name, tee_prefix, tee_prefix_size) == 0)
        return lookup_prefixed_name(ql_prefix, name + tee_prefix_size);
    return lookup_prefixed_name("", name);
}

size_t cella_status_count(void)
{
    return ENTRY_COUNT;
}

const cella_status_info_t *cella_status_at(size_t index)
{
    if (index >= ENTRY_COUNT)
        return NULL;
    return &entries[index].info;
}

sgx_status_t cella_result_to_sgx_status(cella_result_t result)
{
    /* Exhaustive, no default: -Wswitch-enum reports a result added without a mapping. */
    switch (result) {
    case CELLA_OK:
        return SGX_SUCCESS;
    case CELLA_ERR_UNEXPECTED:
        return SGX_ERROR_UNEXPECTED;
    case CELLA_ERR_INVALID_ARGUMENT:
        return SGX_ERROR_INVALID_PARAMETER;
    case CELLA_ERR_OUT_OF_MEMORY:
        return SGX_ERROR_OUT_OF_MEMORY;
    case CELLA_ERR_BUFFER_TOO_SMALL:
        /* The SDK reports a short output buffer as a bad parameter; callers expect that. */
        return SGX_ERROR_INVALID_PARAMETER;
    case CELLA_ERR_INVALID_FORMAT:
        return SGX_ERROR_INVALID_ENCLAVE;
    case CELLA_ERR_VERIFY_FAILED:
        return SGX_ERROR_MAC_MISMATCH;
    case CELLA_ERR_NOT_FOUND:
        return SGX_ERROR_ENCLAVE_FILE_ACCESS;
    case CELLA_ERR_ACCESS_DENIED:
        return SGX_ERROR_NO_PRIVILEGE;
    case CELLA_ERR_IO:
        /* SGX has no I/O error; the SDK returns "unexpected" for a failed read or write. */
        return SGX_ERROR_UNEXPECTED;
    case CELLA_ERR_UNSUPPORTED:
        return SGX_ERROR_FEATURE_NOT_SUPPORTED;
    case CELLA_ERR_INVALID_STATE:
        return SGX_ERROR_INVALID_STATE;
    case CELLA_ERR_OVERFLOW:
        /* Generated bridges report an overflowing size or count as a bad parameter. */
        return SGX_ERROR_INVALID_PARAMETER;
    case CELLA_ERR_TIMEOUT:
        return SGX_ERROR_SERVICE_TIMEOUT;
    case CELLA_ERR_ENCLAVE_CRASHED:
        return SGX_ERROR_ENCLAVE_CRASHED;
    case CELLA_ERR_ENCLAVE_LOST:
        return SGX_ERROR_ENCLAVE_LOST;
    case CELLA_ERR_BUSY:
        return SGX_ERROR_OUT_OF_TCS;
    }
    return SGX_ERROR_UNEXPECTED;
}

cella_result_t cella_result_from_sgx_status(sgx_status_t status)
{
    const struct status_entry *entry = find_entry((uint32_t)status);
    if (entry == NULL)
        return CELLA_ERR_UNEXPECTED;
    return entry->result;
}
