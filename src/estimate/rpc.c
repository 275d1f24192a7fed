/* rpc.c - link presets and the arithmetic of llama.cpp's RPC split.
 *
 * Link rates: the payload a TCP stream carries. Ethernet: the line rate x
 * 1448 / 1538, the share of a 1500-byte-MTU frame on the wire (preamble 8,
 * header 14, FCS 4, gap 12) left to TCP payload after the IP (20) and TCP
 * with timestamps (32) headers: 0.9415. Thunderbolt 4 networking: the
 * 16.4 Gb/s iperf3 measured over a TB4 cable (jiribrejcha.net, 2024-05,
 * below). InfiniBand HDR 4x: 200 Gb/s, the same TCP share (IP over IB).
 *
 * Round trip: no standard publishes one for a link kind (the NICs, switch
 * and TCP stack set it), so every preset uses one rule, 100 us for a
 * request and its reply on a LAN through one switch; `--link-rtt-us` sets
 * a measured one (ping's rtt avg, in us). The output says "rule".
 */
#include "estimate/rpc.h"

#include <stddef.h>
#include <strings.h>

#define TCP_SHARE (1448.0 / 1538.0)
#define RTT_RULE_US 100.0
#define F32_BYTES 4

static const struct rpc_link presets[] = {
	{ "1GbE", 1 * TCP_SHARE, RTT_RULE_US,
	  "https://en.wikipedia.org/wiki/Gigabit_Ethernet", "rule" },
	{ "2.5GbE", 2.5 * TCP_SHARE, RTT_RULE_US,
	  "https://en.wikipedia.org/wiki/2.5GBASE-T_and_5GBASE-T", "rule" },
	{ "10GbE", 10 * TCP_SHARE, RTT_RULE_US,
	  "https://en.wikipedia.org/wiki/10_Gigabit_Ethernet", "rule" },
	{ "25GbE", 25 * TCP_SHARE, RTT_RULE_US,
	  "https://en.wikipedia.org/wiki/25_Gigabit_Ethernet", "rule" },
	{ "40GbE", 40 * TCP_SHARE, RTT_RULE_US,
	  "https://en.wikipedia.org/wiki/100_Gigabit_Ethernet", "rule" },
	{ "100GbE", 100 * TCP_SHARE, RTT_RULE_US,
	  "https://en.wikipedia.org/wiki/100_Gigabit_Ethernet", "rule" },
	{ "TB4", 16.4, RTT_RULE_US,
	  "https://www.jiribrejcha.net/2024/05/direct-20-gbps-connection-between-mac-and-windows-machine-with-no-ethernet-adapters/",
	  "rule" },
	{ "IB", 200 * TCP_SHARE, RTT_RULE_US, "https://en.wikipedia.org/wiki/InfiniBand", "rule" },
};

int rpc_link_preset(const char *name, struct rpc_link *out)
{
	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcasecmp(name, presets[i].name) == 0) {
			*out = presets[i];
			return 0;
		}
	return -1;
}

const char *rpc_link_preset_names(void)
{
	return "1GbE, 2.5GbE, 10GbE, 25GbE, 40GbE, 100GbE, TB4, IB";
}

void rpc_link_default(struct rpc_link *out)
{
	*out = presets[0];
}

int rpc_split_units(const double *weights, int count, int n_layer, int ngl, int *counts)
{
	/* float, as llama.cpp computes the split points and each layer's share */
	float cumulative[RPC_MAX_DEVICES], sum = 0;
	int offloaded = ngl < n_layer + 1 ? ngl : n_layer + 1;

	if (count <= 0 || count > RPC_MAX_DEVICES)
		return -1;
	for (int i = 0; i < count; i++) {
		sum += (float)weights[i];
		cumulative[i] = sum;
		counts[i] = 0;
	}
	if (sum <= 0)
		return -1;
	for (int i = 0; i < count; i++)
		cumulative[i] /= sum;
	for (int unit = 0; unit < offloaded; unit++) {
		float share = (float)unit / (float)offloaded;
		int d = 0;

		while (d < count - 1 && !(cumulative[d] > share))
			d++;
		counts[d]++;
	}
	return offloaded;
}

double rpc_link_seconds(const struct rpc_link *link, double bytes)
{
	return bytes * 8 / (link->gbps * 1e9);
}

double rpc_network_seconds_per_token(const struct rpc_link *link, int exchanges,
				     int64_t n_embd, int64_t n_vocab, bool logits_remote)
{
	double activation = (double)n_embd * F32_BYTES, bytes;

	if (exchanges <= 0)
		return 0;
	bytes = exchanges * (2 * activation + RPC_EXCHANGE_COMMAND_BYTES);
	if (logits_remote)
		bytes += (double)n_vocab * F32_BYTES - activation;
	return exchanges * link->rtt_us * 1e-6 + rpc_link_seconds(link, bytes);
}

double rpc_prefill_network_seconds(const struct rpc_link *link, int exchanges, int n_tokens,
				   int64_t n_embd, int64_t n_vocab, bool logits_remote)
{
	double activations = (double)n_tokens * n_embd * F32_BYTES, bytes;
	int batches = (n_tokens + RPC_PREFILL_UBATCH - 1) / RPC_PREFILL_UBATCH;

	if (exchanges <= 0 || n_tokens <= 0)
		return 0;
	bytes = exchanges * (2 * activations + (double)batches * RPC_EXCHANGE_COMMAND_BYTES);
	if (logits_remote)
		bytes += (double)n_vocab * F32_BYTES - activations;
	return (double)exchanges * batches * link->rtt_us * 1e-6 + rpc_link_seconds(link, bytes);
}
