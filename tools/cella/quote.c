/* SPDX-License-Identifier: Apache-2.0 */
/* tools/cella/quote.c: `cella quote`: `dump` shows SGX DCAP quotes, `verify` checks them. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cella/collateral.h>
#include <cella/encoding.h>
#include <cella/log.h>
#include <cella/quote.h>
#include <cella/verify.h>

#include "json_text.h"
#include "subcommands.h"

/* Exit codes. */
#define EXIT_OK    0
#define EXIT_ERROR 1
#define EXIT_USAGE 2

/* Largest input read: the hex text of an OE report around the largest quote, line breaks and
 * all, fits well within it. */
#define INPUT_MAX_BYTES (4u * (CELLA_QUOTE_MAX_BYTES + CELLA_QUOTE_OE_REPORT_HEADER_BYTES))

/* The subcommands of `cella quote`; each gets argv with argv[0] set to its own name. */
static int dump_main(int argc, char **argv);
static int verify_main(int argc, char **argv);

static const struct subcommand quote_commands[] = {
    {"dump", "show every field of a quote, as text or JSON", dump_main},
    {"verify", "verify a quote and its collateral, and show the verdict", verify_main},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: cella quote <command> [options]\n"
                 "       cella quote <command> --help\n"
                 "\n"
                 "Works on SGX DCAP quotes (version 3, ECDSA P-256).\n"
                 "\n"
                 "Commands:\n");
    for (size_t i = 0; i < sizeof(quote_commands) / sizeof(quote_commands[0]); i++)
        fprintf(out, "  %-6s %s\n", quote_commands[i].name, quote_commands[i].summary);
    fprintf(out, "\n"
                 "Options:\n"
                 "  -h, --help  show this help\n");
}

static void dump_usage(FILE *out)
{
    fprintf(out, "Usage: cella quote dump [--json] FILE\n"
                 "\n"
                 "Shows every field of an SGX quote v3: the header, the enclave's and the quoting\n"
                 "enclave's report bodies, the signatures, the attestation key, the QE auth data\n"
                 "and the certification data (for a PCK certificate chain, the subject, issuer,\n"
                 "serial number and validity of each certificate). Nothing is verified.\n"
                 "\n"
                 "FILE holds a raw quote, an Open Enclave remote report (recognised by its\n"
                 "header), or either one as hex text (line breaks and spaces allowed); '-' reads\n"
                 "standard input. The output says which it was.\n"
                 "\n"
                 "Options:\n"
                 "  --json      print one JSON object instead of text\n"
                 "  -h, --help  show this help\n"
                 "\n"
                 "Exit status: 0 when the quote was shown, 1 when it could not be read or parsed\n"
                 "(or its certificate chain could not be), 2 on bad usage.\n");
}

/* ------------------------------------------------------------------------------------------ */
/* Input                                                                                      */
/* ------------------------------------------------------------------------------------------ */

static bool is_hex_digit(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whether the bytes are hex text: hex digits and white space only, at least one digit. A
 * binary quote starts with 03 00, which no text has. */
static bool is_hex_text(const struct buffer *input)
{
    bool digit_seen = false;
    for (size_t i = 0; i < input->size; i++) {
        if (is_hex_digit(input->data[i]))
            digit_seen = true;
        else if (!is_space(input->data[i]))
            return false;
    }
    return digit_seen;
}

/* Replaces hex text by the bytes it spells; white space between the digits is skipped. */
static bool decode_hex_text(const char *path, struct buffer *input)
{
    size_t digit_count = 0;
    for (size_t i = 0; i < input->size; i++) {
        if (!is_space(input->data[i]))
            input->data[digit_count++] = input->data[i];
    }
    if (digit_count % 2 != 0) {
        fprintf(stderr, "cella quote: %s: hex text with an odd number of digits\n", path);
        return false;
    }
    size_t size = digit_count / 2;
    uint8_t *bytes = malloc(size > 0 ? size : 1);
    if (bytes == NULL) {
        fprintf(stderr, "cella quote: %s: out of memory\n", path);
        return false;
    }
    /* The digits were all checked by is_hex_text(), so only a bug can make this fail. */
    if (cella_encoding_hex_decode((const char *)input->data, digit_count, bytes, &size) !=
        CELLA_OK) {
        fprintf(stderr, "cella quote: %s: the hex text does not decode\n", path);
        free(bytes);
        return false;
    }
    free(input->data);
    input->data = bytes;
    input->size = size;
    return true;
}

static uint32_t read_u32(const uint8_t *bytes)
{
    return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
           (uint32_t)bytes[3] << 24;
}

/* Whether the bytes start as an Open Enclave report does: version 1, type local or remote.
 * A v3 quote starts with version 3 and key type 2, so the two cannot be confused. */
static bool looks_like_oe_report(const struct buffer *input)
{
    if (input->size < CELLA_QUOTE_OE_REPORT_HEADER_BYTES)
        return false;
    uint32_t type = read_u32(input->data + 4);
    return read_u32(input->data) == 1 && (type == 1 || type == 2);
}

/* ------------------------------------------------------------------------------------------ */
/* The quote as JSON                                                                          */
/* ------------------------------------------------------------------------------------------ */

/* Collects JSON members; a failed allocation anywhere shows in ok. */
struct builder {
    bool ok;
};

static void add(struct builder *builder, json_t *object, const char *key, json_t *value)
{
    /* json_object_set_new() releases value even when it fails, and fails on NULL. */
    if (json_object_set_new(object, key, value) != 0)
        builder->ok = false;
}

static void append(struct builder *builder, json_t *array, json_t *value)
{
    if (json_array_append_new(array, value) != 0)
        builder->ok = false;
}

/* Bytes as lower-case hex; NULL when memory runs out. */
static json_t *hex_json(const void *data, size_t size)
{
    size_t text_size = 0;
    if (cella_encoding_hex_encoded_size(size, &text_size) != CELLA_OK)
        return NULL;
    char *text = malloc(text_size + 1);
    if (text == NULL)
        return NULL;
    size_t capacity = text_size + 1;
    json_t *value = cella_encoding_hex_encode(data, size, text, &capacity) == CELLA_OK
                        ? json_stringn(text, text_size)
                        : NULL;
    free(text);
    return value;
}

/* A fixed-width hexadecimal number as a string, so every JSON reader gets it exactly. */
static json_t *hex_number_json(uint64_t value, int digits)
{
    char text[24];
    snprintf(text, sizeof(text), "0x%0*" PRIx64, digits, value);
    return json_string(text);
}

static const struct {
    uint64_t flag;
    const char *name;
} attribute_flags[] = {
    {SGX_FLAGS_INITTED, "INIT"},
    {SGX_FLAGS_DEBUG, "DEBUG"},
    {SGX_FLAGS_MODE64BIT, "MODE64BIT"},
    {SGX_FLAGS_PROVISION_KEY, "PROVISIONKEY"},
    {SGX_FLAGS_EINITTOKEN_KEY, "EINITTOKEN_KEY"},
    {SGX_FLAGS_KSS, "KSS"},
    {SGX_FLAGS_AEX_NOTIFY, "AEXNOTIFY"},
};

static json_t *attributes_json(struct builder *builder, const sgx_attributes_t *attributes)
{
    json_t *object = json_object();
    json_t *names = json_array();
    uint64_t known = 0;

    for (size_t i = 0; i < sizeof(attribute_flags) / sizeof(attribute_flags[0]); i++) {
        known |= attribute_flags[i].flag;
        if ((attributes->flags & attribute_flags[i].flag) != 0)
            append(builder, names, json_string(attribute_flags[i].name));
    }
    if ((attributes->flags & ~known) != 0)
        append(builder, names, hex_number_json(attributes->flags & ~known, 1));
    add(builder, object, "flags", hex_number_json(attributes->flags, 16));
    add(builder, object, "flag_names", names);
    add(builder, object, "debug", json_boolean((attributes->flags & SGX_FLAGS_DEBUG) != 0));
    add(builder, object, "mode64bit", json_boolean((attributes->flags & SGX_FLAGS_MODE64BIT) != 0));
    add(builder, object, "xfrm", hex_number_json(attributes->xfrm, 16));
    return object;
}

/* Every field of a report body, in the order of the layout. */
static json_t *report_body_json(struct builder *builder, const sgx_report_body_t *body)
{
    json_t *object = json_object();
    add(builder, object, "cpu_svn", hex_json(body->cpu_svn.svn, sizeof(body->cpu_svn.svn)));
    add(builder, object, "misc_select", hex_number_json(body->misc_select, 8));
    add(builder, object, "reserved1", hex_json(body->reserved1, sizeof(body->reserved1)));
    add(builder, object, "isv_ext_prod_id",
        hex_json(body->isv_ext_prod_id, sizeof(body->isv_ext_prod_id)));
    add(builder, object, "attributes", attributes_json(builder, &body->attributes));
    add(builder, object, "mr_enclave", hex_json(body->mr_enclave.m, sizeof(body->mr_enclave.m)));
    add(builder, object, "reserved2", hex_json(body->reserved2, sizeof(body->reserved2)));
    add(builder, object, "mr_signer", hex_json(body->mr_signer.m, sizeof(body->mr_signer.m)));
    add(builder, object, "reserved3", hex_json(body->reserved3, sizeof(body->reserved3)));
    add(builder, object, "config_id", hex_json(body->config_id, sizeof(body->config_id)));
    add(builder, object, "isv_prod_id", json_integer(body->isv_prod_id));
    add(builder, object, "isv_svn", json_integer(body->isv_svn));
    add(builder, object, "config_svn", json_integer(body->config_svn));
    add(builder, object, "reserved4", hex_json(body->reserved4, sizeof(body->reserved4)));
    add(builder, object, "isv_family_id",
        hex_json(body->isv_family_id, sizeof(body->isv_family_id)));
    add(builder, object, "report_data", hex_json(body->report_data.d, sizeof(body->report_data.d)));
    return object;
}

static json_t *header_json(struct builder *builder, const sgx_quote_header_t *header)
{
    static const uint8_t intel[CELLA_QUOTE3_VENDOR_ID_BYTES] = CELLA_QUOTE3_INTEL_QE_VENDOR_ID;
    json_t *object = json_object();
    add(builder, object, "version", json_integer(header->version));
    add(builder, object, "att_key_type", json_integer(header->att_key_type));
    add(builder, object, "att_key_type_name", json_string("ECDSA-256-with-P-256"));
    add(builder, object, "att_key_data_0", json_integer(header->att_key_data_0));
    add(builder, object, "qe_svn", json_integer(header->qe_svn));
    add(builder, object, "pce_svn", json_integer(header->pce_svn));
    add(builder, object, "qe_vendor_id",
        hex_json(header->qe_vendor_id, sizeof(header->qe_vendor_id)));
    add(builder, object, "qe_vendor_is_intel",
        json_boolean(memcmp(header->qe_vendor_id, intel, sizeof(intel)) == 0));
    add(builder, object, "user_data", hex_json(header->user_data, sizeof(header->user_data)));
    return object;
}

static const char *certification_type_name(uint16_t type)
{
    switch (type) {
    case PPID_CLEARTEXT:
        return "PPID in clear text";
    case PPID_RSA2048_ENCRYPTED:
        return "PPID encrypted with RSA-2048-OAEP";
    case PPID_RSA3072_ENCRYPTED:
        return "PPID encrypted with RSA-3072-OAEP";
    case PCK_CLEARTEXT:
        return "PCK certificate";
    case PCK_CERT_CHAIN:
        return "PCK certificate chain";
    default:
        return "unknown"; /* the parser admits only the five above */
    }
}

/* The last OpenSSL error, as text for a message. */
static void openssl_reason(char *text, size_t text_size)
{
    unsigned long error = ERR_peek_last_error();
    if (error == 0)
        snprintf(text, text_size, "no further detail");
    else
        ERR_error_string_n(error, text, text_size);
    ERR_clear_error();
}

static json_t *name_json(const X509_NAME *name)
{
    BIO *bio = BIO_new(BIO_s_mem());
    json_t *value = NULL;
    char *text = NULL;

    /* One line, in certificate order, "CN=..., O=...". */
    if (bio != NULL && X509_NAME_print_ex(bio, name, 0, XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ) >= 0) {
        long length = BIO_get_mem_data(bio, &text);
        if (length >= 0)
            value = json_stringn(length > 0 ? text : "", (size_t)length);
    }
    BIO_free(bio);
    return value;
}

static json_t *time_json(const ASN1_TIME *when)
{
    struct tm tm;
    char text[32];
    memset(&tm, 0, sizeof(tm));
    if (ASN1_TIME_to_tm(when, &tm) != 1)
        return json_null();
    if (strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return NULL;
    return json_string(text);
}

static json_t *serial_json(const X509 *certificate)
{
    BIGNUM *number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate), NULL);
    char *text = number != NULL ? BN_bn2hex(number) : NULL;
    json_t *value = text != NULL ? json_string(text) : NULL;
    OPENSSL_free(text);
    BN_free(number);
    return value;
}

static json_t *certificate_json(struct builder *builder, const X509 *certificate)
{
    json_t *object = json_object();
    add(builder, object, "subject", name_json(X509_get_subject_name(certificate)));
    add(builder, object, "issuer", name_json(X509_get_issuer_name(certificate)));
    add(builder, object, "serial", serial_json(certificate));
    add(builder, object, "not_before", time_json(X509_get0_notBefore(certificate)));
    add(builder, object, "not_after", time_json(X509_get0_notAfter(certificate)));
    return object;
}

/*
 * The certificates of a PEM chain (type 5), in order. Returns false, with the reason in
 * error, when the chain does not read as PEM certificates to its end; the certificates
 * read before that are still in the array.
 */
static bool certificates_json(struct builder *builder, const uint8_t *data, size_t size,
                              json_t *array, char *error, size_t error_size)
{
    /* Real quotes end the chain with a NUL, counted in the size. */
    while (size > 0 && data[size - 1] == '\0')
        size--;
    if (size > (size_t)CELLA_QUOTE_MAX_BYTES) {
        snprintf(error, error_size, "larger than a quote");
        return false;
    }
    BIO *bio = BIO_new_mem_buf(data, (int)size);
    size_t count = 0;
    bool ok = false;

    if (bio == NULL) {
        openssl_reason(error, error_size);
        return false;
    }
    ERR_clear_error();
    for (;;) {
        X509 *certificate = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (certificate == NULL) {
            unsigned long last = ERR_peek_last_error();
            if (ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE) {
                ERR_clear_error();
                if (count == 0)
                    snprintf(error, error_size, "no PEM certificate in it");
                ok = count > 0;
            } else {
                openssl_reason(error, error_size);
            }
            break;
        }
        append(builder, array, certificate_json(builder, certificate));
        X509_free(certificate);
        count++;
    }
    BIO_free(bio);
    return ok;
}

/* Where the input came from and what it was. */
struct origin {
    const char *path;
    const char *format;   /* "quote" or "oe_report" */
    const char *encoding; /* "binary" or "hex" */
    size_t size;          /* bytes of the quote or report, after hex decoding */
    size_t quote_offset;  /* where the quote starts in them */
};

/*
 * The whole dump as one JSON object. *certificates_ok says whether a PEM chain read to its
 * end (true for other certification data). NULL when memory runs out.
 */
static json_t *quote_json(const struct origin *origin, const uint8_t *bytes, size_t size,
                          const cella_quote_t *quote, bool *certificates_ok, char *error,
                          size_t error_size)
{
    struct builder builder = {true};
    json_t *root = json_object();
    json_t *input = json_object();
    json_t *certification = json_object();

    add(&builder, input, "file", json_text(origin->path));
    add(&builder, input, "format", json_string(origin->format));
    add(&builder, input, "encoding", json_string(origin->encoding));
    add(&builder, input, "size", json_integer((json_int_t)origin->size));
    add(&builder, input, "quote_offset", json_integer((json_int_t)origin->quote_offset));
    add(&builder, input, "quote_size", json_integer((json_int_t)size));
    add(&builder, root, "input", input);

    add(&builder, root, "header", header_json(&builder, &quote->header));
    add(&builder, root, "isv_report", report_body_json(&builder, &quote->isv_report));
    add(&builder, root, "signature_data_len",
        json_integer(read_u32(bytes + CELLA_QUOTE3_SIGNATURE_DATA_LEN_OFFSET)));
    add(&builder, root, "isv_signature",
        hex_json(quote->isv_signature, sizeof(quote->isv_signature)));
    add(&builder, root, "attestation_key",
        hex_json(quote->attestation_key, sizeof(quote->attestation_key)));
    add(&builder, root, "qe_report", report_body_json(&builder, &quote->qe_report));
    add(&builder, root, "qe_signature", hex_json(quote->qe_signature, sizeof(quote->qe_signature)));

    json_t *auth = json_object();
    add(&builder, auth, "size", json_integer((json_int_t)quote->qe_auth_data_size));
    add(&builder, auth, "data", hex_json(quote->qe_auth_data, quote->qe_auth_data_size));
    add(&builder, root, "qe_auth_data", auth);

    add(&builder, certification, "type", json_integer(quote->certification_data_type));
    add(&builder, certification, "type_name",
        json_string(certification_type_name(quote->certification_data_type)));
    add(&builder, certification, "size", json_integer((json_int_t)quote->certification_data_size));
    *certificates_ok = true;
    if (quote->certification_data_type == PCK_CERT_CHAIN) {
        json_t *certificates = json_array();
        *certificates_ok =
            certificates_json(&builder, quote->certification_data, quote->certification_data_size,
                              certificates, error, error_size);
        add(&builder, certification, "certificates", certificates);
        if (!*certificates_ok)
            add(&builder, certification, "certificates_error", json_string(error));
    } else {
        add(&builder, certification, "data",
            hex_json(quote->certification_data, quote->certification_data_size));
    }
    add(&builder, root, "certification_data", certification);

    if (!builder.ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* ------------------------------------------------------------------------------------------ */
/* The JSON object as text                                                                    */
/* ------------------------------------------------------------------------------------------ */

/* A scalar, or an array of scalars, on one line. */
static void print_scalar(FILE *out, const json_t *value)
{
    switch (json_typeof(value)) {
    case JSON_STRING:
        fputs(json_string_value(value), out);
        break;
    case JSON_INTEGER:
        fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        break;
    case JSON_REAL:
        fprintf(out, "%g", json_real_value(value));
        break;
    case JSON_TRUE:
        fputs("yes", out);
        break;
    case JSON_FALSE:
        fputs("no", out);
        break;
    case JSON_NULL:
        fputs("(none)", out);
        break;
    case JSON_ARRAY:
        if (json_array_size(value) == 0)
            fputs("(none)", out);
        for (size_t i = 0; i < json_array_size(value); i++) {
            if (i > 0)
                fputs(" ", out);
            print_scalar(out, json_array_get(value, i));
        }
        break;
    case JSON_OBJECT:
        fputs("{...}", out);
        break;
    }
}

static bool is_array_of_objects(const json_t *value)
{
    return json_is_array(value) && json_array_size(value) > 0 &&
           json_is_object(json_array_get(value, 0));
}

/* One "key: value" line per member, nested objects indented under their key. */
static void print_object(FILE *out, json_t *object, int indent)
{
    const char *key;
    json_t *value;
    int width = 0;

    json_object_foreach(object, key, value)
    {
        int length = (int)strlen(key);
        if (!json_is_object(value) && !is_array_of_objects(value) && length > width)
            width = length;
    }
    json_object_foreach(object, key, value)
    {
        if (json_is_object(value)) {
            fprintf(out, "%*s%s:\n", indent, "", key);
            print_object(out, value, indent + 2);
        } else if (is_array_of_objects(value)) {
            fprintf(out, "%*s%s:\n", indent, "", key);
            for (size_t i = 0; i < json_array_size(value); i++) {
                fprintf(out, "%*s[%zu]:\n", indent + 2, "", i);
                print_object(out, json_array_get(value, i), indent + 4);
            }
        } else {
            fprintf(out, "%*s%s:%*s ", indent, "", key, width - (int)strlen(key), "");
            print_scalar(out, value);
            fputc('\n', out);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* dump                                                                                       */
/* ------------------------------------------------------------------------------------------ */

/*
 * Reads the quote in path as dump and verify take it: raw, inside an Open Enclave remote
 * report, or either one as hex text. *bytes and *size then point into input (release it);
 * origin says what the file was. Prints why on failure.
 */
static bool load_quote(const char *path, struct buffer *input, struct origin *origin,
                       const uint8_t **bytes, size_t *size)
{
    *origin = (struct origin){path, "quote", "binary", 0, 0};
    if (!read_input("cella quote", path, INPUT_MAX_BYTES, input))
        return false;
    if (is_hex_text(input)) {
        origin->encoding = "hex";
        if (!decode_hex_text(path, input))
            return false;
    }
    origin->size = input->size;
    *bytes = input->data;
    *size = input->size;
    if (looks_like_oe_report(input)) {
        origin->format = "oe_report";
        cella_result_t r = cella_quote_from_oe_report(input->data, input->size, bytes, size);
        if (r != CELLA_OK) {
            fprintf(stderr, "cella quote: %s: not an Open Enclave remote report: %s\n", path,
                    cella_result_str(r));
            return false;
        }
        origin->quote_offset = CELLA_QUOTE_OE_REPORT_HEADER_BYTES;
    }
    return true;
}

static int dump_file(const char *path, bool as_json)
{
    struct buffer input = {NULL, 0};
    struct origin origin;
    const uint8_t *bytes = NULL;
    size_t size = 0;
    cella_quote_t quote;
    json_t *root = NULL;
    char certificates_error[256] = "";
    bool certificates_ok = true;
    cella_result_t r;
    int status = EXIT_ERROR;

    if (!load_quote(path, &input, &origin, &bytes, &size))
        goto out;
    r = cella_quote_parse(bytes, size, &quote);
    if (r != CELLA_OK) {
        fprintf(stderr, "cella quote: %s: not an SGX quote v3 that can be shown: %s\n", path,
                cella_result_str(r));
        goto out;
    }

    root = quote_json(&origin, bytes, size, &quote, &certificates_ok, certificates_error,
                      sizeof(certificates_error));
    if (root == NULL) {
        fprintf(stderr, "cella quote: building the output: out of memory\n");
        goto out;
    }
    if (as_json) {
        if (json_dumpf(root, stdout, JSON_INDENT(2)) != 0 || putchar('\n') == EOF) {
            fprintf(stderr, "cella quote: writing the JSON output: %s\n", strerror(errno));
            goto out;
        }
    } else {
        print_object(stdout, root, 0);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "cella quote: writing the output: %s\n", strerror(errno));
        goto out;
    }
    if (!certificates_ok) {
        fprintf(stderr, "cella quote: %s: certification data: not a PEM certificate chain: %s\n",
                path, certificates_error);
        goto out;
    }
    status = EXIT_OK;
out:
    json_decref(root);
    buffer_release(&input);
    return status;
}

static int dump_main(int argc, char **argv)
{
    bool as_json = false;
    bool options_done = false;
    const char *path = NULL;

    for (int i = 1; i < argc; i++) {
        const char *argument = argv[i];
        if (options_done || argument[0] != '-' || argument[1] == '\0') {
            if (path != NULL) {
                fprintf(stderr,
                        "cella quote dump: %s: one file at a time ('%s' was given "
                        "already)\n",
                        argument, path);
                return EXIT_USAGE;
            }
            path = argument;
        } else if (strcmp(argument, "--") == 0) {
            options_done = true;
        } else if (strcmp(argument, "-h") == 0 || strcmp(argument, "--help") == 0) {
            dump_usage(stdout);
            return EXIT_OK;
        } else if (strcmp(argument, "--json") == 0) {
            as_json = true;
        } else {
            fprintf(stderr,
                    "cella quote dump: %s: unknown option; 'cella quote dump --help' shows "
                    "the options\n",
                    argument);
            return EXIT_USAGE;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "cella quote dump: no file given; 'cella quote dump --help' shows how\n");
        return EXIT_USAGE;
    }

    subcommand_log_to_stderr("cella quote");
    int status = dump_file(path, as_json);
    subcommand_log_stop();
    return status;
}

/* ------------------------------------------------------------------------------------------ */
/* verify                                                                                     */
/* ------------------------------------------------------------------------------------------ */

#define ROOTS_MAX 16

static void verify_usage(FILE *out)
{
    fprintf(
        out,
        "Usage: cella quote verify (--collateral DIR | --pccs URL | --no-collateral)\n"
        "                          [--trust-root PEM]... [--trust-software-tee-root PEM]...\n"
        "                          [--at TIME] [--no-crl] [--json] FILE\n"
        "\n"
        "Verifies an SGX quote v3: its PCK certificate chain up to a trusted root (Intel's\n"
        "SGX Root CA unless told otherwise), the QE report's signature and its binding of the\n"
        "attestation key, the quote's own signature, and with collateral the TCB Info and QE\n"
        "Identity (signed, current, for this platform and QE) and the platform's TCB level.\n"
        "Then prints the verdict, the TCB status and the enclave's identity, which the\n"
        "caller must still check against its own policy.\n"
        "\n"
        "FILE is read as by 'cella quote dump': a raw quote, an Open Enclave remote report,\n"
        "or either as hex text; '-' reads standard input.\n"
        "\n"
        "Collateral (exactly one):\n"
        "  --collateral DIR   a collateral directory (cella-quote(1) gives its layout)\n"
        "  --pccs URL         Intel's PCS or a PCCS, e.g. https://api.trustedservices.intel.com\n"
        "  --no-collateral    signatures and the PCK chain only: no TCB status is evaluated\n"
        "                     and revocation is not checked\n"
        "\n"
        "Options:\n"
        "  --trust-root PEM   also trust this self-signed root for Intel-format quotes\n"
        "  --trust-software-tee-root PEM\n"
        "                     trust this root for cella software-TEE quotes\n"
        "  --at TIME          verify at TIME: YYYY-MM-DDThh:mm:ssZ or seconds since the\n"
        "                     epoch (default: now)\n"
        "  --no-crl           do not require CRLs (revocation is then not checked)\n"
        "  --json             print one JSON object instead of text\n"
        "  -h, --help         show this help\n"
        "\n"
        "Exit status: 0 when the quote verified, 1 when it was refused or could not be\n"
        "checked, 2 on bad usage.\n");
}

struct verify_options {
    const char *path;
    const char *collateral_dir;
    const char *pccs_url;
    bool no_collateral;
    const char *roots[ROOTS_MAX];
    cella_verify_root_kind_t root_kinds[ROOTS_MAX];
    size_t root_count;
    bool at_given;
    int64_t at;
    bool no_crl;
    bool as_json;
};

/* TIME as seconds since the epoch: digits, or an ISO 8601 UTC time as collateral writes it. */
static bool parse_time(const char *text, int64_t *seconds)
{
    if (text[0] >= '0' && text[0] <= '9' && strspn(text, "0123456789") == strlen(text)) {
        errno = 0;
        char *end = NULL;
        unsigned long long value = strtoull(text, &end, 10);
        if (errno != 0 || *end != '\0' || value > (unsigned long long)INT64_MAX)
            return false;
        *seconds = (int64_t)value;
        return true;
    }
    return cella_collateral_parse_time(text, seconds) == CELLA_OK;
}

static json_t *time_text_json(int64_t seconds)
{
    struct tm tm;
    char text[32];
    time_t when = (time_t)seconds;
    if (seconds == 0 || gmtime_r(&when, &tm) == NULL ||
        strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return json_null();
    return json_string(text);
}

/* The verdict as one JSON object; text output prints the same members. NULL: no memory. */
static json_t *verdict_json(const struct verify_options *options, const struct origin *origin,
                            int64_t now, const cella_verify_result_t *result)
{
    struct builder builder = {true};
    json_t *root = json_object();
    json_t *warnings = json_array();
    bool verified = result->failure == CELLA_VERIFY_OK;

    add(&builder, root, "verdict", json_string(verified ? "verified" : "refused"));
    add(&builder, root, "verified", json_boolean(verified));
    if (!verified) {
        add(&builder, root, "failure", json_string(cella_verify_failure_str(result->failure)));
        add(&builder, root, "reason", json_string(result->reason));
    }
    json_t *input = json_object();
    add(&builder, input, "file", json_text(origin->path));
    add(&builder, input, "format", json_string(origin->format));
    add(&builder, input, "encoding", json_string(origin->encoding));
    add(&builder, root, "input", input);
    add(&builder, root, "verification_time", time_text_json(now));
    add(&builder, root, "collateral_source",
        json_string(options->collateral_dir != NULL ? "directory"
                    : options->pccs_url != NULL     ? "pccs"
                                                    : "none"));
    add(&builder, root, "collateral",
        options->collateral_dir != NULL ? json_string(options->collateral_dir)
        : options->pccs_url != NULL     ? json_string(options->pccs_url)
                                        : json_null());
    add(&builder, root, "crls_required", json_boolean(!options->no_crl && !options->no_collateral));

    if (verified) {
        add(&builder, root, "software_tee", json_boolean(result->software_tee));
        if (result->software_tee)
            append(&builder, warnings,
                   json_string("this quote comes from a software TEE: it does not protect the "
                               "enclave against the owner of the machine it runs on"));
        add(&builder, root, "tcb_evaluated", json_boolean(result->tcb_evaluated));
        if (result->tcb_evaluated) {
            add(&builder, root, "tcb_status",
                json_string(cella_tcb_status_str(result->tcb_status)));
            add(&builder, root, "platform_tcb_status",
                json_string(cella_tcb_status_str(result->platform_tcb_status)));
            add(&builder, root, "qe_tcb_status",
                json_string(cella_tcb_status_str(result->qe_tcb_status)));
            add(&builder, root, "tcb_date", time_text_json(result->tcb_date));
            add(&builder, root, "tcb_evaluation_data_number",
                json_integer(result->tcb_evaluation_data_number));
        } else {
            add(&builder, root, "tcb_status", json_null());
            append(&builder, warnings,
                   json_string("verified without collateral: no TCB status was evaluated and "
                               "revocation was not checked; the platform may be out of date or "
                               "revoked"));
        }
        if (options->no_crl && !options->no_collateral)
            append(&builder, warnings,
                   json_string("CRLs were not required: revocation may not have been checked"));
        json_t *advisories = json_array();
        for (size_t i = 0; i < result->advisory_count; i++)
            append(&builder, advisories, json_string(result->advisory_ids[i]));
        add(&builder, root, "advisory_ids", advisories);
        add(&builder, root, "collateral_expiration", time_text_json(result->collateral_expiration));

        const sgx_report_body_t *report = &result->isv_report;
        json_t *enclave = json_object();
        add(&builder, enclave, "mr_enclave",
            hex_json(report->mr_enclave.m, sizeof(report->mr_enclave.m)));
        add(&builder, enclave, "mr_signer",
            hex_json(report->mr_signer.m, sizeof(report->mr_signer.m)));
        add(&builder, enclave, "isv_prod_id", json_integer(report->isv_prod_id));
        add(&builder, enclave, "isv_svn", json_integer(report->isv_svn));
        add(&builder, enclave, "debug",
            json_boolean((report->attributes.flags & SGX_FLAGS_DEBUG) != 0));
        add(&builder, enclave, "attributes", attributes_json(&builder, &report->attributes));
        add(&builder, enclave, "report_data",
            hex_json(report->report_data.d, sizeof(report->report_data.d)));
        add(&builder, root, "enclave", enclave);
        if ((report->attributes.flags & SGX_FLAGS_DEBUG) != 0)
            append(&builder, warnings,
                   json_string("the enclave is a debug enclave: its memory can be read by the "
                               "host"));

        json_t *platform = json_object();
        add(&builder, platform, "fmspc", hex_json(result->fmspc, sizeof(result->fmspc)));
        add(&builder, platform, "pce_id", hex_json(result->pce_id, sizeof(result->pce_id)));
        add(&builder, platform, "pce_svn", json_integer(result->pck_pce_svn));
        add(&builder, platform, "tcb_components",
            hex_json(result->pck_tcb_components, sizeof(result->pck_tcb_components)));
        add(&builder, root, "platform", platform);
    }
    add(&builder, root, "warnings", warnings);
    if (!builder.ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Reads the value of an option: "--name VALUE" or "--name=VALUE". NULL when it is not name. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t length = strlen(name);
    const char *argument = argv[*i];
    if (strncmp(argument, name, length) != 0)
        return NULL;
    if (argument[length] == '=')
        return argument + length + 1;
    if (argument[length] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    *i += 1;
    return argv[*i];
}

static bool add_root(struct verify_options *o, const char *path, cella_verify_root_kind_t kind)
{
    if (o->root_count == ROOTS_MAX) {
        fprintf(stderr, "cella quote verify: more than %d trusted roots\n", ROOTS_MAX);
        return false;
    }
    o->roots[o->root_count] = path;
    o->root_kinds[o->root_count++] = kind;
    return true;
}

static int verify_parse(int argc, char **argv, struct verify_options *o)
{
    bool options_done = false;

    for (int i = 1; i < argc; i++) {
        const char *argument = argv[i];
        const char *value;
        bool missing = false;

        if (options_done || argument[0] != '-' || argument[1] == '\0') {
            if (o->path != NULL) {
                fprintf(stderr,
                        "cella quote verify: %s: one file at a time ('%s' was given "
                        "already)\n",
                        argument, o->path);
                return EXIT_USAGE;
            }
            o->path = argument;
        } else if (strcmp(argument, "--") == 0) {
            options_done = true;
        } else if (strcmp(argument, "-h") == 0 || strcmp(argument, "--help") == 0) {
            verify_usage(stdout);
            return EXIT_OK;
        } else if (strcmp(argument, "--json") == 0) {
            o->as_json = true;
        } else if (strcmp(argument, "--no-crl") == 0) {
            o->no_crl = true;
        } else if (strcmp(argument, "--no-collateral") == 0) {
            o->no_collateral = true;
        } else if ((value = option_value(argc, argv, &i, "--collateral", &missing)) != NULL) {
            o->collateral_dir = value;
        } else if ((value = option_value(argc, argv, &i, "--pccs", &missing)) != NULL) {
            o->pccs_url = value;
        } else if ((value = option_value(argc, argv, &i, "--at", &missing)) != NULL) {
            if (!parse_time(value, &o->at)) {
                fprintf(stderr,
                        "cella quote verify: --at %s: not YYYY-MM-DDThh:mm:ssZ (UTC) nor "
                        "seconds since the epoch\n",
                        value);
                return EXIT_USAGE;
            }
            o->at_given = true;
        } else if ((value = option_value(argc, argv, &i, "--trust-root", &missing)) != NULL) {
            if (!add_root(o, value, CELLA_VERIFY_ROOT_INTEL))
                return EXIT_USAGE;
        } else if ((value = option_value(argc, argv, &i, "--trust-software-tee-root", &missing)) !=
                   NULL) {
            if (!add_root(o, value, CELLA_VERIFY_ROOT_SOFTWARE_TEE))
                return EXIT_USAGE;
        } else if (missing) {
            fprintf(stderr, "cella quote verify: %s needs a value\n", argument);
            return EXIT_USAGE;
        } else {
            fprintf(stderr,
                    "cella quote verify: %s: unknown option; 'cella quote verify --help' "
                    "shows the options\n",
                    argument);
            return EXIT_USAGE;
        }
    }
    int sources = (o->collateral_dir != NULL) + (o->pccs_url != NULL) + o->no_collateral;
    if (sources != 1) {
        fprintf(stderr, "cella quote verify: give exactly one of --collateral DIR, --pccs URL "
                        "and --no-collateral\n");
        return EXIT_USAGE;
    }
    if (o->path == NULL) {
        fprintf(stderr, "cella quote verify: no file given; 'cella quote verify --help' shows "
                        "how\n");
        return EXIT_USAGE;
    }
    return -1; /* go on */
}

static void print_verdict_text(json_t *root)
{
    json_t *warnings = json_object_get(root, "warnings");
    json_incref(warnings);
    (void)json_object_del(root, "warnings");
    for (size_t i = 0; i < json_array_size(warnings); i++)
        printf("warning: %s\n", json_string_value(json_array_get(warnings, i)));
    json_decref(warnings);
    print_object(stdout, root, 0);
}

static int verify_quote(const struct verify_options *o)
{
    struct buffer input = {NULL, 0};
    struct origin origin;
    const uint8_t *bytes = NULL;
    size_t size = 0;
    cella_verifier_t *verifier = NULL;
    cella_collateral_source_t *source = NULL;
    cella_verify_result_t result;
    json_t *root = NULL;
    cella_result_t r;
    int status = EXIT_ERROR;

    if (!load_quote(o->path, &input, &origin, &bytes, &size))
        goto out;
    r = cella_verifier_create(&verifier);
    if (r != CELLA_OK) {
        fprintf(stderr, "cella quote verify: the verifier: %s\n", cella_result_str(r));
        goto out;
    }
    for (size_t i = 0; i < o->root_count; i++) {
        struct buffer pem = {NULL, 0};
        if (!read_input("cella quote", o->roots[i], INPUT_MAX_BYTES, &pem))
            goto out;
        r = cella_verifier_add_root(verifier, (const char *)pem.data, pem.size, o->root_kinds[i]);
        buffer_release(&pem);
        if (r != CELLA_OK) {
            fprintf(stderr, "cella quote verify: %s: not a self-signed PEM certificate: %s\n",
                    o->roots[i], cella_result_str(r));
            goto out;
        }
    }
    /* Without collateral there are no CRLs to give. */
    cella_verifier_set_crls_required(verifier, !o->no_crl && !o->no_collateral);
    if (o->collateral_dir != NULL)
        r = cella_collateral_source_open_dir(o->collateral_dir, &source);
    else if (o->pccs_url != NULL)
        r = cella_collateral_source_open_pccs(o->pccs_url, &source);
    if (r != CELLA_OK) {
        fprintf(stderr, "cella quote verify: %s: %s\n",
                o->collateral_dir != NULL ? o->collateral_dir : o->pccs_url, cella_result_str(r));
        goto out;
    }

    int64_t now = o->at_given ? o->at : (int64_t)time(NULL);
    r = source != NULL ? cella_verifier_verify_from(verifier, bytes, size, source, now, &result)
                       : cella_verifier_verify(verifier, bytes, size, NULL, now, &result);
    if (r != CELLA_OK && r != CELLA_ERR_VERIFY_FAILED) {
        fprintf(stderr, "cella quote verify: %s: %s\n", o->path, cella_result_str(r));
        goto out;
    }
    root = verdict_json(o, &origin, now, &result);
    if (root == NULL) {
        fprintf(stderr, "cella quote verify: building the output: out of memory\n");
        goto out;
    }
    if (o->as_json) {
        if (json_dumpf(root, stdout, JSON_INDENT(2)) != 0 || putchar('\n') == EOF) {
            fprintf(stderr, "cella quote verify: writing the JSON output: %s\n", strerror(errno));
            goto out;
        }
    } else {
        print_verdict_text(root);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "cella quote verify: writing the output: %s\n", strerror(errno));
        goto out;
    }
    if (r != CELLA_OK) {
        fprintf(stderr, "cella quote verify: %s: refused: %s: %s\n", o->path,
                cella_verify_failure_str(result.failure), result.reason);
        goto out;
    }
    status = EXIT_OK;
out:
    json_decref(root);
    cella_collateral_source_destroy(source);
    cella_verifier_destroy(verifier);
    buffer_release(&input);
    return status;
}

static int verify_main(int argc, char **argv)
{
    struct verify_options options;
    memset(&options, 0, sizeof(options));
    int status = verify_parse(argc, argv, &options);
    if (status >= 0)
        return status;

    subcommand_log_to_stderr("cella quote");
    status = verify_quote(&options);
    subcommand_log_stop();
    return status;
}

int quote_main(int argc, char **argv)
{
    return subcommand_dispatch("quote", quote_commands,
                               sizeof(quote_commands) / sizeof(quote_commands[0]), usage, argc,
                               argv);
}
