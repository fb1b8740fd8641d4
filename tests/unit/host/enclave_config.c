/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for host/enclave_config.c: the Enclave.config.xml parser. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <cella/enclave_config.h>
#include <cella/log.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Every message of the last parse, one per line, errors and warnings marked. */
static char messages[8192];

static void collect(void *context, cella_log_level_t level, const char *message)
{
    size_t used = strlen(messages);
    (void)context;
    snprintf(messages + used, sizeof(messages) - used, "%s: %s\n",
             level == CELLA_LOG_ERROR ? "error" : "warning", message);
}

static int setup(void **state)
{
    (void)state;
    messages[0] = '\0';
    cella_log_set_level(CELLA_LOG_DEBUG);
    cella_log_set_handler(collect, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cella_log_set_handler(NULL, NULL);
    cella_log_set_level(CELLA_LOG_INFO);
    return 0;
}

static cella_result_t parse(const char *xml, cella_enclave_config_t *config)
{
    messages[0] = '\0';
    return cella_enclave_config_parse(xml, strlen(xml), config);
}

/* An Enclave.config.xml with one child element. */
static cella_result_t parse_one(const char *element, const char *value,
                                cella_enclave_config_t *config)
{
    char xml[512];
    snprintf(xml, sizeof(xml), "<EnclaveConfiguration><%s>%s</%s></EnclaveConfiguration>", element,
             value, element);
    return parse(xml, config);
}

static void init_gives_the_sgx_sign_defaults(void **state)
{
    cella_enclave_config_t config;

    (void)state;
    memset(&config, 0xff, sizeof(config));
    cella_enclave_config_init(&config);
    assert_int_equal(config.prod_id, 0);
    assert_int_equal(config.isv_svn, 0);
    assert_int_equal(config.stack_max_size, 0x40000);
    assert_int_equal(config.heap_max_size, 0x100000);
    assert_int_equal(config.tcs_num, 1);
    assert_int_equal(config.tcs_policy, 1);
    assert_false(config.disable_debug);
    assert_int_equal(config.misc_select, 0);
    assert_int_equal(config.misc_mask, 0xFFFFFFFF);
    cella_enclave_config_init(NULL);
}

static void parse_reads_the_intel_sample_configuration(void **state)
{
    static const char sample[] =
        "<!-- Please refer to User's Guide for the explanation of each field -->\n"
        "<EnclaveConfiguration>\n"
        "  <ProdID>0</ProdID>\n"
        "  <ISVSVN>0</ISVSVN>\n"
        "  <StackMaxSize>0x40000</StackMaxSize>\n"
        "  <HeapMaxSize>0x100000</HeapMaxSize>\n"
        "  <TCSNum>10</TCSNum>\n"
        "  <TCSPolicy>1</TCSPolicy>\n"
        "  <DisableDebug>0</DisableDebug>\n"
        "  <MiscSelect>0</MiscSelect>\n"
        "  <MiscMask>0xFFFFFFFF</MiscMask>\n"
        "</EnclaveConfiguration>\n";
    cella_enclave_config_t config;

    (void)state;
    assert_int_equal(parse(sample, &config), CELLA_OK);
    assert_int_equal(config.tcs_num, 10);
    assert_int_equal(config.stack_max_size, 0x40000);
    assert_int_equal(config.heap_max_size, 0x100000);
    assert_string_equal(messages, "");
}

static void parse_sets_each_element_it_uses(void **state)
{
    cella_enclave_config_t config;

    (void)state;
    assert_int_equal(parse_one("ProdID", "0xFFFF", &config), CELLA_OK);
    assert_int_equal(config.prod_id, 0xFFFF);
    assert_int_equal(parse_one("ISVSVN", "65535", &config), CELLA_OK);
    assert_int_equal(config.isv_svn, 65535);
    assert_int_equal(parse_one("StackMaxSize", "0x2000", &config), CELLA_OK);
    assert_int_equal(config.stack_max_size, 0x2000);
    assert_int_equal(parse_one("HeapMaxSize", "0", &config), CELLA_OK);
    assert_int_equal(config.heap_max_size, 0);
    assert_int_equal(parse_one("TCSNum", "4", &config), CELLA_OK);
    assert_int_equal(config.tcs_num, 4);
    assert_int_equal(parse_one("TCSPolicy", "0", &config), CELLA_OK);
    assert_int_equal(config.tcs_policy, 0);
    assert_int_equal(parse_one("DisableDebug", "1", &config), CELLA_OK);
    assert_true(config.disable_debug);
    assert_int_equal(parse_one("MiscSelect", "1", &config), CELLA_OK);
    assert_int_equal(config.misc_select, 1);
    assert_int_equal(parse_one("MiscMask", "0xFFFFFFFE", &config), CELLA_OK);
    assert_int_equal(config.misc_mask, 0xFFFFFFFE);
    /* Everything else keeps its default. */
    assert_int_equal(config.tcs_num, 1);
    assert_int_equal(config.heap_max_size, 0x100000);
}

static void parse_reads_numbers_as_sgx_sign_does(void **state)
{
    cella_enclave_config_t config;

    (void)state;
    assert_int_equal(parse_one("ISVSVN", "  \n 12\t ", &config), CELLA_OK);
    assert_int_equal(config.isv_svn, 12);
    assert_int_equal(parse_one("ISVSVN", "0X1f", &config), CELLA_OK);
    assert_int_equal(config.isv_svn, 0x1f);
    assert_int_equal(parse_one("ISVSVN", "&#x31;0", &config), CELLA_OK); /* "10" */
    assert_int_equal(config.isv_svn, 10);
    assert_int_equal(parse_one("ISVSVN", "010", &config), CELLA_OK);
    assert_int_equal(config.isv_svn, 8);
    assert_non_null(strstr(messages, "warning: "));
    assert_non_null(strstr(messages, "octal"));
}

struct bad_value {
    const char *element;
    const char *value;
    const char *message; /* a phrase the error must contain besides the element */
};

static const struct bad_value bad_values[] = {
    {"ProdID", "0x10000", "allowed: 0 to 65535"},
    {"ISVSVN", "65536", "allowed: 0 to 65535"},
    {"TCSNum", "0", "allowed: 1 to 4294967295"},
    {"TCSNum", "0x100000000", "out of range"},
    {"TCSPolicy", "2", "allowed: 0 to 1"},
    {"StackMaxSize", "0x800", "allowed: 4096"},
    {"StackMaxSize", "0x2000000000", "out of range"},
    {"StackMaxSize", "0x1800", "multiple of the page size"},
    {"HeapMaxSize", "0x1001", "multiple of the page size"},
    {"DisableDebug", "2", "allowed: 0 to 1"},
    {"MiscSelect", "2", "EXINFO"},
    {"MiscMask", "0x100000000", "out of range"},
    {"ProdID", "-1", "not a number"},
    {"ProdID", "+1", "not a number"},
    {"ProdID", "1 2", "not a number"},
    {"ProdID", "0x", "not a number"},
    {"ProdID", "09", "not a number"},
    {"ProdID", "abc", "not a number"},
    {"ProdID", "99999999999999999999999", "not a number"},
    {"ProdID", "", "has no value"},
    {"ProdID", "   ", "has no value"},
    {"ProvisionKey", "1", "does not support"},
    {"EnableKSS", "1", "does not support"},
    {"HeapExecutable", "1", "does not support"},
    {"ProvisionKey", "2", "out of range"},
};

static void parse_rejects_bad_values_naming_the_element(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(bad_values); i++) {
        cella_enclave_config_t config;
        char element[64];

        memset(&config, 0x5a, sizeof(config));
        if (parse_one(bad_values[i].element, bad_values[i].value, &config) !=
            CELLA_ERR_INVALID_FORMAT)
            fail_msg("<%s>%s was accepted", bad_values[i].element, bad_values[i].value);
        snprintf(element, sizeof(element), "<%s>", bad_values[i].element);
        if (strstr(messages, element) == NULL || strstr(messages, bad_values[i].message) == NULL)
            fail_msg("<%s>%s: message '%s' lacks '%s' or '%s'", bad_values[i].element,
                     bad_values[i].value, messages, element, bad_values[i].message);
        assert_int_equal(((uint8_t *)&config)[0], 0x5a); /* untouched on failure */
    }
}

struct bad_document {
    const char *name;
    const char *xml;
    const char *message;
};

static const struct bad_document bad_documents[] = {
    {"an element twice",
     "<EnclaveConfiguration><TCSNum>1</TCSNum><TCSNum>2</TCSNum>"
     "</EnclaveConfiguration>",
     "<TCSNum> is given twice"},
    {"an attribute", "<EnclaveConfiguration><TCSNum base=\"16\">1</TCSNum></EnclaveConfiguration>",
     "may not have attributes"},
    {"a nested element",
     "<EnclaveConfiguration><TCSNum><Value>1</Value></TCSNum></EnclaveConfiguration>",
     "may not contain <Value>"},
    {"text in the root", "<EnclaveConfiguration>5<TCSNum>1</TCSNum></EnclaveConfiguration>",
     "text directly inside"},
    {"another root", "<Configuration><TCSNum>1</TCSNum></Configuration>",
     "expected <EnclaveConfiguration>"},
    {"a DOCTYPE",
     "<!DOCTYPE EnclaveConfiguration [<!ENTITY n \"1\">]>"
     "<EnclaveConfiguration><TCSNum>&n;</TCSNum></EnclaveConfiguration>",
     "DOCTYPE"},
    {"unclosed element", "<EnclaveConfiguration><TCSNum>1</TCSNum>", "malformed XML"},
    {"mismatched tag", "<EnclaveConfiguration><TCSNum>1</TCSNUM></EnclaveConfiguration>",
     "malformed XML"},
    {"empty document", "", "malformed XML"},
    {"a value split by a comment",
     "<EnclaveConfiguration><HeapMaxSize>0x1<!-- pages -->000</HeapMaxSize>"
     "</EnclaveConfiguration>",
     "<HeapMaxSize> is split by a comment"},
};

/* Comments before or after a value, or around the elements, leave it whole. */
static void parse_takes_values_next_to_comments(void **state)
{
    cella_enclave_config_t config;

    (void)state;
    assert_int_equal(parse("<EnclaveConfiguration><!-- threads --><TCSNum><!-- c -->3</TCSNum>"
                           "<HeapMaxSize> 0x2000 <!-- c --> </HeapMaxSize>"
                           "<ProdID>7<!-- c --><!-- d --></ProdID></EnclaveConfiguration>",
                           &config),
                     CELLA_OK);
    assert_int_equal(config.tcs_num, 3);
    assert_int_equal(config.heap_max_size, 0x2000);
    assert_int_equal(config.prod_id, 7);
}

static void parse_rejects_malformed_documents(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(bad_documents); i++) {
        cella_enclave_config_t config;
        if (parse(bad_documents[i].xml, &config) != CELLA_ERR_INVALID_FORMAT)
            fail_msg("%s was accepted", bad_documents[i].name);
        if (strstr(messages, bad_documents[i].message) == NULL)
            fail_msg("%s: message '%s' lacks '%s'", bad_documents[i].name, messages,
                     bad_documents[i].message);
    }
}

static void parse_refuses_unknown_elements_by_name(void **state)
{
    cella_enclave_config_t config;

    (void)state;
    assert_int_equal(parse("<EnclaveConfiguration><TCSNum>3</TCSNum>"
                           "<FancyFeature><Deep>1</Deep></FancyFeature></EnclaveConfiguration>",
                           &config),
                     CELLA_ERR_INVALID_FORMAT);
    assert_non_null(strstr(messages, "unknown element <FancyFeature>"));
    /* A misspelled DisableDebug must not sign a debuggable release enclave. */
    assert_int_equal(parse("<EnclaveConfiguration><DisableDebugg>1</DisableDebugg>"
                           "</EnclaveConfiguration>",
                           &config),
                     CELLA_ERR_INVALID_FORMAT);
    assert_non_null(strstr(messages, "unknown element <DisableDebugg> (check its spelling"));
}

static void parse_accepts_sgx_sign_elements_cella_does_not_use_with_a_warning(void **state)
{
    static const char *const ignored[] = {
        "TCSMaxNum",      "TCSMinPool",   "StackMinSize", "HeapMinSize", "HeapInitSize",
        "UserRegionSize", "ProvisionKey", "EnableKSS",    "ReleaseType", "EnclaveImageAddress",
        "ELRangeSize",    "PKRU",         "AMX"};
    cella_enclave_config_t config;

    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(ignored); i++) {
        char expected[96];
        const char *value = strstr(ignored[i], "Size") != NULL ? "0x2000" : "0";
        if (strcmp(ignored[i], "TCSMaxNum") == 0)
            value = "4";
        assert_int_equal(parse_one(ignored[i], value, &config), CELLA_OK);
        snprintf(expected, sizeof(expected), "<%s> is not used by cella", ignored[i]);
        if (strstr(messages, expected) == NULL || strstr(messages, "warning: ") == NULL)
            fail_msg("%s: messages '%s' lack '%s'", ignored[i], messages, expected);
    }
}

static void parse_rejects_null_and_oversized_input(void **state)
{
    cella_enclave_config_t config;
    static const char xml[] = "<EnclaveConfiguration/>";

    (void)state;
    assert_int_equal(cella_enclave_config_parse(NULL, 4, &config), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_enclave_config_parse(xml, sizeof(xml) - 1, NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_enclave_config_parse(xml, CELLA_ENCLAVE_CONFIG_MAX_BYTES + 1, &config),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_enclave_config_parse(xml, sizeof(xml) - 1, &config), CELLA_OK);
    assert_int_equal(config.tcs_num, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(init_gives_the_sgx_sign_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_reads_the_intel_sample_configuration, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(parse_sets_each_element_it_uses, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_reads_numbers_as_sgx_sign_does, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_rejects_bad_values_naming_the_element, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(parse_rejects_malformed_documents, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_takes_values_next_to_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_refuses_unknown_elements_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(
            parse_accepts_sgx_sign_elements_cella_does_not_use_with_a_warning, setup, teardown),
        cmocka_unit_test_setup_teardown(parse_rejects_null_and_oversized_input, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
