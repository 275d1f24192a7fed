#include "probe/pcibus.h"

#include <errno.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/sysfile.h"

/* libpci reports trouble through callbacks that carry no context, and its
 * error callback must not return (the default calls exit()). These hold
 * the current call's jump target and warning list; _Thread_local keeps two
 * threads probing at once apart. */
static _Thread_local jmp_buf *pci_guard;
static _Thread_local char pci_fault[ERROR_MSG_MAX];
static _Thread_local struct warnings *pci_warnings;

static __attribute__((noreturn, format(printf, 1, 2)))
void on_pci_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(pci_fault, sizeof(pci_fault), msg, ap);
	va_end(ap);
	longjmp(*pci_guard, 1);
}

static __attribute__((format(printf, 1, 2)))
void on_pci_warning(char *msg, ...)
{
	char text[WARNING_MSG_MAX];
	va_list ap;

	va_start(ap, msg);
	vsnprintf(text, sizeof(text), msg, ap);
	va_end(ap);
	warn_add(pci_warnings, "libpci: %s", text);
}

static __attribute__((format(printf, 1, 2)))
void on_pci_debug(char *msg, ...)
{
	(void)msg;
}

/* Runs fn(acc, arg) so that a libpci error lands here: returns 0, or -1
 * with the message in pci_fault. */
static int guarded(void (*fn)(struct pci_access *, void *),
		   struct pci_access *acc, void *arg)
{
	jmp_buf here;
	jmp_buf *outer = pci_guard;

	pci_guard = &here;
	if (setjmp(here)) {
		pci_guard = outer;
		return -1;
	}
	fn(acc, arg);
	pci_guard = outer;
	return 0;
}

static void do_init(struct pci_access *acc, void *arg)
{
	(void)arg;
	pci_init(acc);
}

static void do_scan(struct pci_access *acc, void *arg)
{
	(void)arg;
	pci_scan_bus(acc);
}

static void do_load_names(struct pci_access *acc, void *arg)
{
	(void)arg;
	pci_load_name_list(acc);
}

/* PCIe link speed codes (Link Capabilities / Link Status bits 3:0) are
 * 1 = 2.5 GT/s (gen 1) ... 6 = 64 GT/s (gen 6): pciutils ls-caps.c
 * link_speed(). A code outside that range is unknown. */
static int speed_code_gen(unsigned code)
{
	return code >= 1 && code <= 6 ? (int)code : HW_UNKNOWN;
}

static int link_width(unsigned field)
{
	return field >= 1 && field <= 32 ? (int)field : HW_UNKNOWN;
}

/* Reads the link from the PCI Express capability. A config space cut short
 * (64 bytes through sysfs without root) leaves the link unknown. */
static void read_pcie_link(struct pci_dev *d, struct pcie_link *link)
{
	struct pci_cap *cap = pci_find_cap(d, PCI_CAP_ID_EXP, PCI_CAP_NORMAL);
	u8 lnkcap[4], lnksta[2];
	unsigned cap_reg, sta_reg;

	if (!cap || !pci_read_block(d, (int)cap->addr + PCI_EXP_LNKCAP, lnkcap, 4) ||
	    !pci_read_block(d, (int)cap->addr + PCI_EXP_LNKSTA, lnksta, 2))
		return;
	/* Config space is little-endian. */
	cap_reg = (unsigned)lnkcap[0] | (unsigned)lnkcap[1] << 8 |
		  (unsigned)lnkcap[2] << 16 | (unsigned)lnkcap[3] << 24;
	sta_reg = (unsigned)lnksta[0] | (unsigned)lnksta[1] << 8;
	link->max_gen = speed_code_gen(cap_reg & PCI_EXP_LNKCAP_SPEED);
	link->max_width = link_width((cap_reg & PCI_EXP_LNKCAP_WIDTH) >> 4);
	link->gen = speed_code_gen(sta_reg & PCI_EXP_LNKSTA_SPEED);
	link->width = link_width((sta_reg & PCI_EXP_LNKSTA_WIDTH) >> 4);
	if (link->max_gen != HW_UNKNOWN || link->gen != HW_UNKNOWN)
		link->source = SRC_PCI_CONFIG;
}

static bool wanted_class(int class_code)
{
	int base = class_code >> 8;

	return base == PCI_BASE_CLASS_DISPLAY || base == 0x12; /* 0x12: processing accelerators */
}

struct device_job {
	struct pci_dev *dev;
	struct pci_function *fn;
	bool keep;
};

static void init_function(struct pci_function *f, const struct pci_dev *d)
{
	memset(f, 0, sizeof(*f));
	f->domain = d->domain;
	f->bus = d->bus;
	f->dev = d->dev;
	f->func = d->func;
	snprintf(f->bus_id, sizeof(f->bus_id), "%04x:%02x:%02x.%x",
		 (unsigned)d->domain, d->bus, d->dev, d->func);
	f->subvendor_id = f->subdevice_id = HW_UNKNOWN;
	f->link.gen = f->link.width = HW_UNKNOWN;
	f->link.max_gen = f->link.max_width = HW_UNKNOWN;
	f->link.source = SRC_UNKNOWN;
}

static void read_device(struct pci_access *acc, void *arg)
{
	struct device_job *job = arg;
	struct pci_dev *d = job->dev;
	struct pci_function *f = job->fn;
	int known;
	char *name;

	init_function(f, d);
	pci_fill_info(d, PCI_FILL_IDENT | PCI_FILL_CLASS);
	f->vendor_id = d->vendor_id;
	f->device_id = d->device_id;
	f->class_code = d->device_class;
	job->keep = d->vendor_id != 0xffff && wanted_class(d->device_class);
	if (!job->keep)
		return;
	known = pci_fill_info(d, PCI_FILL_CLASS_EXT | PCI_FILL_SUBSYS | PCI_FILL_CAPS);
	f->revision = (known & PCI_FILL_CLASS_EXT) ? d->rev_id : HW_UNKNOWN;
	if (known & PCI_FILL_SUBSYS) {
		f->subvendor_id = d->subsys_vendor_id;
		f->subdevice_id = d->subsys_id;
	}
	read_pcie_link(d, &f->link);
	name = pci_lookup_name(acc, f->ids_name, sizeof(f->ids_name),
			       PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS,
			       f->vendor_id, f->device_id);
	if (!name)
		f->ids_name[0] = '\0';
}

static int compare_address(const void *a, const void *b)
{
	const struct pci_function *x = a, *y = b;
	long kx = ((long)x->domain << 16) | x->bus << 8 | x->dev << 3 | x->func;
	long ky = ((long)y->domain << 16) | y->bus << 8 | y->dev << 3 | y->func;

	return (kx > ky) - (kx < ky);
}

/* Points libpci at the fixture's pci.ids when the sysroot ships one; ids
 * must stay valid until pci_cleanup. Fixture names must not depend on the
 * machine's hwdb or id cache either. */
static void choose_names(struct pci_access *acc, const char *sysroot,
			 char *ids, size_t size)
{
	acc->id_lookup_mode = 0;
	if (!sysroot || !*sysroot ||
	    fs_path(ids, size, sysroot, "/usr/share/misc/pci.ids") < 0 ||
	    access(ids, R_OK) != 0)
		return;
	pci_set_name_list_path(acc, ids, 0);
	acc->id_lookup_mode = PCI_LOOKUP_NO_HWDB;
}

/* Sets the access method and its path. Returns 0, or -1 with err. */
static int choose_method(struct pci_access *acc, const struct pcibus_source *src,
			 struct error *err)
{
	char path[HW_PATH_MAX];
	const char *param = src->dump_path ? "dump.name" : "sysfs.path";

	if (src->dump_path)
		snprintf(path, sizeof(path), "%s", src->dump_path);
	else if (fs_path(path, sizeof(path), src->sysroot, "/sys/bus/pci") < 0)
		return error_set(err, "%s: path too long", src->sysroot);
	acc->method = src->dump_path ? PCI_ACCESS_DUMP : PCI_ACCESS_SYS_BUS_PCI;
	/* libpci copies the value. */
	if (pci_set_param(acc, (char *)param, path) < 0)
		return error_set(err, "libpci: no '%s' parameter", param);
	return 0;
}

/* pci_init parses a dump completely; a fault part-way leaves the devices
 * read before it linked in. The newest (libpci links at the head) is the
 * one cut short: drop it, keep the complete ones. */
static int open_bus(struct pci_access *acc, const struct pcibus_source *src,
		    struct warnings *w, struct error *err)
{
	if (guarded(do_init, acc, NULL) == 0 &&
	    guarded(do_scan, acc, NULL) == 0)
		return 0;
	if (!src->dump_path) {
		warn_add(w, "PCI bus not readable (%s): no GPUs detected", pci_fault);
		return 1;
	}
	if (acc->devices) {
		struct pci_dev *partial = acc->devices;

		acc->devices = partial->next;
		pci_free_dev(partial);
	}
	if (!acc->devices)
		return error_set(err, "%s: malformed PCI dump: %s", src->dump_path,
				 pci_fault);
	warn_add(w, "%s: malformed PCI dump: %s; using the devices before it",
		 src->dump_path, pci_fault);
	return 0;
}

static void collect(struct pci_access *acc, struct pci_function *out, int max,
		    int *count, struct warnings *w)
{
	struct pci_function scratch;

	*count = 0;
	if (guarded(do_load_names, acc, NULL) < 0)
		warn_add(w, "pci.ids: %s", pci_fault);
	for (struct pci_dev *d = acc->devices; d; d = d->next) {
		struct device_job job = { d, *count < max ? &out[*count] : &scratch, false };

		if (guarded(read_device, acc, &job) < 0) {
			warn_add(w, "PCI %04x:%02x:%02x.%x: %s", (unsigned)d->domain,
				 d->bus, d->dev, d->func, pci_fault);
			continue;
		}
		if (!job.keep)
			continue;
		if (*count < max)
			(*count)++;
		else
			warn_add(w, "PCI %s: more than %d GPUs, ignored", scratch.bus_id, max);
	}
	qsort(out, (size_t)*count, sizeof(*out), compare_address);
}

int pcibus_scan(const struct pcibus_source *src, struct pci_function *out,
		int max, int *count, struct warnings *w, struct error *err)
{
	char ids[HW_PATH_MAX];
	struct pci_access *acc;
	int rc;

	*count = 0;
	/* libpci would call an unreadable dump malformed. */
	if (src->dump_path && access(src->dump_path, R_OK) != 0)
		return error_set(err, "%s: cannot read PCI dump: %s", src->dump_path,
				 strerror(errno));
	acc = pci_alloc();
	if (!acc)
		return error_set(err, "libpci: out of memory");
	acc->error = on_pci_error;
	acc->warning = on_pci_warning;
	acc->debug = on_pci_debug;
	pci_warnings = w;
	rc = choose_method(acc, src, err);
	if (rc == 0) {
		choose_names(acc, src->sysroot, ids, sizeof(ids));
		rc = open_bus(acc, src, w, err);
	}
	if (rc == 0) {
		collect(acc, out, max, count, w);
		if (src->dump_path && !acc->devices)
			rc = error_set(err, "%s: malformed PCI dump: no device found",
				       src->dump_path);
	}
	pci_cleanup(acc);
	pci_warnings = NULL;
	return rc < 0 ? -1 : 0;
}

void pcibus_marketing_name(const char *ids_name, char *out, size_t size)
{
	const char *open = strchr(ids_name, '[');
	const char *close = strrchr(ids_name, ']');
	size_t n;

	if (!open || !close || close <= open + 1) {
		snprintf(out, size, "%s", ids_name);
		return;
	}
	n = (size_t)(close - open - 1);
	snprintf(out, size, "%.*s", (int)n, open + 1);
}
