"""Believable parcel timelines for the demo store: warehouse → hubs → delivery station → door.

Times follow how parcels really move: pickups in working hours, trunk legs paced by distance,
couriers out in the morning. Every timeline is built forward from the order time and is
strictly increasing; ``timeline`` cuts it to the order's status and never keeps a scan later
than the store's "now" (the anchor)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from desktop_app.core.places import CITIES, Carrier, District, distance_km, route_hubs
from desktop_app.store.demo.catalog_orders import DELAYED, DELIVERED, IN_TRANSIT, PAID, RETURNED, SHIPPED


@dataclass(frozen=True)
class Scan:
    occurred_at: datetime
    code: str
    location_en: str
    location_zh: str
    description_en: str
    description_zh: str


@dataclass(frozen=True)
class Trip:
    origin: str
    destination: str
    district: District
    carrier: Carrier


def _minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


def _after(t: datetime, hours: float) -> datetime:
    """``t`` plus ``hours``, on a whole minute, and at least one minute later."""
    return max(_minute(t + timedelta(hours=hours)), _minute(t) + timedelta(minutes=1))


def _working_hours(rng: random.Random, t: datetime, start: float, end: float) -> datetime:
    """``t`` if it falls in [start, end) o'clock, else a random time in the next such window."""
    hour = t.hour + t.minute / 60
    if start <= hour < end:
        return t
    day = t.date() if hour < start else t.date() + timedelta(days=1)
    opening = datetime.combine(day, time()) + timedelta(hours=start)
    return _after(opening, rng.uniform(0.0, min(2.0, end - start)))


def transit_days(trip: Trip) -> int:
    """Days a carrier quotes from pickup to door: 2 nearby, 3 across regions, 4 far away."""
    km = distance_km(trip.origin, trip.destination) if trip.origin != trip.destination else 0.0
    return 2 if km < 700 else 3 if km < 1600 else 4


def promised_by(trip: Trip, placed_at: datetime) -> datetime:
    """End of the day the shop promises: one handling day plus the carrier's quote (3-5 days)."""
    day = placed_at.date() + timedelta(days=1 + transit_days(trip))
    return datetime.combine(day, time(23, 59))


def _city_en(zh: str) -> str:
    return CITIES[zh].en


def _hub(trip: Trip, city: str) -> tuple[str, str]:
    return f"{_city_en(city)} {trip.carrier.hub_en}", f"{city}{trip.carrier.hub_zh}"


def _station(trip: Trip) -> tuple[str, str]:
    d = trip.district
    return f"{_city_en(trip.destination)} {d.en} station", f"{trip.destination}{d.zh}营业部"


def created_scan(rng: random.Random, trip: Trip, placed_at: datetime) -> Scan:
    o = trip.origin
    return Scan(_after(placed_at, rng.uniform(0.05, 0.6)), "created",
                f"{_city_en(o)} warehouse", f"{o}发货仓",
                "Order confirmed; the warehouse is packing it, awaiting courier pickup",
                "订单已确认，仓库正在打包，等待快递揽收")


def journey(rng: random.Random, trip: Trip, placed_at: datetime) -> list[Scan]:
    """The full delivered timeline of one parcel, from order confirmation to signature."""
    c = trip.carrier
    scans = [created_scan(rng, trip, placed_at)]
    t = _working_hours(rng, _after(scans[0].occurred_at, rng.uniform(1.5, 6.0)), 9.0, 19.0)
    o_en = _city_en(trip.origin)
    scans.append(Scan(t, "picked_up", f"{o_en} pickup point", f"{trip.origin}揽收网点",
                      f"Picked up by {c.en}", f"{c.zh}已揽收"))
    hubs = route_hubs(trip.origin, trip.destination)
    previous = trip.origin
    for i, city in enumerate(hubs):
        if i == 0:
            hours = rng.uniform(3.0, 9.0)  # pickups wait for the evening line-haul to the hub
        else:
            hours = 1.0 + distance_km(previous, city) / rng.uniform(55.0, 70.0)
        t = _after(t, hours)
        loc_en, loc_zh = _hub(trip, city)
        scans.append(Scan(t, "arrived_hub", loc_en, loc_zh, f"Arrived at {loc_en}", f"已到达{loc_zh}"))
        if i + 1 < len(hubs):
            next_en, next_zh = _city_en(hubs[i + 1]), hubs[i + 1]
        else:
            next_en, next_zh = _station(trip)
        t = _after(t, rng.uniform(1.0, 5.0))
        scans.append(Scan(t, "departed", loc_en, loc_zh, f"Left {loc_en} for {next_en}",
                          f"已离开{loc_zh}，发往{next_zh}"))
        previous = city
    station_en, station_zh = _station(trip)
    t = _working_hours(rng, _after(t, rng.uniform(1.5, 4.0)), 8.0, 17.0)
    scans.append(Scan(t, "out_for_delivery", station_en, station_zh,
                      "Out for delivery; the courier will call before arriving",
                      "快递员正在派件，送达前会电话联系"))
    t = _after(t, rng.uniform(0.8, 5.0))
    how = rng.choice((
        ("Delivered and signed for by the recipient", "已签收，签收人：本人"),
        ("Delivered to the parcel locker in the recipient's compound", "已放入小区智能快递柜，请凭取件码取件"),
        ("Delivered; received at the building's front desk", "已签收，由物业前台代收"),
    ))
    scans.append(Scan(t, "delivered", station_en, station_zh, how[0], how[1]))
    return scans


_HELD = ("Still held here; the carrier is arranging priority dispatch", "包裹仍在此滞留，快递公司正在安排优先发出")

#: Why a parcel stalls: (first scan en, zh), (follow-up scan en, zh).
_REASONS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "rain": (("Delayed by heavy rain on the route; it moves on as soon as the roads reopen",
              "受强降雨天气影响，运输延误，道路恢复后将尽快发出"), _HELD),
    "snow": (("Delayed by snow on the route; it moves on as soon as the roads reopen",
              "受降雪天气影响，运输延误，道路恢复后将尽快发出"), _HELD),
    "backlog": (("Parcel backlog at the hub; dispatch is delayed", "转运中心包裹积压，延迟发出"), _HELD),
    "traffic": (("Traffic control on the trunk road; the truck is held", "干线道路交通管制，车辆滞留"), _HELD),
    "address": (("The address needs confirming; delivery is paused until we reach the recipient",
                 "收件地址待核实，暂缓派送，快递员将联系收件人"),
                ("The recipient could not be reached; the parcel waits at the station",
                 "未能联系到收件人，包裹暂存营业部")),
}


def delayed_cut(rng: random.Random, trip: Trip, scans: list[Scan], now: datetime) -> list[Scan]:
    """Cut a journey where the parcel got stuck and add the exception scan(s) that explain it.

    A parcel stuck for more than two days gets a second "still held" scan a day later, the way
    carriers re-scan stalled parcels; no scan is ever later than ``now``.
    """
    reason = rng.choice(("weather", "backlog", "traffic", "address"))
    if reason == "address":
        stall = next(i for i, s in enumerate(scans) if s.code == "out_for_delivery")
    else:
        hubs = [i for i, s in enumerate(scans) if s.code == "arrived_hub"]
        stall = hubs[-1] if len(hubs) == 1 else rng.choice(hubs[1:])
    if reason == "weather":
        reason = "snow" if CITIES[trip.destination].lat > 35.0 else "rain"
    where = scans[stall]
    (text_en, text_zh), (later_en, later_zh) = _REASONS[reason]
    exception = Scan(_after(where.occurred_at, rng.uniform(1.0, 8.0)), "exception",
                     where.location_en, where.location_zh, text_en, text_zh)
    cut = [*scans[: stall + 1], exception]
    if now - exception.occurred_at > timedelta(days=2) and rng.random() < 0.7:
        cut.append(Scan(_after(exception.occurred_at, rng.uniform(20.0, 30.0)), "exception",
                        where.location_en, where.location_zh, later_en, later_zh))
    return [s for s in cut if s.occurred_at <= now]


def return_scans(rng: random.Random, trip: Trip, delivered_at: datetime) -> list[Scan]:
    """A returned parcel: collected from the customer, then received back at the warehouse."""
    d = trip.district
    city_en = _city_en(trip.destination)
    t = _working_hours(rng, _after(delivered_at, rng.uniform(24.0, 96.0)), 9.0, 18.0)
    picked = Scan(t, "return_picked_up", f"{city_en} {d.en}", f"{trip.destination}{d.zh}",
                  f"Return parcel collected by {trip.carrier.en}", f"退货包裹已由{trip.carrier.zh}上门取件")
    days = float(transit_days(trip))
    t = _working_hours(rng, _after(t, rng.uniform(24.0 * days - 12.0, 24.0 * days + 12.0)), 9.0, 18.0)
    o = trip.origin
    back = Scan(t, "returned", f"{_city_en(o)} warehouse", f"{o}发货仓",
                "Return received at the warehouse; refund issued to the original payment method",
                "退货已入库，退款已原路退回")
    return [picked, back]


def timeline(
    rng: random.Random, status: str, days_ago: float | None, trip: Trip, anchor: datetime
) -> tuple[datetime, list[Scan]]:
    """When an order was placed and its scans so far, consistent with its status.

    ``days_ago`` (delivered and returned orders) is how long before ``anchor`` the parcel was
    delivered; the journey is moved by whole days to land there, within ±12 hours.
    """
    if status == PAID:
        placed = anchor - timedelta(hours=rng.uniform(1.5, 26.0))
        return placed, [created_scan(rng, trip, placed)]
    if status in (DELIVERED, RETURNED):
        assert days_ago is not None
        desired = anchor - timedelta(days=days_ago)
        placed = desired - timedelta(days=transit_days(trip) + rng.uniform(0.5, 1.5))
        scans = journey(rng, trip, placed)
        shift = timedelta(days=round((desired - scans[-1].occurred_at) / timedelta(days=1)))
        placed += shift
        scans = [_shifted(x, shift) for x in scans]
        if status == RETURNED:
            scans += return_scans(rng, trip, scans[-1].occurred_at)
        if scans[-1].occurred_at > anchor:
            raise RuntimeError("a delivered demo order ended after the anchor; lower its days_ago")
        return placed, scans
    if status == DELAYED:
        for _ in range(2000):
            placed = anchor - timedelta(hours=rng.uniform(96.0, 216.0))
            cut = delayed_cut(rng, trip, journey(rng, trip, placed), anchor)
            if cut[-1].code == "exception" and promised_by(trip, placed) < anchor - timedelta(hours=6):
                return placed, cut
        raise RuntimeError(f"could not lay out a delayed timeline from {trip.origin} to {trip.destination}")
    return _in_flight(rng, status, trip, anchor)


def _in_flight(rng: random.Random, status: str, trip: Trip, anchor: datetime) -> tuple[datetime, list[Scan]]:
    """A shipped or in-transit parcel: its journey shifted so that "now" falls between two scans.

    Whole-day shifts keep pickups and deliveries in working hours; when the anchor's time of
    day makes that impossible (a 07:00 anchor has no parcel "just picked up"), the journey is
    shifted by whatever it takes instead.
    """
    day = timedelta(days=1)
    for attempt in range(400):
        placed = anchor - timedelta(hours=rng.uniform(6.0, 30.0))
        scans = journey(rng, trip, placed)
        codes = [x.code for x in scans]
        first_departure = codes.index("departed")
        if status == SHIPPED:
            cuts = list(range(codes.index("picked_up"), first_departure))
        else:
            cuts = [i for i in range(first_departure, len(codes) - 2) if codes[i] in ("arrived_hub", "departed")]
        i = rng.choice(cuts)
        start, end = scans[i].occurred_at, scans[i + 1].occurred_at
        if attempt < 300:
            shift = day * -((end - anchor) // day)  # the smallest whole-day shift with end > anchor
            if start + shift > anchor:
                continue
        else:
            shift = anchor - (start + (end - start) * rng.uniform(0.1, 0.9))
        if status == IN_TRANSIT and promised_by(trip, placed + shift) < anchor + timedelta(hours=6):
            continue
        return placed + shift, [_shifted(x, shift) for x in scans[: i + 1]]
    raise RuntimeError(f"could not lay out a {status} timeline from {trip.origin} to {trip.destination}")


def _shifted(scan: Scan, by: timedelta) -> Scan:
    return Scan(scan.occurred_at + by, scan.code, scan.location_en, scan.location_zh,
                scan.description_en, scan.description_zh)


def tracking_number(rng: random.Random, carrier: Carrier) -> str:
    digits = "".join(str(rng.randrange(10)) for _ in range(carrier.tracking_digits))
    return carrier.tracking_prefix + digits
