"""The demo store's scripted orders and how many orders of each status it holds.

Scripted orders pin the situations the assistant must handle (a late parcel, a return inside
and outside each window, furniture that needs assembling); the generator adds random orders
around them until every status reaches its quota. Customer C001 gets only scripted orders, so
its history is known exactly.

Statuses are plain strings here: the store sits below the service layer, whose ``OrderStatus``
enum has the same values (the seed tests keep the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass

UNPAID, CANCELLED, PAID, SHIPPED, IN_TRANSIT, DELAYED, DELIVERED, RETURNED = (
    "unpaid", "cancelled", "paid", "shipped", "in_transit", "delayed", "delivered", "returned",
)
#: Unpaid and cancelled orders are added by ``seed_after_sales``, not by the quotas below.
ORDER_STATUSES: tuple[str, ...] = (UNPAID, CANCELLED, PAID, SHIPPED, IN_TRANSIT, DELAYED, DELIVERED, RETURNED)


@dataclass(frozen=True)
class Plan:
    """One order to generate; ``days_ago`` is days from delivery to the anchor (delivered/returned)."""

    customer: str
    status: str
    #: Fixed items; empty lets the generator draw from the customer's interests.
    skus: tuple[str, ...] = ()
    days_ago: float | None = None


#: Delivered orders land within ±12 h of ``days_ago``, so the groups below hold as
#: "≤ 5.5 days", "8.5-14.5 days" and "≥ 16.5 days" before the anchor.
SCENARIOS: tuple[Plan, ...] = (
    # C001: the rich history.
    Plan("C001", DELIVERED, ("PHN-LUM-A5",), 2.0),
    Plan("C001", DELAYED, ("CMP-NS-T2",)),
    Plan("C001", IN_TRANSIT, ("WAT-PW-S2",)),
    Plan("C001", PAID, ("CMP-TF-HL", "CMP-TF-DRY20")),
    Plan("C001", RETURNED, ("PHN-NVX-Y5",), 30.0),
    Plan("C001", DELIVERED, ("APP-NS-FLEECE",), 11.0),
    Plan("C001", DELIVERED, ("CMP-TF-BP40",), 24.0),
    # Delivered within the last week: the no-reason return window is open.
    Plan("C003", DELIVERED, ("APP-NS-SHELL",), 4.0),
    Plan("C006", DELIVERED, ("CMP-NS-T4",), 1.5),
    Plan("C005", DELIVERED, ("CMP-TF-UL1", "CMP-TF-MAT"), 3.5),
    Plan("C007", DELIVERED, ("SKN-SY-CR01", "SKN-SY-SUN50"), 3.0),
    Plan("C021", DELIVERED, ("APP-UL-PUFF",), 2.0),
    Plan("C002", DELIVERED, ("FUR-SHELF-3T",), 1.0),
    Plan("C019", DELIVERED, ("FUR-TABLE-SIDE",), 3.0),
    Plan("C012", DELIVERED, ("FUR-LACK-55",), 5.0),
    # Delivered 8-15 days ago: quality returns only.
    Plan("C008", DELIVERED, ("PHN-NVX-Y7",), 10.0),
    Plan("C014", DELIVERED, ("SKN-PL-VC15",), 12.0),
    Plan("C010", DELIVERED, ("CMP-TF-BP65",), 9.0),
    Plan("C009", DELIVERED, ("APP-UL-WOOL",), 13.0),
    # Delivered more than 15 days ago: outside every return window.
    Plan("C011", DELIVERED, ("WAT-LUM-W3",), 25.0),
    Plan("C013", DELIVERED, ("FUR-DESK-120",), 40.0),
    Plan("C004", DELIVERED, ("APP-JY-TEE",), 30.0),
    # An English-speaking customer's late parcel.
    Plan("C011", DELAYED, ("PHN-ARK-V8",)),
    # Furniture with assembly guides still on the way.
    Plan("C023", IN_TRANSIT, ("FUR-STOOL-01",)),
    Plan("C026", SHIPPED, ("FUR-BENCH-BJ",)),
)

#: Orders per status, scripted ones included.
QUOTA: dict[str, int] = {PAID: 10, SHIPPED: 10, IN_TRANSIT: 12, DELAYED: 10, DELIVERED: 26, RETURNED: 10}

#: Days-before-anchor ranges the random delivered orders cycle through (see ``SCENARIOS``).
DELIVERED_AGES: tuple[tuple[float, float], ...] = ((1.0, 5.0), (9.0, 14.0), (17.0, 70.0))

#: Days-before-anchor range of random returned orders' deliveries (room for the return trip).
RETURNED_AGE: tuple[float, float] = (12.0, 45.0)
