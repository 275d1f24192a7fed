/* apis.h - what the alternatives to running locally cost: API models'
 * prices per 1M input and output tokens and chat seats' price per user and
 * month, from data/apis.json (every row with its source and date read).
 * The prices are in the file's currency (USD). struct price_table owns no
 * heap memory. */
#ifndef CANIRUN_APIS_H
#define CANIRUN_APIS_H

#include "util/errors.h"
#include "util/numparse.h"

#define PRICE_NAME_MAX 64
#define PRICE_DISPLAY_MAX 128
#define PRICE_MAX_ROWS 64

struct api_price {
	char name[PRICE_NAME_MAX];          /* what --api takes: "gpt-4o" */
	char display[PRICE_DISPLAY_MAX];
	double input_per_mtok, output_per_mtok;
};

struct seat_price {
	char name[PRICE_NAME_MAX];          /* what --seat takes: "chatgpt-team" */
	char display[PRICE_DISPLAY_MAX];
	double per_user_month;
};

struct price_table {
	int api_count, seat_count;
	struct api_price apis[PRICE_MAX_ROWS];
	struct seat_price seats[PRICE_MAX_ROWS];
	char default_api[PRICE_NAME_MAX];   /* an apis[] name */
};

/* The physical limits of the table's prices (USD); also --api-price's and
 * --seat-price's when the currency is USD. */
extern const struct value_limit api_price_limit, seat_price_limit;

/* Loads and validates path. -1 with err naming the file, row and field. */
int price_table_load(const char *path, struct price_table *out, struct error *err);

/* The row named (case-insensitively), or NULL; then err says "unknown
 * <option> 'X'; known: a, b, c" with option the caller's ("--api"). */
const struct api_price *price_table_api(const struct price_table *t, const char *name,
					const char *option, struct error *err);
const struct seat_price *price_table_seat(const struct price_table *t, const char *name,
					  const char *option, struct error *err);

#endif
