/* llama.cpp RPC over several machines: the split rule, the network terms,
 * placements over two and four hand-made nodes worked out on paper (the
 * arithmetic is in the comments), what show says, and the CLI on fixture
 * profiles (tests/fixtures/profiles/rpc-node-*.json). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate/estimate.h"
#include "estimate/fitted.h"
#include "testlib.h"
#include "ui/rpcview.h"
#include "util/units.h"

/* The fitted CUDA constants are inputs of the formulas checked here. */
struct fitted_backend {
	double efficiency[WEIGHT_CLASS_COUNT], layer_overhead_s, band, prefill_efficiency;
};
static const struct fitted_backend cuda = FIT_CUDA;
#define EFF cuda.efficiency[WEIGHT_KQUANT]
#define OH cuda.layer_overhead_s
#define GBE_BPS (1e9 * 1448.0 / 1538.0)  /* 1GbE's TCP payload rate */

/* 4 layers of 256 MiB, token_embd and output 64 MiB each, Q4_K, embd 1024,
 * FFN 4096, 8 heads, 2 KV heads of 128, vocab 32000. At ctx 4096 (F16 KV):
 * a layer's cache 2 x 2 x 128 x 4096 x 2 B = 4 MiB; a token at the 1024-token
 * prompt reads 1 MiB of it, so 257 MiB a layer. Compute buffer (512-token
 * batch, flash attention): 20 MiB, 64.5 MiB on the device with the output
 * (512 x 4 x (32000 + 1024) B). Discrete GPUs keep Ollama's 457 MiB free. */
static struct model model;
static struct size_model size;
static struct layer_bytes layers[4];
static struct hardware nodes[4];
static struct rpc_cluster cluster;
static struct estimate e;
static struct estimate_settings set = { 4096, KV_F16, 8, 1024, RUNTIME_LLAMA_CPP, FA_RUNTIME,
					NULL, NULL };

static void small_model(void)
{
	test_dense_1b(&model, &size, layers);
}

/* Node k: one NVIDIA GPU of vram_bytes (0: none) at 1000 GB/s, 16 GiB RAM. */
static void node(int k, int64_t vram_bytes)
{
	struct hardware *hw = &nodes[k];

	hw_init(hw);
	hw->ram.total_bytes = hw->ram.available_bytes = 16 * GIB;
	hw->cpu.cores = 8;
	hw->cpu.q4_gbps = hw->cpu.q4_k_gbps = 40;
	hw->cpu.prefill_gflops = 500;
	hw->disk.kind = DISK_NVME;
	hw->gpu_count = vram_bytes > 0;
	if (vram_bytes > 0) {
		hw_gpu_init(&hw->gpus[0]);
		hw->gpus[0].vendor = GPU_VENDOR_NVIDIA;
		snprintf(hw->gpus[0].name, sizeof(hw->gpus[0].name), "Test GPU");
		hw->gpus[0].vram_total_bytes = hw->gpus[0].vram_free_bytes = vram_bytes;
		hw->gpus[0].bandwidth_gbps = 1000;
		hw->gpus[0].fp16_tflops = 100;
		hw->gpus[0].pcie.gen = 4;
		hw->gpus[0].pcie.width = 16;
	}
}

static void pool(int count)
{
	static const char *const names[] = { "host", "a", "b", "c" };

	memset(&cluster, 0, sizeof(cluster));
	cluster.node_count = count;
	for (int k = 0; k < count; k++)
		cluster.nodes[k] = (struct rpc_node){ &nodes[k], names[k] };
	rpc_link_default(&cluster.link);
	set.cluster = &cluster;
	estimate_model(&nodes[0], &model, &size, &set, &e);
}

/* llama.cpp: layer il goes to the first device whose cumulative share
 * exceeds il / offloaded (upper_bound), the output layer counted last. */
static void split_follows_llama_cpp(void)
{
	int counts[4];

	/* shares 0 .2 .4 .6 .8 against {.75, 1}: four units, then the output */
	CHECK_INT(rpc_split_units((double[]){ 3, 1 }, 2, 4, 5, counts), 5);
	CHECK_INT(counts[0], 4);
	CHECK_INT(counts[1], 1);
	/* .5 is not above .5: the third unit goes to the second device */
	CHECK_INT(rpc_split_units((double[]){ 1, 1 }, 2, 3, 99, counts), 4);
	CHECK_INT(counts[0], 2);
	CHECK_INT(counts[1], 2);
	/* -ngl 3 of 7 layers: shares 0, 1/3, 2/3 against {.25, .5, 1} */
	CHECK_INT(rpc_split_units((double[]){ 1, 1, 2 }, 3, 7, 3, counts), 3);
	CHECK_INT(counts[0], 1);
	CHECK_INT(counts[1], 1);
	CHECK_INT(counts[2], 1);
	CHECK_INT(rpc_split_units((double[]){ 0, 0 }, 2, 4, 5, counts), -1);
}

static void network_terms_by_hand(void)
{
	struct rpc_link ten = { "custom", 10, 50, "--link-gbps", "--link-rtt-us" }, gbe;

	/* 3 x 50 us + 3 x (2 x 8192 x 4 + 655) B x 8 / 10 Gb/s = 1.5e-4 + 1.588584e-4 */
	CHECK_NEAR(rpc_network_seconds_per_token(&ten, 3, 8192, 128256, false), 3.088584e-4, 1e-12);
	/* the output remote: the last exchange returns 128256 logits, not 8192
	 * floats: 2 x (2 x 32768 + 655) - 32768 + 128256 x 4 = 612638 B */
	CHECK_NEAR(rpc_network_seconds_per_token(&ten, 2, 8192, 128256, true),
		   1e-4 + 612638 * 8 / 1e10, 1e-12);
	CHECK_NEAR(rpc_network_seconds_per_token(&ten, 0, 8192, 128256, true), 0, 0);
	/* a 1024-token prompt over 2 exchanges: 2 batches of 512 each, so 4 round
	 * trips; 2 x (2 x 1024 x 4096 x 4 + 2 x 655) = 67111484 B */
	CHECK_NEAR(rpc_prefill_network_seconds(&ten, 2, 1024, 4096, 32000, false),
		   0.0538891872, 1e-12);
	CHECK_INT(rpc_link_preset("1gbe", &gbe), 0);
	CHECK_NEAR(gbe.gbps, 0.94148244473, 1e-10);
	CHECK_NEAR(gbe.rtt_us, 100, 0);
	CHECK_STR(gbe.rtt_source, "rule");
	CHECK_INT(rpc_link_preset("5GbE", &gbe), -1);
}

/* A CPU-only host and two remote 2 GiB GPUs (1591 MiB budgets each): split
 * by equal free memory, shares 0 .2 .4 | .6 .8: layers 0-2 on a, layer 3 and
 * the output on b. */
static void two_remotes_default_split(void)
{
	double dev_a, dev_b, net;

	small_model();
	node(0, 0);
	node(1, 2 * GIB);
	node(2, 2 * GIB);
	pool(3);
	CHECK_INT(e.now.placement, PLACE_RPC);
	CHECK_STR(placement_name(e.now.placement), "rpc");
	CHECK(!e.rpc.tensor_split);
	CHECK_INT(e.rpc.ngl, 5);
	CHECK_INT(e.rpc.device_count, 2);
	CHECK_INT(e.rpc.devices[0].node, 1);
	CHECK_INT(e.rpc.devices[0].first_layer, 0);
	CHECK_INT(e.rpc.devices[0].layers, 3);
	CHECK_INT(e.rpc.devices[1].layers, 1);
	CHECK(e.rpc.devices[1].holds_output);
	/* a: 3 x 256 + 3 x 4 + 20 = 800 MiB; b: 256 + 4 + 64 + 64.5 = 388.5 MiB;
	 * host: token_embd 64 + 4 MiB of embeddings' buffer + 256 MiB process */
	CHECK_INT(e.rpc.nodes[1].memory_bytes, 800 * MIB);
	CHECK_INT(e.rpc.nodes[2].memory_bytes, 388 * MIB + 512 * 1024);
	CHECK_INT(e.rpc.nodes[0].memory_bytes, 324 * MIB);
	CHECK_INT(e.rpc.nodes[1].budget_bytes, 1591 * MIB);
	CHECK_INT(e.rpc.nodes[0].budget_bytes, 16 * GIB);
	dev_a = 3 * 257 * MIB / (1000e9 * EFF) + 3 * OH;
	dev_b = (257 + 64) * MIB / (1000e9 * EFF) + OH;
	/* both remotes hold layers: 2 exchanges; b returns the logits:
	 * 2 x 655 + 2 x 4096 + 4096 + 128000 - 4096 = 141598 B */
	net = 2 * 100e-6 + 141598 * 8 / GBE_BPS;
	CHECK_INT(e.rpc.remote_exchanges, 2);
	CHECK_NEAR(e.rpc.network_seconds_per_token, net, 1e-12);
	CHECK_NEAR(e.rpc.nodes[1].seconds_per_token, dev_a, 1e-12);
	CHECK_NEAR(e.now.decode_tok_s, 1 / (dev_a + dev_b + net), 1e-6);
	CHECK(e.now.decode_tok_s < 1 / e.rpc.devices_seconds_per_token);
	/* load: the remotes' weights over the link: a's 3 x 256 MiB, b's 256 + 64 */
	CHECK_NEAR(e.rpc.load_link_seconds, (768.0 + 320) * MIB * 8 / GBE_BPS, 1e-9);
}

/* a has 600 MiB free (143 MiB budget): its free-memory share (layer 0,
 * 280 MiB) does not fit, so a --tensor-split puts everything on b. */
static void tensor_split_when_default_does_not_fit(void)
{
	char split[64], cmd[512];

	small_model();
	node(0, 0);
	node(1, 600 * MIB);
	node(2, 6000 * MIB);
	pool(3);
	CHECK_INT(e.now.placement, PLACE_RPC);
	CHECK(e.rpc.tensor_split);
	CHECK_STR(rpc_tensor_split(&e.rpc, split, sizeof(split)), "0,5");
	CHECK_INT(e.rpc.nodes[1].layers, 0);
	CHECK_INT(e.rpc.nodes[2].layers, 4);
	CHECK_INT(e.rpc.remote_exchanges, 1);
	for (int k = 0; k < 3; k++)
		CHECK(e.rpc.nodes[k].memory_bytes <= e.rpc.nodes[k].budget_bytes);
	CHECK_STR(rpc_host_command(&e, &set, cmd, sizeof(cmd)),
		  "llama-server -m test:1b-Q4_K_M.gguf --rpc a:50052,b:50052 -ngl 5 "
		  "--tensor-split 0,5 -c 4096 -fa on -t 8");
	CHECK_STR(rpc_server_command(cmd, sizeof(cmd)), "rpc-server -H 0.0.0.0 -p 50052");
}

/* a's 2 GiB GPU beside b's 16 GiB of RAM: llama.cpp's free-memory split
 * gives b (a CPU device at 40 GB/s) most layers; a --tensor-split leaving b
 * out puts all 5 units on a (4 x 260 + 64 + 64.5 = 1168.5 MiB of 1591). */
static void faster_split_leaves_slow_device_out(void)
{
	char split[64];
	double dev_s, net;

	small_model();
	node(0, 0);
	node(1, 2 * GIB);
	node(2, 0);
	pool(3);
	CHECK(e.rpc.tensor_split);
	CHECK_STR(rpc_tensor_split(&e.rpc, split, sizeof(split)), "5,0");
	CHECK_INT(e.rpc.nodes[2].layers, 0);
	dev_s = (4 * 257 + 64) * MIB / (1000e9 * EFF) + 4 * OH;
	/* one exchange, returning the logits: 2 x 4096 + 655 - 4096 + 128000 B */
	net = 100e-6 + (2 * 4096 + 655 - 4096 + 128000) * 8 / GBE_BPS;
	CHECK_NEAR(e.now.decode_tok_s, 1 / (dev_s + net), 1e-6);
	CHECK(e.rpc.default_split_tok_s > 0 && e.rpc.default_split_tok_s < e.now.decode_tok_s);
}

/* Four nodes of one 1 GiB GPU (567 MiB budgets): devices a, b, c, then the
 * host's; shares 0 .2 | .4 | .6 | .8 against {.25 .5 .75 1}. */
static void four_nodes_each_within_memory(void)
{
	double dev_s, net;

	small_model();
	for (int k = 0; k < 4; k++)
		node(k, GIB);
	pool(4);
	CHECK_INT(e.now.placement, PLACE_RPC);
	CHECK(!e.rpc.tensor_split);
	CHECK_INT(e.rpc.nodes[1].layers, 2);
	CHECK_INT(e.rpc.nodes[2].layers, 1);
	CHECK_INT(e.rpc.nodes[3].layers, 1);
	CHECK_INT(e.rpc.nodes[0].layers, 0);
	CHECK(e.rpc.devices[3].node == 0 && e.rpc.devices[3].holds_output);
	/* a: 2 x 260 + 20 = 540 MiB of 567; the host: 64 + 64.5 on its GPU, 324 in RAM */
	CHECK_INT(e.rpc.nodes[1].memory_bytes, 540 * MIB);
	CHECK_INT(e.rpc.nodes[0].memory_bytes, 452 * MIB + 512 * 1024);
	for (int k = 0; k < 4; k++)
		CHECK(e.rpc.nodes[k].memory_bytes <= e.rpc.nodes[k].budget_bytes);
	dev_s = (4 * 257 + 64) * MIB / (1000e9 * EFF) + 4 * OH;
	net = 3 * 100e-6 + 3 * (2 * 4096 + 655) * 8 / GBE_BPS;
	CHECK_INT(e.rpc.remote_exchanges, 3);
	CHECK_NEAR(e.rpc.devices_seconds_per_token, dev_s, 1e-12);
	CHECK_NEAR(e.now.decode_tok_s, 1 / (dev_s + net), 1e-6);
	/* no node holds it alone on its GPU; the host spills 3 layers to its CPU */
	CHECK(e.rpc.alone_best_node == 0);
	CHECK(e.rpc.alone_best_tok_s < e.now.decode_tok_s);
}

/* Faster links, faster decode; never above the same layers' devices alone. */
static void decode_falls_as_links_slow(void)
{
	static const char *const links[] = { "IB", "100GbE", "25GbE", "10GbE", "2.5GbE", "1GbE" };
	double previous = 1e30, devices_tok_s = -1;

	small_model();
	for (int k = 0; k < 4; k++)
		node(k, GIB);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		pool(4);
		CHECK_INT(rpc_link_preset(links[i], &cluster.link), 0);
		estimate_model(&nodes[0], &model, &size, &set, &e);
		devices_tok_s = 1 / e.rpc.devices_seconds_per_token;
		CHECK(e.now.decode_tok_s < previous);
		CHECK(e.now.decode_tok_s < devices_tok_s);
		previous = e.now.decode_tok_s;
	}
}

/* A host whose 8 GiB GPU holds the model alone: pooling adds the network. */
/* The small model pooled over two 8 GiB nodes. */
static void small_model_on_two_nodes(void)
{
	small_model();
	node(0, 8 * GIB);
	node(1, 8 * GIB);
	pool(2);
}

/* rpc_write_text's text for `chosen` among the n estimates (the caller frees it). */
static char *rpc_text(const struct estimate *chosen, const struct estimate *all, int n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	rpc_write_text(out, chosen, &set, all, n);
	fclose(out);
	return text;
}

static void pooled_slower_than_alone_said_plainly(void)
{
	char *text, note[256];

	small_model_on_two_nodes();
	CHECK_INT(e.rpc.alone_best_node, 0);
	CHECK(e.rpc.alone_best_tok_s > e.now.decode_tok_s);
	text = rpc_text(&e, &e, 1);
	CHECK_CONTAINS(text, "SLOWER POOLED: host alone");
	CHECK_CONTAINS(text, "on a:  rpc-server -H 0.0.0.0 -p 50052");
	CHECK_CONTAINS(text, "network ");
	CHECK(rpc_alone_note(&e, note, sizeof(note)) != NULL);
	CHECK_CONTAINS(note, "faster on host alone");
	free(text);
}

/* Hand-built estimates: Q8_0 pooled at 10 tok/s, Q4_K_M alone at 30. */
static void smaller_quant_alone_said_plainly(void)
{
	struct estimate q[2];
	char *text;

	small_model_on_two_nodes();
	q[0] = q[1] = e;
	q[0].ftype = FTYPE_Q8_0;
	q[0].now.decode_tok_s = 10;
	q[0].rpc.alone_best_node = -1;
	q[1].ftype = FTYPE_Q4_K_M;
	q[1].rpc.alone_best_node = 1;
	q[1].rpc.alone_best_tok_s = 30;
	text = rpc_text(&q[0], q, 2);
	CHECK_CONTAINS(text, "fits on none of them");
	CHECK_CONTAINS(text, "A SMALLER QUANT ON ONE MACHINE BEATS THE CLUSTER: Q4_K_M on a alone "
		       "runs at 30 tok/s, the cluster at Q8_0 10 tok/s");
	free(text);
}

/* ---- the command line on fixture profiles ---- */

#define PROFILE(name) test_path("fixtures/profiles/" name ".json")

static cJSON *show_json(const char *model_id, const char *link, int *status)
{
	char host[512], n2[512], n3[512], n4[512];
	const char *argv[] = { "show", model_id, "--quant", "Q4_K_M", "--json", "--node", host,
			       "--node", n2, "--node", n3, "--node", n4, "--link", link, NULL };

	snprintf(host, sizeof(host), "%s", PROFILE("desktop-3090"));
	snprintf(n2, sizeof(n2), "%s", PROFILE("rpc-node-3090"));
	snprintf(n3, sizeof(n3), "%s", PROFILE("rpc-node-4070"));
	snprintf(n4, sizeof(n4), "%s", PROFILE("rpc-node-cpu"));
	return run_canirun_json(argv, NULL, status);
}

static const cJSON *selected(const cJSON *doc)
{
	const char *quant = cJSON_GetObjectItem(doc, "selected_quant")->valuestring;
	const cJSON *it;

	cJSON_ArrayForEach(it, cJSON_GetObjectItem(doc, "estimates"))
		if (strcmp(cJSON_GetObjectItem(it, "quant")->valuestring, quant) == 0)
			return it;
	return NULL;
}

/* llama3.1:70b at Q4_K_M (about 40 GiB) over four machines: 3090 + 3090 +
 * 4070 + a CPU node; each node within its budget, slower on slower links. */
static void cli_four_nodes(void)
{
	static const char *const links[] = { "100GbE", "10GbE", "1GbE" };
	double previous = 1e30;
	int status;

	for (size_t i = 0; i < 3; i++) {
		cJSON *doc = show_json("llama3.1:70b", links[i], &status);
		const cJSON *est = doc ? selected(doc) : NULL, *n, *rpc;

		CHECK_INT(status, 0);
		if (!est) {
			cJSON_Delete(doc);
			continue;
		}
		CHECK_STR(cJSON_GetObjectItem(est, "placement")->valuestring, "rpc");
		CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(est, "nodes")), 4);
		cJSON_ArrayForEach(n, cJSON_GetObjectItem(est, "nodes"))
			CHECK(cJSON_GetObjectItem(n, "memory_bytes")->valuedouble <=
			      cJSON_GetObjectItem(n, "budget_bytes")->valuedouble);
		CHECK(cJSON_GetObjectItem(est, "decode_tok_s")->valuedouble < previous);
		previous = cJSON_GetObjectItem(est, "decode_tok_s")->valuedouble;
		rpc = cJSON_GetObjectItem(est, "rpc");
		CHECK(1 / cJSON_GetObjectItem(rpc, "devices_seconds_per_token")->valuedouble > previous);
		CHECK_CONTAINS(cJSON_GetObjectItem(cJSON_GetObjectItem(rpc, "commands"), "host")->valuestring,
			       "--rpc rpc-node-3090:50052,rpc-node-4070:50052,rpc-node-cpu:50052 -ngl ");
		cJSON_Delete(doc);
	}
}

static void cli_refuses_bad_cluster_options(void)
{
	static const struct { const char *argv[8]; const char *message; } cases[] = {
		{ { "report", "--node", "x.json", NULL }, "--node: give two machines" },
		{ { "report", "--link", "10GbE", NULL }, "--link: only with --node" },
		{ { "report", "--link", "5GbE", NULL }, "--link: unknown link '5GbE': give one of 1GbE" },
		{ { "report", "--link-gbps", "0", NULL }, "--link-gbps: '0': give a rate in Gb/s from 0.001 to 10000" },
		{ { "report", "--link-rtt-us", "-1", NULL }, "--link-rtt-us: '-1': give a round trip" },
		{ { "report", "--node", "a.json", "--node", "b.json", "--runtime", "ollama", NULL },
		  "--runtime ollama cannot" },
		{ { "hw", "--node", "a.json", "--node", "b.json", NULL }, "--node: for report, show" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL, *err = NULL;

		CHECK_INT(run_canirun(cases[i].argv, NULL, &out, &err), 2);
		CHECK_CONTAINS(err, cases[i].message);
		free(out);
		free(err);
	}
}

/* report over two 3090 boxes: llama3.1:8b fits one of them (faster there
 * at its own quant); qwen2.5:32b at Q8_0 needs both, but a smaller quant fits
 * one box alone and beats the cluster. */
static void cli_report_says_alone_is_faster(void)
{
	char host[512], other[512], *out = NULL, *err = NULL;
	const char *argv[] = { "report", "--node", host, "--node", other, "llama3.1:8b", "qwen2.5:32b",
			       NULL };

	snprintf(host, sizeof(host), "%s", PROFILE("desktop-3090"));
	snprintf(other, sizeof(other), "%s", PROFILE("rpc-node-3090"));
	CHECK_INT(run_canirun(argv, NULL, &out, &err), 0);
	CHECK_CONTAINS(out, "+ rpc-node-3090 over 1GbE (llama.cpp RPC)");
	CHECK_CONTAINS(out, "RPC 2 nodes");
	CHECK_CONTAINS(out, "Faster on one machine alone than pooled");
	CHECK_CONTAINS(out, "llama3.1:8b Q8_0: faster on desktop-3090 alone");
	CHECK_CONTAINS(out, "qwen2.5:32b: Q");
	CHECK_CONTAINS(out, "the cluster at Q8_0");
	free(out);
	free(err);
}

/* cost over two 3090 boxes: both draw and both are paid for. */
static void cli_cost_sums_nodes(void)
{
	char host[512], other[512];
	const char *one[] = { "cost", "llama3.1:8b", "--json", "--hw", host, "--runtime", "llama.cpp",
			      "--tokens-per-day", "100000", NULL };
	const char *two[] = { "cost", "llama3.1:8b", "--json", "--node", host, "--node", other,
			      "--tokens-per-day", "100000", NULL };
	cJSON *a, *b;
	int status;

	snprintf(host, sizeof(host), "%s", PROFILE("desktop-3090"));
	snprintf(other, sizeof(other), "%s", PROFILE("rpc-node-3090"));
	a = run_canirun_json(one, NULL, &status);
	b = run_canirun_json(two, NULL, &status);
	CHECK(a && b);
	if (a && b) {
		const cJSON *ca = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(a, "estimates"), 0), "cost");
		const cJSON *cb = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(b, "estimates"), 0), "cost");

		CHECK_NEAR(cJSON_GetObjectItem(cb, "watts")->valuedouble,
			   2 * cJSON_GetObjectItem(ca, "watts")->valuedouble, 1e-9);
		CHECK_NEAR(cJSON_GetObjectItem(cb, "hardware_cost")->valuedouble,
			   2 * cJSON_GetObjectItem(ca, "hardware_cost")->valuedouble, 1e-9);
	}
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* The same profile twice: two machines, two names in the commands. */
static void cli_same_profile_twice_two_names(void)
{
	char host[512], other[512];
	const char *argv[] = { "show", "llama3.3:70b", "--quant", "Q4_K_M", "--json", "--node", host,
			       "--node", other, NULL };
	int status;
	cJSON *doc;
	const cJSON *est;

	snprintf(host, sizeof(host), "%s", PROFILE("desktop-3090"));
	snprintf(other, sizeof(other), "%s", PROFILE("desktop-3090"));
	doc = run_canirun_json(argv, NULL, &status);
	CHECK_INT(status, 0);
	est = doc ? selected(doc) : NULL;
	if (CHECK(est != NULL)) {
		const cJSON *list = cJSON_GetObjectItem(est, "nodes");

		CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "name")->valuestring, "desktop-3090");
		CHECK_STR(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 1), "name")->valuestring, "desktop-3090-2");
		CHECK_CONTAINS(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(est, "rpc"), "commands"),
						   "host")->valuestring, "--rpc desktop-3090-2:50052 ");
	}
	cJSON_Delete(doc);
}

TESTS(T(split_follows_llama_cpp), T(cli_same_profile_twice_two_names), T(network_terms_by_hand), T(two_remotes_default_split),
      T(tensor_split_when_default_does_not_fit), T(faster_split_leaves_slow_device_out),
      T(four_nodes_each_within_memory),
      T(decode_falls_as_links_slow), T(pooled_slower_than_alone_said_plainly),
      T(smaller_quant_alone_said_plainly), T(cli_four_nodes), T(cli_refuses_bad_cluster_options),
      T(cli_cost_sums_nodes), T(cli_report_says_alone_is_faster));
