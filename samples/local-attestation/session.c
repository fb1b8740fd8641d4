/* SPDX-License-Identifier: Apache-2.0 */
/* samples/local-attestation/session.c: key binding, peer checks and key derivation. */
#include <stdint.h>
#include <string.h>

#include <sgx_tcrypto.h>
#include <sgx_utils.h>

#include "session.h"

sgx_status_t session_bind_key(const sgx_ec256_public_t *public_key,
                              const uint8_t nonce[SESSION_NONCE_BYTES],
                              sgx_report_data_t *report_data)
{
    uint8_t message[sizeof(*public_key) + SESSION_NONCE_BYTES];
    sgx_sha256_hash_t hash;

    memcpy(message, public_key->gx, sizeof(public_key->gx));
    memcpy(message + sizeof(public_key->gx), public_key->gy, sizeof(public_key->gy));
    memcpy(message + sizeof(*public_key), nonce, SESSION_NONCE_BYTES);
    sgx_status_t status = sgx_sha256_msg(message, sizeof(message), &hash);
    if (status != SGX_SUCCESS)
        return status;
    memset(report_data, 0, sizeof(*report_data));
    memcpy(report_data->d, hash, sizeof(hash));
    return SGX_SUCCESS;
}

sgx_status_t session_check_peer(const sgx_report_t *report, const sgx_ec256_public_t *public_key,
                                const uint8_t nonce[SESSION_NONCE_BYTES], sgx_prod_id_t prod_id,
                                sgx_isv_svn_t min_svn, const char **reason)
{
    const sgx_report_t *self = sgx_self_report();
    const sgx_report_body_t *peer = &report->body;
    sgx_report_data_t expected;

    if (self == NULL) {
        *reason = "this enclave cannot read its own identity";
        return SGX_ERROR_UNEXPECTED;
    }
    /* The MAC is under the report key of the enclave the report was made for: only that
     * enclave, on this platform, can check it, and it covers every byte of the body. */
    sgx_status_t status = sgx_verify_report(report);
    if (status == SGX_ERROR_MAC_MISMATCH) {
        *reason = "its MAC does not verify: it was changed, or made for another enclave or on "
                  "another platform (SGX_ERROR_MAC_MISMATCH)";
        return status;
    }
    if (status != SGX_SUCCESS) {
        *reason = "sgx_verify_report failed";
        return status;
    }
    /* A genuine report of some enclave: now, is it the enclave we mean to talk to? */
    if (!consttime_memequal(peer->mr_signer.m, self->body.mr_signer.m, sizeof(peer->mr_signer.m))) {
        *reason = "it comes from an enclave of another signer (MRSIGNER differs from mine)";
        return SGX_ERROR_INVALID_ENCLAVE;
    }
    if (peer->isv_prod_id != prod_id) {
        *reason = "it comes from another product of my signer (ISVPRODID)";
        return SGX_ERROR_INVALID_ENCLAVE;
    }
    if (peer->isv_svn < min_svn) {
        *reason = "it comes from an older version than I accept (ISVSVN)";
        return SGX_ERROR_INVALID_ISVSVN;
    }
    /* A debugger can read a debug enclave's memory, keys included: only a debug enclave,
     * which has no secrets worth the name either, may talk to one. */
    if ((peer->attributes.flags & SGX_FLAGS_DEBUG) != 0 &&
        (self->body.attributes.flags & SGX_FLAGS_DEBUG) == 0) {
        *reason = "it comes from a debug enclave, and I am not one";
        return SGX_ERROR_INVALID_ATTRIBUTE;
    }
    /* The identity is right; the key must be the one that enclave made for this session. */
    status = session_bind_key(public_key, nonce, &expected);
    if (status != SGX_SUCCESS) {
        *reason = "SHA-256 failed";
        return status;
    }
    if (!consttime_memequal(peer->report_data.d, expected.d, sizeof(expected.d))) {
        *reason = "its report_data is not SHA-256(the public key received || my nonce): the "
                  "key was swapped, or the report is a replay from another session";
        return SGX_ERROR_INVALID_PARAMETER;
    }
    *reason = NULL;
    return SGX_SUCCESS;
}

sgx_status_t session_create_key_pair(sgx_ec256_private_t *private_key,
                                     sgx_ec256_public_t *public_key)
{
    sgx_ecc_state_handle_t ecc = NULL;

    sgx_status_t status = sgx_ecc256_open_context(&ecc);
    if (status == SGX_SUCCESS)
        status = sgx_ecc256_create_key_pair(private_key, public_key, ecc);
    if (ecc != NULL)
        (void)sgx_ecc256_close_context(ecc);
    if (status != SGX_SUCCESS)
        memset_s(private_key, sizeof(*private_key), 0, sizeof(*private_key));
    return status;
}

sgx_status_t session_derive_key(const sgx_ec256_private_t *own_private,
                                const sgx_ec256_public_t *peer_public,
                                sgx_aes_gcm_128bit_key_t *key)
{
    static const char label[] = SESSION_KEY_LABEL;
    sgx_ecc_state_handle_t ecc = NULL;
    sgx_ec256_dh_shared_t shared;
    uint8_t material[sizeof(shared.s) + sizeof(label) - 1];
    sgx_sha256_hash_t hash;

    sgx_status_t status = sgx_ecc256_open_context(&ecc);
    if (status != SGX_SUCCESS)
        goto out;
    /* Refuses a point off the curve, so a peer cannot steer the secret into a small group. */
    status = sgx_ecc256_compute_shared_dhkey(own_private, peer_public, &shared, ecc);
    if (status != SGX_SUCCESS)
        goto out;
    /* The raw x coordinate is not uniformly random: hash it, with a label saying what the
     * key is for, so that the same secret never keys two different things. */
    memcpy(material, shared.s, sizeof(shared.s));
    memcpy(material + sizeof(shared.s), label, sizeof(label) - 1);
    status = sgx_sha256_msg(material, sizeof(material), &hash);
    if (status == SGX_SUCCESS)
        memcpy(*key, hash, sizeof(*key));
out:
    if (ecc != NULL)
        (void)sgx_ecc256_close_context(ecc);
    memset_s(&shared, sizeof(shared), 0, sizeof(shared));
    memset_s(material, sizeof(material), 0, sizeof(material));
    memset_s(hash, sizeof(hash), 0, sizeof(hash));
    return status;
}
