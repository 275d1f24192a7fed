/* rpcview.h - an estimate placed over several machines (estimate/rpc.h) as
 * `canirun show` prints it and as JSON: each node's devices, layers, memory
 * and time, the network's share, the load, the commands that start it, and
 * how it compares with one machine alone. Quotes struct estimate; computes
 * nothing but sums for display. */
#ifndef CANIRUN_RPCVIEW_H
#define CANIRUN_RPCVIEW_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "estimate/estimate.h"

/* "NAME:50052,NAME:50052": the remote nodes, in --node order (each name
 * stands for that machine's address). */
const char *rpc_endpoints(const struct rpc_fit *r, char *buf, size_t size);

/* "N,N,...": layers per device in llama.cpp's order (--tensor-split, the
 * output layer counted on the device holding it); "" when the default split
 * by free memory is the placement. */
const char *rpc_tensor_split(const struct rpc_fit *r, char *buf, size_t size);

/* The command that starts each remote node's rpc-server (all alike: every
 * device it has, on the default port, reachable from the host). */
const char *rpc_server_command(char *buf, size_t size);

/* The host's llama-server command for e. */
const char *rpc_host_command(const struct estimate *e, const struct estimate_settings *set,
			     char *buf, size_t size);

/* Adds "nodes", "network_seconds_per_token" and "rpc" to an estimate's
 * JSON object o (SPEC.md); nothing when e->rpc.used is false. */
void rpc_json_add(cJSON *o, const struct estimate *e, const struct estimate_settings *set);

/* show's part for a cluster: placement per node and device, decode with
 * the network as its own line, prefill, load, the commands, and plainly
 * whether one machine alone is faster (at this quant, or at a smaller one
 * of quants[]). */
void rpc_write_text(FILE *out, const struct estimate *e, const struct estimate_settings *set,
		    const struct estimate *quants, int quant_count);

/* The best quant of quants[] below e's quality that runs faster on one
 * node alone than e does pooled; NULL when none. */
const struct estimate *rpc_smaller_alone(const struct estimate *e, const struct estimate *quants,
					 int quant_count);

/* The report's line for such a quant q: "MODEL: QUANT on NODE alone runs at
 * A tok/s, the cluster at QUANT B tok/s". */
const char *rpc_smaller_note(const struct estimate *e, const struct estimate *q, char *buf,
			     size_t size);

/* One line for the report when the model runs faster on one node alone
 * than pooled: "NAME: faster on NODE alone (A vs B tok/s)"; NULL otherwise. */
const char *rpc_alone_note(const struct estimate *e, char *buf, size_t size);

#endif
