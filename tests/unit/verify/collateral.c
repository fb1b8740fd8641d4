/* SPDX-License-Identifier: Apache-2.0 */
/* Tests for verify/collateral.c: TCB Info, enclave identity and collateral time parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cella/collateral.h>
#include <cella/log.h>

#define ARRAY_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Log capture: every rejection must say why, and the tests check that it names the field.
 */

static char last_error[CELLA_LOG_MESSAGE_MAX_BYTES];

static void record_error(void *context, cella_log_level_t level, const char *message)
{
    (void)context;
    if (level == CELLA_LOG_ERROR)
        snprintf(last_error, sizeof(last_error), "%s", message);
}

static int capture_log(void **state)
{
    (void)state;
    last_error[0] = '\0';
    cella_log_set_handler(record_error, NULL);
    cella_log_set_level(CELLA_LOG_ERROR);
    return 0;
}

static int release_log(void **state)
{
    (void)state;
    cella_log_set_handler(NULL, NULL);
    return 0;
}

/*
 * Synthetic documents. Written with ' for " so they stay readable; json_text() swaps them.
 * The signature is never checked by the parser, so any 128 hex digits do.
 */

/* A heap copy of text with every ' turned into ". */
static char *json_text(const char *text)
{
    size_t size = strlen(text);
    char *copy = malloc(size + 1);

    assert_non_null(copy);
    for (size_t i = 0; i <= size; i++)
        copy[i] = text[i] == '\'' ? '"' : text[i];
    return copy;
}

/* Mixed case on purpose: both are hex. Bytes 00 11 22 ... ff, four times. */
#define SIG_HEX_32 "00112233445566778899AaBbCcDdEeFf"
#define SIG_HEX    SIG_HEX_32 SIG_HEX_32 SIG_HEX_32 SIG_HEX_32

#define ZERO_COMPONENTS                                                                \
    "{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0}," \
    "{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0}"
#define DESCENDING_COMPONENTS                                                              \
    "{'svn':16,'category':'BIOS','type':'Early Microcode Update'},{'svn':15},{'svn':14},"  \
    "{'svn':13},{'svn':12},{'svn':11},{'svn':10},{'svn':9},{'svn':8},{'svn':7},{'svn':6}," \
    "{'svn':5},{'svn':4},{'svn':3},{'svn':2},{'svn':1}"

/* Listed first, sorted last. */
#define V3_LEVEL_LOW                                                                            \
    "{'tcb':{'sgxtcbcomponents':[" ZERO_COMPONENTS "],'pcesvn':7},'tcbDate':'2019-05-15T00:00:" \
    "00Z','tcbStatus':'OutOfDate','advisoryIDs':['INTEL-SA-00219','INTEL-SA-00289']}"
#define V3_LEVEL_HIGH                                                                         \
    "{'tcb':{'sgxtcbcomponents':[" DESCENDING_COMPONENTS "],'pcesvn':65535},'tcbDate':'2023-" \
    "08-08T00:00:00Z','tcbStatus':'UpToDate','advisoryIDs':[]}"
#define V3_LEVELS "'tcbLevels':[" V3_LEVEL_LOW "," V3_LEVEL_HIGH "]"

static const char tcb_info_v3[] =
    "{'tcbInfo':{'id':'SGX','version':3,'issueDate':'2024-01-02T03:04:05Z',"
    "'nextUpdate':'2024-02-01T03:04:05.000Z','fmspc':'00906eD50000','pceId':'A1b2',"
    "'tcbType':0,'tcbEvaluationDataNumber':17," V3_LEVELS "},'signature':'" SIG_HEX "'}";

#define V2_COMPONENTS                                                                  \
    "'sgxtcbcomp01svn':2,'sgxtcbcomp02svn':3,'sgxtcbcomp03svn':0,'sgxtcbcomp04svn':0," \
    "'sgxtcbcomp05svn':0,'sgxtcbcomp06svn':1,'sgxtcbcomp07svn':1,'sgxtcbcomp08svn':0," \
    "'sgxtcbcomp09svn':0,'sgxtcbcomp10svn':0,'sgxtcbcomp11svn':0,'sgxtcbcomp12svn':0," \
    "'sgxtcbcomp13svn':0,'sgxtcbcomp14svn':0,'sgxtcbcomp15svn':0,'sgxtcbcomp16svn':9"

/* Two levels with the same components: PCESVN alone orders them (3 listed before 4). */
static const char tcb_info_v2[] =
    "{'tcbInfo':{'version':2,'issueDate':'2019-09-05T07:47:07Z',"
    "'nextUpdate':'2029-09-05T07:47:07Z','fmspc':'00707F000000','pceId':'0000','tcbType':0,"
    "'tcbEvaluationDataNumber':3,'tcbLevels':["
    "{'tcb':{" V2_COMPONENTS ",'pcesvn':3},'tcbDate':'2018-08-01T00:00:00Z',"
    "'tcbStatus':'ConfigurationNeeded'},"
    "{'tcb':{" V2_COMPONENTS ",'pcesvn':4},'tcbDate':'2019-09-01T00:00:00Z',"
    "'tcbStatus':'SWHardeningNeeded','advisoryIDs':['INTEL-SA-00615']}"
    "]},'signature':'" SIG_HEX "'}";

#define IDENTITY_LEVELS                                                                          \
    "'tcbLevels':[{'tcb':{'isvsvn':2},'tcbDate':'2019-05-15T00:00:00Z','tcbStatus':'OutOfDate'," \
    "'advisoryIDs':['INTEL-SA-00219']},{'tcb':{'isvsvn':8},'tcbDate':'2023-08-08T00:00:00Z',"    \
    "'tcbStatus':'UpToDate'}]"

static const char identity_v2[] =
    "{'enclaveIdentity':{'id':'QE','version':2,'issueDate':'2024-01-02T03:04:05Z',"
    "'nextUpdate':'2024-02-01T03:04:05Z','tcbEvaluationDataNumber':17,"
    "'miscselect':'D182B18C','miscselectMask':'FFFFFFFF',"
    "'attributes':'11000000000000000000000000000000',"
    "'attributesMask':'FBFFFFFFFFFFFFFF0000000000000000',"
    "'mrsigner':'8C4F5775D796503E96137F77C68A829A0056AC8DED70140B081B094490C57BFF',"
    "'isvprodid':1," IDENTITY_LEVELS "},'signature':'" SIG_HEX "'}";

static void expect_signature_bytes(const uint8_t signature[CELLA_COLLATERAL_SIGNATURE_BYTES])
{
    for (size_t i = 0; i < CELLA_COLLATERAL_SIGNATURE_BYTES; i++)
        assert_int_equal(signature[i], (i % 16) * 0x11);
}

/* The body the parser must report: from `start` up to just before `,"signature"`. */
static void expect_body(const char *json, const char *start_marker, const char *body,
                        size_t body_size)
{
    const char *start = strstr(json, start_marker);
    const char *end = strstr(json, ",\"signature\"");

    assert_non_null(start);
    assert_non_null(end);
    start += strlen(start_marker);
    assert_ptr_equal(body, start);
    assert_int_equal(body_size, (size_t)(end - start));
}

static void parse_time_or_fail(const char *text, int64_t *seconds)
{
    assert_int_equal(cella_collateral_parse_time(text, seconds), CELLA_OK);
}

/*
 * Success on synthetic documents
 */

static void tcb_info_parse_reads_every_field_of_a_version_3_document(void **state)
{
    char *json = json_text(tcb_info_v3);
    cella_tcb_info_t *info = NULL;
    int64_t seconds = 0;

    (void)state;
    assert_int_equal(cella_tcb_info_parse(json, strlen(json), &info), CELLA_OK);
    assert_int_equal(info->version, 3);
    assert_string_equal(info->id, "SGX");
    assert_int_equal(info->issue_date, 1704164645);
    assert_int_equal(info->next_update, 1706756645);
    assert_memory_equal(info->fmspc, "\x00\x90\x6e\xd5\x00\x00", 6);
    assert_memory_equal(info->pce_id, "\xa1\xb2", 2);
    assert_int_equal(info->tcb_type, 0);
    assert_int_equal(info->tcb_evaluation_data_number, 17);
    assert_int_equal(info->level_count, 2);

    /* Sorted: the level listed second has the higher components. */
    const cella_tcb_level_t *high = &info->levels[0];
    for (size_t i = 0; i < CELLA_TCB_COMPONENT_COUNT; i++)
        assert_int_equal(high->components[i], 16 - i);
    assert_int_equal(high->pce_svn, 65535);
    assert_int_equal(high->isv_svn, 0);
    parse_time_or_fail("2023-08-08T00:00:00Z", &seconds);
    assert_int_equal(high->tcb_date, seconds);
    assert_int_equal(high->status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_int_equal(high->advisory_count, 0);

    const cella_tcb_level_t *low = &info->levels[1];
    for (size_t i = 0; i < CELLA_TCB_COMPONENT_COUNT; i++)
        assert_int_equal(low->components[i], 0);
    assert_int_equal(low->pce_svn, 7);
    assert_int_equal(low->status, CELLA_TCB_STATUS_OUT_OF_DATE);
    assert_int_equal(low->advisory_count, 2);
    assert_string_equal(low->advisory_ids[0], "INTEL-SA-00219");
    assert_string_equal(low->advisory_ids[1], "INTEL-SA-00289");

    expect_body(json, "{\"tcbInfo\":", info->body, info->body_size);
    expect_signature_bytes(info->signature);
    cella_tcb_info_destroy(info);
    free(json);
}

static void
tcb_info_parse_reads_a_version_2_document_and_orders_equal_components_by_pcesvn(void **state)
{
    char *json = json_text(tcb_info_v2);
    cella_tcb_info_t *info = NULL;
    static const uint8_t components[CELLA_TCB_COMPONENT_COUNT] = {2, 3, 0, 0, 0, 1, 1, 0,
                                                                  0, 0, 0, 0, 0, 0, 0, 9};

    (void)state;
    assert_int_equal(cella_tcb_info_parse(json, strlen(json), &info), CELLA_OK);
    assert_int_equal(info->version, 2);
    assert_string_equal(info->id, "");
    assert_memory_equal(info->fmspc, "\x00\x70\x7f\x00\x00\x00", 6);
    assert_int_equal(info->tcb_evaluation_data_number, 3);
    assert_int_equal(info->level_count, 2);
    assert_memory_equal(info->levels[0].components, components, sizeof(components));
    assert_memory_equal(info->levels[1].components, components, sizeof(components));
    assert_int_equal(info->levels[0].pce_svn, 4);
    assert_int_equal(info->levels[0].status, CELLA_TCB_STATUS_SW_HARDENING_NEEDED);
    assert_int_equal(info->levels[0].advisory_count, 1);
    assert_string_equal(info->levels[0].advisory_ids[0], "INTEL-SA-00615");
    assert_int_equal(info->levels[1].pce_svn, 3);
    assert_int_equal(info->levels[1].status, CELLA_TCB_STATUS_CONFIGURATION_NEEDED);
    assert_int_equal(info->levels[1].advisory_count, 0);
    assert_null(info->levels[1].advisory_ids);
    expect_body(json, "{\"tcbInfo\":", info->body, info->body_size);
    cella_tcb_info_destroy(info);
    free(json);
}

/*
 * Whitespace everywhere, the signature first, and strings holding quotes, backslashes and
 * brackets: the body span still starts and ends exactly at the inner object's braces.
 */
static void tcb_info_parse_finds_the_body_in_spaced_and_reordered_text(void **state)
{
    static const char spaced[] =
        " \r\n{\n  'signature' : '" SIG_HEX "' ,\n  'tcbInfo' :\t{ 'id' : 'SGX' , 'version' : 3,"
        " 'issueDate':'2024-01-02T03:04:05Z', 'nextUpdate':'2024-02-01T03:04:05Z',"
        " 'fmspc':'00906ED50000', 'pceId':'0000', 'tcbType':0, 'tcbEvaluationDataNumber':17,"
        " 'tcbLevels' : [ { 'tcb' : { 'sgxtcbcomponents' : [ {'svn':1,"
        " 'category':'BIOS \\'}]{[\\\\', 'type':'\\u007d,\\'signature\\':'},"
        " {'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},"
        " {'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0},{'svn':0} ] ,"
        " 'pcesvn' : 1 } , 'tcbDate' : '2019-05-15T00:00:00Z', 'tcbStatus' : 'Revoked' } ]"
        " }  \n}\n";
    char *json = json_text(spaced);
    cella_tcb_info_t *info = NULL;

    (void)state;
    assert_int_equal(cella_tcb_info_parse(json, strlen(json), &info), CELLA_OK);
    const char *start = strstr(json, "{ \"id\"");
    const char *end = strstr(json, "} ] }") + strlen("} ] }");
    assert_ptr_equal(info->body, start);
    assert_int_equal(info->body_size, (size_t)(end - start));
    assert_int_equal(info->levels[0].components[0], 1);
    assert_int_equal(info->levels[0].status, CELLA_TCB_STATUS_REVOKED);
    expect_signature_bytes(info->signature);
    cella_tcb_info_destroy(info);
    free(json);
}

static void enclave_identity_parse_reads_every_field(void **state)
{
    char *json = json_text(identity_v2);
    cella_enclave_identity_t *identity = NULL;
    int64_t seconds = 0;

    (void)state;
    assert_int_equal(cella_enclave_identity_parse(json, strlen(json), &identity), CELLA_OK);
    assert_int_equal(identity->version, 2);
    assert_string_equal(identity->id, "QE");
    assert_int_equal(identity->issue_date, 1704164645);
    assert_int_equal(identity->next_update, 1706756645);
    assert_int_equal(identity->tcb_evaluation_data_number, 17);
    /* The bytes in the order the hex spells them. */
    assert_memory_equal(identity->miscselect, "\xd1\x82\xb1\x8c", 4);
    assert_memory_equal(identity->miscselect_mask, "\xff\xff\xff\xff", 4);
    assert_memory_equal(identity->attributes, "\x11\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    assert_memory_equal(identity->attributes_mask,
                        "\xfb\xff\xff\xff\xff\xff\xff\xff\0\0\0\0\0\0\0\0", 16);
    assert_int_equal(identity->mrsigner[0], 0x8c);
    assert_int_equal(identity->mrsigner[31], 0xff);
    assert_int_equal(identity->isv_prod_id, 1);
    assert_int_equal(identity->level_count, 2);
    assert_int_equal(identity->levels[0].isv_svn, 8);
    assert_int_equal(identity->levels[0].status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_int_equal(identity->levels[0].advisory_count, 0);
    parse_time_or_fail("2023-08-08T00:00:00Z", &seconds);
    assert_int_equal(identity->levels[0].tcb_date, seconds);
    assert_int_equal(identity->levels[1].isv_svn, 2);
    assert_int_equal(identity->levels[1].pce_svn, 0);
    assert_int_equal(identity->levels[1].status, CELLA_TCB_STATUS_OUT_OF_DATE);
    assert_int_equal(identity->levels[1].advisory_count, 1);
    assert_string_equal(identity->levels[1].advisory_ids[0], "INTEL-SA-00219");
    expect_body(json, "{\"enclaveIdentity\":", identity->body, identity->body_size);
    expect_signature_bytes(identity->signature);
    cella_enclave_identity_destroy(identity);
    free(json);
}

/*
 * Mutations of the synthetic documents: one edit each, and what the parser must say.
 */

struct mutation {
    const char *description;
    const char *find;    /* first occurrence is replaced; must occur */
    const char *replace; /* ' for " as in the documents */
    cella_result_t expected;
    const char *log_fragment; /* in the error message; NULL when expected is CELLA_OK */
};

/* A heap copy of base with the first `find` replaced by `replace`, quotes swapped. */
static char *mutate(const char *base, const struct mutation *mutation)
{
    const char *at = strstr(base, mutation->find);

    if (at == NULL)
        fail_msg("%s: \"%s\" is not in the document", mutation->description, mutation->find);
    size_t prefix = (size_t)(at - base);
    size_t find_size = strlen(mutation->find);
    size_t replace_size = strlen(mutation->replace);
    size_t rest = strlen(at + find_size);
    char *edited = malloc(prefix + replace_size + rest + 1);
    assert_non_null(edited);
    memcpy(edited, base, prefix);
    memcpy(edited + prefix, mutation->replace, replace_size);
    memcpy(edited + prefix + replace_size, at + find_size, rest + 1);
    char *json = json_text(edited);
    free(edited);
    return json;
}

typedef cella_result_t (*parse_fn)(const char *json, size_t json_size, void **out);
typedef void (*destroy_fn)(void *object);

static cella_result_t parse_tcb_info(const char *json, size_t json_size, void **out)
{
    cella_tcb_info_t *info = (cella_tcb_info_t *)*out;
    cella_result_t r = cella_tcb_info_parse(json, json_size, &info);
    *out = info;
    return r;
}

static void destroy_tcb_info(void *object)
{
    cella_tcb_info_destroy(object);
}

static cella_result_t parse_identity(const char *json, size_t json_size, void **out)
{
    cella_enclave_identity_t *identity = (cella_enclave_identity_t *)*out;
    cella_result_t r = cella_enclave_identity_parse(json, json_size, &identity);
    *out = identity;
    return r;
}

static void destroy_identity(void *object)
{
    cella_enclave_identity_destroy(object);
}

/* Parses json; checks the result, that *out is untouched on failure, and the log. */
static void expect_parse(parse_fn parse, destroy_fn destroy, const char *description,
                         const char *json, size_t json_size, cella_result_t expected,
                         const char *log_fragment)
{
    static int sentinel;
    void *out = &sentinel;

    last_error[0] = '\0';
    cella_result_t r = parse(json, json_size, &out);
    if (r != expected)
        fail_msg("%s: got \"%s\", expected \"%s\" (log: %s)", description, cella_result_str(r),
                 cella_result_str(expected), last_error);
    if (expected == CELLA_OK) {
        assert_ptr_not_equal(out, &sentinel);
        destroy(out);
        return;
    }
    if (out != &sentinel)
        fail_msg("%s: *out was written on failure", description);
    if (log_fragment != NULL && strstr(last_error, log_fragment) == NULL)
        fail_msg("%s: the log \"%s\" does not say \"%s\"", description, last_error, log_fragment);
}

static void run_mutations(parse_fn parse, destroy_fn destroy, const char *base,
                          const struct mutation *mutations, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char *json = mutate(base, &mutations[i]);
        expect_parse(parse, destroy, mutations[i].description, json, strlen(json),
                     mutations[i].expected, mutations[i].log_fragment);
        free(json);
    }
}

#define INVALID CELLA_ERR_INVALID_FORMAT

static const struct mutation tcb_info_v3_mutations[] = {
    /* Fields present, absent, unknown, repeated. */
    {"a missing field", "'pceId':'A1b2',", "", INVALID, "tcbInfo.pceId is missing"},
    {"a missing id", "'id':'SGX',", "", INVALID, "tcbInfo.id is missing"},
    {"an unknown field in the body", "'tcbType':0,", "'tcbType':0,'tcbTypes':0,", INVALID,
     "tcbInfo has an unknown field \"tcbTypes\""},
    {"an unknown top-level field", "]},'signature'", "]},'comment':'x','signature'", INVALID,
     "the top level has an unknown field \"comment\""},
    {"a duplicate field", "'tcbType':0,", "'tcbType':0,'tcbType':0,", INVALID,
     "duplicate object key"},
    {"the body key twice", "{'tcbInfo':", "{'tcbInfo':{},'tcbInfo':", INVALID,
     "duplicate object key"},
    {"the body key escaped", "{'tcbInfo':", "{'tcb\\u0049nfo':", INVALID,
     "escaped or repeated keys"},
    {"the body key escaped beside a plain one",
     "{'tcbInfo':", "{'tcb\\u0049nfo':{},'tcbInfo':", INVALID, "duplicate object key"},
    {"no body", "{'tcbInfo':", "{'tcbInfos':", INVALID, "unknown field \"tcbInfos\""},
    {"a missing level field", ",'tcbStatus':'OutOfDate'", "", INVALID,
     "tcbInfo.tcbLevels[0].tcbStatus is missing"},
    {"an unknown level field", "'tcbDate':'2019-05-15T00:00:00Z'",
     "'tcbDate':'2019-05-15T00:00:00Z','tcbComment':1", INVALID,
     "tcbInfo.tcbLevels[0] has an unknown field \"tcbComment\""},
    {"TDX components in an SGX level", ",'pcesvn':7", ",'pcesvn':7,'tdxtcbcomponents':[]", INVALID,
     "tcbInfo.tcbLevels[0].tcb has an unknown field \"tdxtcbcomponents\""},
    {"a missing pcesvn", ",'pcesvn':7", "", INVALID, "tcbLevels[0].tcb.pcesvn is missing"},
    {"a component without svn", "{'svn':2}", "{'category':'BIOS'}", INVALID,
     "sgxtcbcomponents[14].svn is missing"},
    {"an unknown component field", "{'svn':2}", "{'svn':2,'level':1}", INVALID,
     "sgxtcbcomponents[14] has an unknown field \"level\""},

    /* Types. */
    {"a version that is a string", "'version':3", "'version':'3'", INVALID,
     "tcbInfo.version is a string, not an integer"},
    {"a version that is a real number", "'version':3", "'version':3.0", INVALID,
     "tcbInfo.version is a real number, not an integer"},
    {"an fmspc that is a number", "'fmspc':'00906eD50000'", "'fmspc':906", INVALID,
     "tcbInfo.fmspc is an integer, not a string"},
    {"levels that are an object", V3_LEVELS, "'tcbLevels':{}", INVALID,
     "tcbInfo.tcbLevels is an object, not an array"},
    {"a level that is a number", V3_LEVEL_LOW, "7", INVALID,
     "tcbInfo.tcbLevels[0] is an integer, not an object"},
    {"a tcb that is null", "'tcb':{'sgxtcbcomponents':[" ZERO_COMPONENTS "],'pcesvn':7}",
     "'tcb':null", INVALID, "tcbInfo.tcbLevels[0].tcb is null, not an object"},
    {"a component that is a number", "{'svn':2}", "2", INVALID,
     "sgxtcbcomponents[14] is an integer, not an object"},
    {"components that are an object", "'sgxtcbcomponents':[" ZERO_COMPONENTS "]",
     "'sgxtcbcomponents':{}", INVALID,
     "tcbLevels[0].tcb.sgxtcbcomponents is an object, not an array"},
    {"an svn that is a string", "{'svn':2}", "{'svn':'2'}", INVALID,
     "svn is a string, not an integer"},
    {"a category that is a number", "'category':'BIOS'", "'category':7", INVALID,
     "sgxtcbcomponents[0].category is an integer, not a string"},
    {"a status that is a number", "'tcbStatus':'OutOfDate'", "'tcbStatus':4", INVALID,
     "tcbStatus is an integer, not a string"},
    {"advisories that are a string", "'advisoryIDs':[]", "'advisoryIDs':'INTEL-SA-00219'", INVALID,
     "tcbLevels[1].advisoryIDs is a string, not an array"},
    {"an advisory that is a number", "'INTEL-SA-00289'", "289", INVALID,
     "tcbLevels[0].advisoryIDs[1] is an integer, not a string"},
    {"a signature that is a number", "'signature':'" SIG_HEX "'", "'signature':1", INVALID,
     "signature is an integer, not a string"},
    {"a date that is a number", "'issueDate':'2024-01-02T03:04:05Z'", "'issueDate':1704164645",
     INVALID, "tcbInfo.issueDate is an integer, not a string"},

    /* Versions, ids and types the parser does not support. */
    {"version 4", "'version':3", "'version':4", CELLA_ERR_UNSUPPORTED,
     "version 4 is not supported"},
    {"version 1", "'version':3", "'version':1", CELLA_ERR_UNSUPPORTED,
     "version 1 is not supported"},
    {"version 2 with an id", "'version':3", "'version':2", INVALID,
     "tcbInfo has an unknown field \"id\""},
    {"version 3 with version 2 components", "'sgxtcbcomponents':[" ZERO_COMPONENTS "]",
     "'sgxtcbcomp01svn':0", INVALID, "unknown field \"sgxtcbcomp01svn\""},
    {"id TDX", "'id':'SGX'", "'id':'TDX'", CELLA_ERR_UNSUPPORTED, "\"TDX\" is not supported"},
    {"id in lower case", "'id':'SGX'", "'id':'sgx'", INVALID, "id \"sgx\" is not \"SGX\""},
    {"tcbType 1", "'tcbType':0", "'tcbType':1", CELLA_ERR_UNSUPPORTED,
     "tcbType 1 is not supported"},

    /* Numbers out of range. */
    {"a negative evaluation number", "'tcbEvaluationDataNumber':17", "'tcbEvaluationDataNumber':-1",
     INVALID, "tcbEvaluationDataNumber is -1, not in"},
    {"an evaluation number past 32 bits", "'tcbEvaluationDataNumber':17",
     "'tcbEvaluationDataNumber':4294967296", INVALID, "is 4294967296, not in"},
    {"an integer too large for JSON parsing", "'tcbEvaluationDataNumber':17",
     "'tcbEvaluationDataNumber':99999999999999999999", INVALID, "too big integer"},
    {"svn 256", "{'svn':16,", "{'svn':256,", INVALID,
     "sgxtcbcomponents[0].svn is 256, not in [0, 255]"},
    {"a negative svn", "{'svn':2}", "{'svn':-1}", INVALID, "svn is -1, not in [0, 255]"},
    {"pcesvn 65536", "'pcesvn':65535", "'pcesvn':65536", INVALID,
     "tcb.pcesvn is 65536, not in [0, 65535]"},

    /* Component counts. */
    {"15 components", "{'svn':2},{'svn':1}]", "{'svn':2}]", INVALID,
     "tcbLevels[1].tcb.sgxtcbcomponents has 15 entries, not 16"},
    {"17 components", "{'svn':2},{'svn':1}]", "{'svn':2},{'svn':1},{'svn':0}]", INVALID,
     "has 17 entries, not 16"},
    {"no components", "'sgxtcbcomponents':[" ZERO_COMPONENTS "]", "'sgxtcbcomponents':[]", INVALID,
     "has 0 entries, not 16"},

    /* Levels. */
    {"no levels", V3_LEVELS, "'tcbLevels':[]", INVALID, "tcbInfo.tcbLevels is empty"},
    {"two levels with the same TCB", V3_LEVEL_HIGH, V3_LEVEL_LOW, INVALID,
     "two levels with the same TCB"},
    {"an unknown status", "'tcbStatus':'UpToDate'", "'tcbStatus':'UpToDat'", INVALID,
     "tcbLevels[1].tcbStatus \"UpToDat\" is not a known"},
    {"a TDX status", "'tcbStatus':'UpToDate'", "'tcbStatus':'TDRelaunchAdvised'", INVALID,
     "\"TDRelaunchAdvised\" is not a known"},
    {"a status in lower case", "'tcbStatus':'OutOfDate'", "'tcbStatus':'outofdate'", INVALID,
     "is not a known"},
    {"an advisory ID of 32 characters", "'INTEL-SA-00289'", "'INTEL-SA-00289-abcdefghijklmnopq'",
     INVALID, "advisoryIDs[1]"},
    {"an empty advisory ID", "'INTEL-SA-00289'", "''", INVALID, "advisoryIDs[1]"},
    {"an advisory ID with a space", "'INTEL-SA-00289'", "'INTEL SA-00289'", INVALID,
     "advisoryIDs[1]"},

    /* Dates. */
    {"February 30", "'issueDate':'2024-01-02T03:04:05Z'", "'issueDate':'2024-02-30T03:04:05Z'",
     INVALID, "tcbInfo.issueDate \"2024-02-30T03:04:05Z\" is not"},
    {"a date without Z", "'issueDate':'2024-01-02T03:04:05Z'", "'issueDate':'2024-01-02T03:04:05'",
     INVALID, "issueDate"},
    {"a date with +00:00", "'issueDate':'2024-01-02T03:04:05Z'",
     "'issueDate':'2024-01-02T03:04:05+00:00'", INVALID, "issueDate"},
    {"a date with -05:00", "T03:04:05.000Z'", "T03:04:05.000-05:00'", INVALID, "nextUpdate"},
    {"a level date without time", "'tcbDate':'2019-05-15T00:00:00Z'", "'tcbDate':'2019-05-15'",
     INVALID, "tcbLevels[0].tcbDate"},
    {"nextUpdate before issueDate", "'nextUpdate':'2024-02-01", "'nextUpdate':'2023-02-01", INVALID,
     "nextUpdate is before its issueDate"},

    /* Hex. */
    {"an fmspc two digits short", "'fmspc':'00906eD50000'", "'fmspc':'00906eD500'", INVALID,
     "tcbInfo.fmspc has 10 characters, not the 12 hex digits of 6 bytes"},
    {"an fmspc two digits long", "'fmspc':'00906eD50000'", "'fmspc':'00906eD5000000'", INVALID,
     "fmspc has 14 characters"},
    {"an fmspc that is not hex", "'fmspc':'00906eD50000'", "'fmspc':'00906eD5000g'", INVALID,
     "tcbInfo.fmspc is not hex"},
    {"a pceId of 3 digits", "'pceId':'A1b2'", "'pceId':'A1b'", INVALID, "pceId has 3"},
    {"a signature that is not hex", "'signature':'00", "'signature':'zz", INVALID,
     "signature is not 128 hex digits"},
    {"a signature one digit short", "'signature':'00", "'signature':'0", INVALID,
     "signature is not 128 hex digits"},
    {"a signature one digit long", "'signature':'00", "'signature':'000", INVALID,
     "signature is not 128 hex digits"},
    {"no signature", ",'signature':'" SIG_HEX "'", "", INVALID, "signature is missing"},

    /* Raw text the JSON grammar refuses. */
    {"a control character in a string", "'fmspc':'00906eD50000'", "'fmspc':'00906e\tD50000'",
     INVALID, "not valid JSON"},

    /* Boundaries that must still pass. */
    {"svn 255", "{'svn':16,", "{'svn':255,", CELLA_OK, NULL},
    {"pcesvn 0", "'pcesvn':65535", "'pcesvn':0", CELLA_OK, NULL},
    {"an advisory ID of 31 characters", "'INTEL-SA-00289'", "'INTEL-SA-00289-abcdefghijklmnop'",
     CELLA_OK, NULL},
    {"levels without advisories", ",'advisoryIDs':['INTEL-SA-00219','INTEL-SA-00289']", "",
     CELLA_OK, NULL},
    {"an evaluation number of 2^32 - 1", "'tcbEvaluationDataNumber':17",
     "'tcbEvaluationDataNumber':4294967295", CELLA_OK, NULL},
    {"nextUpdate equal to issueDate", "'nextUpdate':'2024-02-01T03:04:05.000Z'",
     "'nextUpdate':'2024-01-02T03:04:05Z'", CELLA_OK, NULL},
    {"a lower-case signature", "'signature':'" SIG_HEX "'",
     "'signature':'" SIG_HEX_32 SIG_HEX_32 SIG_HEX_32 "00112233445566778899aabbccddeeff'", CELLA_OK,
     NULL},
};

static void tcb_info_parse_rejects_each_broken_field(void **state)
{
    (void)state;
    run_mutations(parse_tcb_info, destroy_tcb_info, tcb_info_v3, tcb_info_v3_mutations,
                  ARRAY_COUNT(tcb_info_v3_mutations));
}

static const struct mutation tcb_info_v2_mutations[] = {
    {"a missing component", ",'sgxtcbcomp16svn':9", "", INVALID,
     "tcbLevels[0].tcb.sgxtcbcomp16svn is missing"},
    {"a seventeenth component", ",'sgxtcbcomp16svn':9", ",'sgxtcbcomp16svn':9,'sgxtcbcomp17svn':0",
     INVALID, "unknown field \"sgxtcbcomp17svn\""},
    {"a component of 256", "'sgxtcbcomp02svn':3", "'sgxtcbcomp02svn':256", INVALID,
     "sgxtcbcomp02svn is 256"},
    {"a component that is a string", "'sgxtcbcomp02svn':3", "'sgxtcbcomp02svn':'3'", INVALID,
     "sgxtcbcomp02svn is a string"},
    {"version 3 components in version 2", "'sgxtcbcomp01svn':2,",
     "'sgxtcbcomponents':[],'sgxtcbcomp01svn':2,", INVALID, "unknown field \"sgxtcbcomponents\""},
    {"an id in version 2", "'version':2", "'id':'SGX','version':2", INVALID,
     "tcbInfo has an unknown field \"id\""},
    {"two levels with the same TCB", "'pcesvn':3", "'pcesvn':4", INVALID,
     "two levels with the same TCB"},
    {"a TDX id in version 2 is still an unknown field", "'version':2", "'id':'TDX','version':2",
     INVALID, "unknown field \"id\""},
};

static void tcb_info_parse_rejects_each_broken_version_2_field(void **state)
{
    (void)state;
    run_mutations(parse_tcb_info, destroy_tcb_info, tcb_info_v2, tcb_info_v2_mutations,
                  ARRAY_COUNT(tcb_info_v2_mutations));
}

static const struct mutation identity_mutations[] = {
    {"an unknown id", "'id':'QE'", "'id':'PCE'", INVALID, "id \"PCE\" is not QE, QVE or TD_QE"},
    {"a missing id", "'id':'QE',", "", INVALID, "enclaveIdentity.id is missing"},
    {"version 1", "'version':2", "'version':1", CELLA_ERR_UNSUPPORTED, "version 1"},
    {"version 3", "'version':2", "'version':3", CELLA_ERR_UNSUPPORTED, "version 3"},
    {"a version that is a string", "'version':2", "'version':'2'", INVALID, "version is a string"},
    {"an unknown field", "'isvprodid':1,", "'isvprodid':1,'isvsvn':1,", INVALID,
     "enclaveIdentity has an unknown field \"isvsvn\""},
    {"a duplicate field", "'isvprodid':1,", "'isvprodid':1,'isvprodid':1,", INVALID,
     "duplicate object key"},
    {"a missing mrsigner",
     "'mrsigner':'8C4F5775D796503E96137F77C68A829A0056AC8DED70140B081B09"
     "4490C57BFF',",
     "", INVALID, "enclaveIdentity.mrsigner is missing"},
    {"a missing miscselectMask", "'miscselectMask':'FFFFFFFF',", "", INVALID,
     "miscselectMask is missing"},
    {"a miscselect of 6 digits", "'miscselect':'D182B18C'", "'miscselect':'D182B1'", INVALID,
     "miscselect has 6 characters, not the 8 hex digits of 4 bytes"},
    {"a miscselect of 10 digits", "'miscselect':'D182B18C'", "'miscselect':'D182B18C00'", INVALID,
     "miscselect has 10"},
    {"a miscselect that is not hex", "'miscselect':'D182B18C'", "'miscselect':'D182B18X'", INVALID,
     "miscselect is not hex"},
    {"attributes of 30 digits", "'attributes':'11000000000000000000000000000000'",
     "'attributes':'110000000000000000000000000000'", INVALID, "attributes has 30"},
    {"an attributes mask of 34 digits", "'attributesMask':'FBFFFFFFFFFFFFFF0000000000000000'",
     "'attributesMask':'FBFFFFFFFFFFFFFF000000000000000000'", INVALID, "attributesMask has 34"},
    {"an mrsigner of 62 digits", "C57BFF'", "C57B'", INVALID, "mrsigner has 62"},
    {"an mrsigner that is a number",
     "'mrsigner':'8C4F5775D796503E96137F77C68A829A0056AC8DED70140B081B094490C57BFF'",
     "'mrsigner':8", INVALID, "enclaveIdentity.mrsigner is an integer, not a string"},
    {"isvprodid 65536", "'isvprodid':1", "'isvprodid':65536", INVALID,
     "isvprodid is 65536, not in [0, 65535]"},
    {"a negative isvprodid", "'isvprodid':1", "'isvprodid':-1", INVALID, "isvprodid is -1"},
    {"isvsvn 65536", "'isvsvn':8", "'isvsvn':65536", INVALID, "tcbLevels[1].tcb.isvsvn is 65536"},
    {"a missing isvsvn", "{'isvsvn':2}", "{}", INVALID, "tcbLevels[0].tcb.isvsvn is missing"},
    {"a pcesvn in an identity level", "{'isvsvn':2}", "{'isvsvn':2,'pcesvn':1}", INVALID,
     "tcbLevels[0].tcb has an unknown field \"pcesvn\""},
    {"two levels with the same isvsvn", "'isvsvn':8", "'isvsvn':2", INVALID,
     "two levels with the same TCB"},
    {"no levels", IDENTITY_LEVELS, "'tcbLevels':[]", INVALID, "enclaveIdentity.tcbLevels is empty"},
    {"an unknown status", "'tcbStatus':'UpToDate'", "'tcbStatus':'Fine'", INVALID,
     "\"Fine\" is not a known"},
    {"February 30 in a level", "'tcbDate':'2019-05-15T00:00:00Z'",
     "'tcbDate':'2019-02-30T00:00:00Z'", INVALID, "tcbLevels[0].tcbDate"},
    {"an offset in issueDate", "'issueDate':'2024-01-02T03:04:05Z'",
     "'issueDate':'2024-01-02T03:04:05+01:00'", INVALID, "issueDate"},
    {"the body key escaped", "{'enclaveIdentity':", "{'enclave\\u0049dentity':", INVALID,
     "escaped or repeated keys"},
    {"the body key twice", "{'enclaveIdentity':", "{'enclaveIdentity':{},'enclaveIdentity':",
     INVALID, "duplicate object key"},
    {"a signature that is not hex", "'signature':'00", "'signature':'0g", INVALID,
     "signature is not 128 hex digits"},
    {"the QVE id", "'id':'QE'", "'id':'QVE'", CELLA_OK, NULL},
    {"the TD_QE id", "'id':'QE'", "'id':'TD_QE'", CELLA_OK, NULL},
    {"isvsvn 65535", "'isvsvn':8", "'isvsvn':65535", CELLA_OK, NULL},
    {"lower-case hex", "'mrsigner':'8C4F5775D796503E96137F77C68A829A",
     "'mrsigner':'8c4f5775d796503e96137f77c68a829a", CELLA_OK, NULL},
};

static void enclave_identity_parse_rejects_each_broken_field(void **state)
{
    (void)state;
    run_mutations(parse_identity, destroy_identity, identity_v2, identity_mutations,
                  ARRAY_COUNT(identity_mutations));
}

/* Whole documents that are not the expected shape at all. */
static void parsers_reject_documents_of_the_wrong_shape(void **state)
{
    static const struct {
        const char *description;
        const char *json;
        const char *log_fragment;
    } cases[] = {
        {"an array", "[1]", "the top level is an array, not an object"},
        {"a string", "'tcbInfo'", "not valid JSON"},
        {"null", "null", "not valid JSON"},
        {"an empty object", "{}", "is missing"},
        {"half an object", "{'tcbInfo':{", "not valid JSON"},
        {"a body that is an array", "{'tcbInfo':[],'enclaveIdentity':[],'signature':'00'}",
         "unknown field"},
        {"a byte-order mark", "\xef\xbb\xbf{}", "not valid JSON"},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(cases); i++) {
        char *json = json_text(cases[i].json);
        expect_parse(parse_tcb_info, destroy_tcb_info, cases[i].description, json, strlen(json),
                     INVALID, cases[i].log_fragment);
        expect_parse(parse_identity, destroy_identity, cases[i].description, json, strlen(json),
                     INVALID, cases[i].log_fragment);
        free(json);
    }

    /* Each parser refuses the other's document: its body key is unknown there. */
    char *tcb_info = json_text(tcb_info_v3);
    char *identity = json_text(identity_v2);
    expect_parse(parse_identity, destroy_identity, "a TCB Info as an identity", tcb_info,
                 strlen(tcb_info), INVALID, "unknown field \"tcbInfo\"");
    expect_parse(parse_tcb_info, destroy_tcb_info, "an identity as a TCB Info", identity,
                 strlen(identity), INVALID, "unknown field \"enclaveIdentity\"");

    /* A body that is not an object, with the right keys around it. */
    char *array_body = json_text("{'tcbInfo':[],'signature':'" SIG_HEX "'}");
    expect_parse(parse_tcb_info, destroy_tcb_info, "an array body", array_body, strlen(array_body),
                 INVALID, "tcbInfo is an array, not an object");
    free(array_body);
    free(tcb_info);
    free(identity);
}

static void parsers_reject_anything_after_the_document(void **state)
{
    static const char *const suffixes[] = {"x", "}", "{}", ",", "\0"};
    char *json = json_text(tcb_info_v3);
    size_t size = strlen(json);
    char *longer = malloc(size + 3);

    (void)state;
    assert_non_null(longer);
    for (size_t i = 0; i < ARRAY_COUNT(suffixes); i++) {
        size_t suffix_size = suffixes[i][0] == '\0' ? 1 : strlen(suffixes[i]);
        memcpy(longer, json, size);
        memcpy(longer + size, suffixes[i], suffix_size);
        expect_parse(parse_tcb_info, destroy_tcb_info, suffixes[i], longer, size + suffix_size,
                     INVALID, "not valid JSON");
    }
    /* Trailing whitespace is part of JSON text. */
    memcpy(longer, json, size);
    memcpy(longer + size, " \n", 2);
    expect_parse(parse_tcb_info, destroy_tcb_info, "trailing whitespace", longer, size + 2,
                 CELLA_OK, NULL);
    /* A prefix is not a document. */
    expect_parse(parse_tcb_info, destroy_tcb_info, "one byte short", json, size - 1, INVALID,
                 "not valid JSON");
    free(longer);
    free(json);
}

static void parsers_refuse_input_larger_than_the_limit(void **state)
{
    char *json = json_text(tcb_info_v3);
    size_t size = strlen(json);
    char *padded = malloc(CELLA_COLLATERAL_MAX_BYTES + 1);

    (void)state;
    assert_non_null(padded);
    memcpy(padded, json, size);
    memset(padded + size, ' ', CELLA_COLLATERAL_MAX_BYTES + 1 - size);
    /* Exactly the limit (whitespace after the object) is still accepted. */
    expect_parse(parse_tcb_info, destroy_tcb_info, "the limit", padded, CELLA_COLLATERAL_MAX_BYTES,
                 CELLA_OK, NULL);
    expect_parse(parse_tcb_info, destroy_tcb_info, "one byte over", padded,
                 CELLA_COLLATERAL_MAX_BYTES + 1, INVALID, "1048577 bytes");
    expect_parse(parse_identity, destroy_identity, "one byte over", padded,
                 CELLA_COLLATERAL_MAX_BYTES + 1, INVALID, "1048577 bytes");
    expect_parse(parse_tcb_info, destroy_tcb_info, "empty", padded, 0, INVALID, "0 bytes");
    free(padded);
    free(json);
}

static void parsers_reject_null_arguments(void **state)
{
    char *json = json_text(tcb_info_v3);
    cella_tcb_info_t *info = NULL;
    cella_enclave_identity_t *identity = NULL;

    (void)state;
    assert_int_equal(cella_tcb_info_parse(NULL, 10, &info), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_tcb_info_parse(json, strlen(json), NULL), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_enclave_identity_parse(NULL, 10, &identity), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_enclave_identity_parse(json, strlen(json), NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
    assert_null(info);
    assert_null(identity);
    /* destroy(NULL) is a no-op. */
    cella_tcb_info_destroy(NULL);
    cella_enclave_identity_destroy(NULL);
    free(json);
}

/*
 * jansson allocation failures: each fails the parse cleanly, without writing *out or leaking
 * (ASan checks that). jansson reports some of them as syntax errors, so those come back as
 * invalid format rather than out of memory.
 */

static size_t allocations_left;

static void *failing_malloc(size_t size)
{
    if (allocations_left == 0)
        return NULL;
    allocations_left--;
    return malloc(size);
}

static void parsers_report_out_of_memory_from_the_json_parser(void **state)
{
    char *documents[2] = {json_text(tcb_info_v3), json_text(identity_v2)};
    parse_fn parsers[2] = {parse_tcb_info, parse_identity};
    destroy_fn destroyers[2] = {destroy_tcb_info, destroy_identity};

    (void)state;
    for (size_t d = 0; d < 2; d++) {
        size_t budget = 0;
        size_t out_of_memory_count = 0;
        for (;; budget++) {
            void *out = NULL;
            allocations_left = budget;
            json_set_alloc_funcs(failing_malloc, free);
            cella_result_t r = parsers[d](documents[d], strlen(documents[d]), &out);
            json_set_alloc_funcs(malloc, free);
            if (r == CELLA_OK) {
                destroyers[d](out);
                break;
            }
            assert_true(r == CELLA_ERR_OUT_OF_MEMORY || r == CELLA_ERR_INVALID_FORMAT);
            out_of_memory_count += r == CELLA_ERR_OUT_OF_MEMORY;
            assert_null(out);
        }
        /* The loop did fail allocations, and some were reported as such. */
        assert_true(budget > 10);
        assert_true(out_of_memory_count > 0);
        free(documents[d]);
    }
}

/*
 * cella_collateral_parse_time
 */

static void parse_time_converts_valid_times(void **state)
{
    static const struct {
        const char *text;
        int64_t seconds;
    } cases[] = {
        {"1970-01-01T00:00:00Z", 0},
        {"1969-12-31T23:59:59Z", -1},
        {"0001-01-01T00:00:00Z", -62135596800},
        {"2000-02-29T00:00:00Z", 951782400},  /* leap day of a year divisible by 400 */
        {"2024-02-29T12:00:00Z", 1709208000}, /* leap day */
        {"2024-03-01T00:00:00Z", 1709251200}, /* the day after it */
        {"2022-12-19T09:40:10Z", 1671442810}, /* a real TCB Info issueDate */
        {"2099-12-31T23:59:59Z", 4102444799},
        {"9999-12-31T23:59:59Z", 253402300799},
        {"2022-12-19T09:40:10.000Z", 1671442810}, /* fractional seconds are dropped */
        {"2022-12-19T09:40:10.9Z", 1671442810},
        {"2022-12-19T09:40:10.999999999Z", 1671442810},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(cases); i++) {
        int64_t seconds = 12345;
        if (cella_collateral_parse_time(cases[i].text, &seconds) != CELLA_OK)
            fail_msg("%s was rejected", cases[i].text);
        if (seconds != cases[i].seconds)
            fail_msg("%s: %lld, expected %lld", cases[i].text, (long long)seconds,
                     (long long)cases[i].seconds);
    }
}

static void parse_time_rejects_malformed_and_impossible_times(void **state)
{
    static const char *const cases[] = {
        "",
        "2023-02-29T00:00:00Z", /* not a leap year */
        "2100-02-29T00:00:00Z", /* divisible by 100, not by 400 */
        "1900-02-29T00:00:00Z",
        "2024-02-30T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z",
        "2024-01-00T00:00:00Z",
        "0000-01-01T00:00:00Z",
        "2024-01-01T24:00:00Z",
        "2024-01-01T23:60:00Z",
        "2024-12-31T23:59:60Z", /* leap seconds do not appear in collateral */
        "2024-01-01T00:00:00",  /* no Z */
        "2024-01-01T00:00:00+00:00",
        "2024-01-01T00:00:00-05:00",
        "2024-01-01T00:00:00.000+01:00",
        "2024-01-01T00:00:00z",
        "2024-01-01t00:00:00Z",
        "2024-01-01 00:00:00Z",
        "2024-01-01T00:00:00.Z",
        "2024-01-01T00:00:00.1234567890Z", /* ten fractional digits */
        "2024-01-01T00:00:00,5Z",
        "2024-01-01T00:00:00Z ",
        "2024-01-01T00:00:00ZZ",
        " 2024-01-01T00:00:00Z",
        "2024-1-01T00:00:00Z",
        "+2024-01-01T00:00:00Z",
        "12024-01-01T00:00:00Z",
        "2024-01-01",
        "2024-01-01T00:00Z",
        "2024-01-01T00:00:0Z",
        "2024-01-01T0a:00:00Z",
        "20240101T000000Z",
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_COUNT(cases); i++) {
        int64_t seconds = 12345;
        if (cella_collateral_parse_time(cases[i], &seconds) != CELLA_ERR_INVALID_FORMAT)
            fail_msg("\"%s\" was not rejected", cases[i]);
        assert_int_equal(seconds, 12345);
    }
    int64_t seconds = 0;
    assert_int_equal(cella_collateral_parse_time(NULL, &seconds), CELLA_ERR_INVALID_ARGUMENT);
    assert_int_equal(cella_collateral_parse_time("2024-01-01T00:00:00Z", NULL),
                     CELLA_ERR_INVALID_ARGUMENT);
}

/*
 * The real collateral in $CELLA_SHARED_DIR/vectors
 */

static const char *shared_dir(void)
{
    const char *dir = getenv("CELLA_SHARED_DIR");
    return (dir != NULL && dir[0] != '\0') ? dir : "/work/shared";
}

/* vectors/<name> into path; false (after saying so) when the vectors folder is absent. */
static bool vector_path(const char *name, char *path, size_t path_size)
{
    struct stat st;
    int length = snprintf(path, path_size, "%s/vectors", shared_dir());

    assert_true(length > 0 && (size_t)length < path_size);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("not run: %s absent (set CELLA_SHARED_DIR)\n", path);
        return false;
    }
    length = snprintf(path, path_size, "%s/vectors/%s", shared_dir(), name);
    assert_true(length > 0 && (size_t)length < path_size);
    return true;
}

/* The file's bytes in a buffer of exactly its size (so ASan sees any read past it). */
static char *read_file(const char *path, size_t *size)
{
    FILE *stream = fopen(path, "rb");

    if (stream == NULL)
        fail_msg("cannot open %s", path);
    assert_int_equal(fseek(stream, 0, SEEK_END), 0);
    long end = ftell(stream);
    assert_true(end > 0);
    assert_int_equal(fseek(stream, 0, SEEK_SET), 0);
    char *bytes = malloc((size_t)end);
    assert_non_null(bytes);
    assert_int_equal(fread(bytes, 1, (size_t)end, stream), (size_t)end);
    assert_int_equal(fclose(stream), 0);
    *size = (size_t)end;
    return bytes;
}

/* Reads vectors/<name>; NULL when the vectors folder is absent. */
static char *read_vector(const char *name, size_t *size)
{
    char path[4096];

    if (!vector_path(name, path, sizeof(path)))
        return NULL;
    return read_file(path, size);
}

/*
 * Whether signature (r || s) verifies over body with the key of the "Intel SGX TCB Signing"
 * certificate in the PEM chain vectors/<chain_name>.
 */
static bool
tcb_signing_signature_verifies(const char *chain_name, const char *body, size_t body_size,
                               const uint8_t signature[CELLA_COLLATERAL_SIGNATURE_BYTES])
{
    char path[4096];
    X509 *signer = NULL;

    assert_true(vector_path(chain_name, path, sizeof(path)));
    FILE *stream = fopen(path, "r");
    assert_non_null(stream);
    for (;;) {
        X509 *certificate = PEM_read_X509(stream, NULL, NULL, NULL);
        assert_non_null(certificate); /* the chain holds the signing certificate */
        char common_name[128] = "";
        X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, common_name,
                                  sizeof(common_name));
        if (strcmp(common_name, "Intel SGX TCB Signing") == 0) {
            signer = certificate;
            break;
        }
        X509_free(certificate);
    }
    fclose(stream);

    ECDSA_SIG *ecdsa = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(signature, 32, NULL);
    BIGNUM *s = BN_bin2bn(signature + 32, 32, NULL);
    assert_non_null(ecdsa);
    assert_non_null(r);
    assert_non_null(s);
    assert_int_equal(ECDSA_SIG_set0(ecdsa, r, s), 1);
    unsigned char *der = NULL;
    int der_size = i2d_ECDSA_SIG(ecdsa, &der);
    assert_true(der_size > 0);

    EVP_MD_CTX *context = EVP_MD_CTX_new();
    assert_non_null(context);
    assert_int_equal(
        EVP_DigestVerifyInit(context, NULL, EVP_sha256(), NULL, X509_get0_pubkey(signer)), 1);
    int verified =
        EVP_DigestVerify(context, der, (size_t)der_size, (const unsigned char *)body, body_size);
    EVP_MD_CTX_free(context);
    OPENSSL_free(der);
    ECDSA_SIG_free(ecdsa);
    X509_free(signer);
    return verified == 1;
}

/* The body verifies, and a span one byte shorter or shifted does not (the check can fail). */
static void expect_signed_body(const char *chain_name, const char *body, size_t body_size,
                               const uint8_t signature[CELLA_COLLATERAL_SIGNATURE_BYTES])
{
    assert_int_equal(body[0], '{');
    assert_int_equal(body[body_size - 1], '}');
    assert_true(tcb_signing_signature_verifies(chain_name, body, body_size, signature));
    assert_false(tcb_signing_signature_verifies(chain_name, body, body_size - 1, signature));
    assert_false(tcb_signing_signature_verifies(chain_name, body + 1, body_size - 1, signature));
}

static int64_t time_of(const char *text)
{
    int64_t seconds = 0;
    parse_time_or_fail(text, &seconds);
    return seconds;
}

static void expect_components(const cella_tcb_level_t *level,
                              const uint8_t components[CELLA_TCB_COMPONENT_COUNT])
{
    assert_memory_equal(level->components, components, CELLA_TCB_COMPONENT_COUNT);
}

static void tcb_info_parse_reads_the_real_version_3_tcb_info(void **state)
{
    static const uint8_t first[CELLA_TCB_COMPONENT_COUNT] = {7, 9, 3, 3, 255, 255, 1, 0,
                                                             0, 0, 0, 0, 0,   0,   0, 0};
    static const uint8_t second[CELLA_TCB_COMPONENT_COUNT] = {7, 9, 3, 3, 255, 255, 0, 0,
                                                              0, 0, 0, 0, 0,   0,   0, 0};
    static const uint8_t older[CELLA_TCB_COMPONENT_COUNT] = {4, 4, 3, 3, 255, 255, 0, 0,
                                                             0, 0, 0, 0, 0,   0,   0, 0};
    size_t size = 0;
    char *json = read_vector("oasis-v3/tcb_info_v3_fmspc_00606A000000.json", &size);
    cella_tcb_info_t *info = NULL;

    (void)state;
    if (json == NULL)
        return;
    assert_int_equal(cella_tcb_info_parse(json, size, &info), CELLA_OK);
    assert_int_equal(info->version, 3);
    assert_string_equal(info->id, "SGX");
    assert_int_equal(info->issue_date, 1671442810);  /* 2022-12-19T09:40:10Z */
    assert_int_equal(info->next_update, 1674034810); /* 2023-01-18T09:40:10Z */
    assert_memory_equal(info->fmspc, "\x00\x60\x6a\x00\x00\x00", 6);
    assert_memory_equal(info->pce_id, "\x00\x00", 2);
    assert_int_equal(info->tcb_type, 0);
    assert_int_equal(info->tcb_evaluation_data_number, 13);
    assert_int_equal(info->level_count, 5);

    const cella_tcb_level_t *level = &info->levels[0];
    expect_components(level, first);
    assert_int_equal(level->pce_svn, 13);
    assert_int_equal(level->tcb_date, 1660089600); /* 2022-08-10 */
    assert_int_equal(level->status, CELLA_TCB_STATUS_SW_HARDENING_NEEDED);
    assert_int_equal(level->advisory_count, 2);
    assert_string_equal(level->advisory_ids[0], "INTEL-SA-00615");
    assert_string_equal(level->advisory_ids[1], "INTEL-SA-00657");

    level = &info->levels[1];
    expect_components(level, second);
    assert_int_equal(level->pce_svn, 13);
    assert_int_equal(level->status, CELLA_TCB_STATUS_CONFIGURATION_AND_SW_HARDENING_NEEDED);
    assert_int_equal(level->advisory_count, 2);

    level = &info->levels[2];
    expect_components(level, older);
    assert_int_equal(level->pce_svn, 11);
    assert_int_equal(level->tcb_date, time_of("2021-11-10T00:00:00Z"));
    assert_int_equal(level->status, CELLA_TCB_STATUS_OUT_OF_DATE);
    assert_int_equal(level->advisory_count, 4);
    assert_string_equal(level->advisory_ids[0], "INTEL-SA-00586");
    assert_string_equal(level->advisory_ids[3], "INTEL-SA-00657");

    assert_int_equal(info->levels[3].pce_svn, 10);
    level = &info->levels[4];
    expect_components(level, older);
    assert_int_equal(level->pce_svn, 5);
    assert_int_equal(level->tcb_date, 1515024000); /* 2018-01-04 */
    assert_int_equal(level->advisory_count, 17);
    assert_string_equal(level->advisory_ids[16], "INTEL-SA-00657");

    expect_body(json, "{\"tcbInfo\":", info->body, info->body_size);
    assert_int_equal(info->body_size, 2939);
    assert_int_equal(info->signature[1], 0xeb);
    expect_signed_body("oasis-v3/tcb_info_v3_fmspc_00606A000000_certs.pem", info->body,
                       info->body_size, info->signature);
    cella_tcb_info_destroy(info);
    free(json);
}

static void enclave_identity_parse_reads_the_real_qe_identity(void **state)
{
    size_t size = 0;
    char *json = read_vector("oasis-v3/qe_identity_v2.json", &size);
    cella_enclave_identity_t *identity = NULL;
    static const uint16_t isv_svns[] = {6, 5, 4, 2, 1};
    static const size_t advisory_counts[] = {0, 1, 2, 4, 5};

    (void)state;
    if (json == NULL)
        return;
    assert_int_equal(cella_enclave_identity_parse(json, size, &identity), CELLA_OK);
    assert_string_equal(identity->id, "QE");
    assert_int_equal(identity->version, 2);
    assert_int_equal(identity->issue_date, 1671194736);  /* 2022-12-16T12:45:36Z */
    assert_int_equal(identity->next_update, 1673786736); /* 2023-01-15T12:45:36Z */
    assert_int_equal(identity->tcb_evaluation_data_number, 13);
    assert_memory_equal(identity->miscselect, "\0\0\0\0", 4);
    assert_memory_equal(identity->miscselect_mask, "\xff\xff\xff\xff", 4);
    assert_memory_equal(identity->attributes, "\x11\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
    assert_memory_equal(identity->attributes_mask,
                        "\xfb\xff\xff\xff\xff\xff\xff\xff\0\0\0\0\0\0\0\0", 16);
    assert_memory_equal(identity->mrsigner,
                        "\x8c\x4f\x57\x75\xd7\x96\x50\x3e\x96\x13\x7f\x77\xc6\x8a\x82\x9a"
                        "\x00\x56\xac\x8d\xed\x70\x14\x0b\x08\x1b\x09\x44\x90\xc5\x7b\xff",
                        32);
    assert_int_equal(identity->isv_prod_id, 1);
    assert_int_equal(identity->level_count, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(identity->levels[i].isv_svn, isv_svns[i]);
        assert_int_equal(identity->levels[i].advisory_count, advisory_counts[i]);
    }
    assert_int_equal(identity->levels[0].status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_int_equal(identity->levels[0].tcb_date, 1667952000); /* 2022-11-09 */
    assert_int_equal(identity->levels[1].status, CELLA_TCB_STATUS_OUT_OF_DATE);
    assert_string_equal(identity->levels[1].advisory_ids[0], "INTEL-SA-00477");
    assert_int_equal(identity->levels[4].tcb_date, 1534291200); /* 2018-08-15 */
    assert_string_equal(identity->levels[4].advisory_ids[0], "INTEL-SA-00202");
    expect_body(json, "{\"enclaveIdentity\":", identity->body, identity->body_size);
    assert_int_equal(identity->body_size, 1038);
    expect_signed_body("oasis-v3/tcb_info_v3_fmspc_00606A000000_certs.pem", identity->body,
                       identity->body_size, identity->signature);
    cella_enclave_identity_destroy(identity);
    free(json);
}

static void tcb_info_parse_reads_the_intel_sample_version_2_tcb_info(void **state)
{
    /* Component 2 and 7 and the PCESVN are what differ between the six levels. */
    static const struct {
        uint8_t component_2;
        uint8_t component_6;
        uint8_t component_7;
        uint16_t pce_svn;
        cella_tcb_status_t status;
        const char *date;
    } expected[] = {
        {3, 1, 1, 3, CELLA_TCB_STATUS_UP_TO_DATE, "2019-09-01T00:00:00Z"},
        {3, 1, 0, 3, CELLA_TCB_STATUS_CONFIGURATION_NEEDED, "2019-09-01T00:00:00Z"},
        {2, 1, 1, 2, CELLA_TCB_STATUS_OUT_OF_DATE, "2018-08-01T00:00:00Z"},
        {2, 1, 0, 2, CELLA_TCB_STATUS_OUT_OF_DATE_CONFIGURATION_NEEDED, "2018-08-01T00:00:00Z"},
        {1, 1, 0, 1, CELLA_TCB_STATUS_REVOKED, "2017-06-01T00:00:00Z"},
        {0, 0, 0, 0, CELLA_TCB_STATUS_OUT_OF_DATE, "2016-10-01T00:00:00Z"},
    };
    size_t size = 0;
    char *json = read_vector("intel-qvl-sample/tcbInfo.json", &size);
    cella_tcb_info_t *info = NULL;

    (void)state;
    if (json == NULL)
        return;
    assert_int_equal(cella_tcb_info_parse(json, size, &info), CELLA_OK);
    assert_int_equal(info->version, 2);
    assert_string_equal(info->id, "");
    assert_int_equal(info->issue_date, 1567669627);  /* 2019-09-05T07:47:07Z */
    assert_int_equal(info->next_update, 1883288827); /* 2029-09-05T07:47:07Z */
    assert_memory_equal(info->fmspc, "\x00\x70\x7f\x00\x00\x00", 6);
    assert_memory_equal(info->pce_id, "\x00\x00", 2);
    assert_int_equal(info->tcb_evaluation_data_number, 3);
    assert_int_equal(info->level_count, ARRAY_COUNT(expected));
    for (size_t i = 0; i < ARRAY_COUNT(expected); i++) {
        uint8_t components[CELLA_TCB_COMPONENT_COUNT] = {0};
        components[1] = expected[i].component_2;
        components[5] = expected[i].component_6;
        components[6] = expected[i].component_7;
        expect_components(&info->levels[i], components);
        assert_int_equal(info->levels[i].pce_svn, expected[i].pce_svn);
        assert_int_equal(info->levels[i].status, expected[i].status);
        assert_int_equal(info->levels[i].tcb_date, time_of(expected[i].date));
        assert_int_equal(info->levels[i].advisory_count, 0);
    }
    expect_body(json, "{\"tcbInfo\":", info->body, info->body_size);
    assert_int_equal(info->body_size, 2590);
    expect_signed_body("intel-qvl-sample/tcbSignChain.pem", info->body, info->body_size,
                       info->signature);
    cella_tcb_info_destroy(info);
    free(json);
}

static void enclave_identity_parse_reads_the_intel_sample_qe_and_qve_identities(void **state)
{
    size_t size = 0;
    char *json = read_vector("intel-qvl-sample/qeIdentity.json", &size);
    cella_enclave_identity_t *identity = NULL;

    (void)state;
    if (json == NULL)
        return;
    assert_int_equal(cella_enclave_identity_parse(json, size, &identity), CELLA_OK);
    assert_string_equal(identity->id, "QE");
    assert_int_equal(identity->issue_date, 1567669628); /* 2019-09-05T07:47:08Z */
    assert_int_equal(identity->next_update, 1883288828);
    assert_int_equal(identity->tcb_evaluation_data_number, 0);
    /* "D182B18C": the report's bytes, i.e. the little-endian u32 0x8CB182D1. */
    assert_memory_equal(identity->miscselect, "\xd1\x82\xb1\x8c", 4);
    uint32_t misc_select_u32 =
        (uint32_t)identity->miscselect[0] | (uint32_t)identity->miscselect[1] << 8 |
        (uint32_t)identity->miscselect[2] << 16 | (uint32_t)identity->miscselect[3] << 24;
    assert_int_equal(misc_select_u32, 0x8CB182D1);
    assert_memory_equal(identity->attributes,
                        "\x70\xc8\xcb\xf4\x8b\xd7\x6e\xab\x9c\x81\x26\xce\x95\xe9\x6c\x90", 16);
    assert_memory_equal(identity->attributes_mask,
                        "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 16);
    assert_int_equal(identity->mrsigner[0], 0x8c);
    assert_int_equal(identity->isv_prod_id, 1);
    assert_int_equal(identity->level_count, 1);
    assert_int_equal(identity->levels[0].isv_svn, 1);
    assert_int_equal(identity->levels[0].tcb_date, 1567296000); /* 2019-09-01 */
    assert_int_equal(identity->levels[0].status, CELLA_TCB_STATUS_UP_TO_DATE);
    assert_int_equal(identity->levels[0].advisory_count, 0);
    expect_body(json, "{\"enclaveIdentity\":", identity->body, identity->body_size);
    expect_signed_body("intel-qvl-sample/tcbSignChain.pem", identity->body, identity->body_size,
                       identity->signature);
    cella_enclave_identity_destroy(identity);
    free(json);

    json = read_vector("intel-qvl-sample/qveIdentity.json", &size);
    assert_non_null(json);
    assert_int_equal(cella_enclave_identity_parse(json, size, &identity), CELLA_OK);
    assert_string_equal(identity->id, "QVE");
    assert_int_equal(identity->issue_date, 1568034381); /* 2019-09-09T13:06:21Z */
    assert_memory_equal(identity->miscselect, "\x99\x89\xce\x1f", 4);
    assert_memory_equal(identity->mrsigner, "\xc8\x7c\x2f\x01", 4);
    assert_int_equal(identity->isv_prod_id, 2);
    assert_int_equal(identity->level_count, 1);
    assert_int_equal(identity->levels[0].tcb_date, 1567917978); /* 2019-09-08T04:46:18Z */
    expect_signed_body("intel-qvl-sample/tcbSignChain.pem", identity->body, identity->body_size,
                       identity->signature);
    cella_enclave_identity_destroy(identity);
    free(json);
}

static void tcb_info_parse_refuses_the_tdx_sample_as_unsupported(void **state)
{
    size_t size = 0;
    char *json = read_vector("intel-qvl-sample/tdx/tcbInfo.json", &size);

    (void)state;
    if (json == NULL)
        return;
    expect_parse(parse_tcb_info, destroy_tcb_info, "the TDX TCB Info", json, size,
                 CELLA_ERR_UNSUPPORTED, "\"TDX\" is not supported");
    free(json);

    /* The TD QE's identity has the same layout; the verifier decides it is not an SGX QE. */
    cella_enclave_identity_t *identity = NULL;
    json = read_vector("intel-qvl-sample/tdx/qeIdentity.json", &size);
    assert_non_null(json);
    assert_int_equal(cella_enclave_identity_parse(json, size, &identity), CELLA_OK);
    assert_string_equal(identity->id, "TD_QE");
    assert_int_equal(identity->isv_prod_id, 29854);
    assert_int_equal(identity->levels[0].isv_svn, 12677);
    assert_memory_equal(identity->attributes, "\x0c\xce\xfa\x96", 4); /* lower-case hex */
    expect_signed_body("intel-qvl-sample/tdx/tcbSignChain.pem", identity->body, identity->body_size,
                       identity->signature);
    cella_enclave_identity_destroy(identity);
    free(json);
}

/* A copy of a real document with one byte changed is refused or parses differently. */
static void tcb_info_parse_rejects_a_real_tcb_info_with_a_broken_status(void **state)
{
    size_t size = 0;
    char *json = read_vector("oasis-v3/tcb_info_v3_fmspc_00606A000000.json", &size);

    (void)state;
    if (json == NULL)
        return;
    char *status = strstr(json, "\"SWHardeningNeeded\"");
    assert_non_null(status);
    status[1] = 's';
    expect_parse(parse_tcb_info, destroy_tcb_info, "a real TCB Info with \"sWHardeningNeeded\"",
                 json, size, INVALID, "\"sWHardeningNeeded\" is not a known");
    free(json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tcb_info_parse_reads_every_field_of_a_version_3_document),
        cmocka_unit_test(
            tcb_info_parse_reads_a_version_2_document_and_orders_equal_components_by_pcesvn),
        cmocka_unit_test(tcb_info_parse_finds_the_body_in_spaced_and_reordered_text),
        cmocka_unit_test(enclave_identity_parse_reads_every_field),
        cmocka_unit_test(tcb_info_parse_rejects_each_broken_field),
        cmocka_unit_test(tcb_info_parse_rejects_each_broken_version_2_field),
        cmocka_unit_test(enclave_identity_parse_rejects_each_broken_field),
        cmocka_unit_test(parsers_reject_documents_of_the_wrong_shape),
        cmocka_unit_test(parsers_reject_anything_after_the_document),
        cmocka_unit_test(parsers_refuse_input_larger_than_the_limit),
        cmocka_unit_test(parsers_reject_null_arguments),
        cmocka_unit_test(parsers_report_out_of_memory_from_the_json_parser),
        cmocka_unit_test(parse_time_converts_valid_times),
        cmocka_unit_test(parse_time_rejects_malformed_and_impossible_times),
        cmocka_unit_test(tcb_info_parse_reads_the_real_version_3_tcb_info),
        cmocka_unit_test(enclave_identity_parse_reads_the_real_qe_identity),
        cmocka_unit_test(tcb_info_parse_reads_the_intel_sample_version_2_tcb_info),
        cmocka_unit_test(enclave_identity_parse_reads_the_intel_sample_qe_and_qve_identities),
        cmocka_unit_test(tcb_info_parse_refuses_the_tdx_sample_as_unsupported),
        cmocka_unit_test(tcb_info_parse_rejects_a_real_tcb_info_with_a_broken_status),
    };
    return cmocka_run_group_tests(tests, capture_log, release_log);
}
