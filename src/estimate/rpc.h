/* rpc.h - one model over several machines with llama.cpp's RPC backend:
 * `rpc-server` on each remote node, `llama-server --rpc host:port,...` on
 * the host (ggml-org/llama.cpp tools/rpc/README.md).
 *
 * The facts this follows, read in llama.cpp's source:
 *   - every rpc-server exposes its accelerators as devices, or one CPU device
 *     when it has none (tools/rpc/README.md); the host lists the RPC devices
 *     before its own GPUs (src/llama.cpp, "add RPC servers at the front of the
 *     list"); the host's CPU keeps the input embeddings and the first
 *     n_layer - ngl layers;
 *   - without --tensor-split the offloaded layers (and the output layer when
 *     -ngl exceeds the layer count) are split over the devices in proportion
 *     to each device's free memory, by cumulative split points
 *     (src/llama-model.cpp load_tensors: layer il goes to the first device
 *     whose cumulative share exceeds il / offloaded);
 *   - for one token the layers run one after another, so decode time is the
 *     sum of each device's time plus, for each remote node holding layers,
 *     one exchange: the activations sent (SET_TENSOR), the cached graph run
 *     (GRAPH_RECOMPUTE) and the result read back (GET_TENSOR, the one reply
 *     waited for: a round trip). Between remote nodes the activations go
 *     through the host (ggml-rpc copies tensors only within one server).
 *
 * Pure arithmetic here (presets, the split rule, the network terms); the
 * placement over a cluster is estimate.c's (it owns the memory and speed
 * formulas) and fills struct rpc_fit. No I/O, no printing.
 */
#ifndef CANIRUN_RPC_H
#define CANIRUN_RPC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/hw.h"

#define RPC_MAX_NODES 8
#define RPC_MAX_DEVICES 32
/* ggml's scheduler takes 16 backends, the host's CPU one of them
 * (ggml/src/ggml-backend.cpp GGML_SCHED_MAX_BACKENDS; llama.cpp issue #9426). */
#define RPC_SCHED_MAX_DEVICES 15
#define RPC_DEFAULT_PORT 50052          /* rpc-server's default -p (tools/rpc/README.md) */

/* Bytes of the messages of one exchange besides the activations, from the
 * message layouts in ggml/src/ggml-rpc/ggml-rpc.cpp: each request is a
 * 1-byte command and an 8-byte size; SET_TENSOR carries an rpc_tensor (296
 * bytes packed) and an 8-byte offset before the data; GRAPH_RECOMPUTE a
 * 4-byte device; GET_TENSOR an rpc_tensor, offset and size (312 bytes); its
 * reply an 8-byte size before the data. 9+304 + 9+4 + 9+312 + 8 = 655. */
#define RPC_EXCHANGE_COMMAND_BYTES 655

/* llama.cpp's micro-batch: prefill moves activations once per 512 tokens'
 * batch, one round trip each (n_ubatch, common/common.h). */
#define RPC_PREFILL_UBATCH 512

/* The link between the host and each remote node (a star through a switch,
 * or direct cables: every remote node at the same rate and round trip). */
struct rpc_link {
	const char *name;       /* preset name, or "custom" */
	double gbps;            /* payload rate, 1e9 bits/s */
	double rtt_us;          /* one request/response, microseconds */
	const char *rate_source;/* URL or the option that set it */
	const char *rtt_source; /* "rule" (see rpc.c) or the option */
};

/* The preset named (case-insensitively): 1GbE, 2.5GbE, 10GbE, 25GbE,
 * 40GbE, 100GbE, TB4, IB. 0, or -1 when unknown. */
int rpc_link_preset(const char *name, struct rpc_link *out);
/* The preset names, comma-separated, for messages and help. */
const char *rpc_link_preset_names(void);
/* The link without --link: 1GbE. */
void rpc_link_default(struct rpc_link *out);

struct rpc_node {
	const struct hardware *hw;      /* borrowed */
	const char *name;               /* "host", or the profile's file name */
};

/* The machines pooled: nodes[0] is the host (llama-server runs there), the
 * others run rpc-server, in --node order (the --rpc list's order). */
struct rpc_cluster {
	int node_count;
	struct rpc_node nodes[RPC_MAX_NODES];
	struct rpc_link link;
};

/* One llama.cpp device of the cluster. */
struct rpc_device {
	int node;                       /* index into the cluster */
	int gpu;                        /* hw GPU index on that node; -1: its CPU */
	int first_layer, layers;        /* layers first_layer .. first_layer+layers-1 */
	bool holds_output;
	int64_t weights_bytes, kv_bytes, compute_bytes, reserve_bytes;
	int64_t budget_bytes;
	double seconds_per_token;       /* its layers' reads at its rate; < 0 unknown */
	double prefill_flops;           /* its rate for prompt processing, FLOP/s; < 0 unknown */
};

struct rpc_node_fit {
	int layers;
	int64_t memory_bytes, budget_bytes;     /* its devices' (host: with its RAM side) */
	double seconds_per_token;               /* its devices' times and hand-overs; < 0 unknown */
	double alone_tok_s;                     /* the model on this node alone; < 0 no fit/unknown */
	int64_t link_bytes_loaded;              /* weights sent to it over the link at load */
};

struct rpc_fit {
	bool used;                      /* the estimate is placed over a cluster */
	const struct rpc_cluster *cluster;      /* borrowed */
	int device_count;               /* in llama.cpp's order: RPC devices, then the host's GPUs */
	struct rpc_device devices[RPC_MAX_DEVICES];
	struct rpc_device host_cpu;     /* the host's RAM side: embeddings, CPU layers, process */
	struct rpc_node_fit nodes[RPC_MAX_NODES];
	int ngl;                        /* llama.cpp -ngl (n_layer + 1: the output too) */
	bool tensor_split;              /* the default split by free memory does not fit, or
					 * leaving slow devices out is faster */
	double default_split_tok_s;     /* decode with llama.cpp's default split, when it fits
					 * and a faster --tensor-split was found; else < 0 */
	int remote_exchanges;           /* remote nodes holding layers: round trips a token */
	double network_seconds_per_token;
	double devices_seconds_per_token;       /* the same layers without the network */
	double prefill_network_seconds; /* the whole prompt's transfers and round trips */
	double load_link_seconds;       /* weights to the remote nodes over the link */
	int alone_best_node;            /* fastest node alone; -1 when none fits */
	double alone_best_tok_s;
};

/* The layer split llama.cpp makes: offloaded = min(ngl, n_layer + 1) units
 * (layers n_layer - ngl .. n_layer - 1, then the output layer) over count
 * devices by the cumulative shares of weights[] (free memory, or
 * --tensor-split values). counts[i] gets how many units device i takes.
 * Returns offloaded, or -1 when every weight is zero. */
int rpc_split_units(const double *weights, int count, int n_layer, int ngl, int *counts);

/* Seconds a token spends on the network: exchanges x (round trip + (two
 * activation vectors of n_embd F32 + the command bytes) / rate), the last
 * returning logits (n_vocab F32) instead when the output layer is remote
 * (logits_remote). */
double rpc_network_seconds_per_token(const struct rpc_link *link, int exchanges,
				     int64_t n_embd, int64_t n_vocab, bool logits_remote);

/* Seconds a prompt of n_tokens spends on the network: for each exchange,
 * one round trip per 512-token batch and n_tokens x n_embd F32 each way
 * (logits of the last token only, when remote). */
double rpc_prefill_network_seconds(const struct rpc_link *link, int exchanges, int n_tokens,
				   int64_t n_embd, int64_t n_vocab, bool logits_remote);

/* Seconds to send bytes over the link. */
double rpc_link_seconds(const struct rpc_link *link, double bytes);

#endif
