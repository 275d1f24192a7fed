/* test_numparse.c - the strict number parsers: whole-string numbers only,
 * decimal or 0x hex, ranges and overflow refused. */
#include <stdint.h>

#include "testlib.h"
#include "util/numparse.h"

static void u64_decimal_and_hex(void)
{
	uint64_t v = 0;

	CHECK_INT(parse_u64("42", &v), 0);
	CHECK_INT(v, 42);
	CHECK_INT(parse_u64("  7 \n", &v), 0);
	CHECK_INT(v, 7);
	CHECK_INT(parse_u64("0x1f", &v), 0);
	CHECK_INT(v, 31);
	CHECK_INT(parse_u64("0X10de", &v), 0);
	CHECK_INT(v, 0x10de);
	/* a leading zero is decimal, not octal */
	CHECK_INT(parse_u64("010", &v), 0);
	CHECK_INT(v, 10);
	CHECK_INT(parse_u64("18446744073709551615", &v), 0);
	CHECK(v == UINT64_MAX);
}

static void u64_refuses(void)
{
	uint64_t v = 99;

	CHECK_INT(parse_u64("", &v), -1);
	CHECK_INT(parse_u64("-1", &v), -1);
	CHECK_INT(parse_u64("+1", &v), -1);
	CHECK_INT(parse_u64("12abc", &v), -1);
	CHECK_INT(parse_u64("0x", &v), -1);
	CHECK_INT(parse_u64("0x-5", &v), -1);
	CHECK_INT(parse_u64("0x 5", &v), -1);
	CHECK_INT(parse_u64("18446744073709551616", &v), -1);
	CHECK_INT(v, 99);
}

static void int_in_range(void)
{
	int v = 0;

	CHECK_INT(parse_int("16", 1, 64, &v), 0);
	CHECK_INT(v, 16);
	CHECK_INT(parse_int("-3", -5, 5, &v), 0);
	CHECK_INT(v, -3);
	CHECK_INT(parse_int("65", 1, 64, &v), -1);
	CHECK_INT(parse_int("0", 1, 64, &v), -1);
	CHECK_INT(parse_int("9999999999999", 1, 2147483647, &v), -1);
	CHECK_INT(parse_int("8 threads", 1, 64, &v), -1);
	CHECK_INT(v, -3);
}

static void double_finite_only(void)
{
	double v = 0;

	CHECK_INT(parse_double("1.5", &v), 0);
	CHECK_NEAR(v, 1.5, 0);
	CHECK_INT(parse_double(" 2e3 ", &v), 0);
	CHECK_NEAR(v, 2000, 0);
	CHECK_INT(parse_double("inf", &v), -1);
	CHECK_INT(parse_double("nan", &v), -1);
	CHECK_INT(parse_double("1e999", &v), -1);
	CHECK_INT(parse_double("1.5x", &v), -1);
	CHECK_INT(parse_double("", &v), -1);
}

TESTS(T(u64_decimal_and_hex), T(u64_refuses), T(int_in_range), T(double_finite_only));
