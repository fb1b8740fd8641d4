/* SPDX-License-Identifier: Apache-2.0 */
/* verify/tcb_status.c: TCB status names as the collateral writes them. */
#include <string.h>

#include <cella/collateral.h>

static const char *const names[] = {
    [CELLA_TCB_STATUS_UP_TO_DATE] = "UpToDate",
    [CELLA_TCB_STATUS_SW_HARDENING_NEEDED] = "SWHardeningNeeded",
    [CELLA_TCB_STATUS_CONFIGURATION_NEEDED] = "ConfigurationNeeded",
    [CELLA_TCB_STATUS_CONFIGURATION_AND_SW_HARDENING_NEEDED] = "ConfigurationAndSWHardeningNeeded",
    [CELLA_TCB_STATUS_OUT_OF_DATE] = "OutOfDate",
    [CELLA_TCB_STATUS_OUT_OF_DATE_CONFIGURATION_NEEDED] = "OutOfDateConfigurationNeeded",
    [CELLA_TCB_STATUS_REVOKED] = "Revoked",
};

const char *cella_tcb_status_str(cella_tcb_status_t status)
{
    if ((unsigned)status >= sizeof(names) / sizeof(names[0]))
        return "unknown";
    return names[status];
}

cella_result_t cella_tcb_status_parse(const char *name, cella_tcb_status_t *status)
{
    if (name == NULL || status == NULL)
        return CELLA_ERR_INVALID_ARGUMENT;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i]) == 0) {
            *status = (cella_tcb_status_t)i;
            return CELLA_OK;
        }
    }
    return CELLA_ERR_INVALID_FORMAT;
}
