/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_detect_inputs: the CPUID recording and QCNL parsers of `cella detect`, and the report. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/platform.h"
#include "fuzz.h"

static bool terminated(const char *text, size_t size)
{
    return memchr(text, '\0', size) != NULL;
}

/* Every check and backend of a report holds terminated text and a known status. */
static void check_report(const cella_platform_report_t *report)
{
    REQUIRE(report->check_count <= CELLA_PLATFORM_CHECKS_MAX);
    for (size_t i = 0; i < report->check_count; i++) {
        const cella_platform_check_t *check = &report->checks[i];
        REQUIRE(terminated(check->id, sizeof(check->id)) && check->id[0] != '\0');
        REQUIRE(terminated(check->detail, sizeof(check->detail)));
        REQUIRE(terminated(check->remedy, sizeof(check->remedy)));
        REQUIRE(check->title != NULL);
        REQUIRE(check->status <= CELLA_PLATFORM_INFO);
        /* A failed check always says what to do. */
        REQUIRE(check->status != CELLA_PLATFORM_FAIL || check->remedy[0] != '\0');
    }
    for (size_t i = 0; i < CELLA_PLATFORM_BACKEND_COUNT; i++)
        REQUIRE(report->backends[i].name != NULL);
    REQUIRE(cella_platform_exit_str(report->exit_code) != NULL);
    REQUIRE(report->exit_code >= 0 && report->exit_code <= CELLA_PLATFORM_EXIT_NO_ATTESTATION);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t input_size)
{
    const char *text = (const char *)input;
    static cella_platform_cpuid_table_t table;
    static cella_platform_env_t env;
    static cella_platform_facts_t facts;
    static cella_platform_report_t report;
    cella_platform_parse_error_t error;

    /* The input as a CPUID recording; a good one drives the whole report. */
    memset(&env, 0, sizeof(env));
    env.root = "/nonexistent/cella-fuzz-root";
    env.fake_devices = true;
    env.uid = 1000;
    env.gid = 1000;
    cella_result_t r = cella_platform_parse_cpuid_records(text, input_size, &table, &error);
    REQUIRE(r == CELLA_OK || r == CELLA_ERR_INVALID_FORMAT);
    REQUIRE(terminated(error.text, sizeof(error.text)));
    if (r == CELLA_OK) {
        REQUIRE(table.record_count <= CELLA_PLATFORM_CPUID_RECORDS_MAX);
        env.cpuid = cella_platform_get_recorded_cpuid;
        env.cpuid_context = &table;
    } else {
        REQUIRE(error.text[0] != '\0');
    }

    /* The input as a quote provider configuration. */
    cella_platform_qcnl_t qcnl;
    r = cella_platform_parse_qcnl(text, input_size, &qcnl);
    REQUIRE(r == CELLA_OK || r == CELLA_ERR_INVALID_FORMAT || r == CELLA_ERR_OUT_OF_MEMORY);
    REQUIRE(terminated(qcnl.error.text, sizeof(qcnl.error.text)));
    REQUIRE(terminated(qcnl.hint, sizeof(qcnl.hint)));
    REQUIRE(terminated(qcnl.pccs_url, sizeof(qcnl.pccs_url)));
    REQUIRE(terminated(qcnl.collateral_service, sizeof(qcnl.collateral_service)));
    REQUIRE(terminated(qcnl.pccs_api_version, sizeof(qcnl.pccs_api_version)));
    REQUIRE(terminated(qcnl.legacy_ignored_key, sizeof(qcnl.legacy_ignored_key)));
    if (r == CELLA_OK)
        REQUIRE(qcnl.format == CELLA_PLATFORM_QCNL_JSON ||
                qcnl.format == CELLA_PLATFORM_QCNL_LEGACY);
    if (r == CELLA_ERR_INVALID_FORMAT)
        REQUIRE(qcnl.format == CELLA_PLATFORM_QCNL_INVALID && qcnl.error.text[0] != '\0');

    /* Both through the report: the recorded CPU (or none), and the configuration. */
    REQUIRE(cella_platform_get_facts(&env, &facts) == CELLA_OK);
    cella_platform_get_report(&facts, &report);
    check_report(&report);
    if (r != CELLA_ERR_OUT_OF_MEMORY) {
        facts.qcnl = qcnl;
        cella_platform_get_report(&facts, &report);
        check_report(&report);
    }
    return 0;
}
