"""A request that is started and never ended (a server's error path that forgets ``end()``): the attributor closes
it after ``max_open_s`` and flags it, instead of holding every later interval and request until ``stop()``."""

from __future__ import annotations

import pytest

from aifootprint.measure.attribution import RequestAttributor
from aifootprint.measure.config import REQUEST_MAX_OPEN_S, TrackerConfig
from aifootprint.measure.sensors.fake import FakeSensor
from aifootprint.measure.tracker import Tracker
from aifootprint.notice import Notice


def _serve(attributor: RequestAttributor, seconds: int) -> None:
    """One request per second, each ended, 10 intervals of 1 J a second; ``stuck`` never ends."""
    attributor.start("stuck", 10, t_s=0.0)
    for s in range(seconds):
        attributor.start(f"r{s}", 10, t_s=s + 0.1)
        attributor.end(f"r{s}", 10, t_s=s + 0.5)
        for k in range(10):
            attributor.add_interval(s + k / 10, s + (k + 1) / 10, 1.0)


def test_a_request_never_ended_is_closed_at_the_limit_and_flagged() -> None:
    """Before: 600 s of 10 Hz intervals behind one request never ended: none of the 600 ended requests was final,
    6,000 intervals queued. Now the stuck request is closed at ``max_open_s`` (60 s here) and flagged; the queue
    and the unfinalised requests stay within the limit's worth."""
    attributor = RequestAttributor(max_open_s=60.0)
    _serve(attributor, 600)
    assert len(attributor._intervals) <= 61 * 10
    done = {r.request_id: r for r in attributor.completed}
    assert len(done) >= 600 - 61 and "stuck" in done
    stuck = done["stuck"]
    assert (stuck.start_s, stuck.end_s, stuck.finished) == (0.0, 60.0, False)
    assert all(r.finished for r in done.values() if r.request_id != "stuck")
    (notice,) = attributor.notices
    assert isinstance(notice, Notice) and notice.code == "request-open-too-long"
    assert "stuck" in notice.message and "60" in notice.message
    attributor.first_token("stuck")  # a late mark of a request closed at the limit: ignored, not an exception
    attributor.end("stuck", 5)
    assert attributor.late_end_count == 1 and "1 end() call(s) came later" in attributor.notices[0].message
    with pytest.raises(ValueError, match="not active"):
        attributor.end("never-started", 5)
    attributor.finish()
    assert [r.finished for r in attributor.completed if r.request_id == "stuck"] == [False]
    assert attributor.total_nj == attributor.idle_nj + sum(r.energy_nj for r in attributor.completed)


def test_within_the_limit_nothing_is_closed_or_flagged() -> None:
    attributor = RequestAttributor(max_open_s=700.0)
    _serve(attributor, 600)
    assert attributor.notices == () and len(attributor._intervals) == 6000  # waits for "stuck", as documented
    assert {r.request_id for r in attributor.finish() if not r.finished} == {"stuck"}


def test_the_limit_is_a_tracker_setting_whose_notice_reaches_the_result() -> None:
    assert TrackerConfig().request_max_open_s == REQUEST_MAX_OPEN_S == 3600.0
    with pytest.raises(ValueError, match="request_max_open_s"):
        TrackerConfig(request_max_open_s=0.0)
    tracker = Tracker(TrackerConfig(store=False, background=False, request_max_open_s=1.0),
                      sensors=[FakeSensor("gpu:0", "gpu", 100.0)]).start()
    requests = tracker.requests()
    assert requests.max_open_s == 1.0
    requests.start("stuck", 1, t_s=0.0)
    requests.add_interval(0.0, 2.0, 1.0)
    result = tracker.stop()
    assert [n.code for n in result.notes if n.code == "request-open-too-long"] == ["request-open-too-long"]
