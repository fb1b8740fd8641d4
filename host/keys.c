/* SPDX-License-Identifier: Apache-2.0 */
/* host/keys.c: platform secrets on disk, and EGETKEY and EREPORT derived from them. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cella/memory.h>

#include "../common/entry_abi.h"
#include "../common/log_internal.h"
#include "keys.h"

/*
 * The secrets file, 88 bytes, little-endian:
 *     0  magic "cellaPS\n"
 *     8  version (1)
 *    12  reserved, zero
 *    16  creation time, seconds since the epoch (for people reading it with a hex dump)
 *    24  the platform secret, 32 bytes
 *    56  SHA-256 of bytes 0..56, so damage is noticed rather than turned into other keys
 */
#define SECRETS_MAGIC         "cellaPS\n"
#define SECRETS_VERSION       1u
#define SECRETS_SECRET_OFFSET 24
#define SECRETS_CHECK_OFFSET  56
#define SECRETS_FILE_BYTES    88

/* Labels that keep the derivations apart. */
#define LABEL_KEY      "cella EGETKEY v1"
#define LABEL_REPORT   "cella REPORT v1"
#define LABEL_MATERIAL "cella platform key material v1"

#define KEY_POLICY_KSS \
    (SGX_KEYPOLICY_CONFIGID | SGX_KEYPOLICY_ISVFAMILYID | SGX_KEYPOLICY_ISVEXTPRODID)
#define KEY_POLICY_ALL \
    (SGX_KEYPOLICY_MRENCLAVE | SGX_KEYPOLICY_MRSIGNER | SGX_KEYPOLICY_NOISVPRODID | KEY_POLICY_KSS)

struct cella_keys_secrets {
    uint8_t secret[CELLA_KEYS_SECRET_BYTES];
};

static const sgx_cpu_svn_t platform_cpu_svn = CELLA_KEYS_CPUSVN_INIT;

/* ---- the state directory ----------------------------------------------------------------------
 */

static cella_result_t join(char *out, size_t out_size, const char *head, const char *tail)
{
    int n = snprintf(out, out_size, "%s%s", head, tail);
    return n >= 0 && (size_t)n < out_size ? CELLA_OK : CELLA_ERR_BUFFER_TOO_SMALL;
}

cella_result_t cella_keys_state_dir(char *directory, size_t directory_size)
{
    const char *value = secure_getenv("CELLA_STATE_DIR");

    if (directory == NULL || directory_size == 0)
        return CELLA_ERR_INVALID_ARGUMENT;
    if (value != NULL && value[0] != '\0')
        return join(directory, directory_size, value, "");
    value = secure_getenv("XDG_STATE_HOME");
    if (value != NULL && value[0] == '/') /* the XDG rule: relative values are ignored */
        return join(directory, directory_size, value, "/cella");
    value = secure_getenv("HOME");
    if (value != NULL && value[0] == '/')
        return join(directory, directory_size, value, "/.local/state/cella");

    struct passwd entry, *found = NULL;
    char buffer[4096];
    if (getpwuid_r(geteuid(), &entry, buffer, sizeof(buffer), &found) == 0 && found != NULL &&
        found->pw_dir != NULL && found->pw_dir[0] == '/')
        return join(directory, directory_size, found->pw_dir, "/.local/state/cella");
    return CELLA_ERR_NOT_FOUND;
}

/* ---- the secrets file -------------------------------------------------------------------------
 */

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool file_checksum(const uint8_t file[SECRETS_FILE_BYTES], uint8_t digest[32])
{
    unsigned int size = 0;
    return EVP_Digest(file, SECRETS_CHECK_OFFSET, digest, &size, EVP_sha256(), NULL) == 1 &&
           size == 32;
}

/* Creates the directory and its missing parents, owner-only. */
static cella_result_t make_directories(const char *path)
{
    char partial[PATH_MAX];
    size_t length = strlen(path);

    if (length == 0 || length >= sizeof(partial))
        return CELLA_ERR_INVALID_ARGUMENT;
    memcpy(partial, path, length + 1);
    for (size_t i = 1; i <= length; i++) {
        if (partial[i] != '/' && partial[i] != '\0')
            continue;
        char saved = partial[i];
        partial[i] = '\0';
        if (mkdir(partial, 0700) != 0 && errno != EEXIST) {
            int error = errno;
            cella_log(CELLA_LOG_ERROR,
                      "platform secrets: cannot create the directory %s: %s (set "
                      "CELLA_STATE_DIR to a directory you own)",
                      partial, strerror(error));
            return error == EACCES || error == EPERM || error == EROFS ? CELLA_ERR_ACCESS_DENIED
                                                                       : CELLA_ERR_IO;
        }
        partial[i] = saved;
    }
    return CELLA_OK;
}

/* The directory must be the user's and writable by nobody else, or others could swap files. */
static cella_result_t check_directory(int dir_fd, const char *path)
{
    struct stat st;

    if (fstat(dir_fd, &st) != 0)
        return CELLA_ERR_IO;
    if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "platform secrets: the directory %s is %s; it must belong to you and be "
                  "writable only by you (chmod go-w %s), or set CELLA_STATE_DIR to another one",
                  path, st.st_uid != geteuid() ? "owned by another user" : "writable by others",
                  path);
        return CELLA_ERR_ACCESS_DENIED;
    }
    return CELLA_OK;
}

static cella_result_t read_secrets(int file_fd, const char *path, cella_keys_secrets_t *secrets)
{
    uint8_t file[SECRETS_FILE_BYTES + 1];
    uint8_t digest[32];
    struct stat st;
    cella_result_t r = CELLA_ERR_INVALID_FORMAT;

    if (fstat(file_fd, &st) != 0)
        return CELLA_ERR_IO;
    if (!S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
        cella_log(CELLA_LOG_ERROR,
                  "platform secrets: %s must be a regular file of yours that only you can "
                  "read (chmod 600 %s); it is not used as it is",
                  path, path);
        return CELLA_ERR_ACCESS_DENIED;
    }
    ssize_t n;
    do {
        n = pread(file_fd, file, sizeof(file), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        int error = errno;
        cella_log(CELLA_LOG_ERROR, "platform secrets: cannot read %s: %s", path, strerror(error));
        r = CELLA_ERR_IO;
        goto out;
    }
    if (n != SECRETS_FILE_BYTES || memcmp(file, SECRETS_MAGIC, 8) != 0 ||
        get_le32(file + 8) != SECRETS_VERSION || get_le32(file + 12) != 0 ||
        !file_checksum(file, digest) ||
        !cella_memory_equal_ct(digest, file + SECRETS_CHECK_OFFSET, sizeof(digest))) {
        cella_log(CELLA_LOG_ERROR,
                  "platform secrets: %s is damaged (wrong size, format or checksum). Restore "
                  "it from a backup; deleting it makes cella create new secrets, and nothing "
                  "sealed under the old ones can be unsealed again",
                  path);
        goto out;
    }
    memcpy(secrets->secret, file + SECRETS_SECRET_OFFSET, CELLA_KEYS_SECRET_BYTES);
    r = CELLA_OK;
out:
    cella_memory_wipe(file, sizeof(file));
    return r;
}

static bool write_all(int fd, const uint8_t *bytes, size_t size)
{
    while (size > 0) {
        ssize_t n = write(fd, bytes, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        bytes += n;
        size -= (size_t)n;
    }
    return true;
}

/*
 * Writes new secrets under a temporary name and links it into place: the file appears whole
 * or not at all, and of two processes creating it at once, the second one's link fails and
 * it reads the first one's.
 */
static cella_result_t create_secrets(int dir_fd, const char *path)
{
    uint8_t file[SECRETS_FILE_BYTES];
    char temporary[64];
    cella_result_t r = CELLA_ERR_IO;
    int fd = -1;

    memset(file, 0, sizeof(file));
    memcpy(file, SECRETS_MAGIC, 8);
    put_le32(file + 8, SECRETS_VERSION);
    put_le64(file + 16, (uint64_t)time(NULL));
    if (getrandom(file + SECRETS_SECRET_OFFSET, CELLA_KEYS_SECRET_BYTES, 0) !=
            CELLA_KEYS_SECRET_BYTES ||
        !file_checksum(file, file + SECRETS_CHECK_OFFSET)) {
        cella_log(CELLA_LOG_ERROR, "platform secrets: no random bytes from the kernel");
        r = CELLA_ERR_UNEXPECTED;
        goto out;
    }
    uint32_t tag = 0;
    if (getrandom(&tag, sizeof(tag), 0) != sizeof(tag))
        tag = (uint32_t)time(NULL);
    (void)snprintf(temporary, sizeof(temporary), ".%s.%ld.%08x", CELLA_KEYS_SECRETS_FILE,
                   (long)getpid(), tag);
    fd = openat(dir_fd, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || !write_all(fd, file, sizeof(file)) || fsync(fd) != 0) {
        int error = errno;
        cella_log(CELLA_LOG_ERROR, "platform secrets: cannot write %s: %s", path, strerror(error));
        r = error == EACCES || error == EROFS ? CELLA_ERR_ACCESS_DENIED : CELLA_ERR_IO;
        goto out;
    }
    if (linkat(dir_fd, temporary, dir_fd, CELLA_KEYS_SECRETS_FILE, 0) != 0) {
        int error = errno;
        if (error == EEXIST) {
            r = CELLA_OK; /* another process was first: its secrets are the ones */
            goto out;
        }
        cella_log(CELLA_LOG_ERROR, "platform secrets: cannot create %s: %s", path, strerror(error));
        goto out;
    }
    (void)fsync(dir_fd);
    cella_log(CELLA_LOG_WARNING,
              "platform secrets: created %s, as there were none. Keep it with your backups of "
              "sealed data: blobs sealed under other secrets cannot be unsealed here",
              path);
    r = CELLA_OK;
out:
    if (fd >= 0) {
        close(fd);
        (void)unlinkat(dir_fd, temporary, 0);
    }
    cella_memory_wipe(file, sizeof(file));
    return r;
}

static cella_keys_secrets_t *secrets_allocate(void)
{
    size_t size = (size_t)sysconf(_SC_PAGESIZE);
    void *memory = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (memory == MAP_FAILED)
        return NULL;
    /* Never swapped, never in a core dump; a failing mlock (no locked-memory allowance)
     * still leaves the secrets out of core dumps. */
    (void)mlock(memory, size);
    (void)madvise(memory, size, MADV_DONTDUMP);
    return memory;
}

void cella_keys_secrets_destroy(cella_keys_secrets_t *secrets)
{
    if (secrets == NULL)
        return;
    cella_memory_wipe(secrets, sizeof(*secrets));
    munmap(secrets, (size_t)sysconf(_SC_PAGESIZE));
}

cella_result_t cella_keys_secrets_create(const char *state_dir, cella_keys_secrets_t **out)
{
    char path[PATH_MAX];
    cella_keys_secrets_t *secrets = NULL;
    cella_result_t r = CELLA_ERR_UNEXPECTED;
    int dir_fd = -1, file_fd = -1;

    if (state_dir == NULL || state_dir[0] != '/' || out == NULL) {
        cella_log(CELLA_LOG_ERROR, "platform secrets: the state directory must be an absolute "
                                   "path (CELLA_STATE_DIR)");
        return CELLA_ERR_INVALID_ARGUMENT;
    }
    if (join(path, sizeof(path), state_dir, "/" CELLA_KEYS_SECRETS_FILE) != CELLA_OK)
        return CELLA_ERR_INVALID_ARGUMENT;
    r = make_directories(state_dir);
    if (r != CELLA_OK)
        goto out;
    dir_fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) {
        int error = errno;
        cella_log(CELLA_LOG_ERROR, "platform secrets: cannot open %s: %s", state_dir,
                  strerror(error));
        r = error == EACCES ? CELLA_ERR_ACCESS_DENIED : CELLA_ERR_IO;
        goto out;
    }
    r = check_directory(dir_fd, state_dir);
    if (r != CELLA_OK)
        goto out;
    secrets = secrets_allocate();
    if (secrets == NULL) {
        r = CELLA_ERR_OUT_OF_MEMORY;
        goto out;
    }
    /* O_NONBLOCK: something other than a regular file there (a FIFO) must not block the
     * open; read_secrets() refuses it. */
    int open_error = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        file_fd =
            openat(dir_fd, CELLA_KEYS_SECRETS_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        open_error = errno;
        if (file_fd >= 0 || open_error != ENOENT || attempt > 0)
            break;
        r = create_secrets(dir_fd, path);
        if (r != CELLA_OK)
            goto out;
    }
    if (file_fd < 0) {
        cella_log(CELLA_LOG_ERROR, "platform secrets: cannot open %s: %s", path,
                  strerror(open_error));
        r = open_error == EACCES || open_error == ELOOP ? CELLA_ERR_ACCESS_DENIED : CELLA_ERR_IO;
        goto out;
    }
    r = read_secrets(file_fd, path, secrets);
    if (r != CELLA_OK)
        goto out;
    *out = secrets;
    secrets = NULL;
out:
    if (file_fd >= 0)
        close(file_fd);
    if (dir_fd >= 0)
        close(dir_fd);
    cella_keys_secrets_destroy(secrets);
    return r;
}

/* ---- derivation -------------------------------------------------------------------------------
 */

void cella_keys_identity_init(const cella_image_info_t *info, bool debug,
                              sgx_report_body_t *identity)
{
    memset(identity, 0, sizeof(*identity));
    identity->cpu_svn = platform_cpu_svn;
    identity->misc_select = info->metadata.misc_select;
    identity->attributes = info->metadata.attributes;
    identity->attributes.flags |= SGX_FLAGS_INITTED;
    if (debug)
        identity->attributes.flags |= SGX_FLAGS_DEBUG;
    identity->mr_enclave = info->mrenclave;
    identity->mr_signer = info->mrsigner;
    identity->isv_prod_id = info->metadata.isv_prod_id;
    identity->isv_svn = info->metadata.isv_svn;
}

/* Derivation data, written field by field in a fixed little-endian order. */
struct derivation {
    uint8_t bytes[512];
    size_t size;
};

static void put_bytes(struct derivation *d, const void *bytes, size_t size)
{
    /* The largest derivation is far below the buffer; the assertion documents it. */
    if (d->size + size > sizeof(d->bytes))
        abort();
    memcpy(d->bytes + d->size, bytes, size);
    d->size += size;
}

static void put_u16(struct derivation *d, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put_bytes(d, b, sizeof(b));
}

static void put_u32(struct derivation *d, uint32_t v)
{
    uint8_t b[4];
    put_le32(b, v);
    put_bytes(d, b, sizeof(b));
}

static void put_u64(struct derivation *d, uint64_t v)
{
    uint8_t b[8];
    put_le64(b, v);
    put_bytes(d, b, sizeof(b));
}

/* Puts the bytes when `bound`, zeros of the same size otherwise. */
static void put_if(struct derivation *d, bool bound, const void *bytes, size_t size)
{
    static const uint8_t zeros[64];
    put_bytes(d, bound ? bytes : zeros, size);
}

/*
 * OpenSSL looks an algorithm up in its providers on every EVP_Q_mac(); fetching HMAC and
 * CMAC once makes a key derivation cost its arithmetic only. The objects live until exit.
 */
static EVP_MAC *hmac_algorithm, *cmac_algorithm;
static pthread_once_t mac_algorithms_once = PTHREAD_ONCE_INIT;

static void mac_algorithms_fetch(void)
{
    hmac_algorithm = EVP_MAC_fetch(NULL, "HMAC", NULL);
    cmac_algorithm = EVP_MAC_fetch(NULL, "CMAC", NULL);
}

/* out_size bytes of MAC (HMAC-SHA256 or AES-128-CMAC, by `cmac`) of data under key. */
static bool mac(bool cmac, const uint8_t *key, size_t key_size, const void *data, size_t size,
                uint8_t *out, size_t out_size)
{
    OSSL_PARAM params[2];
    size_t written = 0;
    bool done = false;

    pthread_once(&mac_algorithms_once, mac_algorithms_fetch);
    EVP_MAC *algorithm = cmac ? cmac_algorithm : hmac_algorithm;
    if (algorithm == NULL)
        return false;
    EVP_MAC_CTX *context = EVP_MAC_CTX_new(algorithm);
    if (context == NULL)
        return false;
    params[0] =
        cmac ? OSSL_PARAM_construct_utf8_string("cipher", (char *)(uintptr_t) "AES-128-CBC", 0)
             : OSSL_PARAM_construct_utf8_string("digest", (char *)(uintptr_t) "SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    done = EVP_MAC_init(context, key, key_size, params) == 1 &&
           EVP_MAC_update(context, data, size) == 1 &&
           EVP_MAC_final(context, out, &written, out_size) == 1 && written == out_size;
    EVP_MAC_CTX_free(context);
    return done;
}

static sgx_status_t derive(const cella_keys_secrets_t *secrets, const struct derivation *d,
                           sgx_key_128bit_t key)
{
    uint8_t full[32];
    sgx_status_t status = SGX_ERROR_UNEXPECTED;

    if (mac(false, secrets->secret, sizeof(secrets->secret), d->bytes, d->size, full,
            sizeof(full))) {
        memcpy(key, full, sizeof(sgx_key_128bit_t));
        status = SGX_SUCCESS;
    }
    cella_memory_wipe(full, sizeof(full));
    return status;
}

/*
 * The report key of an enclave: what EREPORT MACs a report for it with, and what it gets
 * back from EGETKEY(REPORT). Bound to the target's MRENCLAVE, attributes, MISCSELECT and KSS
 * configuration, the platform's CPUSVN, and the report's key ID.
 */
static sgx_status_t report_key(const cella_keys_secrets_t *secrets,
                               const sgx_measurement_t *mrenclave,
                               const sgx_attributes_t *attributes, sgx_misc_select_t misc_select,
                               sgx_config_svn_t config_svn, const sgx_config_id_t config_id,
                               const sgx_key_id_t *key_id, sgx_key_128bit_t key)
{
    struct derivation d = {.size = 0};

    put_bytes(&d, LABEL_REPORT, sizeof(LABEL_REPORT) - 1);
    put_u64(&d, attributes->flags);
    put_u64(&d, attributes->xfrm);
    put_u32(&d, misc_select);
    put_bytes(&d, mrenclave->m, sizeof(mrenclave->m));
    put_u16(&d, config_svn);
    put_bytes(&d, config_id, sizeof(sgx_config_id_t));
    put_bytes(&d, platform_cpu_svn.svn, sizeof(platform_cpu_svn.svn));
    put_bytes(&d, key_id->id, sizeof(key_id->id));
    return derive(secrets, &d, key);
}

/* CPUSVN is compared component by component: every byte at most the platform's. */
static bool cpu_svn_allowed(const sgx_cpu_svn_t *requested)
{
    for (size_t i = 0; i < sizeof(requested->svn); i++) {
        if (requested->svn[i] > platform_cpu_svn.svn[i])
            return false;
    }
    return true;
}

sgx_status_t cella_keys_get_key(const cella_keys_secrets_t *secrets,
                                const sgx_report_body_t *identity, const sgx_key_request_t *request,
                                sgx_key_128bit_t key)
{
    struct derivation d = {.size = 0};
    sgx_status_t status = SGX_ERROR_UNEXPECTED;
    uint16_t policy = request->key_policy;

    memset(key, 0, sizeof(sgx_key_128bit_t));
    if (secrets == NULL)
        return SGX_ERROR_UNEXPECTED;
    /* EGETKEY #GP conditions: reserved fields, unknown policy bits, KSS policies without KSS. */
    if (request->reserved1 != 0 ||
        !cella_memory_is_zero_ct(request->reserved2, sizeof(request->reserved2)) ||
        (policy & ~KEY_POLICY_ALL) != 0 ||
        ((policy & KEY_POLICY_KSS) != 0 && !(identity->attributes.flags & SGX_FLAGS_KSS)))
        return SGX_ERROR_INVALID_PARAMETER;

    switch (request->key_name) {
    case SGX_KEYSELECT_REPORT:
        return report_key(secrets, &identity->mr_enclave, &identity->attributes,
                          identity->misc_select, identity->config_svn, identity->config_id,
                          &request->key_id, key);
    case SGX_KEYSELECT_SEAL:
        break;
    case SGX_KEYSELECT_PROVISION:
    case SGX_KEYSELECT_PROVISION_SEAL:
        if (!(identity->attributes.flags & SGX_FLAGS_PROVISION_KEY))
            return SGX_ERROR_INVALID_ATTRIBUTE;
        break;
    case SGX_KEYSELECT_EINITTOKEN:
        if (!(identity->attributes.flags & SGX_FLAGS_EINITTOKEN_KEY))
            return SGX_ERROR_INVALID_ATTRIBUTE;
        break;
    default:
        return SGX_ERROR_INVALID_KEYNAME;
    }
    /* A key of an older version may be derived, never one of a newer version. */
    if (request->isv_svn > identity->isv_svn || request->config_svn > identity->config_svn)
        return SGX_ERROR_INVALID_ISVSVN;
    if (!cpu_svn_allowed(&request->cpu_svn))
        return SGX_ERROR_INVALID_CPUSVN;

    /* Provisioning and launch keys are bound to the signer whatever the policy asks, never to
     * MRENCLAVE (SGX's rule: they survive rebuilds by the same signer); provisioning keys
     * take no KEYID. (Enclaves that may ask for them are refused at load; this holds anyway.) */
    sgx_key_id_t key_id = request->key_id;
    if (request->key_name != SGX_KEYSELECT_SEAL) {
        policy = (uint16_t)((policy & ~(SGX_KEYPOLICY_MRENCLAVE | SGX_KEYPOLICY_NOISVPRODID)) |
                            SGX_KEYPOLICY_MRSIGNER);
        if (request->key_name != SGX_KEYSELECT_EINITTOKEN)
            memset(&key_id, 0, sizeof(key_id));
    }

    /* INITTED and DEBUG are always bound: a debug enclave never shares a production key. */
    uint64_t flags = (request->attribute_mask.flags | SGX_FLAGS_INITTED | SGX_FLAGS_DEBUG) &
                     identity->attributes.flags;
    uint64_t xfrm = request->attribute_mask.xfrm & identity->attributes.xfrm;
    bool config = (policy & SGX_KEYPOLICY_CONFIGID) != 0;

    put_bytes(&d, LABEL_KEY, sizeof(LABEL_KEY) - 1);
    put_u16(&d, request->key_name);
    put_u16(&d, policy);
    put_u64(&d, flags);
    put_u64(&d, xfrm);
    put_u64(&d, request->attribute_mask.flags);
    put_u64(&d, request->attribute_mask.xfrm);
    put_u32(&d, request->misc_mask & identity->misc_select);
    put_u32(&d, request->misc_mask);
    put_bytes(&d, request->cpu_svn.svn, sizeof(request->cpu_svn.svn));
    put_u16(&d, request->isv_svn);
    put_u16(&d, (policy & SGX_KEYPOLICY_NOISVPRODID) ? 0 : identity->isv_prod_id);
    put_u16(&d, config ? request->config_svn : 0);
    put_if(&d, config, identity->config_id, sizeof(identity->config_id));
    put_if(&d, (policy & SGX_KEYPOLICY_ISVFAMILYID) != 0, identity->isv_family_id,
           sizeof(identity->isv_family_id));
    put_if(&d, (policy & SGX_KEYPOLICY_ISVEXTPRODID) != 0, identity->isv_ext_prod_id,
           sizeof(identity->isv_ext_prod_id));
    put_if(&d, (policy & SGX_KEYPOLICY_MRENCLAVE) != 0, identity->mr_enclave.m,
           sizeof(identity->mr_enclave.m));
    put_if(&d, (policy & SGX_KEYPOLICY_MRSIGNER) != 0, identity->mr_signer.m,
           sizeof(identity->mr_signer.m));
    put_bytes(&d, key_id.id, sizeof(key_id.id));
    status = derive(secrets, &d, key);
    cella_memory_wipe(&d, sizeof(d));
    return status;
}

sgx_status_t cella_keys_create_report(const cella_keys_secrets_t *secrets,
                                      const sgx_report_body_t *identity,
                                      const sgx_target_info_t *target,
                                      const sgx_report_data_t *report_data, sgx_report_t *report)
{
    static const sgx_target_info_t no_target;
    sgx_key_128bit_t key;
    sgx_status_t status = SGX_ERROR_UNEXPECTED;

    if (secrets == NULL)
        return SGX_ERROR_UNEXPECTED;
    if (target == NULL)
        target = &no_target;
    memset(report, 0, sizeof(*report));
    report->body = *identity;
    if (report_data != NULL)
        report->body.report_data = *report_data;
    if (RAND_bytes(report->key_id.id, sizeof(report->key_id.id)) != 1)
        goto out;
    status = report_key(secrets, &target->mr_enclave, &target->attributes, target->misc_select,
                        target->config_svn, target->config_id, &report->key_id, key);
    if (status != SGX_SUCCESS)
        goto out;
    status = SGX_ERROR_UNEXPECTED;
    if (!mac(true, key, sizeof(key), &report->body, sizeof(report->body), report->mac,
             sizeof(report->mac)))
        goto out;
    status = SGX_SUCCESS;
out:
    cella_memory_wipe(key, sizeof(key));
    if (status != SGX_SUCCESS)
        memset(report, 0, sizeof(*report));
    return status;
}

sgx_status_t cella_keys_derive_material(const cella_keys_secrets_t *secrets, const char *label,
                                        uint8_t *out, size_t size)
{
    struct derivation d = {.size = 0};
    uint8_t full[32];
    size_t label_size = label != NULL ? strlen(label) : 0;

    if (secrets == NULL || out == NULL || size == 0 || size > sizeof(full) || label_size == 0 ||
        label_size > 256)
        return SGX_ERROR_INVALID_PARAMETER;
    put_bytes(&d, LABEL_MATERIAL, sizeof(LABEL_MATERIAL) - 1);
    put_u16(&d, (uint16_t)label_size);
    put_bytes(&d, label, label_size);
    if (!mac(false, secrets->secret, sizeof(secrets->secret), d.bytes, d.size, full,
             sizeof(full))) {
        cella_memory_wipe(full, sizeof(full));
        return SGX_ERROR_UNEXPECTED;
    }
    memcpy(out, full, size);
    cella_memory_wipe(full, sizeof(full));
    return SGX_SUCCESS;
}

sgx_status_t cella_keys_verify_report(const cella_keys_secrets_t *secrets,
                                      const sgx_report_body_t *target, const sgx_report_t *report)
{
    sgx_key_128bit_t key;
    uint8_t expected[16];

    if (secrets == NULL || target == NULL || report == NULL)
        return SGX_ERROR_UNEXPECTED;
    sgx_status_t status =
        report_key(secrets, &target->mr_enclave, &target->attributes, target->misc_select,
                   target->config_svn, target->config_id, &report->key_id, key);
    if (status == SGX_SUCCESS)
        status = mac(true, key, sizeof(key), &report->body, sizeof(report->body), expected,
                     sizeof(expected))
                     ? (cella_memory_equal_ct(expected, report->mac, sizeof(expected))
                            ? SGX_SUCCESS
                            : SGX_ERROR_MAC_MISMATCH)
                     : SGX_ERROR_UNEXPECTED;
    cella_memory_wipe(key, sizeof(key));
    return status;
}

sgx_status_t cella_keys_serve(const cella_keys_secrets_t *secrets,
                              const sgx_report_body_t *identity, uint32_t request, const void *in,
                              size_t in_size, void *out, size_t out_size)
{
    sgx_status_t status = SGX_ERROR_INVALID_PARAMETER;

    switch (request) {
    case CELLA_PLATFORM_GET_KEY: {
        sgx_key_request_t key_request;
        sgx_key_128bit_t key;
        if (in_size != sizeof(key_request) || out_size != sizeof(key))
            return SGX_ERROR_INVALID_PARAMETER;
        memcpy(&key_request, in, sizeof(key_request));
        status = cella_keys_get_key(secrets, identity, &key_request, key);
        if (status == SGX_SUCCESS)
            memcpy(out, key, sizeof(key));
        cella_memory_wipe(key, sizeof(key));
        return status;
    }
    case CELLA_PLATFORM_CREATE_REPORT: {
        cella_platform_report_in_t report_in;
        sgx_target_info_t target;
        sgx_report_data_t report_data;
        sgx_report_t report;
        if (in_size != sizeof(report_in) || out_size != sizeof(report))
            return SGX_ERROR_INVALID_PARAMETER;
        memcpy(&report_in, in, sizeof(report_in));
        memcpy(&target, report_in.target_info, sizeof(target));
        memcpy(&report_data, report_in.report_data, sizeof(report_data));
        status = cella_keys_create_report(secrets, identity, &target, &report_data, &report);
        if (status == SGX_SUCCESS)
            memcpy(out, &report, sizeof(report));
        return status;
    }
    default:
        return status;
    }
}
