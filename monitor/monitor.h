/* SPDX-License-Identifier: Apache-2.0 */
/* monitor/monitor.h: the monitor's one entry point, shared by cella-monitor and cella-platformd. */
#ifndef CELLA_MONITOR_MONITOR_H
#define CELLA_MONITOR_MONITOR_H

/*
 * Serves one enclave for the host at the other end of fd (a SOCK_SEQPACKET socket speaking
 * protocol.h): receives LOAD, verifies, measures and starts the enclave process, reports
 * READY or FAILED, then watches until the host closes its end, when it kills the enclave
 * process. A first message QUOTE instead of LOAD asks for one quote of a report (service
 * mode's sgx_qe_get_quote): it is answered with QUOTE_RESULT and the connection ends. Serves the
 * enclave's platform requests (keys, reports) with the platform secrets of state_dir ("" when none
 * is known: those requests fail with the reason in the host's log). Makes this process not dumpable
 * and logs only to the host. Returns the process exit status: 0 after a clean end, 1 after a failed
 * load.
 */
int cella_monitor_serve(int fd, const char *state_dir);

#endif /* CELLA_MONITOR_MONITOR_H */
