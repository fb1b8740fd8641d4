/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_unseal: unsealing hostile blobs, and sealed blobs with changed bytes, in a fake enclave. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sanitizer/asan_interface.h>

#include <sgx_tcrypto.h>
#include <sgx_trts.h>
#include <sgx_tseal.h>
#include <sgx_utils.h>

#include "fuzz.h"

/*
 * trusted/crypto/seal.c and report.c built for the host, over stand-ins for the trusted
 * runtime defined here: the enclave is a handful of registered address ranges (the exact-size
 * heap buffers the harness hands to unsealing, and its own size variables), EGETKEY checks a
 * request as SGX does and derives a key from every byte of it, EREPORT reports a fixed
 * identity, and the random numbers are a fixed sequence, so every input replays exactly.
 *
 * The first input byte picks the mode:
 *
 * even: a raw blob. The input is
 *     [1]      flags (FLAG_*)
 *     [2..5]   bytes of the decrypted-text buffer, little-endian (modulo BUFFER_LIMIT)
 *     [6..9]   what *p_decrypted_text_length claims
 *     [10..13] bytes of the MAC text buffer (modulo BUFFER_LIMIT)
 *     [14..17] what *p_additional_MACtext_length claims (only for a buffer in the enclave:
 *              for one outside, the claim is the truth, as the caller's contract says)
 *     [18..]   the blob, copied into enclave memory that ends at an unmapped page
 *   and the blob is unsealed and unMAC'd. Whatever the blob says, nothing may be read or
 *   written outside the buffers, and success must report the blob's own lengths.
 *
 * ASan sees every access made by instrumented code, but the GHASH that reads a blob runs in
 * BearSSL, which is not instrumented: so blobs end where an unmapped page begins (less up to
 * 7 bytes, poisoned, to keep the blob 8-byte aligned), and a read past one faults.
 *
 * odd: a sealed blob with changes. The input is
 *     [1]      options: bits 0-1 the sealing call (SEAL_*), bit 2 the MAC text outside the
 *              enclave
 *     [2..3]   text bytes, [4..5] MAC text bytes (both little-endian, cut to what follows)
 *     [6]      number of changes
 *     [7..14]  attribute flags mask, [15..18] MISCSELECT mask (for the _ex calls)
 *     [19..]   the text, the MAC text, then the changes: 4 bytes offset (modulo the blob
 *              size), 1 byte XORed into the blob there
 *   A blob that differs from the sealed one in any byte must fail to unseal without writing
 *   plaintext; the unchanged blob must unseal to the same text and MAC text.
 */

#define BUFFER_LIMIT ((uint32_t)1 << 16)
#define MAX_RANGES   8
#define MAX_CHANGES  32

#define FLAG_ADD_INSIDE    0x01u /* the MAC text buffer is enclave memory */
#define FLAG_ADD_NULL      0x02u /* no MAC text buffer */
#define FLAG_DEC_NULL      0x04u /* no decrypted-text buffer */
#define FLAG_ADD_SIZE_NULL 0x08u /* no MAC text length */
#define FLAG_DEC_SIZE_NULL 0x10u /* no decrypted-text length */

#define SEAL_DEFAULT           0 /* sgx_seal_data / sgx_mac_aadata */
#define SEAL_MRENCLAVE         1 /* the _ex calls with these policies */
#define SEAL_MRSIGNER_NOPRODID 2
#define SEAL_BOTH              3
#define OPTION_ADD_OUTSIDE     0x04u

#define RAW_HEADER_BYTES        18
#define STRUCTURED_HEADER_BYTES 19
#define CHANGE_BYTES            5

/* ---- the fake enclave ------------------------------------------------------------------- */

static struct {
    uintptr_t base;
    size_t size;
} ranges[MAX_RANGES];
static size_t range_count;

/* The length arguments of unsealing: enclave memory, as the caller's own variables are. */
static struct {
    uint32_t dec_size;
    uint32_t add_size;
} lengths;

static void enclave_reset(void)
{
    range_count = 0;
}

static void enclave_add(const void *base, size_t size)
{
    REQUIRE(range_count < MAX_RANGES);
    if (base == NULL || size == 0)
        return;
    ranges[range_count].base = (uintptr_t)base;
    ranges[range_count].size = size;
    range_count++;
}

/* [start, last] as the trusted runtime tests it: size 0 tests the start byte alone. */
static bool range_of(const void *addr, size_t size, uintptr_t *start, uintptr_t *last)
{
    *start = (uintptr_t)addr;
    return !__builtin_add_overflow(*start, size == 0 ? 0 : size - 1, last);
}

int sgx_is_within_enclave(const void *addr, size_t size)
{
    uintptr_t start, last;

    if (!range_of(addr, size, &start, &last))
        return 0;
    for (size_t i = 0; i < range_count; i++) {
        if (start >= ranges[i].base && last <= ranges[i].base + (ranges[i].size - 1))
            return 1;
    }
    return 0;
}

int sgx_is_outside_enclave(const void *addr, size_t size)
{
    uintptr_t start, last;

    if (!range_of(addr, size, &start, &last))
        return 0;
    for (size_t i = 0; i < range_count; i++) {
        if (start <= ranges[i].base + (ranges[i].size - 1) && last >= ranges[i].base)
            return 0;
    }
    return 1;
}

/* ---- the platform ---------------------------------------------------------------------- */

/* splitmix64 from a fixed start, restarted for every input. */
static uint64_t rand_state;

static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

sgx_status_t sgx_read_rand(unsigned char *rand, size_t length_in_bytes)
{
    if (rand == NULL || length_in_bytes == 0)
        return SGX_ERROR_INVALID_PARAMETER;
    for (size_t i = 0; i < length_in_bytes; i++)
        rand[i] = (unsigned char)next_random(&rand_state);
    return SGX_SUCCESS;
}

static const uint8_t platform_secret[32] = "fuzz_unseal platform secret....";

/* The enclave the platform measured: debug, no KSS, no PROVISION or EINITTOKEN key. */
static sgx_report_body_t identity;

static void identity_init(void)
{
    memset(&identity, 0, sizeof(identity));
    identity.cpu_svn.svn[0] = 2;
    identity.cpu_svn.svn[1] = 1;
    identity.misc_select = 0;
    identity.attributes.flags = SGX_FLAGS_INITTED | SGX_FLAGS_DEBUG | SGX_FLAGS_MODE64BIT;
    identity.attributes.xfrm = SGX_XFRM_LEGACY;
    memset(identity.mr_enclave.m, 0x11, sizeof(identity.mr_enclave.m));
    memset(identity.mr_signer.m, 0x22, sizeof(identity.mr_signer.m));
    identity.isv_prod_id = 7;
    identity.isv_svn = 5;
}

#define KEY_POLICY_KSS \
    (SGX_KEYPOLICY_CONFIGID | SGX_KEYPOLICY_ISVFAMILYID | SGX_KEYPOLICY_ISVEXTPRODID)
#define KEY_POLICY_ALL \
    (SGX_KEYPOLICY_MRENCLAVE | SGX_KEYPOLICY_MRSIGNER | SGX_KEYPOLICY_NOISVPRODID | KEY_POLICY_KSS)

/* HMAC-SHA256(platform secret, label || first || second), cut to 128 bits. */
static sgx_status_t derive(uint8_t label, const void *first, size_t first_size, const void *second,
                           size_t second_size, sgx_key_128bit_t *key)
{
    uint8_t message[1 + sizeof(sgx_key_request_t) + sizeof(sgx_report_body_t)];
    uint8_t mac[32];

    REQUIRE(first_size + second_size <= sizeof(message) - 1);
    message[0] = label;
    memcpy(message + 1, first, first_size);
    memcpy(message + 1 + first_size, second, second_size);
    sgx_status_t status =
        sgx_hmac_sha256_msg(message, (int)(1 + first_size + second_size), platform_secret,
                            (int)sizeof(platform_secret), mac, (int)sizeof(mac));
    if (status == SGX_SUCCESS)
        memcpy(*key, mac, sizeof(*key));
    return status;
}

/* The report key of the enclave target describes, for one key ID. */
static sgx_status_t report_key(const sgx_target_info_t *target, const sgx_key_id_t *key_id,
                               sgx_key_128bit_t *key)
{
    sgx_target_info_t bound;

    memset(&bound, 0, sizeof(bound));
    bound.mr_enclave = target->mr_enclave;
    bound.attributes = target->attributes;
    bound.config_svn = target->config_svn;
    bound.misc_select = target->misc_select;
    memcpy(bound.config_id, target->config_id, sizeof(bound.config_id));
    return derive('R', &bound, sizeof(bound), key_id, sizeof(*key_id), key);
}

/*
 * EGETKEY's checks, in its order, then a key that depends on every byte of the request (and
 * on the identity), so a blob whose request changed in any way gets another key.
 */
sgx_status_t sgx_get_key(const sgx_key_request_t *key_request, sgx_key_128bit_t *key)
{
    sgx_key_request_t request;

    if (key_request == NULL || key == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    memcpy(&request, key_request, sizeof(request));
    memset(*key, 0, sizeof(*key));
    bool reserved_zero = request.reserved1 == 0;
    for (size_t i = 0; i < sizeof(request.reserved2); i++)
        reserved_zero = reserved_zero && request.reserved2[i] == 0;
    if (!reserved_zero || (request.key_policy & ~KEY_POLICY_ALL) != 0 ||
        ((request.key_policy & KEY_POLICY_KSS) != 0 &&
         (identity.attributes.flags & SGX_FLAGS_KSS) == 0))
        return SGX_ERROR_INVALID_PARAMETER;
    switch (request.key_name) {
    case SGX_KEYSELECT_REPORT: {
        sgx_target_info_t self;
        memset(&self, 0, sizeof(self));
        self.mr_enclave = identity.mr_enclave;
        self.attributes = identity.attributes;
        self.config_svn = identity.config_svn;
        self.misc_select = identity.misc_select;
        memcpy(self.config_id, identity.config_id, sizeof(self.config_id));
        return report_key(&self, &request.key_id, key);
    }
    case SGX_KEYSELECT_SEAL:
        break;
    case SGX_KEYSELECT_PROVISION:
    case SGX_KEYSELECT_PROVISION_SEAL:
        if ((identity.attributes.flags & SGX_FLAGS_PROVISION_KEY) == 0)
            return SGX_ERROR_INVALID_ATTRIBUTE;
        break;
    case SGX_KEYSELECT_EINITTOKEN:
        if ((identity.attributes.flags & SGX_FLAGS_EINITTOKEN_KEY) == 0)
            return SGX_ERROR_INVALID_ATTRIBUTE;
        break;
    default:
        return SGX_ERROR_INVALID_KEYNAME;
    }
    if (request.isv_svn > identity.isv_svn || request.config_svn > identity.config_svn)
        return SGX_ERROR_INVALID_ISVSVN;
    for (size_t i = 0; i < sizeof(request.cpu_svn.svn); i++) {
        if (request.cpu_svn.svn[i] > identity.cpu_svn.svn[i])
            return SGX_ERROR_INVALID_CPUSVN;
    }
    return derive('K', &request, sizeof(request), &identity, sizeof(identity), key);
}

/* Report key IDs come from their own sequence, so reports do not shift the random numbers. */
static uint64_t report_state;

/* EREPORT of the fixed identity; a NULL target is the all-zero one, as on SGX. */
sgx_status_t sgx_create_report(const sgx_target_info_t *target_info,
                               const sgx_report_data_t *report_data, sgx_report_t *report)
{
    static const sgx_target_info_t no_target;
    sgx_key_128bit_t key;

    if (report == NULL)
        return SGX_ERROR_INVALID_PARAMETER;
    memset(report, 0, sizeof(*report));
    report->body = identity;
    if (report_data != NULL)
        report->body.report_data = *report_data;
    for (size_t i = 0; i < sizeof(report->key_id.id); i++)
        report->key_id.id[i] = (uint8_t)next_random(&report_state);
    sgx_status_t status =
        report_key(target_info != NULL ? target_info : &no_target, &report->key_id, &key);
    if (status == SGX_SUCCESS)
        status = sgx_rijndael128_cmac_msg((const sgx_cmac_128bit_key_t *)&key,
                                          (const uint8_t *)&report->body, sizeof(report->body),
                                          (sgx_cmac_128bit_tag_t *)&report->mac);
    return status;
}

/* ---- helpers -------------------------------------------------------------------------- */

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
    return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/* An exact-size heap buffer (ASan flags any access past size), zero-filled. */
static uint8_t *allocate(size_t size)
{
    uint8_t *p = calloc(size != 0 ? size : 1, 1);
    REQUIRE(p != NULL);
    return p;
}

/* size bytes that end at (at most 7 bytes before) an unmapped page, 8-byte aligned. */
struct guarded {
    uint8_t *map;
    size_t map_size;
};

static uint8_t *guarded_allocate(size_t size, struct guarded *g)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t data_pages = size / page + 1;

    g->map_size = (data_pages + 1) * page;
    void *map = mmap(NULL, g->map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(map != MAP_FAILED);
    g->map = map;
    uint8_t *guard = g->map + data_pages * page;
    REQUIRE(mprotect(guard, page, PROT_NONE) == 0);
    uint8_t *p = (uint8_t *)((uintptr_t)(guard - size) & ~(uintptr_t)7);
    ASAN_POISON_MEMORY_REGION(g->map, (size_t)(p - g->map));
    ASAN_POISON_MEMORY_REGION(p + size, (size_t)(guard - (p + size)));
    return p;
}

static void guarded_free(struct guarded *g)
{
    ASAN_UNPOISON_MEMORY_REGION(g->map, g->map_size);
    REQUIRE(munmap(g->map, g->map_size) == 0);
}

static bool all_zero(const uint8_t *p, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        if (p[i] != 0)
            return false;
    }
    return true;
}

/* ---- mode: a raw blob ----------------------------------------------------------------- */

static void unseal_raw(const uint8_t *input, size_t input_size)
{
    if (input_size < RAW_HEADER_BYTES)
        return;
    unsigned flags = input[1];
    uint32_t dec_bytes = get_le32(input + 2) % BUFFER_LIMIT;
    uint32_t dec_claim = get_le32(input + 6);
    uint32_t add_bytes = get_le32(input + 10) % BUFFER_LIMIT;
    /* An empty buffer is not enclave memory: the claim about it is the truth. */
    bool add_inside = (flags & FLAG_ADD_INSIDE) != 0 && add_bytes != 0;
    uint32_t add_claim = add_inside ? get_le32(input + 14) : add_bytes;
    size_t blob_size = input_size - RAW_HEADER_BYTES;

    struct guarded blob_memory;
    uint8_t *blob = guarded_allocate(blob_size, &blob_memory);
    uint8_t *dec = allocate(dec_bytes);
    uint8_t *add = allocate(add_bytes);
    memcpy(blob, input + RAW_HEADER_BYTES, blob_size);
    enclave_add(blob, blob_size);
    enclave_add(dec, dec_bytes);
    if (add_inside)
        enclave_add(add, add_bytes);
    enclave_add(&lengths, sizeof(lengths));

    const sgx_sealed_data_t *sealed = (const sgx_sealed_data_t *)blob;
    uint8_t *dec_arg = (flags & FLAG_DEC_NULL) ? NULL : dec;
    uint8_t *add_arg = (flags & FLAG_ADD_NULL) ? NULL : add;
    uint32_t *dec_size = (flags & FLAG_DEC_SIZE_NULL) ? NULL : &lengths.dec_size;
    uint32_t *add_size = (flags & FLAG_ADD_SIZE_NULL) ? NULL : &lengths.add_size;

    lengths.dec_size = dec_claim;
    lengths.add_size = add_claim;
    sgx_status_t status = sgx_unseal_data(sealed, add_arg, add_size, dec_arg, dec_size);
    if (status == SGX_SUCCESS) {
        /* Only a whole blob unseals (the buffer may hold more after it), and the lengths it
         * reports are its own. */
        REQUIRE(blob_size >= sizeof(sgx_sealed_data_t));
        REQUIRE(lengths.dec_size == sgx_get_encrypt_txt_len(sealed));
        REQUIRE(lengths.dec_size <= dec_bytes);
        uint32_t mac_text = sgx_get_add_mac_txt_len(sealed);
        REQUIRE(mac_text == 0 || (add_size != NULL && lengths.add_size == mac_text));
        REQUIRE(mac_text <= add_bytes);
        REQUIRE(sgx_calc_sealed_data_size(mac_text, lengths.dec_size) <= blob_size);
    }

    lengths.add_size = add_claim;
    status = sgx_unmac_aadata(sealed, add_arg, add_size);
    if (status == SGX_SUCCESS) {
        REQUIRE(blob_size >= sizeof(sgx_sealed_data_t));
        REQUIRE(sgx_get_encrypt_txt_len(sealed) == 0);
        uint32_t mac_text = sgx_get_add_mac_txt_len(sealed);
        REQUIRE(mac_text <= add_bytes);
        REQUIRE(sgx_calc_sealed_data_size(mac_text, 0) <= blob_size);
    }

    /* The same bytes as a report: checked only when wholly inside, never successfully
     * unless the platform made it for this enclave. */
    (void)sgx_verify_report((const sgx_report_t *)blob);

    guarded_free(&blob_memory);
    free(dec);
    free(add);
}

/* ---- mode: a sealed blob with changed bytes -------------------------------------------- */

static sgx_status_t seal(unsigned variant, sgx_attributes_t mask, sgx_misc_select_t misc_mask,
                         const uint8_t *add, uint32_t add_size, const uint8_t *text,
                         uint32_t text_size, uint8_t *blob, uint32_t blob_size)
{
    sgx_sealed_data_t *sealed = (sgx_sealed_data_t *)blob;
    uint16_t policy = SGX_KEYPOLICY_MRSIGNER;

    switch (variant) {
    case SEAL_MRENCLAVE:
        policy = SGX_KEYPOLICY_MRENCLAVE;
        break;
    case SEAL_MRSIGNER_NOPRODID:
        /* MAC-only blobs take an identity policy alone (the SDK's rule). */
        policy = text_size != 0 ? SGX_KEYPOLICY_MRSIGNER | SGX_KEYPOLICY_NOISVPRODID
                                : SGX_KEYPOLICY_MRSIGNER;
        break;
    case SEAL_BOTH:
        policy = SGX_KEYPOLICY_MRENCLAVE | SGX_KEYPOLICY_MRSIGNER;
        break;
    default:
        if (text_size == 0)
            return sgx_mac_aadata(add_size, add, blob_size, sealed);
        return sgx_seal_data(add_size, add, text_size, text, blob_size, sealed);
    }
    if (text_size == 0)
        return sgx_mac_aadata_ex(policy, mask, misc_mask, add_size, add, blob_size, sealed);
    return sgx_seal_data_ex(policy, mask, misc_mask, add_size, add, text_size, text, blob_size,
                            sealed);
}

static void unseal_changed(const uint8_t *input, size_t input_size)
{
    if (input_size < STRUCTURED_HEADER_BYTES)
        return;
    unsigned options = input[1];
    const uint8_t *rest = input + STRUCTURED_HEADER_BYTES;
    size_t rest_size = input_size - STRUCTURED_HEADER_BYTES;
    uint32_t text_size = (uint32_t)input[2] | (uint32_t)input[3] << 8;
    uint32_t add_size = (uint32_t)input[4] | (uint32_t)input[5] << 8;
    if (text_size > rest_size)
        text_size = (uint32_t)rest_size;
    if (add_size > rest_size - text_size)
        add_size = (uint32_t)(rest_size - text_size);
    size_t change_count = (rest_size - text_size - add_size) / CHANGE_BYTES;
    if (change_count > input[6])
        change_count = input[6];
    if (change_count > MAX_CHANGES)
        change_count = MAX_CHANGES;
    const uint8_t *changes = rest + text_size + add_size;
    sgx_attributes_t mask = {.flags = get_le64(input + 7) | SGX_FLAGS_INITTED | SGX_FLAGS_DEBUG,
                             .xfrm = 0};
    sgx_misc_select_t misc_mask = get_le32(input + 15);
    bool add_outside = (options & OPTION_ADD_OUTSIDE) != 0;
    if (text_size == 0 && add_size == 0)
        return; /* nothing to seal: sealing refuses it */

    uint32_t blob_size = sgx_calc_sealed_data_size(add_size, text_size);
    uint8_t *text = allocate(text_size);
    uint8_t *add = allocate(add_size);
    uint8_t *blob = allocate(blob_size);
    struct guarded changed_memory;
    uint8_t *changed = guarded_allocate(blob_size, &changed_memory);
    uint8_t *dec = allocate(text_size);
    uint8_t *add_out = allocate(add_size);
    memcpy(text, rest, text_size);
    memcpy(add, rest + text_size, add_size);
    enclave_add(text, text_size);
    if (!add_outside)
        enclave_add(add, add_size);
    enclave_add(blob, blob_size);
    enclave_add(changed, blob_size);
    enclave_add(dec, text_size);
    if (!add_outside)
        enclave_add(add_out, add_size);
    enclave_add(&lengths, sizeof(lengths));

    /* Valid arguments: sealing must succeed. */
    REQUIRE(seal(options & 3u, mask, misc_mask, add_size != 0 ? add : NULL, add_size, text,
                 text_size, blob, blob_size) == SGX_SUCCESS);
    memcpy(changed, blob, blob_size);
    for (size_t i = 0; i < change_count; i++) {
        const uint8_t *change = changes + i * CHANGE_BYTES;
        changed[get_le32(change) % blob_size] ^= change[4];
    }
    bool is_changed = memcmp(changed, blob, blob_size) != 0;

    const sgx_sealed_data_t *sealed = (const sgx_sealed_data_t *)changed;
    uint8_t *add_arg = add_size != 0 ? add_out : NULL;
    sgx_status_t status;
    lengths.dec_size = text_size;
    lengths.add_size = add_size;
    if (text_size != 0)
        status = sgx_unseal_data(sealed, add_arg, &lengths.add_size, dec, &lengths.dec_size);
    else
        status = sgx_unmac_aadata(sealed, add_arg, &lengths.add_size);

    if (is_changed) {
        /* Any changed byte is refused, and no plaintext or MAC text comes out. */
        REQUIRE(status != SGX_SUCCESS);
        REQUIRE(all_zero(dec, text_size));
        REQUIRE(all_zero(add_out, add_size));
    } else {
        REQUIRE(status == SGX_SUCCESS);
        REQUIRE(lengths.add_size == add_size);
        REQUIRE(memcmp(add_out, add, add_size) == 0);
        if (text_size != 0) {
            REQUIRE(lengths.dec_size == text_size);
            REQUIRE(memcmp(dec, text, text_size) == 0);
        }
        /* A blob of the other kind is refused by the other call, as the SDK refuses it: a
         * sealed blob is a damaged MAC-only one, a MAC-only blob has nothing to decrypt. */
        lengths.dec_size = text_size;
        lengths.add_size = add_size;
        if (text_size != 0)
            REQUIRE(sgx_unmac_aadata(sealed, add_arg, &lengths.add_size) == SGX_ERROR_MAC_MISMATCH);
        else
            REQUIRE(sgx_unseal_data(sealed, add_arg, &lengths.add_size, dec, &lengths.dec_size) ==
                    SGX_ERROR_INVALID_PARAMETER);
    }

    free(text);
    free(add);
    free(blob);
    guarded_free(&changed_memory);
    free(dec);
    free(add_out);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    if (input_size < 1)
        return 0;
    identity_init();
    enclave_reset();
    rand_state = 0;
    report_state = UINT64_C(1) << 63;
    if ((input[0] & 1u) == 0)
        unseal_raw(input, input_size);
    else
        unseal_changed(input, input_size);
    enclave_reset();
    return 0;
}
