/* A fake libnvidia-ml for the tests of aifootprint.measure.sensors.nvml: the NVML C ABI (nvml.h of the CUDA
 * toolkit; NVML API Reference Guide), no GPU. Two devices; every value is set by the test through fake_set_*.
 * Built by the tests with the system C compiler: cc -shared -fPIC [-DNO_VERSIONED] fake_nvml.c -o libfake-nvml.so
 * (NO_VERSIONED: only the unversioned entry points, as old drivers have them). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int nvmlReturn_t;
typedef struct fake_device { int index; } *nvmlDevice_t;

typedef struct { unsigned int pid; unsigned long long usedGpuMemory; unsigned int gpuInstanceId;
                 unsigned int computeInstanceId; } nvmlProcessInfo_t;
typedef struct { unsigned int pid; unsigned long long usedGpuMemory; } nvmlProcessInfo_v1_t;
typedef struct { unsigned int pid; unsigned long long timeStamp; unsigned int smUtil; unsigned int memUtil;
                 unsigned int encUtil; unsigned int decUtil; } nvmlProcessUtilizationSample_t;

#define N 2
#define MAXP 16
static struct fake_device devices[N] = {{0}, {1}};
static int initialised = 0, inits = 0, shutdowns = 0;
static unsigned long long energy_mj[N] = {1000, 2000};
static unsigned int power_mw[N] = {250000, 300000};
static unsigned int limit_mw[N] = {700000, 700000};
static unsigned int arch[N] = {9, 9};  /* NVML_DEVICE_ARCH_HOPPER */
static int fail_code[N] = {0, 0};     /* returned by every device query when set */
static unsigned int n_procs[N] = {0, 0};
static unsigned int proc_pid[N][MAXP];
static unsigned long long proc_mem[N][MAXP];
static unsigned int proc_sm[N][MAXP];

/* -- controls for the tests ------------------------------------------------------------------------------- */
void fake_set_energy(int i, unsigned long long mj) { energy_mj[i] = mj; }
void fake_set_power(int i, unsigned int mw) { power_mw[i] = mw; }
void fake_set_fail(int i, int code) { fail_code[i] = code; }
void fake_add_process(int i, unsigned int pid, unsigned long long mem, unsigned int sm) {
    proc_pid[i][n_procs[i]] = pid; proc_mem[i][n_procs[i]] = mem; proc_sm[i][n_procs[i]] = sm; n_procs[i]++;
}
int fake_inits(void) { return inits; }
int fake_shutdowns(void) { return shutdowns; }

static nvmlReturn_t dev_ok(nvmlDevice_t d) {
    if (!initialised) return 1;               /* NVML_ERROR_UNINITIALIZED */
    if (d == 0 || d->index < 0 || d->index >= N) return 2;  /* NVML_ERROR_INVALID_ARGUMENT */
    return fail_code[d->index];
}

/* -- the NVML ABI --------------------------------------------------------------------------------------------- */
static nvmlReturn_t init(void) {
    const char *ms = getenv("FAKE_NVML_INIT_MS");  /* a slow initialisation (no persistence mode), for the tests */
    if (ms) usleep((useconds_t)(atoi(ms) * 1000));
    initialised = 1; inits++;
    return 0;
}
#ifndef NO_VERSIONED
nvmlReturn_t nvmlInit_v2(void) { return init(); }
#endif
nvmlReturn_t nvmlInit(void) { return init(); }
nvmlReturn_t nvmlInitWithFlags(unsigned int flags) { (void)flags; return init(); }  /* pynvml's entry point */
nvmlReturn_t nvmlShutdown(void) { if (!initialised) return 1; initialised = 0; shutdowns++; return 0; }

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    const char *v = "580.159.04-fake";
    if (length < strlen(v) + 1) return 7;     /* NVML_ERROR_INSUFFICIENT_SIZE */
    strcpy(version, v);
    return 0;
}

static nvmlReturn_t count(unsigned int *n) { if (!initialised) return 1; *n = N; return 0; }
#ifndef NO_VERSIONED
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *n) { return count(n); }
#endif
nvmlReturn_t nvmlDeviceGetCount(unsigned int *n) { return count(n); }

static nvmlReturn_t handle(unsigned int i, nvmlDevice_t *d) {
    if (!initialised) return 1;
    if (i >= N) return 2;
    *d = &devices[i];
    return 0;
}
#ifndef NO_VERSIONED
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *d) { return handle(i, d); }
#endif
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int i, nvmlDevice_t *d) { return handle(i, d); }

static nvmlReturn_t text(nvmlDevice_t d, char *out, unsigned int length, const char *a, const char *b) {
    nvmlReturn_t r = dev_ok(d);
    const char *v = d->index ? b : a;
    if (r) return r;
    if (length < strlen(v) + 1) return 7;
    strcpy(out, v);
    return 0;
}
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int length) {
    return text(d, uuid, length, "GPU-00000000-fake-0000-0000-000000000000", "GPU-11111111-fake-1111-1111-111111111111");
}
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length) {
    return text(d, name, length, "NVIDIA H200", "NVIDIA H100 80GB HBM3");
}
nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t d, unsigned int *a) {
    nvmlReturn_t r = dev_ok(d); if (r) return r; *a = arch[d->index]; return 0;
}
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t d, unsigned int *limit) {
    nvmlReturn_t r = dev_ok(d); if (r) return r; *limit = limit_mw[d->index]; return 0;
}
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *power) {
    nvmlReturn_t r = dev_ok(d); if (r) return r; *power = power_mw[d->index]; return 0;
}
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t d, unsigned long long *energy) {
    nvmlReturn_t r = dev_ok(d); if (r) return r; *energy = energy_mj[d->index]; return 0;
}

#define LIST(TYPE, FILL)                                                                                       \
    nvmlReturn_t r = dev_ok(d); unsigned int k, n;                                                             \
    if (r) return r;                                                                                           \
    n = n_procs[d->index];                                                                                     \
    if (*count < n || infos == 0) { *count = n; return n ? 7 : 0; }                                            \
    for (k = 0; k < n; k++) { TYPE *p = &infos[k]; memset(p, 0, sizeof *p); FILL; }                            \
    *count = n;                                                                                                \
    return 0;

#ifndef NO_VERSIONED
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_t *infos) {
    LIST(nvmlProcessInfo_t, (p->pid = proc_pid[d->index][k], p->usedGpuMemory = proc_mem[d->index][k],
                             p->gpuInstanceId = 0xFFFFFFFF, p->computeInstanceId = 0xFFFFFFFF))
}
#endif
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t d, unsigned int *count, nvmlProcessInfo_v1_t *infos) {
    LIST(nvmlProcessInfo_v1_t, (p->pid = proc_pid[d->index][k], p->usedGpuMemory = proc_mem[d->index][k]))
}

nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t d, nvmlProcessUtilizationSample_t *utilization,
                                             unsigned int *processSamplesCount, unsigned long long lastSeenTimeStamp) {
    nvmlReturn_t r = dev_ok(d); unsigned int k, n;
    if (r) return r;
    n = n_procs[d->index];
    if (n == 0) return 6;                     /* NVML_ERROR_NOT_FOUND: no sample yet */
    if (*processSamplesCount < n || utilization == 0) { *processSamplesCount = n; return 7; }
    for (k = 0; k < n; k++) {
        utilization[k].pid = proc_pid[d->index][k];
        utilization[k].timeStamp = lastSeenTimeStamp + 1000 + k;
        utilization[k].smUtil = proc_sm[d->index][k];
        utilization[k].memUtil = 0; utilization[k].encUtil = 0; utilization[k].decUtil = 0;
    }
    *processSamplesCount = n;
    return 0;
}
