/* SPDX-License-Identifier: Apache-2.0 */
/* verify/pck.c: reading the SGX extension of a PCK certificate with OpenSSL's ASN.1 parser. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "../common/log_internal.h"
#include "pck.h"

/*
 * The extension is SEQUENCE OF SEQUENCE { OBJECT IDENTIFIER, value }, where the TCB entry's
 * value is itself such a sequence. Each entry is identified by the last arc of its OID
 * under 1.2.840.113741.1.13.1.
 */

#define ARC_PPID                 1
#define ARC_TCB                  2
#define ARC_PCE_ID               3
#define ARC_FMSPC                4
#define ARC_SGX_TYPE             5
#define ARC_PLATFORM_INSTANCE_ID 6
#define ARC_CONFIGURATION        7

#define ARC_TCB_PCE_SVN 17
#define ARC_TCB_CPU_SVN 18

/* The last arc of oid if it is prefix.N (N below 256); -1 otherwise. */
static int arc_under(const ASN1_OBJECT *oid, const char *prefix)
{
    char text[128];
    size_t prefix_length = strlen(prefix);
    int length = OBJ_obj2txt(text, sizeof(text), oid, 1);

    if (length <= 0 || (size_t)length >= sizeof(text) ||
        strncmp(text, prefix, prefix_length) != 0 || text[prefix_length] != '.')
        return -1;
    const char *digits = text + prefix_length + 1;
    int arc = 0;
    for (const char *p = digits; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || arc > 255)
            return -1;
        arc = arc * 10 + (*p - '0');
    }
    return digits[0] != '\0' && arc <= 255 ? arc : -1;
}

/* Splits one SEQUENCE { OID, value } entry; false when it is not one. */
static bool entry_split(const ASN1_TYPE *entry, const ASN1_OBJECT **oid, const ASN1_TYPE **value,
                        STACK_OF(ASN1_TYPE) * *owner)
{
    if (entry->type != V_ASN1_SEQUENCE)
        return false;
    const unsigned char *der = entry->value.sequence->data;
    STACK_OF(ASN1_TYPE) *pair = d2i_ASN1_SEQUENCE_ANY(NULL, &der, entry->value.sequence->length);
    if (pair == NULL)
        return false;
    if (der != entry->value.sequence->data + entry->value.sequence->length ||
        sk_ASN1_TYPE_num(pair) != 2 || sk_ASN1_TYPE_value(pair, 0)->type != V_ASN1_OBJECT) {
        sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
        return false;
    }
    *oid = sk_ASN1_TYPE_value(pair, 0)->value.object;
    *value = sk_ASN1_TYPE_value(pair, 1);
    *owner = pair;
    return true;
}

/* The entries of a SEQUENCE OF entries, from its DER. */
static STACK_OF(ASN1_TYPE) * entries_of(const unsigned char *der, long size)
{
    const unsigned char *p = der;
    STACK_OF(ASN1_TYPE) *entries = d2i_ASN1_SEQUENCE_ANY(NULL, &p, size);
    if (entries != NULL && p != der + size) {
        sk_ASN1_TYPE_pop_free(entries, ASN1_TYPE_free);
        return NULL;
    }
    return entries;
}

static bool octets(const ASN1_TYPE *value, uint8_t *out, int size)
{
    if (value->type != V_ASN1_OCTET_STRING || value->value.octet_string->length != size)
        return false;
    memcpy(out, value->value.octet_string->data, (size_t)size);
    return true;
}

static bool small_integer(const ASN1_TYPE *value, int type, long maximum, long *out)
{
    int64_t v = 0;
    if (value->type != type)
        return false;
    if (type == V_ASN1_INTEGER) {
        if (ASN1_INTEGER_get_int64(&v, value->value.integer) != 1)
            return false;
    } else if (ASN1_ENUMERATED_get_int64(&v, value->value.enumerated) != 1) {
        return false;
    }
    if (v < 0 || v > maximum)
        return false;
    *out = (long)v;
    return true;
}

static bool read_tcb(const ASN1_TYPE *value, cella_pck_info_t *info)
{
    char prefix[64];
    uint32_t seen = 0;
    bool ok = value->type == V_ASN1_SEQUENCE;
    STACK_OF(ASN1_TYPE) *entries =
        ok ? entries_of(value->value.sequence->data, value->value.sequence->length) : NULL;

    snprintf(prefix, sizeof(prefix), "%s.%d", CELLA_PCK_EXTENSION_OID, ARC_TCB);
    ok = entries != NULL;
    for (int i = 0; ok && i < sk_ASN1_TYPE_num(entries); i++) {
        const ASN1_OBJECT *oid = NULL;
        const ASN1_TYPE *item = NULL;
        STACK_OF(ASN1_TYPE) *pair = NULL;
        long number = 0;
        if (!entry_split(sk_ASN1_TYPE_value(entries, i), &oid, &item, &pair)) {
            ok = false;
            break;
        }
        int arc = arc_under(oid, prefix);
        if (arc < 1 || arc > ARC_TCB_CPU_SVN || (seen & (1u << arc)) != 0) {
            ok = false; /* unknown or repeated */
        } else if (arc <= CELLA_TCB_COMPONENT_COUNT) {
            ok = small_integer(item, V_ASN1_INTEGER, 255, &number);
            info->components[arc - 1] = (uint8_t)number;
        } else if (arc == ARC_TCB_PCE_SVN) {
            ok = small_integer(item, V_ASN1_INTEGER, 65535, &number);
            info->pce_svn = (uint16_t)number;
        } else {
            ok = octets(item, info->cpu_svn, sizeof(info->cpu_svn));
        }
        if (ok)
            seen |= 1u << arc; /* arc is 1 to ARC_TCB_CPU_SVN here */
        sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
    }
    sk_ASN1_TYPE_pop_free(entries, ASN1_TYPE_free);
    /* Arcs 1 to 18, each exactly once. */
    return ok && seen == (((1u << (ARC_TCB_CPU_SVN + 1)) - 1) & ~1u);
}

cella_result_t cella_pck_info_get(X509 *certificate, cella_pck_info_t *info)
{
    ASN1_OBJECT *wanted = OBJ_txt2obj(CELLA_PCK_EXTENSION_OID, 1);
    if (wanted == NULL)
        return CELLA_ERR_UNEXPECTED;
    int index = X509_get_ext_by_OBJ(certificate, wanted, -1);
    int again = index >= 0 ? X509_get_ext_by_OBJ(certificate, wanted, index) : -1;
    ASN1_OBJECT_free(wanted);
    if (index < 0) {
        cella_log(CELLA_LOG_ERROR, "PCK certificate: no SGX extension (%s)",
                  CELLA_PCK_EXTENSION_OID);
        return CELLA_ERR_NOT_FOUND;
    }
    if (again >= 0) {
        cella_log(CELLA_LOG_ERROR, "PCK certificate: the SGX extension appears twice");
        return CELLA_ERR_INVALID_FORMAT;
    }
    const ASN1_OCTET_STRING *data = X509_EXTENSION_get_data(X509_get_ext(certificate, index));
    return cella_pck_info_parse(data->data, (size_t)data->length, info);
}

cella_result_t cella_pck_info_parse(const uint8_t *der, size_t size, cella_pck_info_t *info)
{
    cella_pck_info_t found;
    uint32_t seen = 0;
    bool ok;

    memset(&found, 0, sizeof(found));
    STACK_OF(ASN1_TYPE) *entries = size <= LONG_MAX ? entries_of(der, (long)size) : NULL;
    ok = entries != NULL;
    for (int i = 0; ok && i < sk_ASN1_TYPE_num(entries); i++) {
        const ASN1_OBJECT *oid = NULL;
        const ASN1_TYPE *value = NULL;
        STACK_OF(ASN1_TYPE) *pair = NULL;
        long number = 0;
        if (!entry_split(sk_ASN1_TYPE_value(entries, i), &oid, &value, &pair)) {
            ok = false;
            break;
        }
        int arc = arc_under(oid, CELLA_PCK_EXTENSION_OID);
        if (arc < ARC_PPID || arc > ARC_CONFIGURATION || (seen & (1u << arc)) != 0) {
            ok = false;
        } else {
            switch (arc) {
            case ARC_PPID:
                ok = octets(value, found.ppid, sizeof(found.ppid));
                break;
            case ARC_TCB:
                ok = read_tcb(value, &found);
                break;
            case ARC_PCE_ID:
                ok = octets(value, found.pce_id, sizeof(found.pce_id));
                break;
            case ARC_FMSPC:
                ok = octets(value, found.fmspc, sizeof(found.fmspc));
                break;
            case ARC_SGX_TYPE:
                ok = small_integer(value, V_ASN1_ENUMERATED, 2, &number);
                found.sgx_type = (uint32_t)number;
                break;
            default: /* Platform-CA certificates' instance ID and configuration */
                break;
            }
        }
        if (ok)
            seen |= 1u << arc; /* arc is ARC_PPID to ARC_CONFIGURATION here */
        sk_ASN1_TYPE_pop_free(pair, ASN1_TYPE_free);
    }
    sk_ASN1_TYPE_pop_free(entries, ASN1_TYPE_free);
    uint32_t required = (1u << ARC_PPID) | (1u << ARC_TCB) | (1u << ARC_PCE_ID) |
                        (1u << ARC_FMSPC) | (1u << ARC_SGX_TYPE);
    if (!ok || (seen & required) != required) {
        cella_log(CELLA_LOG_ERROR, "PCK certificate: the SGX extension is malformed (PPID, TCB, "
                                   "PCE-ID, FMSPC and SGX type must each appear once, of their "
                                   "ASN.1 type and size)");
        return CELLA_ERR_INVALID_FORMAT;
    }
    *info = found;
    return CELLA_OK;
}
