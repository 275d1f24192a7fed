/* test_jsonfile.c - util/jsonfile's field readers: what each accepts, how
 * absence is treated for each need, and the one error wording. */
#include <cjson/cJSON.h>
#include <float.h>
#include <string.h>

#include "testlib.h"
#include "util/jsonfile.h"

static struct error err;
static const struct json_at at = { "f.json", "things[2] (x): ", &err };

static cJSON *doc(void)
{
	return cJSON_Parse("{\"n\": 7, \"half\": 2.5, \"nul\": null, \"s\": \"abc\", "
			   "\"t\": true, \"big\": 1e300}");
}

static void integers(void)
{
	cJSON *o = doc();
	int64_t v = -9;

	CHECK_INT(json_get_int(&at, o, "n", 1, 10, JSON_REQUIRED, &v), 1);
	CHECK_INT(v, 7);
	CHECK_INT(json_get_int(&at, o, "n", 8, 10, JSON_REQUIRED, &v), -1);
	CHECK_STR(err.msg, "f.json: things[2] (x): n: must be between 8 and 10");
	CHECK_INT(json_get_int(&at, o, "half", 1, 10, JSON_REQUIRED, &v), -1);
	CHECK_STR(err.msg, "f.json: things[2] (x): half: must be an integer");
	CHECK_INT(json_get_int(&at, o, "s", 1, 10, JSON_OPTIONAL, &v), -1);
	cJSON_Delete(o);
}

static void absence_by_need(void)
{
	cJSON *o = doc();
	int64_t v = 5;

	CHECK_INT(json_get_int(&at, o, "nul", 1, 10, JSON_OPTIONAL, &v), 0);
	CHECK_INT(json_get_int(&at, o, "gone", 1, 10, JSON_OPTIONAL, &v), 0);
	CHECK_INT(json_get_int(&at, o, "nul", 1, 10, JSON_NULLABLE, &v), 0);
	CHECK_INT(v, 5);
	CHECK_INT(json_get_int(&at, o, "gone", 1, 10, JSON_NULLABLE, &v), -1);
	CHECK_STR(err.msg, "f.json: things[2] (x): gone: missing (use null when unknown)");
	CHECK_INT(json_get_int(&at, o, "nul", 1, 10, JSON_REQUIRED, &v), -1);
	CHECK_STR(err.msg, "f.json: things[2] (x): nul: missing");
	cJSON_Delete(o);
}

static void numbers_text_bools(void)
{
	cJSON *o = doc();
	double d = 0;
	char small[3], fits[4];
	bool b = false;

	CHECK_INT(json_get_number(&at, o, "half", 0, 3, JSON_REQUIRED, &d), 1);
	CHECK_NEAR(d, 2.5, 0);
	CHECK_INT(json_get_number(&at, o, "half", 3, DBL_MAX, JSON_REQUIRED, &d), -1);
	CHECK_STR(err.msg, "f.json: things[2] (x): half: must be 3 or more");
	CHECK_INT(json_get_number(&at, o, "big", 0, 1e9, JSON_REQUIRED, &d), -1);
	CHECK_STR(err.msg, "f.json: things[2] (x): big: must be between 0 and 1e+09");
	CHECK_INT(json_get_text(&at, o, "s", JSON_REQUIRED, fits, sizeof(fits)), 1);
	CHECK_STR(fits, "abc");
	CHECK_INT(json_get_text(&at, o, "s", JSON_REQUIRED, small, sizeof(small)), -1);
	CHECK_STR(err.msg, "f.json: things[2] (x): s: too long (at most 2 bytes)");
	CHECK_INT(json_get_text(&at, o, "n", JSON_REQUIRED, NULL, 0), -1);
	CHECK_STR(err.msg, "f.json: things[2] (x): n: must be a string");
	CHECK_INT(json_get_bool(&at, o, "t", JSON_REQUIRED, &b), 1);
	CHECK(b);
	CHECK_INT(json_get_bool(&at, o, "n", JSON_REQUIRED, &b), -1);
	CHECK_STR(err.msg, "f.json: things[2] (x): n: must be true or false");
	cJSON_Delete(o);
}

TESTS(T(integers), T(absence_by_need), T(numbers_text_bools));
