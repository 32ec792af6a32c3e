"""Running energy state of one device inside a tracker (counter, power integration, gaps, per-interval feed)."""

from __future__ import annotations

from .smoothing import CounterSmoother

TYPE_CHECKING = False  # typing and dataclasses are not imported at run time (the tracker's import stays cheap)
if TYPE_CHECKING:
    from .measurement import DeviceEnergy, Gap
    from .sensors.base import Reading, Sensor

#: A counter window shorter than this many counter update periods is measured by power integration instead: the
#: counter's quantisation error is up to one update period's energy, i.e. more than 10 % below that length.
COARSE_FACTOR = 10.0
#: A power reading above this many times the device's power limit is implausible (excluded, flagged). Readings a
#: little above the limit are real (the limit is enforced on an average; short excursions pass it).
LIMIT_TOLERANCE = 1.25
#: The counter field of a window's start mark when the device had no counter reading yet (the window then counts
#: from the device's first counter reading; see :meth:`DeviceTrack.window_energy`).
NO_COUNTER = float("nan")


def implausible(sensor: Sensor, reading: Reading) -> str:
    """Why a reading cannot be right ('' when it can): negative power, or far above the device's power limit."""
    power = reading.power_w
    if power is None:
        return ""
    if not power >= 0:  # negative or NaN
        return f"implausible power reading {power} W (negative): excluded"
    limit = getattr(sensor, "power_limit_w", None)
    if isinstance(limit, (int, float)) and limit > 0 and power > LIMIT_TOLERANCE * limit:
        return (f"implausible power reading {power:g} W (above {LIMIT_TOLERANCE:g} x the device's "
                f"{limit:g} W limit): excluded")
    return ""


def read_period(sensor: Sensor, tick_s: float, flush_s: float) -> float:
    """How often the background sampler reads ``sensor`` [s]: every tick (``tick_s`` = 1/hz), unless the sensor
    says that its reading cannot change faster (optional attribute ``refresh_s``: the CPU estimate re-reads
    ``/proc/stat`` every 0.5 s, the RAM estimate is constant); such a sensor is read every ``refresh_s``, and at
    least every ``flush_s`` (each store write carries a fresh sample of every device: a killed process loses at
    most ``flush_s`` of any device)."""
    refresh = getattr(sensor, "refresh_s", None)
    if not isinstance(refresh, (int, float)) or not refresh > tick_s:
        return tick_s
    return max(tick_s, min(float(refresh), flush_s))


class DeviceTrack:
    """Running state of one device."""

    def __init__(self, sensor: Sensor, owned: bool, t0: float) -> None:
        self.sensor = sensor
        self.owned = owned
        self.t0 = t0
        self.t: float | None = None
        self.power: float | None = None
        self.counter: float | None = None
        self.integrated_j = 0.0
        self.best_j = 0.0
        self.process_j = 0.0
        self.has_process = False
        self.share: float | None = None  # the latest reading's process share (edges extrapolate the process energy)
        self.failing_since: float | None = None
        self.error = ""
        self.gaps: list[Gap] = []
        self.smoother = CounterSmoother()
        self.emitted: list[tuple[float, float, float]] = []  # per-interval feed (absolute times)
        self.rate_w: float | None = None  # latest energy rate (power, else the last counter delta / time)
        self.reading_since: float | None = None  # set while a read is in progress (hung sensor detection)
        self.rejected = 0  # readings flagged implausible and excluded
        self.bridge_from: float | None = None  # start time to bridge to the first reading (set by the tracker)
        self.period_s = 0.0  # the sampler reads the sensor at most this often (0: every tick; see read_period)
        self.read_at = -1e18  # the sampler tick of the last read (tracker's clock)
        self.best_at_counter = 0.0  # best_j at the last counter reading (the anchor; see update)
        self.first_counter: float | None = None  # the first counter reading (a mark without one counts from it)
        # a power reading that is an average over the last 2 x lag seconds describes the power lag seconds ago
        lag = getattr(sensor, "power_lag_s", 0.0)
        self.lag_s = float(lag) if isinstance(lag, (int, float)) and lag > 0 else 0.0
        self.anchor_t: float | None = None  # time of the last counter reading
        self.lagged_int: float | None = None  # integrated_j at anchor_t + lag_s (None until a reading passes it)
        # the sensor's read of every quantity now (first and last readings; see NvidiaSensor.read_full)
        self.read_full = getattr(sensor, "read_full", sensor.read)

    def update(self, t: float, r: Reading, feed: bool = False) -> tuple[float, Gap | None]:
        """Fold a reading in; return the energy since the previous reading and a closed gap, if any.

        A sensor may give its counter at some readings only (a costly counter read on a read budget) and power at
        all: readings without the counter add integrated power, and each counter reading re-anchors the cumulative
        energy to the counter: its delta is the counter's increase since the previous counter reading minus what
        power integration already added since then (negative when integration overshot), so that the cumulative
        energy at every counter reading is exactly the counter's. With the counter at every reading this is the
        plain counter difference.

        With ``feed``, final per-interval energies are appended to :attr:`emitted` (counter increments spread
        over the intervals by power when the device has both, see :mod:`.smoothing`)."""
        dt = t - self.t if self.t is not None else 0.0
        d_int = 0.0
        if self.t is not None and dt > 0:
            if self.power is not None and r.power_w is not None:
                d_int = 0.5 * (self.power + r.power_w) * dt
            elif self.power is not None or r.power_w is not None:
                d_int = (self.power if self.power is not None else r.power_w or 0.0) * dt
        self.integrated_j += d_int
        prev_counter = self.counter
        if r.energy_j is not None and prev_counter is not None:
            delta = max(0.0, r.energy_j - prev_counter) - (self.best_j - self.best_at_counter)
        elif r.energy_j is not None:
            delta = 0.0  # first counter value: the baseline
        elif self.lag_s > 0 and self.anchor_t is not None and self.t is not None and r.power_w is not None:
            delta = self._lagged_estimate(t, self.t, self.anchor_t, r.power_w, d_int) - self.best_j
        else:
            delta = d_int
        if r.energy_j is not None:
            self.counter = r.energy_j
            if self.first_counter is None:
                self.first_counter = r.energy_j
        gap = None
        if self.failing_since is not None:
            if r.energy_j is not None and prev_counter is not None:
                bridged = "counter"
            elif r.energy_j is None and self.power is not None and r.power_w is not None:
                bridged = "interpolated"
            else:
                bridged = "lost"
            from .measurement import Gap

            gap = Gap(self.sensor.device, self.failing_since - self.t0, t - self.t0, self.error, bridged)
            self.gaps.append(gap)
            self.failing_since = None
        self.best_j += delta
        if r.energy_j is not None:
            self.best_at_counter = self.best_j
            self.anchor_t, self.lagged_int = t, None
        if feed and self.t is not None and t > self.t:
            if r.energy_j is not None and prev_counter is not None and r.power_w is not None:
                self.emitted.extend(self.smoother.push(self.t, t, delta, d_int))
            else:
                self.emitted.append((self.t, t, delta))
        if r.process_fraction is not None:
            self.has_process = True
            self.process_j += delta * r.process_fraction
            self.share = r.process_fraction
        if r.power_w is not None:
            self.rate_w = r.power_w
        elif dt > 0:
            self.rate_w = delta / dt
        self.t, self.power = t, r.power_w
        return delta, gap

    def _lagged_estimate(self, t: float, prev_t: float, anchor_t: float, power_w: float, d_int: float) -> float:
        """Cumulative energy at ``t`` (previous reading at ``prev_t``) since the counter reading at ``anchor_t``, from
        power readings that are averages over the last ``2 x lag_s`` (NVML on Ampere and later, 1 s): the energy of
        [anchor, t - lag] is the integral of the readings from anchor + lag to t, and the last ``lag_s`` is the
        latest reading times ``lag_s``. Validated on an H200's 10 Hz samples against its counter (docs/measure.md,
        "NVML read budget")."""
        since = t - anchor_t
        if since < self.lag_s:
            return self.best_at_counter + power_w * since
        if self.lagged_int is None:  # this reading is the first past anchor + lag: interpolate the integral there
            at, prev_int = anchor_t + self.lag_s, self.integrated_j - d_int
            frac = (at - prev_t) / (t - prev_t) if t > prev_t and at > prev_t else 0.0
            self.lagged_int = prev_int + d_int * frac
        return self.best_at_counter + (self.integrated_j - self.lagged_int) + power_w * self.lag_s

    def add_bridge(self, energy_j: float, process_fraction: float | None = None) -> None:
        """Energy from before the first reading (start() to the first read, at its power): outside every counter
        interval, so it moves the anchor too; the process's part is the first reading's share, as for any interval
        (without it the process energy of a run or window lost the whole bridge)."""
        self.best_j += energy_j
        self.integrated_j += energy_j
        self.best_at_counter += energy_j
        if process_fraction is not None:
            self.has_process = True
            self.process_j += energy_j * process_fraction
            self.share = process_fraction

    def fail(self, t: float, exc: BaseException) -> bool:
        """Record a failed read; True when it opens a new gap."""
        self.error = f"{type(exc).__name__}: {exc}"
        if self.failing_since is None:
            self.failing_since = self.t if self.t is not None else t
            return True
        return False

    def window_energy(self, mark: tuple[float, float, float, float, int], now: tuple[float, float, float],
                      duration: float) -> DeviceEnergy:
        """The device's energy over a window from its start ``mark`` (a :meth:`snapshot`) to ``now`` (best,
        integrated, process), and how it was obtained (see the tracker's module docstring)."""
        s = self.sensor
        d_best, d_int = now[0] - mark[0], now[1] - mark[1]
        method = base = s.method
        note = ""
        if self.counter is not None and d_int > 0:
            update = s.counter_update_s
            # the counter's value when the window began (its first reading for a window begun before it): a
            # counter that did not move is seen as such even when the window holds start()'s bridge energy
            unchanged = self.counter == (mark[3] if mark[3] == mark[3] else self.first_counter)
            period = getattr(s, "counter_period_s", 0.0)
            unread = isinstance(period, (int, float)) and period > duration  # read budget: maybe no read inside
            if update is not None and duration < COARSE_FACTOR * update:
                method, note = f"{base}+power-integrated", (
                    f"window of {duration:.3f} s is shorter than {COARSE_FACTOR:g} counter updates "
                    f"({update * 1000:.0f} ms each): power integrated instead")
            elif d_best == 0 or (unchanged and not unread):
                method, note = f"{base}+power-integrated", (
                    "energy counter did not change during the window: power integrated instead")
            if method != base:
                d_best = d_int
            elif unchanged and unread:
                # no counter reading inside the window (read budget): the lag-corrected power estimate is kept
                method, note = f"{base}+power-integrated", (
                    f"no energy-counter reading inside the window (the counter is read every {period:.1f} s to "
                    "keep the sensor's CPU cost within its read budget): power integrated, anchored to the counter "
                    "reading before the window")
        elif self.counter is not None and d_best == 0 and duration > 0:
            note = "energy counter did not change and no power reading exists: 0 J may be an under-read"
        if d_best < 0:  # a counter re-anchoring inside a short window took back more than the window integrated
            note = "; ".join(filter(None, [note, f"counter correction of {d_best:.3g} J inside the window: 0 J kept"]))
            d_best = 0.0
        if self.rejected:
            note = "; ".join(filter(None, [note, f"{self.rejected} implausible reading(s) excluded"]))
        proc = (now[2] - mark[2]) if self.has_process else None
        from .measurement import DeviceEnergy

        return DeviceEnergy(s.device, s.component, method, s.estimated, d_best, proc, note)

    def snapshot(self, at: float | None = None) -> tuple[float, float, float, float, int]:
        """Cumulative state; with ``at`` (a time after the last reading), extrapolated to it at the latest rate and
        process share (window edges that must not wait for a sensor read; the next reading's share of the interval
        is counted at that reading, so that an edge taken without the extrapolation would move up to a tick's
        process energy, half a second's where the other devices are read every 0.5 s, across it)."""
        extra = extra_int = extra_proc = 0.0
        if at is not None and self.t is not None and at > self.t and self.failing_since is None:
            extra = (self.rate_w or 0.0) * (at - self.t)
            extra_int = (self.power or 0.0) * (at - self.t)
            extra_proc = extra * self.share if self.share is not None else 0.0
        return (self.best_j + extra, self.integrated_j + extra_int, self.process_j + extra_proc,
                self.counter if self.counter is not None else NO_COUNTER, len(self.gaps))
