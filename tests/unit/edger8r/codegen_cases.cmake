# SPDX-License-Identifier: Apache-2.0
# The golden cases of the EDL code generator: for each, the EDL file and the `cella edger8r`
# options. The includer sets CELLA_CODEGEN_DIR (tests/unit/edger8r) and CELLA_CODEGEN_SGX_DIR
# (include/sgx). Each case's outputs are committed in golden/<case>/.
set(dir "${CELLA_CODEGEN_DIR}")
set(CELLA_CODEGEN_CASES
  Enclave OpenEnclave Warnings Diamond DeepCopyPrefix Bridge SgxTstdc SgxPthread SgxTswitchless)

# Imports every construct of Intel's dialect (see edl/Enclave.edl), and macros.
set(CELLA_CODEGEN_Enclave_EDL "${dir}/edl/Enclave.edl")
set(CELLA_CODEGEN_Enclave_ARGS --search-path "${dir}/edl/sdk" --search-path "${dir}/edl"
  -D CELLA_TEST_DEFINE -DCELLA_TEST_VALUE=3)
# Open Enclave's additions: bool, identifier dimensions.
set(CELLA_CODEGEN_OpenEnclave_EDL "${dir}/edl/OpenEnclave.edl")
set(CELLA_CODEGEN_OpenEnclave_ARGS --search-path "${dir}/edl")
# Accepted with warnings.
set(CELLA_CODEGEN_Warnings_EDL "${dir}/edl/Warnings.edl")
set(CELLA_CODEGEN_Warnings_ARGS)
# A file imported three times.
set(CELLA_CODEGEN_Diamond_EDL "${dir}/edl/diamond/root.edl")
set(CELLA_CODEGEN_Diamond_ARGS)
# Deep copy alone, with prefixed untrusted proxies.
set(CELLA_CODEGEN_DeepCopyPrefix_EDL "${dir}/edl/DeepCopy.edl")
set(CELLA_CODEGEN_DeepCopyPrefix_ARGS --use-prefix)
# Every kind of parameter in both directions (the round-trip test's EDL).
set(CELLA_CODEGEN_Bridge_EDL "${dir}/bridge/Bridge.edl")
set(CELLA_CODEGEN_Bridge_ARGS)
# cella's own EDL files; the first two have no ECALL, so headers only.
set(CELLA_CODEGEN_SgxTstdc_EDL "${CELLA_CODEGEN_SGX_DIR}/sgx_tstdc.edl")
set(CELLA_CODEGEN_SgxTstdc_ARGS --header-only)
set(CELLA_CODEGEN_SgxPthread_EDL "${CELLA_CODEGEN_SGX_DIR}/sgx_pthread.edl")
set(CELLA_CODEGEN_SgxPthread_ARGS --header-only)
set(CELLA_CODEGEN_SgxTswitchless_EDL "${CELLA_CODEGEN_SGX_DIR}/sgx_tswitchless.edl")
set(CELLA_CODEGEN_SgxTswitchless_ARGS)

# The files a case generates: four, or the two headers with --header-only.
function(cella_codegen_outputs case out)
  get_filename_component(name "${CELLA_CODEGEN_${case}_EDL}" NAME_WE)
  if("--header-only" IN_LIST CELLA_CODEGEN_${case}_ARGS)
    set(${out} ${name}_t.h ${name}_u.h PARENT_SCOPE)
  else()
    set(${out} ${name}_t.h ${name}_t.c ${name}_u.h ${name}_u.c PARENT_SCOPE)
  endif()
endfunction()
