/* benchcache.h - keeping a bench result between runs.
 *
 * The file is $XDG_CACHE_HOME/canirun/bench.json (else
 * $HOME/.cache/canirun/bench.json), one JSON object holding a format
 * version, the key of the machine it was measured on and the last runs'
 * figures. Results are reused only on the same machine: the key names the
 * CPU model, its cores and threads, and the kernel release. A file that is
 * corrupt, of another format version or for another key is ignored with a
 * warning; the next save replaces it. Saves are atomic (a temporary file in
 * the same directory, fsync, rename), so readers never see half a file.
 */
#ifndef CANIRUN_BENCHCACHE_H
#define CANIRUN_BENCHCACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/bench.h"
#include "util/errors.h"
#include "hw/hw.h"

/* Raised whenever a stored figure would now be measured differently, so
 * that an old cache is re-measured rather than believed. 4: on amx-int8
 * the tile products sum in L1 (Q4_0/Q8_0 batches ~1.4x faster) and the
 * Q4_K/Q6_K token rates are timed on the tiled layout. 5: the last runs,
 * not one. 6: the prefill type rates on one thread too. */
#define BENCH_CACHE_FORMAT 6
#define BENCH_KEY_MAX 256

/* The cache file's path from the values of XDG_CACHE_HOME and HOME (either
 * may be NULL or empty; XDG_CACHE_HOME counts only when absolute, as the
 * XDG base directory spec says). Returns 0, or -1 when neither gives one. */
int bench_cache_path(char *out, size_t size, const char *xdg_cache_home,
		     const char *home);

/* "<cpu model>; <cores> cores; <threads> threads; kernel <release>" */
void bench_cache_key(char *out, size_t size, const struct cpu_info *cpu,
		     const char *kernel_release);

/* A new result is not believed when it moves a figure by more than this
 * share of the kept one (the runs' median): the bench measures again and
 * keeps, figure by figure, the middle of the three, which then joins the
 * kept runs as one more. A confirmed move does not start the list over: on
 * the 2-vCPU Zen 3 build VM a spell of a minute moved figures by 25-30%
 * and the second measurement, seconds later, confirmed them, so that a
 * start over kept the spell's figures alone (in 12 sets of ten calls, the
 * two that started over so went 17% and 22% from their medians). A machine
 * that really changed moves the median within half the kept runs. */
#define BENCH_RECHECK_SHARE 0.25

/* The cache keeps the last runs on this machine, and the estimates take,
 * figure by figure, their median. One 3-second run sees the machine as it
 * is for those seconds, and a shared VM's own speed moves over minutes
 * (the memory-bound figures of the build VM drifted from 16 to 12 GB/s
 * within a minute and stayed there, and moved 10% from one run to the
 * next); the median of many runs, over more time than such a spell, is
 * the machine's usual speed. A machine's first measurement, or the first
 * after a start over, is BENCH_FIRST_RUNS runs in a row (about 27 s), so
 * that the first kept figures are a median over half a minute too. Chosen
 * on that VM from two series of 50 and 60 runs in a row, replayed as every
 * set of ten `canirun bench` calls they hold: the share of sets whose kept
 * figures all stayed within 10% of the ten's median was 39% and 14% with
 * one first run and 5 kept, 100% and 69% with 4 and 10, 100% and 100%
 * with 8 and 20 (6 and 20: 100% and 96%). */
#define BENCH_FIRST_RUNS 8
#define BENCH_KEPT_RUNS 20

/* Runs of one machine, all with the same threads and kernels. */
struct bench_runs {
	int count;
	struct bench_result run[BENCH_KEPT_RUNS];  /* oldest first */
};

/* Loads the runs saved under key. Returns 0 when at least one was loaded;
 * -1 when there are none (silently) or the file is unusable (a warning says
 * why), runs->count then 0. Loaded runs have no spread (-1). */
int bench_cache_load(const char *path, const char *key, struct bench_runs *runs,
		     struct warnings *w);

/* Saves the runs under key, creating the directories. Returns 0, or -1
 * with err. */
int bench_cache_save(const char *path, const char *key,
		     const struct bench_runs *runs, struct error *err);

/* Whether r was measured as the runs were (same threads and kernels), so
 * that its figures compare with theirs. False when there are no runs. */
bool bench_runs_comparable(const struct bench_runs *runs, const struct bench_result *r);

/* Adds r as the newest run, dropping the oldest beyond BENCH_KEPT_RUNS;
 * starts over with r alone when r is not comparable with the runs (another
 * setup). The caller re-measures a result that moved a figure by over
 * BENCH_RECHECK_SHARE before adding it (bench_settle). */
void bench_runs_add(struct bench_runs *runs, const struct bench_result *r);

/* How many runs a `canirun bench` makes in all when, its first added, the
 * list holds kept_with_first runs: wanted (--runs) when over 0, else
 * BENCH_FIRST_RUNS when the first holds the list alone (a first
 * measurement, or a start over for another setup), else 1. */
int bench_runs_to_make(int kept_with_first, int wanted);

/* The runs one `canirun bench` made, as one result: figure by figure their
 * median, each spread the widest of theirs, seconds and redone passes
 * summed, the thread check the lowest, the disk read the one that read.
 * runs->count must be at least 1. */
void bench_runs_combine(const struct bench_runs *runs, struct bench_result *out);

/* The figures the estimates use: figure by figure the median of the runs
 * that measured it (-1 where none did), no spread; threads, kernels,
 * seconds and the thread check from the newest run, disk_direct from the
 * newest that read the disk. runs->count must be at least 1. */
void bench_runs_kept(const struct bench_runs *runs, struct bench_result *kept);

/* The calibrations of this machine (`canirun calibrate`) live beside the
 * bench result, in calibration.json of the same directory, under the same
 * machine key: {"format", "key", "calibration": [...]} (hwjson.h). */
#define CALIBRATION_CACHE_FORMAT 1

/* calibration.json's path beside the bench cache path. 0, or -1. */
int calibration_cache_path(char *out, size_t size, const char *bench_path);

/* Loads hw's calibrations saved under key. 0 when some were loaded; -1
 * when there are none (silently) or the file is unusable (a warning). */
int calibration_cache_load(const char *path, const char *key, struct hardware *hw,
			   struct warnings *w);

/* Saves hw's calibrations under key, atomically. 0, or -1 with err. */
int calibration_cache_save(const char *path, const char *key, const struct hardware *hw,
			   struct error *err);

/* The first figure in which a differs from b by more than limit times b's
 * value (both known), or BF_COUNT when none does. */
enum bench_figure bench_differs(const struct bench_result *a,
				const struct bench_result *b, double limit);

/* Replaces each figure of fresh by the middle of cached, again and fresh;
 * adds again's dropped passes and time to fresh's. */
void bench_settle(const struct bench_result *cached, const struct bench_result *again,
		  struct bench_result *fresh);

/* Copies the result's figures into hw (CPU rates; the disk rate when it
 * was measured), marking them as coming from src (SRC_BENCH or
 * SRC_CACHED). Unknown figures leave hw's as they are. */
void bench_apply(const struct bench_result *r, enum fact_source src,
		 struct hardware *hw);

#endif
