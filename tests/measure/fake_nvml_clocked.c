/* fake_nvml.c with an energy counter that follows the reported power over time (CLOCK_MONOTONIC), for the tests of
 * the out-of-process GPU reader (test_gpu_reader_process.py): both readers must give the same energy from it.
 * FAKE_NVML_HANG_AFTER_MS: from that many ms after the first counter read on, every power and counter read blocks
 * (a hung driver call). FAKE_NVML_PID: at the first power read, GPU 0 gets two compute processes, that pid and pid 1,
 * each at 50 % SM (the tracked process's share is then 0.5). Built like fake_nvml.c: cc -shared -fPIC fake_nvml_clocked.c -o libnvidia-ml.so.1 */
#define nvmlDeviceGetTotalEnergyConsumption fake_static_energy
#define nvmlDeviceGetPowerUsage fake_static_power
#include "fake_nvml.c"
#undef nvmlDeviceGetTotalEnergyConsumption
#undef nvmlDeviceGetPowerUsage
#include <time.h>

static double first_read = -1.0;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void maybe_hang(void) {
    const char *ms = getenv("FAKE_NVML_HANG_AFTER_MS");
    if (ms && first_read >= 0 && now_s() - first_read > atoi(ms) / 1000.0)
        for (;;) sleep(1);
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *power) {
    static int added = 0;
    const char *pid = getenv("FAKE_NVML_PID");
    if (pid && !added) {
        added = 1;
        fake_add_process(0, (unsigned int)atoi(pid), 1ULL << 30, 50);
        fake_add_process(0, 1, 1ULL << 30, 50);
    }
    maybe_hang();
    return fake_static_power(d, power);
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t d, unsigned long long *energy) {
    unsigned long long base;
    nvmlReturn_t r = fake_static_energy(d, &base);
    double t = now_s();
    if (r) return r;
    maybe_hang();
    if (first_read < 0) first_read = t;
    *energy = base + (unsigned long long)((t - first_read) * power_mw[d->index]);  /* mW x s = mJ */
    return 0;
}
