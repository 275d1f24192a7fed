#include "ui/rpcview.h"

#include <string.h>

#include "model/quant.h"
#include "ui/figures.h"
#include "util/units.h"
#include "util/jsonfile.h"

#define GB 1e9

/* buf + the formatted text, never past size. */
static void append(char *buf, size_t size, const char *fmt, const char *text, int n)
{
	size_t len = strlen(buf);

	if (len < size)
		snprintf(buf + len, size - len, fmt, text, n);
}

const char *rpc_endpoints(const struct rpc_fit *r, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int k = 1; k < r->cluster->node_count; k++)
		append(buf, size, k > 1 ? ",%s:%d" : "%s:%d", r->cluster->nodes[k].name, RPC_DEFAULT_PORT);
	return buf;
}

/* Units (layers, and the output layer) device d takes. */
static int device_units(const struct rpc_device *d)
{
	return d->layers + (d->holds_output ? 1 : 0);
}

const char *rpc_tensor_split(const struct rpc_fit *r, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!r->tensor_split)
		return buf;
	for (int i = 0; i < r->device_count; i++)
		append(buf, size, "%s%d", i > 0 ? "," : "", device_units(&r->devices[i]));
	return buf;
}

const char *rpc_server_command(char *buf, size_t size)
{
	/* rpc-server listens on 127.0.0.1 unless -H says otherwise (tools/rpc/README.md) */
	snprintf(buf, size, "rpc-server -H 0.0.0.0 -p %d", RPC_DEFAULT_PORT);
	return buf;
}

/* The model file the commands name: the GGUF read, else ID-QUANT.gguf. */
static const char *model_file(const struct estimate *e, char *buf, size_t size)
{
	if (e->file_path)
		snprintf(buf, size, "%s", e->file_path);
	else
		snprintf(buf, size, "%s-%s.gguf", e->model->id, ftype_name(e->ftype));
	return buf;
}

const char *rpc_host_command(const struct estimate *e, const struct estimate_settings *set,
			     char *buf, size_t size)
{
	char model[HW_PATH_MAX + 16], endpoints[RPC_MAX_NODES * 80], split[RPC_MAX_DEVICES * 8];

	rpc_tensor_split(&e->rpc, split, sizeof(split));
	snprintf(buf, size, "llama-server -m %s --rpc %s -ngl %d%s%s -c %d -fa %s -t %d",
		 model_file(e, model, sizeof(model)),
		 rpc_endpoints(&e->rpc, endpoints, sizeof(endpoints)), e->rpc.ngl,
		 split[0] ? " --tensor-split " : "", split, e->ctx, e->flash_attn ? "on" : "off",
		 set->threads > 0 ? set->threads : 1);
	return buf;
}

static const char *device_name(const struct rpc_fit *r, const struct rpc_device *d)
{
	const struct hardware *hw = r->cluster->nodes[d->node].hw;

	return d->gpu >= 0 ? hw->gpus[d->gpu].name : "CPU (system RAM)";
}

static int64_t device_memory(const struct rpc_device *d)
{
	return d->weights_bytes + d->kv_bytes + d->compute_bytes + d->reserve_bytes;
}

static cJSON *device_json(const struct rpc_fit *r, const struct rpc_device *d)
{
	cJSON *o = cJSON_CreateObject();

	if (d->gpu >= 0)
		cJSON_AddNumberToObject(o, "gpu", d->gpu);
	else
		cJSON_AddNullToObject(o, "gpu");
	cJSON_AddStringToObject(o, "name", device_name(r, d));
	cJSON_AddNumberToObject(o, "first_layer", d->first_layer);
	cJSON_AddNumberToObject(o, "layers", d->layers);
	cJSON_AddBoolToObject(o, "output", d->holds_output);
	cJSON_AddNumberToObject(o, "memory_bytes", (double)device_memory(d));
	json_add_known(o, "budget_bytes", (double)d->budget_bytes);
	json_add_known(o, "seconds_per_token",
		  d->layers > 0 || d->holds_output ? d->seconds_per_token : 0);
	return o;
}

static cJSON *node_json(const struct rpc_fit *r, int k)
{
	const struct rpc_node_fit *n = &r->nodes[k];
	cJSON *o = cJSON_CreateObject(), *devices = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "name", r->cluster->nodes[k].name);
	cJSON_AddBoolToObject(o, "host", k == 0);
	cJSON_AddNumberToObject(o, "layers", n->layers);
	cJSON_AddNumberToObject(o, "memory_bytes", (double)n->memory_bytes);
	cJSON_AddNumberToObject(o, "budget_bytes", (double)n->budget_bytes);
	json_add_known(o, "seconds_per_token", n->seconds_per_token);
	json_add_known(o, "alone_decode_tok_s", n->alone_tok_s);
	cJSON_AddNumberToObject(o, "link_bytes_loaded", (double)n->link_bytes_loaded);
	for (int i = 0; i < r->device_count; i++)
		if (r->devices[i].node == k)
			cJSON_AddItemToArray(devices, device_json(r, &r->devices[i]));
	if (k == 0)
		cJSON_AddItemToArray(devices, device_json(r, &r->host_cpu));
	cJSON_AddItemToObject(o, "devices", devices);
	return o;
}

static cJSON *link_json(const struct rpc_link *l)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "name", l->name);
	cJSON_AddNumberToObject(o, "gbps", l->gbps);
	cJSON_AddNumberToObject(o, "rtt_us", l->rtt_us);
	cJSON_AddStringToObject(o, "rate_source", l->rate_source);
	cJSON_AddStringToObject(o, "rtt_source", l->rtt_source);
	return o;
}

static cJSON *commands_json(const struct estimate *e, const struct estimate_settings *set)
{
	cJSON *o = cJSON_CreateObject(), *servers = cJSON_CreateArray();
	char cmd[HW_PATH_MAX + 1024];

	for (int k = 1; k < e->rpc.cluster->node_count; k++) {
		cJSON *s = cJSON_CreateObject();

		cJSON_AddStringToObject(s, "node", e->rpc.cluster->nodes[k].name);
		cJSON_AddStringToObject(s, "command", rpc_server_command(cmd, sizeof(cmd)));
		cJSON_AddItemToArray(servers, s);
	}
	cJSON_AddItemToObject(o, "servers", servers);
	cJSON_AddStringToObject(o, "host", rpc_host_command(e, set, cmd, sizeof(cmd)));
	return o;
}

static bool slower_than_alone(const struct estimate *e)
{
	return e->rpc.alone_best_node >= 0 &&
	       (e->now.placement == PLACE_NONE || e->rpc.alone_best_tok_s > e->now.decode_tok_s);
}

static cJSON *split_json(const struct rpc_fit *r)
{
	cJSON *arr;

	if (!r->tensor_split)
		return cJSON_CreateNull();
	arr = cJSON_CreateArray();
	for (int i = 0; i < r->device_count; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateNumber(device_units(&r->devices[i])));
	return arr;
}

static cJSON *rpc_object(const struct estimate *e, const struct estimate_settings *set)
{
	const struct rpc_fit *r = &e->rpc;
	cJSON *o = cJSON_CreateObject(), *best;

	cJSON_AddItemToObject(o, "link", link_json(&r->cluster->link));
	cJSON_AddNumberToObject(o, "ngl", r->ngl);
	cJSON_AddItemToObject(o, "tensor_split", split_json(r));
	json_add_known(o, "default_split_decode_tok_s", r->default_split_tok_s);
	cJSON_AddNumberToObject(o, "remote_exchanges", r->remote_exchanges);
	json_add_known(o, "devices_seconds_per_token", r->devices_seconds_per_token);
	cJSON_AddNumberToObject(o, "prefill_network_seconds", r->prefill_network_seconds);
	cJSON_AddNumberToObject(o, "load_link_seconds", r->load_link_seconds);
	cJSON_AddStringToObject(o, "load_assumes", "weights sent over the link at every load "
				"(rpc-server without -c)");
	if (r->alone_best_node >= 0) {
		best = cJSON_CreateObject();
		cJSON_AddStringToObject(best, "node", r->cluster->nodes[r->alone_best_node].name);
		cJSON_AddNumberToObject(best, "decode_tok_s", r->alone_best_tok_s);
		cJSON_AddItemToObject(o, "alone_best", best);
	} else {
		cJSON_AddNullToObject(o, "alone_best");
	}
	cJSON_AddBoolToObject(o, "slower_than_alone", slower_than_alone(e));
	cJSON_AddItemToObject(o, "commands", commands_json(e, set));
	return o;
}

void rpc_json_add(cJSON *o, const struct estimate *e, const struct estimate_settings *set)
{
	cJSON *nodes;

	if (!e->rpc.used)
		return;
	nodes = cJSON_CreateArray();
	for (int k = 0; k < e->rpc.cluster->node_count; k++)
		cJSON_AddItemToArray(nodes, node_json(&e->rpc, k));
	cJSON_AddItemToObject(o, "nodes", nodes);
	cJSON_AddNumberToObject(o, "network_seconds_per_token", e->rpc.network_seconds_per_token);
	cJSON_AddItemToObject(o, "rpc", rpc_object(e, set));
}

/* ---- text ---- */

static void device_line(FILE *out, const struct rpc_fit *r, const struct rpc_device *d)
{
	char mem[32], budget[32], layers[48] = "no layers", ms[32] = "";

	if (d->layers > 0)
		snprintf(layers, sizeof(layers), "layers %d-%d%s", d->first_layer,
			 d->first_layer + d->layers - 1, d->holds_output ? " + output" : "");
	else if (d->holds_output)
		snprintf(layers, sizeof(layers), "output layer");
	if (d->layers > 0 || d->holds_output)
		snprintf(ms, sizeof(ms), ", %.2f ms a token", d->seconds_per_token * 1e3);
	fprintf(out, "    %-26.26s %s; %s of %s%s\n", device_name(r, d), layers,
		format_bytes(mem, sizeof(mem), device_memory(d)),
		d->budget_bytes >= 0 ? format_bytes(budget, sizeof(budget), d->budget_bytes) : "?",
		d->seconds_per_token >= 0 ? ms : ", time unknown");
}

static void placement_text(FILE *out, const struct estimate *e)
{
	const struct rpc_fit *r = &e->rpc;
	char mem[32], budget[32], speed[16];

	fprintf(out, "\nPlacement: RPC over %d machines (llama.cpp -ngl %d, %s)%s\n",
		r->cluster->node_count, r->ngl,
		!r->tensor_split ? "the default split by free memory" :
		r->default_split_tok_s > 0 ? "a --tensor-split that leaves the slowest devices out" :
		"a --tensor-split that fits: the default split by free memory does not",
		e->now.placement == PLACE_NONE ? ": does not fit, loads as tried" : "");
	if (r->default_split_tok_s > 0)
		fprintf(out, "  (llama.cpp's default split by free memory would run at %s tok/s)\n",
			cell_tok_s(r->default_split_tok_s, speed, sizeof(speed)));
	for (int k = 0; k < r->cluster->node_count; k++) {
		const struct rpc_node_fit *n = &r->nodes[k];

		fprintf(out, "  %s (%s): %d layers, %s of %s\n", r->cluster->nodes[k].name,
			k == 0 ? "host, llama-server" : "rpc-server", n->layers,
			format_bytes(mem, sizeof(mem), n->memory_bytes),
			format_bytes(budget, sizeof(budget), n->budget_bytes));
		for (int i = 0; i < r->device_count; i++)
			if (r->devices[i].node == k)
				device_line(out, r, &r->devices[i]);
		if (k == 0)
			device_line(out, r, &r->host_cpu);
	}
}

static void speed_text(FILE *out, const struct estimate *e, const struct estimate_settings *set)
{
	const struct rpc_fit *r = &e->rpc;
	const struct rpc_link *l = &r->cluster->link;
	char a[16], b[16];

	fprintf(out, "\nSpeed\n  decode: the devices' times one after another + the network\n");
	for (int k = 0; k < r->cluster->node_count; k++)
		if (r->nodes[k].layers > 0 || r->nodes[k].seconds_per_token > 0)
			fprintf(out, "    %-12s %8.2f ms a token\n", r->cluster->nodes[k].name,
				r->nodes[k].seconds_per_token * 1e3);
	fprintf(out, "    network      %8.3f ms a token: %d exchange%s x (%.0f us round trip (%s) + "
		"2 x %lld-float activations + %d command bytes at %.2f Gb/s (%s, %s))\n",
		r->network_seconds_per_token * 1e3, r->remote_exchanges,
		r->remote_exchanges == 1 ? "" : "s", l->rtt_us, l->rtt_source,
		(long long)e->model->embd, RPC_EXCHANGE_COMMAND_BYTES, l->gbps, l->name, l->rate_source);
	fprintf(out, "    = %s tok/s (%s); the same layers without the network: %s tok/s\n",
		cell_tok_s(e->now.decode_tok_s, a, sizeof(a)), verdict_name(e->now.verdict),
		cell_tok_s(r->devices_seconds_per_token > 0 ? 1 / r->devices_seconds_per_token : -1,
			   b, sizeof(b)));
	fprintf(out, "  prefill: each device's share of the prompt's FLOPs (2 a weight less embeddings) at its rate, + the "
		"prompt's %d x %lld floats each way per exchange and a round trip per 512 tokens "
		"(%.3f s) = %s tok/s\n", set->prompt_tokens, (long long)e->model->embd,
		r->prefill_network_seconds, cell_tok_s(e->now.prefill_tok_s, a, sizeof(a)));
}

static void load_text(FILE *out, const struct estimate *e)
{
	char a[16], b[16], c[16];

	fprintf(out, "  load: weights sent to the remote nodes over the link at every load "
		"(rpc-server without -c) = %s of the total; warm %s, cold %s\n",
		cell_seconds(e->rpc.load_link_seconds, a, sizeof(a)),
		cell_seconds(e->load_warm_s, b, sizeof(b)), cell_seconds(e->load_cold_s, c, sizeof(c)));
	fprintf(out, "    (rpc-server -c keeps tensors over 10 MiB in the node's own cache, "
		"~/.cache/llama.cpp/rpc: later loads read them there instead)\n");
}

static void commands_text(FILE *out, const struct estimate *e, const struct estimate_settings *set)
{
	char cmd[HW_PATH_MAX + 1024];

	fprintf(out, "\nStart it (each node name stands for that machine's address):\n");
	for (int k = 1; k < e->rpc.cluster->node_count; k++)
		fprintf(out, "  on %s:  %s\n", e->rpc.cluster->nodes[k].name,
			rpc_server_command(cmd, sizeof(cmd)));
	fprintf(out, "  on %s:  %s\n", e->rpc.cluster->nodes[0].name,
		rpc_host_command(e, set, cmd, sizeof(cmd)));
}

/* Quality index in the estimator's order (lower is better). */
static int quality_of(enum ftype ft)
{
	for (int i = 0; i < estimate_quality_order_count; i++)
		if (estimate_quality_order[i] == ft)
			return i;
	return estimate_quality_order_count;
}

const struct estimate *rpc_smaller_alone(const struct estimate *e, const struct estimate *quants,
					 int quant_count)
{
	const struct estimate *best = NULL;

	for (int i = 0; i < quant_count; i++) {
		const struct estimate *q = &quants[i];

		if (!q->rpc.used || quality_of(q->ftype) <= quality_of(e->ftype) ||
		    q->rpc.alone_best_node < 0)
			continue;
		if (e->now.placement != PLACE_NONE && q->rpc.alone_best_tok_s <= e->now.decode_tok_s)
			continue;
		if (!best || quality_of(q->ftype) < quality_of(best->ftype))
			best = q;
	}
	return best;
}

static void comparison_text(FILE *out, const struct estimate *e, const struct estimate *quants,
			    int quant_count)
{
	const struct rpc_fit *r = &e->rpc;
	const struct estimate *q = rpc_smaller_alone(e, quants, quant_count);
	char a[16], b[16];

	fputc('\n', out);
	if (r->alone_best_node < 0)
		fprintf(out, "One machine alone: %s fits on none of them; pooling is what makes it "
			"run.\n", ftype_name(e->ftype));
	else if (slower_than_alone(e))
		fprintf(out, "SLOWER POOLED: %s alone runs it at %s tok/s, the cluster at %s tok/s; "
			"run it on %s alone.\n", r->cluster->nodes[r->alone_best_node].name,
			cell_tok_s(r->alone_best_tok_s, a, sizeof(a)),
			cell_tok_s(e->now.decode_tok_s, b, sizeof(b)),
			r->cluster->nodes[r->alone_best_node].name);
	else
		fprintf(out, "One machine alone: %s at best (%s tok/s); the cluster is faster.\n",
			r->cluster->nodes[r->alone_best_node].name,
			cell_tok_s(r->alone_best_tok_s, a, sizeof(a)));
	if (q)
		fprintf(out, "A SMALLER QUANT ON ONE MACHINE BEATS THE CLUSTER: %s on %s alone runs at "
			"%s tok/s, the cluster at %s %s tok/s.\n", ftype_name(q->ftype),
			q->rpc.cluster->nodes[q->rpc.alone_best_node].name,
			cell_tok_s(q->rpc.alone_best_tok_s, a, sizeof(a)), ftype_name(e->ftype),
			cell_tok_s(e->now.decode_tok_s, b, sizeof(b)));
}

void rpc_write_text(FILE *out, const struct estimate *e, const struct estimate_settings *set,
		    const struct estimate *quants, int quant_count)
{
	placement_text(out, e);
	if (e->now.placement != PLACE_NONE) {
		speed_text(out, e, set);
		load_text(out, e);
		commands_text(out, e, set);
	}
	comparison_text(out, e, quants, quant_count);
}

const char *rpc_alone_note(const struct estimate *e, char *buf, size_t size)
{
	char a[16], b[16];

	if (!e->rpc.used || !slower_than_alone(e))
		return NULL;
	snprintf(buf, size, "%s %s: faster on %s alone (%s vs %s tok/s pooled)", e->model->id,
		 ftype_name(e->ftype), e->rpc.cluster->nodes[e->rpc.alone_best_node].name,
		 cell_tok_s(e->rpc.alone_best_tok_s, a, sizeof(a)),
		 cell_tok_s(e->now.decode_tok_s, b, sizeof(b)));
	return buf;
}

const char *rpc_smaller_note(const struct estimate *e, const struct estimate *q, char *buf,
			     size_t size)
{
	char a[16], b[16];

	snprintf(buf, size, "%s: %s on %s alone runs at %s tok/s, the cluster at %s %s tok/s",
		 e->model->id, ftype_name(q->ftype), q->rpc.cluster->nodes[q->rpc.alone_best_node].name,
		 cell_tok_s(q->rpc.alone_best_tok_s, a, sizeof(a)), ftype_name(e->ftype),
		 cell_tok_s(e->now.decode_tok_s, b, sizeof(b)));
	return buf;
}
